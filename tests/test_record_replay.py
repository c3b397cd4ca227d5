"""``runway-mock record`` and ``serve --replay`` with upstreams that are not this emulator.

The upstream here is a small foreign WSGI app written below (its own ids, its own task
timeline, output links carrying a JWT, an upload form with a signature): the official
Python SDK drives create -> poll -> download sessions through the recording proxy, then
the same sessions replay with the upstream gone and get the same bodies. Steady serving
Runway's public spec is the second upstream (tests/test_record_steady.py).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from runway_mock import cassettes, create_app
from runway_mock.contracts import drift
from runway_mock.proxy import Proxy
from runway_mock.replay import build

KEY = "key_" + "0123456789abcdef" * 4
API = {"Authorization": f"Bearer {KEY}", "X-Runway-Version": "2024-11-06"}
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvdXRwdXQifQ.c2lnbmF0dXJlLWJ5dGVz"


class Foreign:
    """A foreign Runway-like upstream: not the emulator, and it counts what it is sent."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.polls: dict[str, int] = {}
        self.count = 0
        self.base = ""
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        with self.lock:
            self.seen.append((method, path))
        if path.startswith("/files/"):
            start_response("200 OK", [("Content-Type", "image/png")])
            return [PNG]
        if environ.get("HTTP_AUTHORIZATION") != f"Bearer {KEY}":
            return self._json(start_response, 401, {"error": "Bad key"})
        if method == "POST" and path in ("/v1/text_to_image", "/v1/image_to_video"):
            data = json.loads(body)
            with self.lock:
                self.count += 1
                task = f"00000000-0000-4000-8000-{self.count:012d}"
            return self._json(start_response, 200, {"id": task, "estimatedCost": {
                "credits": 5 if data.get("model") == "gen4_image" else 60}})
        if method == "POST" and path == "/v1/uploads":
            return self._json(start_response, 200, {
                "uploadUrl": "https://uploads.example.invalid/bucket",
                "fields": {"key": "u/1", "policy": "cG9saWN5", "signature": "c2lnbmVk"},
                "runwayUri": "runway://upload/1"})
        if method == "GET" and path.startswith("/v1/tasks/"):
            task = path.rsplit("/", 1)[1]
            with self.lock:
                n = self.polls[task] = self.polls.get(task, 0) + 1
            if n == 1:
                return self._json(start_response, 200, {
                    "id": task, "status": "PENDING", "createdAt": "2026-01-01T00:00:00.000Z"})
            if n == 2:
                return self._json(start_response, 200, {
                    "id": task, "status": "RUNNING", "progress": 0.5,
                    "createdAt": "2026-01-01T00:00:00.000Z"})
            return self._json(start_response, 200, {
                "id": task, "status": "SUCCEEDED", "createdAt": "2026-01-01T00:00:00.000Z",
                "output": [f"{self.base}/files/{task}.png?_jwt={JWT}"]})
        if method == "DELETE" and path.startswith("/v1/tasks/"):
            start_response("204 No Content", [])
            return [b""]
        if method == "GET" and path == "/v1/organization":
            return self._json(start_response, 429, {"error": "Slow down"},
                              [("Retry-After", "7")])
        return self._json(start_response, 404, {"error": "Not found"})

    @staticmethod
    def _json(start_response: Any, status: int, body: Any,
              extra: list[tuple[str, str]] | None = None) -> list[bytes]:
        from http import HTTPStatus

        start_response(f"{status} {HTTPStatus(status).phrase}",
                       [("Content-Type", "application/json"), *(extra or [])])
        return [json.dumps(body).encode()]


@contextmanager
def served(app: Any) -> Iterator[str]:
    """``app`` on a free loopback port (waitress, as the CLI serves)."""
    from runway_mock.testing import serve

    with serve(app) as url:  # type: ignore[arg-type]
        yield url


def sdk_session(base_url: str, prompt: str) -> dict[str, Any]:
    """The official Python SDK: create, poll until done, download the output."""
    from runwayml import RunwayML

    client = RunwayML(api_key=KEY, base_url=base_url, max_retries=0, timeout=20)
    created = client.text_to_image.create(model="gen4_image", prompt_text=prompt,
                                          ratio="1920:1080")
    states = []
    for _ in range(10):
        task = client.tasks.retrieve(created.id)
        states.append(task.to_dict())
        if task.status in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
    files = [requests.get(url, timeout=10).content for url in states[-1].get("output", [])]
    client.tasks.delete(created.id)
    return {"created": created.to_dict(), "states": states, "files": files}


