"""Tier limits: THROTTLED queues in submission order, slots free on finish or cancel,
the daily quota answers 429, and the work per create does not grow with stored tasks."""

from __future__ import annotations

import json
import sys
import threading

import pytest
from runway_mock import create_app
from runway_mock.store import MemoryStore

from tests.conftest import API_KEY, auth

I2V = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}
T2I = {"model": "gen4_image", "promptText": "a fox", "ratio": "1024:1024"}


def create(client, body=I2V, path="/v1/image_to_video", headers=None):
    r = client.post(path, json=body, headers=headers or auth())
    assert r.status_code == 200, r.json
    return r.json["id"]


def status(client, task_id):
    r = client.get(f"/v1/tasks/{task_id}", headers=auth())
    assert r.status_code == 200, r.json
    return r.json["status"]


def statuses(client, ids):
    return [status(client, i) for i in ids]


def control(client, path, body):
    r = client.post(f"/_mock/{path}", json=body)
    assert r.status_code == 200, r.json
    return r.json


def balance(client):
    return client.get("/v1/organization", headers=auth()).json["creditBalance"]


@pytest.fixture
def timed(client):
    """Every task takes exactly 10 s once it has a slot (2 s PENDING, 8 s RUNNING)."""
    control(client, "policies", {"key": "*", "transition": {"kind": "timed", "seconds": 10}})
    return client


def test_over_the_limit_tasks_wait_throttled_and_start_in_submission_order(timed, clock):
    # Tier 1: one concurrent video generation per model.
    """Tasks over the concurrency limit wait THROTTLED and each starts when the one before ends."""
    ids = [create(timed) for _ in range(4)]
    assert statuses(timed, ids) == ["PENDING", "THROTTLED", "THROTTLED", "THROTTLED"]
    started = {}
    for step in range(1, 45):
        clock.advance(1)
        for i, s in zip(ids, statuses(timed, ids), strict=True):
            if s != "THROTTLED":
                started.setdefault(i, step)
        running = [s for s in statuses(timed, ids) if s in ("PENDING", "RUNNING")]
        assert len(running) <= 1, "more tasks ran than the concurrency limit allows"
    assert [started[i] for i in ids] == sorted(started[i] for i in ids)
    # Each starts the moment the one before it ends (10 s apart).
    assert [started[ids[k]] for k in (1, 2, 3)] == [10, 20, 30]
    assert statuses(timed, ids) == ["SUCCEEDED"] * 4


def test_throttled_wire_shape_reports_the_estimate(timed):
    """A THROTTLED task reads back with id, status, createdAt and its estimatedCost only."""
    create(timed)
    r = timed.get(f"/v1/tasks/{create(timed)}", headers=auth())
    assert r.json["status"] == "THROTTLED"
    assert set(r.json) == {"id", "status", "createdAt", "estimatedCost"}
    assert r.json["estimatedCost"] == {"credits": 25}


def test_limits_are_per_model_and_per_tenant(timed):
    """A full lane for one model and tenant does not throttle another model or tenant."""
    create(timed)
    assert status(timed, create(timed, T2I, "/v1/text_to_image")) == "PENDING"
    other = auth("someone-else")
    other_id = create(timed, headers=other)
    r = timed.get(f"/v1/tasks/{other_id}", headers=other)
    assert r.json["status"] == "PENDING"


def test_higher_limit_from_tier_or_override(timed):
    """A higher tier or a null per-model override lets more tasks start at once."""
    control(timed, "tier", {"apiKey": API_KEY, "tier": 2})  # 3 concurrent videos
    ids = [create(timed) for _ in range(4)]
    assert statuses(timed, ids) == ["PENDING"] * 3 + ["THROTTLED"]
    control(timed, "tier", {"apiKey": API_KEY,
                            "limits": {"gen4_turbo": {"maxConcurrentGenerations": None}}})
    assert status(timed, create(timed)) == "PENDING"  # null: unlimited


def test_raising_the_limit_starts_queued_tasks_at_once(timed, clock):
    """Raising the limit starts queued tasks at once; a limit of 0 holds the queue."""
    ids = [create(timed) for _ in range(4)]
    clock.advance(1)
    control(timed, "tier", {"apiKey": API_KEY, "tier": 2})  # 3 concurrent videos
    assert statuses(timed, ids) == ["PENDING", "PENDING", "PENDING", "THROTTLED"]
    control(timed, "tier", {"apiKey": API_KEY, "limits": {
        "gen4_turbo": {"maxConcurrentGenerations": 0}}})
    clock.advance(3600)
    # Started tasks run to the end; the queued one waits while the limit is 0.
    assert statuses(timed, ids) == ["SUCCEEDED"] * 3 + ["THROTTLED"]
    control(timed, "tier", {"apiKey": API_KEY, "limits": {"gen4_turbo": None}})
    assert status(timed, ids[3]) == "PENDING"


