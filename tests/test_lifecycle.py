"""The task lifecycle under a fake clock: transitions, progress, policies, delete."""

from __future__ import annotations

from itertools import pairwise

import pytest
from runway_mock.domain import tasks

from tests.conftest import auth

I2V = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}


def create(client, body=I2V, path="/v1/image_to_video"):
    r = client.post(path, json=body, headers=auth())
    assert r.status_code == 200, r.json
    assert set(r.json) == {"id", "estimatedCost"}
    return r.json["id"]


def get(client, task_id):
    r = client.get(f"/v1/tasks/{task_id}", headers=auth())
    assert r.status_code == 200, r.json
    return r.json


def balance(client):
    return client.get("/v1/organization", headers=auth()).json["creditBalance"]


def set_policy(client, **policy):
    r = client.post("/_mock/policies", json=policy)
    assert r.status_code == 200, r.json


def walk(client, clock, task_id, step=0.05, limit=2000):
    """Poll every ``step`` emulator seconds until terminal; the statuses seen in order."""
    seen = []
    for _ in range(limit):
        t = get(client, task_id)
        seen.append(t)
        if t["status"] in tasks.TERMINAL:
            return seen
        clock.advance(step)
    raise AssertionError("task never finished")


def test_every_transition_in_order_with_rising_progress(client, clock):
    """A task goes PENDING, RUNNING, SUCCEEDED with progress rising in [0, 1]."""
    task_id = create(client)
    seen = walk(client, clock, task_id)
    statuses = [t["status"] for t in seen]
    # Collapse repeats: the observed path must be exactly the documented one.
    path = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
    assert path == ["PENDING", "RUNNING", "SUCCEEDED"]
    progress = [t["progress"] for t in seen if t["status"] == "RUNNING"]
    assert len(progress) > 3
    assert progress == sorted(progress)
    assert all(0 <= p <= 1 for p in progress)
    for a, b in pairwise(statuses):
        assert b == a or b in tasks.TRANSITIONS[a]


def test_wire_shapes_by_status(client, clock):
    """Each status reads back with exactly its documented fields; cost is an integer."""
    task_id = create(client)
    pending = get(client, task_id)
    assert set(pending) == {"id", "status", "createdAt", "estimatedCost"}
    assert pending["createdAt"] == "2026-01-01T00:00:00.000Z"
    clock.advance(1.0)
    running = get(client, task_id)
    assert set(running) == {"id", "status", "createdAt", "progress", "estimatedCost"}
    clock.advance(60)
    done = get(client, task_id)
    assert set(done) == {"id", "status", "createdAt", "output", "cost"}
    assert done["cost"] == {"credits": 25}  # gen4_turbo: 5 credits/s x 5 s
    assert isinstance(done["cost"]["credits"], int)
    assert len(done["output"]) == 1


def test_terminal_states_stay_terminal(client, clock):
    """A SUCCEEDED task stays SUCCEEDED with the same cost days later."""
    task_id = create(client)
    clock.advance(3600)
    first = get(client, task_id)
    for _ in range(5):
        clock.advance(86400 * 2)
        again = get(client, task_id)
        assert again["status"] == first["status"] == "SUCCEEDED"
        assert again["cost"] == first["cost"]


def test_outcome_policy_fails_with_code_and_refunds(client, clock):
    """A FAILED outcome policy fails the task with its code and message and refunds."""
    set_policy(client, key="gen4_turbo",
               outcome={"status": "FAILED", "failureCode": "SAFETY.INPUT.IMAGE"})
    start = balance(client)
    task_id = create(client)
    assert balance(client) == start - 25
    clock.advance(60)
    t = get(client, task_id)
    assert t["status"] == "FAILED"
    assert t["failureCode"] == "SAFETY.INPUT.IMAGE"
    assert "moderation" in t["failure"]
    assert t["cost"] == {"credits": 0}
    assert set(t) == {"id", "status", "createdAt", "failure", "failureCode", "cost"}
    assert balance(client) == start


def test_policy_keys_most_specific_wins(client, clock):
    """An endpoint:model policy beats the "*" policy."""
    set_policy(client, key="*", outcome={"status": "FAILED", "failureCode": "INTERNAL"})
    set_policy(client, key="image_to_video:gen4_turbo", outcome={"status": "SUCCEEDED"})
    ok = create(client)
    bad = create(client, {"model": "gen4_image", "promptText": "a cat", "ratio": "1024:1024"},
                 path="/v1/text_to_image")
    clock.advance(600)
    assert get(client, ok)["status"] == "SUCCEEDED"
    assert get(client, bad)["status"] == "FAILED"


def test_immediate_policy(client, clock):
    """The immediate policy makes a task SUCCEEDED on its first read."""
    set_policy(client, key="*", transition={"kind": "immediate"})
    assert get(client, create(client))["status"] == "SUCCEEDED"


def test_after_polls_policy(client):
    """after_polls 3 keeps a task RUNNING for two reads, SUCCEEDED from the third."""
    set_policy(client, key="*", transition={"kind": "after_polls", "polls": 3})
    task_id = create(client)
    seen = [get(client, task_id)["status"] for _ in range(5)]
    assert seen == ["RUNNING", "RUNNING", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]