def _without_links(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in s.items() if k != "output"} for s in states]


@pytest.fixture
def foreign() -> Iterator[tuple[Foreign, str]]:
    up = Foreign()
    with served(up) as url:
        up.base = url
        yield up, url


def _record(tmp_path: Path, upstream: str, **kw: Any) -> tuple[Proxy, Path]:
    root = tmp_path / "recordings"
    return Proxy(upstream, root, name="session", **kw), root


def test_sdk_session_is_recorded_scrubbed_and_replayed_offline(foreign, tmp_path):
    """An SDK session is recorded with secrets scrubbed and replays offline with the same bodies."""
    up, upstream_url = foreign
    proxy, root = _record(tmp_path, upstream_url, with_media=True)
    with served(proxy) as proxy_url:
        recorded = sdk_session(proxy_url, "a fox")
        upload = requests.post(proxy_url + "/v1/uploads", headers=API, timeout=10,
                               json={"filename": "a.png", "type": "ephemeral"})
    assert [s["status"] for s in recorded["states"]] == ["PENDING", "RUNNING", "SUCCEEDED"]
    assert recorded["files"] == [PNG]
    assert upload.json()["fields"]["signature"] == "c2lnbmVk"  # the client got it unchanged
    text = proxy.path.read_text()
    # Scrubbed: the key in every form, the output link's JWT, the upload signature.
    assert KEY not in text and JWT not in text and "c2lnbmVk" not in text
    assert not cassettes.lint(root)
    assert "Bearer [scrubbed]" in text and "_jwt=[scrubbed]" in text
    meta = cassettes.read_metadata(proxy.path)
    assert meta["recorder"] == "runway-mock record" and meta["exchanges"] == 6
    assert (root / "media" / "index.json").is_file()

    up_seen = len(up.seen)
    replay = build(root, create_app({"seed": 0}))
    with served(replay) as replay_url:
        replayed = sdk_session(replay_url, "a fox")
        form = requests.post(replay_url + "/v1/uploads", headers=API, timeout=10,
                             json={"filename": "a.png", "type": "ephemeral"}).json()
        sent = requests.post(form["uploadUrl"], data=form["fields"], timeout=10,
                             files={"file": ("a.png", PNG, "image/png")})
        unknown = requests.get(replay_url + "/_replay/media/nothing.png", timeout=10)
        journal = requests.get(replay_url + "/_mock/journal", timeout=10).json()["entries"]
    assert len(up.seen) == up_seen, "the replay reached the upstream"
    assert form["uploadUrl"].startswith(replay_url + "/_replay/uploads/")
    assert form["fields"]["signature"] == "[scrubbed]" and sent.status_code == 204
    assert unknown.status_code == 404 and "--with-media" in unknown.json()["error"]
    assert replayed["created"] == recorded["created"]  # ids as recorded
    assert _without_links(replayed["states"]) == _without_links(recorded["states"])
    assert replayed["states"][-1]["output"][0].startswith(replay_url + "/_replay/media/")
    assert replayed["files"] == [PNG]  # recorded bytes, served by the replay server
    assert {e["source"] for e in journal} == {"replayed"}
    assert journal[0]["request"]["promptText"] == "a fox"
    assert journal[0]["response"]["id"] == recorded["created"]["id"]
    assert all(e["recording"].startswith("session.yaml#") for e in journal)


def test_last_poll_sticks_and_strict_miss_names_the_nearest(foreign, tmp_path):
    """Replay repeats the last poll; an unmatched request 404s naming the nearest recording."""
    _, upstream_url = foreign
    proxy, root = _record(tmp_path, upstream_url)
    with served(proxy) as proxy_url:
        sdk_session(proxy_url, "a fox")
    with served(build(root, create_app())) as url:
        task = requests.post(url + "/v1/text_to_image", headers=API, timeout=10, json={
            "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"}).json()["id"]
        seen = [requests.get(f"{url}/v1/tasks/{task}", headers=API, timeout=10).json()["status"]
                for _ in range(5)]
        miss = requests.post(url + "/v1/text_to_image", headers=API, timeout=10, json={
            "model": "gen4_image", "promptText": "a cat", "ratio": "1920:1080"})
    assert seen == ["PENDING", "RUNNING", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]
    assert miss.status_code == 404
    body = miss.json()
    assert body["error"].startswith("No recording matches POST /v1/text_to_image")
    nearest = body["nearest"][0]
    assert nearest["request"] == "POST /v1/text_to_image"
    assert nearest["recording"] == "session.yaml#0"
    assert nearest["differs"] == ['body.promptText: "a fox" recorded, "a cat" sent']