def test_a_cancel_frees_the_slot_at_once(timed, clock):
    """Deleting a running task frees its slot and the next queued task starts."""
    a, b, c = (create(timed) for _ in range(3))
    clock.advance(3)
    assert statuses(timed, [a, b, c]) == ["RUNNING", "THROTTLED", "THROTTLED"]
    assert timed.delete(f"/v1/tasks/{a}", headers=auth()).status_code == 204
    assert statuses(timed, [b, c]) == ["PENDING", "THROTTLED"]
    clock.advance(10)
    assert statuses(timed, [b, c]) == ["SUCCEEDED", "PENDING"]


def test_cancelling_a_throttled_task_moves_the_queue_up_and_refunds(timed, clock):
    """Deleting a THROTTLED task refunds it and the queue behind it moves up."""
    start = balance(timed)
    a, b, c = (create(timed) for _ in range(3))
    assert timed.delete(f"/v1/tasks/{b}", headers=auth()).status_code == 204
    assert balance(timed) == start - 50  # b refunded, a and c charged
    clock.advance(10)
    assert statuses(timed, [a, c]) == ["SUCCEEDED", "PENDING"]


def test_a_held_task_keeps_its_slot_until_released(timed, clock):
    """A held task keeps its slot until released and its RUNNING time is over."""
    hold = {"X-Runway-Mock-Fault": json.dumps({"effect": {"type": "hold", "status": "RUNNING"}})}
    held = create(timed, headers={**auth(), **hold})
    queued = create(timed)
    clock.advance(3600)
    assert statuses(timed, [held, queued]) == ["RUNNING", "THROTTLED"]
    control(timed, f"tasks/{held}/release", {"apiKey": API_KEY})
    clock.advance(7)
    assert statuses(timed, [held, queued]) == ["RUNNING", "THROTTLED"]
    clock.advance(1)  # the held task's 8 s of RUNNING are over
    assert statuses(timed, [held, queued]) == ["SUCCEEDED", "PENDING"]


def test_a_task_that_ends_by_polls_frees_its_slot_when_it_ends(client, clock):
    """A task ending after N polls frees its slot for the queued task then."""
    control(client, "policies", {"key": "gen4_turbo",
                                 "transition": {"kind": "after_polls", "polls": 2}})
    first = create(client)
    control(client, "policies", {"key": "gen4_turbo",
                                 "transition": {"kind": "timed", "seconds": 10}})
    second = create(client)
    assert status(client, second) == "THROTTLED"
    assert status(client, first) == "RUNNING"
    assert status(client, first) == "SUCCEEDED"
    assert status(client, second) == "PENDING"


def test_visible_cancel_of_a_running_task_frees_the_slot(timed, clock):
    """A control-API cancel of a running task frees the slot for the next one."""
    a, b = create(timed), create(timed)
    clock.advance(5)
    r = timed.post(f"/_mock/tasks/{a}/cancel", json={"apiKey": API_KEY})
    assert r.json == {"id": a, "status": "CANCELLED", "cost": 25}
    assert statuses(timed, [a, b]) == ["CANCELLED", "PENDING"]


# ---------------------------------------------------------------------------
# The daily quota


def test_daily_limit_is_a_429_with_runways_message_and_no_charge(client, clock):
    """Past the daily quota a create is a 429 with Runway's message and no charge."""
    control(client, "tier", {"apiKey": API_KEY,
                             "limits": {"gen4_turbo": {"maxDailyGenerations": 3}}})
    for _ in range(3):
        create(client)
    start = balance(client)
    r = client.post("/v1/image_to_video", json=I2V, headers=auth())
    assert r.status_code == 429
    assert r.json == {"error": "Your daily task limit has been reached.", "docUrl": "https://docs.dev.runwayml.com/api"}
    # Captured: no Retry-After and no X-RateLimit-* headers on the daily-quota 429.
    assert "Retry-After" not in r.headers and "retry-after-ms" not in r.headers
    assert not [k for k, _ in r.headers.items() if k.lower().startswith("x-ratelimit")]
    assert balance(client) == start
    org = client.get("/v1/organization", headers=auth()).json
    assert org["usage"]["models"]["gen4_turbo"] == {"dailyGenerations": 3}
    assert org["tier"]["models"]["gen4_turbo"]["maxDailyGenerations"] == 3
    # Another model is not affected.
    create(client, T2I, "/v1/text_to_image")


def test_daily_limit_is_a_rolling_24_hours(client, clock):
    """The daily quota counts creates in a rolling 24-hour window."""
    control(client, "tier", {"apiKey": API_KEY,
                             "limits": {"gen4_turbo": {"maxDailyGenerations": 2}}})
    create(client)
    clock.advance(12 * 3600)
    create(client)
    assert client.post("/v1/image_to_video", json=I2V, headers=auth()).status_code == 429
    clock.advance(12 * 3600 + 1)  # the first one is now more than 24 h old
    create(client)
    assert client.post("/v1/image_to_video", json=I2V, headers=auth()).status_code == 429