def test_hold_until_released(client, clock):
    """A hold policy keeps a task RUNNING until released, then it finishes."""
    set_policy(client, key="*", transition={"kind": "hold", "status": "RUNNING"})
    task_id = create(client)
    clock.advance(10_000)
    t = get(client, task_id)
    assert t["status"] == "RUNNING"
    r = client.post(f"/_mock/tasks/{task_id}/release", json={"apiKey": "test-key-alpha"})
    assert r.status_code == 200 and r.json["released"] is True
    clock.advance(60)
    assert get(client, task_id)["status"] == "SUCCEEDED"


@pytest.mark.parametrize("policy", [
    {"key": "*", "transition": {"kind": "warp"}},
    {"key": "*", "transition": {"kind": "after_polls", "polls": 0}},
    {"key": "*", "transition": {"kind": "hold", "status": "SUCCEEDED"}},
    {"key": "*", "outcome": {"status": "MAYBE"}},
    {"key": "*", "outcome": {"status": "FAILED", "probability": 2}},
    {"key": "*", "bogus": {}},
    {"transition": {"kind": "immediate"}},
])
def test_bad_policies_are_400(client, policy):
    """Unknown kinds, bad counts or statuses, stray fields or no key are 400s."""
    r = client.post("/_mock/policies", json=policy)
    assert r.status_code == 400
    assert r.json["error"]


def test_delete_pending_cancels_with_refund(client, clock):
    """A PENDING task deleted is refunded in full and then 404s on GET and DELETE."""
    start = balance(client)
    task_id = create(client)
    assert get(client, task_id)["status"] == "PENDING"
    assert client.delete(f"/v1/tasks/{task_id}", headers=auth()).status_code == 204
    assert balance(client) == start
    assert client.get(f"/v1/tasks/{task_id}", headers=auth()).status_code == 404
    assert client.delete(f"/v1/tasks/{task_id}", headers=auth()).status_code == 404


def test_delete_running_cancels_without_refund(client, clock):
    """A RUNNING task deleted answers an empty 204, keeps its charge and then 404s."""
    start = balance(client)
    task_id = create(client)
    clock.advance(1.5)
    assert get(client, task_id)["status"] == "RUNNING"
    r = client.delete(f"/v1/tasks/{task_id}", headers=auth())
    assert r.status_code == 204 and r.data == b""
    assert balance(client) == start - 25
    assert client.get(f"/v1/tasks/{task_id}", headers=auth()).status_code == 404


def test_delete_finished_task_keeps_the_charge(client, clock):
    """A SUCCEEDED task deleted keeps its charge and then 404s."""
    start = balance(client)
    task_id = create(client)
    clock.advance(600)
    assert get(client, task_id)["status"] == "SUCCEEDED"
    assert client.delete(f"/v1/tasks/{task_id}", headers=auth()).status_code == 204
    assert balance(client) == start - 25
    assert client.get(f"/v1/tasks/{task_id}", headers=auth()).status_code == 404


def test_unknown_task_ids_are_404(client):
    """Unknown, malformed and overlong task ids are 404s."""
    for task_id in ("00000000-0000-4000-8000-000000000000", "not-a-uuid", "x" * 300):
        assert client.get(f"/v1/tasks/{task_id}", headers=auth()).status_code == 404


def test_balance_settles_without_polling(client, clock):
    """A failed task's refund shows in the balance without anyone polling it."""
    set_policy(client, key="*", outcome={"status": "FAILED", "failureCode": "INTERNAL"})
    start = balance(client)
    create(client)
    assert balance(client) == start - 25
    clock.advance(600)
    # Nobody polled the task, but the organization view settles it and shows the refund.
    assert balance(client) == start


def test_time_scale_sets_realistic_durations(clock):
    """time_scale 1.0 makes a video task take between 30 and 90 s."""
    from runway_mock import create_app

    real = create_app({"time_scale": 1.0}, clock=clock).test_client()
    task_id = create(real)
    clock.advance(30)
    assert get(real, task_id)["status"] in ("PENDING", "RUNNING")
    clock.advance(60)
    assert get(real, task_id)["status"] == "SUCCEEDED"


def test_organization_shape_and_usage(client, clock):
    """The organization has balance, tier limits and usage that forgets creates after 24 h."""
    create(client)
    org = client.get("/v1/organization", headers=auth()).json
    assert set(org) == {"creditBalance", "tier", "usage"}
    assert org["tier"]["maxMonthlyCreditSpend"] == 10_000
    limits = org["tier"]["models"]["gen4_turbo"]
    assert set(limits) == {"maxConcurrentGenerations", "maxDailyGenerations"}
    assert org["usage"]["models"]["gen4_turbo"] == {"dailyGenerations": 1}
    clock.advance(25 * 3600)
    org = client.get("/v1/organization", headers=auth()).json
    assert "gen4_turbo" not in org["usage"]["models"]
