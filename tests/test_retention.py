"""Retention: finished tasks, their ledger entries and old journal entries are purged
after ``retention_seconds`` of emulator time, settled first when nobody read them, and
what is stored stays flat under a steady load."""

from __future__ import annotations

import json

from runway_mock import create_app
from runway_mock.clock import fake_clock
from runway_mock.domain import journal, ledger, tasks

H = {"Authorization": "Bearer keep", "X-Runway-Version": "2024-11-06"}
BODY = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
        "ratio": "1280:720", "duration": 5}
HOUR = 3600.0


def _app(retention: float | None = HOUR):
    clock = fake_clock()
    config = {"initial_credits": 10**9, "retention_seconds": retention}
    app = create_app(config, clock=clock)
    client = app.test_client()
    client.post("/_mock/tier", json={"apiKey": "keep", "tier": 5, "limits": {"gen4_turbo": {
        "maxDailyGenerations": None, "maxConcurrentGenerations": None}}})
    return app, client, clock


def _create(client, headers=H) -> str:
    reply = client.post("/v1/image_to_video", json=BODY, headers=headers)
    assert reply.status_code == 200, reply.json
    return reply.json["id"]


def _tenant(app) -> str:
    rt = app.extensions["runway_mock"]
    (tenant,) = [t for t in rt.store.tenants() if rt.store.count(t, tasks.KIND)]
    return tenant


def test_a_finished_task_is_kept_until_the_retention_age_then_purged():
    _, client, clock = _app()
    old = _create(client)
    clock.advance(600)  # long finished
    assert client.get(f"/v1/tasks/{old}", headers=H).json["status"] == "SUCCEEDED"
    clock.advance(HOUR - 700)  # finished less than an hour ago
    _create(client)  # a create sweeps what has come due
    assert client.get(f"/v1/tasks/{old}", headers=H).status_code == 200
    clock.advance(200)  # now more than an hour after it finished
    _create(client)
    gone = client.get(f"/v1/tasks/{old}", headers=H)
    assert gone.status_code == 404
    # The same answer as for an id that never existed.
    assert gone.json == client.get("/v1/tasks/never-was", headers=H).json


def test_an_unread_task_is_settled_before_it_is_purged_so_the_ledger_stays_exact():
    fail = json.dumps({"type": "fail", "failureCode": "INTERNAL.BAD_OUTPUT.CODE01"})
    totals = []
    for read in (True, False):
        _, client, clock = _app()
        failed = _create(client, {**H, "X-Runway-Mock-Fault": fail})
        clock.advance(600)
        if read:  # one emulator's client reads it (settling it), the other's never does
            assert client.get(f"/v1/tasks/{failed}", headers=H).json["status"] == "FAILED"
        clock.advance(2 * HOUR)
        _create(client)
        assert client.get(f"/v1/tasks/{failed}", headers=H).status_code == 404
        credits = client.get("/_mock/credits?apiKey=keep").json
        totals.append({k: credits[k] for k in ("balance", "funded", "charged", "refunded")})
    assert totals[0] == totals[1]
    assert totals[0]["refunded"] > 0  # the failed task's refund happened in both


def test_stored_tasks_ledger_and_journal_stay_flat_under_a_steady_load():
    app, client, clock = _app()
    rt = app.extensions["runway_mock"]
    sizes = []
    for _round in range(12):
        for _ in range(20):
            _create(client)
            clock.advance(30)  # 20 creates per 10 minutes of emulator time
        tenant = _tenant(app)
        sizes.append((rt.store.count(tenant, tasks.KIND), rt.store.count(tenant, ledger.KIND),
                      len(journal.entries(rt))))
    # After the first hour (6 rounds) every count stops growing: one hour's worth kept.
    assert sizes[-1] == sizes[6]
    tasks_kept, ledger_kept, journal_kept = sizes[-1]
    assert 120 <= tasks_kept <= 130 and 120 <= ledger_kept <= 130
    assert journal_kept <= 130


def test_without_retention_everything_is_kept():
    _, client, clock = _app(retention=None)
    first = _create(client)
    clock.advance(30 * 24 * HOUR)
    _create(client)
    assert client.get(f"/v1/tasks/{first}", headers=H).json["status"] == "SUCCEEDED"