def test_matchers_are_configurable(foreign, tmp_path):
    """match_on decides which request parts must match; an unknown matcher raises."""
    _, upstream_url = foreign
    proxy, root = _record(tmp_path, upstream_url)
    with served(proxy) as proxy_url:
        requests.post(proxy_url + "/v1/text_to_image", headers=API, timeout=10, json={
            "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"})
    other = {"model": "gen4_image", "promptText": "anything", "ratio": "1920:1080"}
    with served(build(root, create_app(), match_on="method,path")) as url:
        loose = requests.post(url + "/v1/text_to_image", headers=API, json=other, timeout=10)
    with served(build(root, create_app(), match_on="method,path,body")) as url:
        tight = requests.post(url + "/v1/text_to_image", headers=API, json=other, timeout=10)
    assert loose.status_code == 200 and loose.json()["id"].endswith("000000000001")
    assert tight.status_code == 404
    with pytest.raises(ValueError, match="unknown matcher"):
        cassettes.parse_matchers("method,colour")


def test_fallback_mixes_a_recorded_path_with_an_emulated_fault(foreign, tmp_path):
    """Fallback mode replays what was recorded and emulates the rest, faults included."""
    _, upstream_url = foreign
    proxy, root = _record(tmp_path, upstream_url)
    with served(proxy) as proxy_url:
        recorded = sdk_session(proxy_url, "a fox")
    emulator = create_app({"seed": 0})
    with served(build(root, emulator, mode="fallback")) as url:
        replayed = sdk_session(url, "a fox")
        # An unrecorded fault scenario: the emulator answers it (one injected 503).
        rule = requests.post(url + "/_mock/faults", timeout=10, json={
            "match": {"path": "/v1/image_to_video"},
            "effect": {"type": "status", "status": 503}, "times": 1})
        assert rule.status_code < 300, rule.text
        body = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
                "ratio": "1280:720", "duration": 5}
        faulted = requests.post(url + "/v1/image_to_video", headers=API, json=body, timeout=10)
        again = requests.post(url + "/v1/image_to_video", headers=API, json=body, timeout=10)
        journal = requests.get(url + "/_mock/journal", timeout=10).json()["entries"]
    assert replayed["created"] == recorded["created"]
    assert faulted.status_code == 503 and "error" in faulted.json()
    assert again.status_code == 200 and "estimatedCost" in again.json()
    sources = [(e["path"], e["source"]) for e in journal]
    assert ("/v1/text_to_image", "replayed") in sources
    assert sources[-2:] == [("/v1/image_to_video", "emulated")] * 2


def test_budget_guard_refuses_the_create_that_would_cross_it(foreign, tmp_path):
    """The budget guard refuses, unsent, a create whose estimate would cross the budget."""
    up, upstream_url = foreign
    proxy, _root = _record(tmp_path, upstream_url, budget=20)
    image = {"model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"}
    video = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
             "ratio": "1280:720", "duration": 5}
    with served(proxy) as proxy_url:
        first = requests.post(proxy_url + "/v1/text_to_image", headers=API, json=image,
                              timeout=10)
        sent = list(up.seen)
        refused = requests.post(proxy_url + "/v1/image_to_video", headers=API, json=video,
                                timeout=10)
        after = list(up.seen)
    assert first.status_code == 200
    assert refused.status_code == 400
    assert "budget reached" in refused.json()["error"]
    assert "estimated at 25 credits" in refused.json()["error"]
    assert after == sent, "the refused create reached the upstream"
    assert ("POST", "/v1/image_to_video") not in up.seen
    summary = proxy.summary()
    assert "tasks created: 1, estimated at 8 credits (budget 20)" in summary
    assert "refused by the budget guard, not sent: 1" in summary


