"""Same seed and same requests give the same ids, timings and outcomes."""

from __future__ import annotations

from runway_mock import create_app
from runway_mock.clock import fake_clock

from tests.conftest import OTHER_KEY, auth

REQUESTS = [
    ("/v1/image_to_video", {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
                            "ratio": "1280:720", "duration": 5}),
    ("/v1/text_to_image", {"model": "gen4_image", "promptText": "a cat", "ratio": "1024:1024"}),
    ("/v1/sound_effect", {"model": "eleven_text_to_sound_v2", "promptText": "thunder"}),
]


def run(seed: int, fail_half: bool = False) -> list:
    clock = fake_clock()
    client = create_app({"seed": seed}, clock=clock).test_client()
    if fail_half:
        client.post("/_mock/policies", json={"key": "*", "outcome": {
            "status": "FAILED", "failureCode": "INTERNAL", "probability": 0.5}})
    trace = []
    ids = []
    for key in (auth(), auth(OTHER_KEY)):
        for path, body in REQUESTS * 3:
            r = client.post(path, json=body, headers=key)
            ids.append((key["Authorization"], r.json["id"]))
            trace.append(r.json)
    for _ in range(40):
        clock.advance(0.25)
        for key, task_id in ids:
            t = client.get(f"/v1/tasks/{task_id}", headers={**auth(), "Authorization": key})
            trace.append((t.json["status"], t.json.get("progress"), t.json.get("failureCode")))
    return trace


def test_same_seed_same_everything():
    """Two runs with the same seed give identical ids, timings and outcomes."""
    assert run(11) == run(11)


def test_same_seed_same_random_outcomes():
    """Random outcomes (half failing) repeat exactly under the same seed."""
    a, b = run(5, fail_half=True), run(5, fail_half=True)
    assert a == b
    finals = {entry[0] for entry in a[-18:]}
    assert finals == {"SUCCEEDED", "FAILED"}


def test_different_seed_different_ids_and_timings():
    """A different seed gives different task ids and timings."""
    a, b = run(1), run(2)
    assert [x["id"] for x in a[:18]] != [x["id"] for x in b[:18]]
    assert a[18:] != b[18:]


def test_ids_are_uuid4_and_unique():
    """Task ids are unique lowercase version-4 UUIDs."""
    import uuid

    trace = run(3)
    ids = [x["id"] for x in trace[:18]]
    assert len(set(ids)) == len(ids)
    for task_id in ids:
        assert uuid.UUID(task_id).version == 4
        assert task_id == task_id.lower()
