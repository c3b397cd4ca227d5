"""Cassettes: the committed ones hold no keys and say where they came from; recording
scrubs and trims; replay is offline, ordered, body-aware and never writes."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest
import requests
import yaml
from runway_mock.contracts import cassettes
from runway_mock.contracts.cassettes import NetworkBlocked, Recorder, ReplayMiss
from runway_mock.testing import serve

ROOT = Path(__file__).resolve().parents[1] / "cassettes"
KEY = "key_" + "0123456789abcdef" * 8
HEADERS = {"Authorization": f"Bearer {KEY}", "X-Runway-Version": "2024-11-06"}
META = {"test": "tests/test_contracts_cassettes.py::example", "target": "server"}


def test_committed_cassettes_hold_nothing_that_looks_like_a_key():
    """The committed cassettes (over 100) contain no key-like strings."""
    files = list(ROOT.rglob("*.yaml"))
    assert len(files) > 100, "the committed cassettes are missing"
    found = cassettes.lint(ROOT)
    assert not found, f"key-like strings in cassettes: {found[:5]}"


def test_committed_cassettes_say_what_they_were_recorded_against():
    """Each committed cassette names emulator, server target, version, time and seed."""
    for path in ROOT.rglob("*.yaml"):
        meta = cassettes.read_metadata(path)
        assert meta is not None
        assert meta["recordedAgainst"] == "emulator", path
        assert meta["target"] == "server", path
        assert meta["apiVersion"] == "2024-11-06", path
        assert meta["recordedAt"].endswith("Z"), path
        assert isinstance(meta["hypothesis"]["seed"], int), path
        assert meta["test"].startswith("contracts/"), path


def test_the_linter_flags_keys_and_bearer_tokens_but_not_scrubbed_ones():
    """The cassette linter flags real keys and bearer tokens, not scrubbed or short ones."""
    assert cassettes.lint_text(f"Authorization: Bearer {KEY}")
    assert cassettes.lint_text("Bearer abcdefgh")
    assert cassettes.lint_text('{"key": "key_0123456789abcdef"}')
    assert not cassettes.lint_text("Authorization: Bearer [scrubbed]")
    assert not cassettes.lint_text("Bearer short")
    assert not cassettes.lint_text("a key_ that is not hex: key_zzzzzzzzzzzzzzzzzz")


def test_scrubbing_removes_known_secrets_keys_bearers_and_jwts():
    """Scrubbing removes given secrets, keys, bearer tokens and output JWTs."""
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJrZXlIYXNoIjoiYWJjIn0.c2lnbmF0dXJlLXNpZw"
    text = (f"Bearer sessionkey12345 {KEY} my-own-secret "
            f"https://x.example/a.mp4?_jwt={jwt}")
    out = cassettes.scrub_text(text, ("my-own-secret",))
    assert "sessionkey12345" not in out and KEY not in out and jwt not in out
    assert "my-own-secret" not in out
    assert not cassettes.lint_text(out)
    assert cassettes.scrub_authorization("Basic dXNlcjpwYXNz") == "Basic [scrubbed]"
    assert cassettes.scrub_authorization("Bearer ") == "Bearer "


def test_cassette_names_stay_apart_when_ids_clean_up_alike():
    """Test ids that clean up to the same name still get distinct cassette files."""
    a = cassettes.cassette_path(ROOT, "contracts/test_x.py::test_y[Bearer]")
    b = cassettes.cassette_path(ROOT, "contracts/test_x.py::test_y[Bearer ]")
    c = cassettes.cassette_path(ROOT, "contracts/test_x.py::test_y[image_to_video-gen4.5]")
    assert a != b
    assert c.name == "test_y-image_to_video-gen4.5.yaml"
    assert c.parent.name == "test_x"


@pytest.fixture
def emulator():
    with serve(config={"seed": 5}) as url:
        yield url


def _record(path: Path, url: str) -> list[tuple[int, str]]:
    """Two task reads at different times, two bodies to one path, one 404."""
    seen = []
    session = requests.Session()
    with Recorder(path, "record", dict(META), secrets=(KEY,), base_url=url):
        body = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
                "ratio": "1280:720", "duration": 5}
        task = session.post(f"{url}/v1/image_to_video", json=body, headers=HEADERS).json()
        other = session.post(f"{url}/v1/image_to_video", json={**body, "duration": 2},
                             headers=HEADERS).json()
        for _ in range(2):
            r = session.get(f"{url}/v1/tasks/{task['id']}", headers=HEADERS)
            seen.append((r.status_code, r.json()["status"]))
            session.post(f"{url}/_mock/clock", json={"advance": 3600})
        r = session.get(f"{url}/v1/tasks/00000000-0000-4000-8000-000000000000", headers=HEADERS)
        seen.append((r.status_code, r.json()["error"]))
    return [(task["id"], other["id"]), *seen]


def test_recording_scrubs_the_key_drops_volatile_headers_and_rewrites_the_host(
        tmp_path, emulator):
    """Recording scrubs the key and JWTs, keeps only stable headers and hides the host."""
    path = tmp_path / "c.yaml"
    _record(path, emulator)
    text = path.read_text()
    assert KEY not in text and not cassettes.lint_text(text)
    assert "Bearer [scrubbed]" in text
    doc = yaml.safe_load(text)
    assert doc["metadata"] == META
    for item in doc["interactions"]:
        assert item["request"]["uri"].startswith("http://emulator.invalid/")
        assert set(item["response"]["headers"]) <= {"Content-Type", "Retry-After", "Allow"}
        assert "User-Agent" not in item["request"]["headers"]
    outputs = [i for i in doc["interactions"] if "SUCCEEDED" in i["response"]["body"]["string"]]
    assert outputs and "_jwt=[scrubbed]" in outputs[0]["response"]["body"]["string"]
    assert "127.0.0.1" not in text


def test_replay_is_offline_ordered_body_aware_and_read_only(tmp_path, emulator):
    """Replay needs no network, matches bodies, replays polls in order and never writes."""
    path = tmp_path / "c.yaml"
    (first_id, second_id), *recorded = _record(path, emulator)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    base = "http://replay.invalid"
    session = requests.Session()
    body = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
            "ratio": "1280:720", "duration": 5}
    with cassettes.no_network(), Recorder(path, "replay", {}, secrets=("another-key",)):
        with pytest.raises((NetworkBlocked, OSError)):
            socket.create_connection(("127.0.0.1", 9))
        hdrs = {**HEADERS, "Authorization": "Bearer another-key"}
        # Bodies pick the recording: the second request's body first.
        second = session.post(f"{base}/v1/image_to_video", json={**body, "duration": 2},
                              headers=hdrs).json()
        first = session.post(f"{base}/v1/image_to_video", json=body, headers=hdrs).json()
        assert (first["id"], second["id"]) == (first_id, second_id)
        # Polls come back in recorded order, and the last state repeats.
        polls = [session.get(f"{base}/v1/tasks/{first_id}", headers=hdrs).json()["status"]
                 for _ in range(3)]
        assert polls == [recorded[0][1], recorded[1][1], recorded[1][1]]
        assert polls[0] != polls[1]
        with pytest.raises(ReplayMiss, match="no recording of GET /v1/organization"):
            session.get(f"{base}/v1/organization", headers=hdrs)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_replay_without_a_cassette_fails_clearly(tmp_path):
    """Replaying a missing cassette raises ReplayMiss saying to record it first."""
    with pytest.raises(ReplayMiss, match="record it first"):
        Recorder(tmp_path / "missing.yaml", "replay", {}).__enter__()