def test_drift_reports_a_planted_difference_in_a_proxy_recording(foreign, tmp_path):
    """Drift reports status, header and planted body differences from the emulator."""
    _, upstream_url = foreign
    proxy, root = _record(tmp_path, upstream_url)
    with served(proxy) as proxy_url:
        requests.post(proxy_url + "/v1/text_to_image", headers=API, timeout=10, json={
            "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"})
        requests.get(proxy_url + "/v1/organization", headers=API, timeout=10)
    report = drift.drift([root])
    assert report.cassettes == 1
    create = report.endpoints["POST /v1/text_to_image"]
    assert create.drifted == 0, drift.format_report(report)
    org = report.endpoints["GET /v1/organization"]
    # The foreign upstream answers 429 with Retry-After where the emulator answers 200.
    assert "status: 429 recorded, 200 from the emulator" in org.findings
    assert "header Retry-After: recorded, missing from the emulator" in org.findings
    # A planted difference: the recorded create gains a key the emulator does not send.
    doc = yaml.safe_load(proxy.path.read_text())
    resp = doc["interactions"][0]["response"]["body"]
    resp["string"] = json.dumps({**json.loads(resp["string"]), "queuePosition": 3})
    proxy.path.write_text(yaml.safe_dump(doc, sort_keys=False))
    report = drift.drift([root])
    assert "queuePosition: recorded, missing from the emulator" in \
        report.endpoints["POST /v1/text_to_image"].findings
    out = subprocess.run([sys.executable, "-m", "runway_mock", "drift", str(root), "--strict"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 1 and "queuePosition" in out.stdout


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_record_command_prints_its_url_and_summarises_when_stopped(foreign, tmp_path, stop):
    """record prints its URL and, on SIGTERM or SIGINT, a summary and a scrubbed file."""
    _up, upstream_url = foreign
    root = tmp_path / "cli"
    proc = subprocess.Popen(
        [sys.executable, "-m", "runway_mock", "record", "--upstream", upstream_url,
         "--cassettes", str(root), "--port", "0", "--budget", "100"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = proc.stdout.readline()
        assert first.startswith("runway-mock recording "), first
        url = first.split(" through ")[1].strip()
        created = requests.post(url + "/v1/text_to_image", headers=API, timeout=10, json={
            "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"})
        assert created.status_code == 200
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "1 exchanges recorded" in out
    assert "tasks created: 1, estimated at 8 credits (budget 100)" in out
    files = list(root.glob("record-*.yaml"))
    assert len(files) == 1 and KEY not in files[0].read_text()


def test_replay_command_serves_a_recording(foreign, tmp_path):
    """serve --replay DIR serves the recorded answers."""
    _, upstream_url = foreign
    proxy, root = _record(tmp_path, upstream_url)
    with served(proxy) as proxy_url:
        requests.post(proxy_url + "/v1/text_to_image", headers=API, timeout=10, json={
            "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "runway_mock", "serve", "--port", "0", "--replay", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = [proc.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("runway-mock replaying 1 recorded exchanges"), lines
        url = lines[1].split(" at ")[1].strip()
        got = requests.post(url + "/v1/text_to_image", headers=API, timeout=10, json={
            "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"})
        assert got.json() == {"id": "00000000-0000-4000-8000-000000000001",
                              "estimatedCost": {"credits": 5}}
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


NODE_DIR = Path(__file__).parent / "node"


def node_session(base_url: str, prompt: str, polls: int = 10) -> dict[str, Any]:
    """tests/node/session.mjs: the official Node SDK's create -> poll -> download."""
    import shutil

    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    if not (NODE_DIR / "node_modules" / "@runwayml" / "sdk").exists():
        pytest.skip("@runwayml/sdk is not installed: run npm install --prefix tests/node")
    env = {**os.environ, "RUNWAYML_BASE_URL": base_url, "RUNWAYML_API_SECRET": KEY}
    proc = subprocess.run(["node", str(NODE_DIR / "session.mjs"),
                           json.dumps({"prompt": prompt, "polls": polls})],
                          cwd=NODE_DIR, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.node
def test_node_sdk_session_is_recorded_and_replayed_offline(foreign, tmp_path):
    """A Node SDK session is recorded scrubbed and replays offline with the same bodies."""
    import hashlib

    up, upstream_url = foreign
    proxy, root = _record(tmp_path, upstream_url, with_media=True)
    with served(proxy) as proxy_url:
        recorded = node_session(proxy_url, "a heron")
    assert [s["status"] for s in recorded["states"]] == ["PENDING", "RUNNING", "SUCCEEDED"]
    assert recorded["files"] == [hashlib.sha256(PNG).hexdigest()]
    assert KEY not in proxy.path.read_text() and not cassettes.lint(root)
    seen = len(up.seen)
    with served(build(root, create_app())) as replay_url:
        replayed = node_session(replay_url, "a heron")
    assert len(up.seen) == seen, "the replay reached the upstream"
    assert replayed["created"] == recorded["created"]
    assert _without_links(replayed["states"]) == _without_links(recorded["states"])
    assert replayed["files"] == recorded["files"]
