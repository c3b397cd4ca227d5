"""Snapshots: GET /_mock/state gives a world that POST /_mock/state loads back exactly."""

from __future__ import annotations

from runway_mock import create_app
from runway_mock.clock import fake_clock

from tests.conftest import API_KEY, OTHER_KEY, auth

VIDEO = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
         "ratio": "1280:720", "duration": 5}


def build_world(client) -> list[str]:
    """Tasks in several states on two keys, a policy, a fault rule, a moved clock."""
    client.put("/_mock/policies/gen4_image", json={"transition": {"kind": "hold"}})
    client.post("/_mock/faults", json={"match": {"path": "/v1/organization", "nth": 2},
                                        "effect": {"type": "status", "status": 502}})
    ids = [client.post("/v1/image_to_video", json=VIDEO, headers=auth()).get_json()["id"]
           for _ in range(3)]
    ids.append(client.post("/v1/text_to_image", headers=auth(OTHER_KEY), json={
        "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"}).get_json()["id"])
    client.post("/_mock/clock/advance", json={"seconds": 2})
    client.delete(f"/v1/tasks/{ids[0]}", headers=auth())
    client.get("/v1/organization", headers=auth())
    return ids


def test_a_loaded_snapshot_is_the_same_world():
    """Loading a dump into another app reproduces the same state, tasks and organization."""
    one = create_app({"seed": 3}, clock=fake_clock()).test_client()
    ids = build_world(one)
    dump = one.get("/_mock/state").get_json()
    two = create_app({"seed": 99}, clock=fake_clock(1_800_000_000)).test_client()
    two.post("/v1/image_to_video", json=VIDEO, headers=auth())  # replaced by the load
    assert two.post("/_mock/state", json=dump).get_json()["loaded"] is True
    assert two.get("/_mock/state").get_json() == dump
    for task_id in ids[1:3]:
        assert (two.get(f"/v1/tasks/{task_id}", headers=auth()).get_json()
                == one.get(f"/v1/tasks/{task_id}", headers=auth()).get_json())
    assert two.get(f"/v1/tasks/{ids[0]}", headers=auth()).status_code == 404
    assert two.get("/v1/organization", headers=auth()).get_json() == \
        one.get("/v1/organization", headers=auth()).get_json()


def test_both_worlds_go_on_identically_after_a_load():
    """Seed, clock, id counters, fault counters and holds all came across."""
    one = create_app({"seed": 3}, clock=fake_clock()).test_client()
    build_world(one)
    two = create_app({"seed": 0}, clock=fake_clock()).test_client()
    two.post("/_mock/state", json=one.get("/_mock/state").get_json())
    for client in (one, two):
        client.post("/_mock/clock/advance", json={"seconds": 30})
    answers = []
    for client in (one, two):
        created = client.post("/v1/image_to_video", json=VIDEO, headers=auth()).get_json()
        org = client.get("/v1/organization", headers=auth())  # the rule fires on the second call
        held = client.get("/v1/tasks", headers=auth(OTHER_KEY))
        answers.append((created, org.status_code, held.status_code,
                        client.get("/_mock/journal").get_json()["entries"][-1]["status"]))
    assert answers[0] == answers[1]
    assert answers[0][1] == 502


def test_one_tenants_part_replaces_that_tenant_only():
    """Loading one tenant's dump replaces that tenant only and leaves others."""
    client = create_app({"seed": 1}, clock=fake_clock()).test_client()
    client.post("/v1/image_to_video", json=VIDEO, headers=auth())
    saved = client.get(f"/_mock/state?apiKey={API_KEY}").get_json()
    assert set(saved) == {"format", "version", "tenants"}
    client.post("/v1/image_to_video", json=VIDEO, headers=auth())
    other = client.post("/v1/image_to_video", json=VIDEO, headers=auth(OTHER_KEY)).get_json()
    client.post("/_mock/state", json=saved)
    tenants = client.get("/_mock/state").get_json()["tenants"]
    mine = next(t for name, t in tenants.items() if name in saved["tenants"])
    assert len(mine["records"]["task"]) == 1
    assert client.get(f"/v1/tasks/{other['id']}", headers=auth(OTHER_KEY)).status_code == 200


def test_what_is_not_a_snapshot_is_refused_and_nothing_changes():
    """Anything that is not a valid snapshot is a 400 and the state is unchanged."""
    client = create_app({"seed": 1}, clock=fake_clock()).test_client()
    task = client.post("/v1/image_to_video", json=VIDEO, headers=auth()).get_json()
    before = client.get("/_mock/state").get_json()
    for bad in ({}, [], {"format": "runway-mock-state", "version": 9, "tenants": {}},
                {"format": "runway-mock-state", "version": 1, "tenants": {"t": 3}},
                {"format": "runway-mock-state", "version": 1, "tenants": {}, "clock": {}}):
        answer = client.post("/_mock/state", json=bad)
        assert answer.status_code == 400, bad
        assert "Cannot load this state" in answer.get_json()["error"]
    assert client.get("/_mock/state").get_json()["tenants"] == before["tenants"]
    assert client.get(f"/v1/tasks/{task['id']}", headers=auth()).status_code == 200