def test_tier_one_default_daily_limit_for_video(client):
    # 50 videos a day at tier 1 (runway-api.md (d), low end of the range).
    """Tier 1 allows 50 video creates a day; the 51st is a 429."""
    control(client, "policies", {"key": "*", "transition": {"kind": "immediate"}})
    for _ in range(50):
        create(client)
    r = client.post("/v1/image_to_video", json=I2V, headers=auth())
    assert r.status_code == 429


def test_a_create_refused_for_credits_uses_no_quota(client):
    """A create refused for lack of credits does not use daily quota."""
    control(client, "tier", {"apiKey": API_KEY,
                             "limits": {"gen4_turbo": {"maxDailyGenerations": 1}}})
    control(client, "credits", {"apiKey": API_KEY, "set": 10})
    r = client.post("/v1/image_to_video", json=I2V, headers=auth())
    assert r.status_code == 400 and "credits" in r.json["error"]
    control(client, "credits", {"apiKey": API_KEY, "set": 100})
    create(client)


def test_sdk_sees_the_daily_limit_as_a_rate_limit_error(app):
    """The official SDK sees the daily-quota 429 as RateLimitError with the body."""
    runwayml = pytest.importorskip("runwayml")
    from runway_mock.testing import serve

    with serve(app) as url:
        sdk = runwayml.RunwayML(api_key=API_KEY, base_url=url, max_retries=0, timeout=5)
        control(app.test_client(), "tier", {"apiKey": API_KEY,
                                            "limits": {"gen4_turbo": {"maxDailyGenerations": 0}}})
        with pytest.raises(runwayml.RateLimitError) as err:
            sdk.image_to_video.create(model="gen4_turbo", prompt_image=I2V["promptImage"],
                                      ratio="1280:720", duration=5)
        assert err.value.status_code == 429
        assert err.value.body == {"error": "Your daily task limit has been reached.",
                                  "docUrl": "https://docs.dev.runwayml.com/api"}
        sdk.close()


# ---------------------------------------------------------------------------
# Work per request


class CountingStore(MemoryStore):
    """A MemoryStore that counts calls and the records and members it hands out."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.items = 0

    def __getattribute__(self, name):
        attr = super().__getattribute__(name)
        if name in ("get", "set_members", "page", "read", "update", "insert", "add",
                    "get_value", "put_value", "value", "set_add", "set_remove", "next_seq"):
            def counted(*a, **kw):
                self.calls += 1
                out = attr(*a, **kw)
                if isinstance(out, list):
                    self.items += len(out)
                return out
            return counted
        return attr


def store_work(clock, finished: int) -> tuple[int, int]:
    """Store calls and items handed out by one create and one read, after ``finished`` tasks."""
    store = CountingStore()
    app = create_app({"initial_credits": 10**9}, clock=clock, store=store)
    client = app.test_client()
    control(client, "policies", {"key": "*", "transition": {"kind": "timed", "seconds": 1}})
    control(client, "tier", {"apiKey": API_KEY, "tier": 5, "limits": {
        "gen4_turbo": {"maxDailyGenerations": None}}})
    for _ in range(finished):
        create(client)
        clock.advance(2)
    for _ in range(3):  # a few still queued or running
        create(client)
    store.calls = store.items = 0
    status(client, create(client))
    return store.calls, store.items


def test_create_and_read_work_does_not_grow_with_stored_tasks(clock):
    """Store calls per create and read are the same after 10 or 300 finished tasks."""
    assert store_work(clock, 10) == store_work(clock, 300)


def test_concurrent_creates_never_share_a_slot(clock):
    """Creates racing from threads for a lane of two slots: two start now, the rest
    queue one after another, each slot end used once (the lane commit is atomic)."""
    app = create_app({"initial_credits": 10**9}, clock=clock)
    client = app.test_client()
    control(client, "policies", {"key": "*", "transition": {"kind": "timed", "seconds": 10}})
    control(client, "tier", {"apiKey": API_KEY, "tier": 5, "limits": {
        "gen4_turbo": {"maxConcurrentGenerations": 2, "maxDailyGenerations": None}}})
    ids: list[str] = []

    def worker():
        c = app.test_client()
        for _ in range(10):
            ids.append(create(c))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so the races happen
    try:
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
    finally:
        sys.setswitchinterval(interval)
    rt = app.extensions["runway_mock"]
    tenant = next(t for t in rt.store.tenants() if t != "_global")
    starts = sorted(rt.store.get(tenant, "task", i)["t_pending"] for i in ids)
    now = clock.now()
    assert len(ids) == 40
    # Two per 10 s wave: slot k starts at now + 10 * (k // 2).
    assert starts == [now + 10 * (k // 2) for k in range(40)]
