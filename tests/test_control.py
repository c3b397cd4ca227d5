"""The control API under /_mock: every endpoint, and who may call it."""

from __future__ import annotations

import pytest
from runway_mock import create_app
from runway_mock.config import tenant_of

from tests.conftest import API_KEY, OTHER_KEY, auth

I2V = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}
TENANT = tenant_of(API_KEY)


def create(client, key=API_KEY):
    r = client.post("/v1/image_to_video", json=I2V, headers=auth(key))
    assert r.status_code == 200, r.json
    return r.json["id"]


def ok(response):
    assert response.status_code == 200, response.json
    return response.json


# ---------------------------------------------------------------------------
# Who may call it


ENDPOINTS = [
    ("GET", "/_mock/clock"), ("POST", "/_mock/clock"), ("POST", "/_mock/reset"),
    ("GET", "/_mock/state"), ("POST", "/_mock/seed"), ("GET", "/_mock/policies"),
    ("POST", "/_mock/policies"), ("DELETE", "/_mock/policies/x"), ("GET", "/_mock/prices"),
    ("POST", "/_mock/prices"), ("DELETE", "/_mock/prices/x"), ("GET", "/_mock/faults"),
    ("POST", "/_mock/faults"), ("DELETE", "/_mock/faults"), ("DELETE", "/_mock/faults/x"),
    ("GET", "/_mock/faults/unconsumed"), ("GET", "/_mock/credits"),
    ("POST", "/_mock/credits"), ("GET", "/_mock/tier"), ("POST", "/_mock/tier"),
    ("POST", "/_mock/tasks/x/release"), ("POST", "/_mock/tasks/x/cancel"),
    ("GET", "/_mock/journal"), ("POST", "/_mock/journal/clear"), ("GET", "/_mock/etiquette"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_exposed_without_token_disables_everything_but_health(clock, method, path):
    """An exposed server with no admin token answers 403 on every control endpoint but health."""
    client = create_app({"exposed": True}, clock=clock).test_client()
    r = client.open(path, method=method, json={}, headers=auth())
    assert r.status_code == 403
    assert "admin token" in r.json["error"]
    assert client.get("/_mock/health").status_code == 200


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_exposed_with_token_needs_exactly_that_token(clock, method, path):
    """With an admin token every control endpoint is 401 unless sent exactly as Bearer token."""
    client = create_app({"exposed": True, "admin_token": "adm1n"}, clock=clock).test_client()
    for headers in ({}, auth(), {"Authorization": "Bearer adm1n-not"},
                    {"Authorization": "adm1n"}):
        r = client.open(path, method=method, json={}, headers=headers)
        assert r.status_code == 401, (headers, r.json)
    r = client.open(path, method=method, json={}, headers={"Authorization": "Bearer adm1n"})
    assert r.status_code not in (401, 403)


def test_a_tenants_key_is_never_the_admin_token(clock):
    # Even a tenant whose API key happens to be sent with the API's headers gets 401.
    """A tenant's API key never passes as the admin token (401); the token itself does."""
    client = create_app({"admin_token": "adm1n"}, clock=clock).test_client()
    create(client)
    assert client.get("/_mock/state", headers=auth()).status_code == 401
    assert client.get("/_mock/state", headers={"Authorization": "Bearer adm1n"}).status_code == 200


def test_loopback_without_token_is_open(client):
    """On loopback with no admin token the control API is open."""
    assert client.get("/_mock/clock").status_code == 200


@pytest.mark.parametrize("path", ["/_mock/reset", "/_mock/seed", "/_mock/journal/clear",
                                  "/_mock/tasks/x/cancel"])
def test_mutations_are_post_only(client, path):
    """Control mutations answer GET with 405 and an Allow header naming POST."""
    r = client.get(path)
    assert r.status_code == 405
    assert "POST" in r.headers["Allow"]


# ---------------------------------------------------------------------------
# State, seed and time


def test_health(client):
    """The health endpoint answers 200 with status ok."""
    assert ok(client.get("/_mock/health"))["status"] == "ok"


def test_reset_everything_or_one_tenant(client):
    """Reset with apiKey clears only that tenant; an empty reset clears every tenant."""
    a, b = create(client), create(client, OTHER_KEY)
    ok(client.post("/_mock/reset", json={"apiKey": API_KEY}))
    assert client.get(f"/v1/tasks/{a}", headers=auth()).status_code == 404
    assert client.get(f"/v1/tasks/{b}", headers=auth(OTHER_KEY)).status_code == 200
    ok(client.post("/_mock/reset", json={}))
    assert client.get(f"/v1/tasks/{b}", headers=auth(OTHER_KEY)).status_code == 404


def test_reset_can_keep_policies_faults_and_prices(client):
    """Reset may keep policies, prices and faults; keeping anything else is a 400."""
    ok(client.post("/_mock/policies", json={"key": "*", "transition": {"kind": "immediate"}}))
    ok(client.post("/_mock/prices", json={"model": "gen4_turbo", "unit": "generation",
                                          "rate": 1}))
    ok(client.post("/_mock/faults", json={"id": "f", "match": {"path": "/nope"},
                                          "effect": "drop"}))
    ok(client.post("/_mock/reset", json={"keep": ["policies", "prices", "faults"]}))
    assert ok(client.get("/_mock/policies")) == {"*": {"transition": {"kind": "immediate"}}}
    assert "gen4_turbo" in ok(client.get("/_mock/prices"))["overrides"]
    assert [r["id"] for r in ok(client.get("/_mock/faults"))["rules"]] == ["f"]
    assert client.post("/_mock/reset", json={"keep": ["tasks"]}).status_code == 400


def test_state_dump_has_tasks_and_ledger(client):
    """The state dump, filtered by apiKey or not, shows the tenant's tasks and ledger charge."""
    task_id = create(client)
    dump = ok(client.get(f"/_mock/state?apiKey={API_KEY}"))["tenants"]
    assert list(dump) == [TENANT]
    assert [t["id"] for t in dump[TENANT]["records"]["task"]] == [task_id]
    assert dump[TENANT]["records"]["ledger"][0]["kind"] == "charge"
    assert TENANT in ok(client.get("/_mock/state"))["tenants"]


def test_seed(client):
    """Setting the seed is echoed and shown by health; a non-integer seed is a 400."""
    assert ok(client.post("/_mock/seed", json={"seed": 99})) == {"seed": 99}
    assert ok(client.get("/_mock/health"))["seed"] == 99
    assert client.post("/_mock/seed", json={"seed": "x"}).status_code == 400


def test_clock_read_advance_set_freeze_scale(client, clock):
    """The clock can be read, advanced, set, scaled and frozen; bad changes are 400s."""
    start = ok(client.get("/_mock/clock"))
    assert start["iso"] == "2026-01-01T00:00:00.000Z" and start["frozen"] is True
    assert ok(client.post("/_mock/clock", json={"advance": 90}))["now"] == start["now"] + 90
    moved = ok(client.post("/_mock/clock", json={"set": "2026-02-01T00:00:00Z"}))
    assert moved["iso"] == "2026-02-01T00:00:00.000Z"
    assert ok(client.post("/_mock/clock", json={"rate": 10, "freeze": False}))["rate"] == 10
    assert ok(client.post("/_mock/clock", json={"freeze": True}))["frozen"] is True
    for bad in ({}, {"advance": -1}, {"advance": "1"}, {"set": "2020-01-01"},
                {"freeze": "yes"}, {"rate": 0}):
        assert client.post("/_mock/clock", json=bad).status_code == 400, bad


# ---------------------------------------------------------------------------
# Policies and prices


def test_policies_crud(client, clock):
    """A policy can be set, listed, affects new tasks' outcome, and be deleted."""
    table = ok(client.post("/_mock/policies", json={
        "key": "image_to_video:gen4_turbo",
        "outcome": {"status": "FAILED", "failureCode": "ASSET.INVALID"}}))
    assert table["image_to_video:gen4_turbo"]["outcome"]["failureCode"] == "ASSET.INVALID"
    assert ok(client.get("/_mock/policies")) == table
    task_id = create(client)
    clock.advance(600)
    assert client.get(f"/v1/tasks/{task_id}", headers=auth()).json["status"] == "FAILED"
    assert ok(client.delete("/_mock/policies/image_to_video:gen4_turbo")) == {}


def test_prices_crud(client):
    """A price override changes the estimate, shows as effective, and can be deleted."""
    ok(client.post("/_mock/prices", json={"model": "gen4_turbo", "unit": "second", "rate": 1}))
    assert client.post("/v1/image_to_video", json=I2V,
                       headers=auth()).json["estimatedCost"] == {"credits": 5}
    r = ok(client.get("/_mock/prices?endpoint=image_to_video&model=gen4_turbo"))
    assert r["effective"]["rate"] == 1
    assert client.get("/_mock/prices?endpoint=image_to_video&model=nope").status_code == 404
    assert ok(client.delete("/_mock/prices/gen4_turbo")) == {"overrides": {}}


# ---------------------------------------------------------------------------
# Faults


def test_faults_add_list_delete_and_unconsumed(client):
    """Fault rules are added, listed with counts, deleted singly or all, and replaced."""
    stored = ok(client.post("/_mock/faults", json={"rules": [
        {"id": "a", "match": {"path": "/v1/organization"},
         "effect": {"type": "status", "status": 500}, "times": 1},
        {"id": "b", "match": {"path": "/nope"}, "effect": "drop"},
    ]}))["rules"]
    assert [r["id"] for r in stored] == ["a", "b"]
    assert client.get("/v1/organization", headers=auth()).status_code == 500
    listed = {r["id"]: r for r in ok(client.get("/_mock/faults"))["rules"]}
    assert listed["a"]["fired"] == 1 and listed["a"]["remaining"] == 0
    assert [r["id"] for r in ok(client.get("/_mock/faults/unconsumed"))["rules"]] == ["b"]
    assert [r["id"] for r in ok(client.delete("/_mock/faults/b"))["rules"]] == ["a"]
    assert client.delete("/_mock/faults/b").status_code == 404
    ok(client.post("/_mock/faults", json={"rules": [{"id": "c", "effect": "drop",
                                                     "match": {"path": "/x"}}],
                                          "replace": True}))
    assert [r["id"] for r in ok(client.get("/_mock/faults"))["rules"]] == ["c"]
    assert ok(client.delete("/_mock/faults")) == {"rules": []}


# ---------------------------------------------------------------------------
# Tenants


def test_credits_read_and_change(client):
    """Credits are read and set per tenant and show in the organization; bad changes are 400s."""
    view = ok(client.get(f"/_mock/credits?apiKey={API_KEY}"))
    assert view["balance"] == 10_000 and view["tenant"] == TENANT
    assert ok(client.post("/_mock/credits", json={"tenant": TENANT, "set": 40}))["balance"] == 40
    assert client.get("/v1/organization", headers=auth()).json["creditBalance"] == 40
    for bad in ({"apiKey": API_KEY}, {"apiKey": API_KEY, "set": 1, "add": 1},
                {"apiKey": API_KEY, "set": -5}, {"apiKey": API_KEY, "add": 0},
                {"apiKey": API_KEY, "set": 1.5}, {"set": 10}, {"apiKey": "", "set": 1}):
        assert client.post("/_mock/credits", json=bad).status_code == 400, bad
    assert client.get("/_mock/credits").status_code == 400


def test_tier_read_and_change(client):
    """Tier and per-model limit overrides change the organization view; bad changes are 400s."""
    view = ok(client.get(f"/_mock/tier?apiKey={API_KEY}"))
    assert view["tier"] == 1
    assert view["models"]["gen4_turbo"] == {"maxConcurrentGenerations": 1,
                                            "maxDailyGenerations": 50}
    view = ok(client.post("/_mock/tier", json={
        "apiKey": API_KEY, "tier": 3,
        "limits": {"gen4_image": {"maxDailyGenerations": 7}}}))
    assert view["tier"] == 3
    assert view["models"]["gen4_turbo"]["maxConcurrentGenerations"] == 5
    assert view["models"]["gen4_image"] == {"maxConcurrentGenerations": 5,
                                            "maxDailyGenerations": 7}
    org = client.get("/v1/organization", headers=auth()).json
    assert org["tier"]["maxMonthlyCreditSpend"] == 200_000
    assert org["tier"]["models"]["gen4_image"]["maxDailyGenerations"] == 7
    view = ok(client.post("/_mock/tier", json={"apiKey": API_KEY,
                                               "limits": {"gen4_image": None}}))
    assert view["overrides"] == {}
    for bad in ({"apiKey": API_KEY, "tier": 6}, {"apiKey": API_KEY, "tier": True},
                {"apiKey": API_KEY}, {"apiKey": API_KEY, "limits": []},
                {"apiKey": API_KEY, "limits": {"m": {"maxDailyGenerations": -1}}},
                {"apiKey": API_KEY, "limits": {"m": {"daily": 1}}}):
        assert client.post("/_mock/tier", json=bad).status_code == 400, bad


# ---------------------------------------------------------------------------
# Tasks


def test_cancel_into_a_visible_cancelled_state(client, clock):
    """Cancel makes a task CANCELLED with zero cost and a refund; repeat 409, unknown 404."""
    task_id = create(client)
    r = ok(client.post(f"/_mock/tasks/{task_id}/cancel", json={"apiKey": API_KEY}))
    assert r == {"id": task_id, "status": "CANCELLED", "cost": 0}
    t = client.get(f"/v1/tasks/{task_id}", headers=auth()).json
    assert t["status"] == "CANCELLED"
    assert set(t) == {"id", "status", "createdAt", "cost"}
    assert t["cost"] == {"credits": 0}
    assert client.get("/v1/organization", headers=auth()).json["creditBalance"] == 10_000
    again = client.post(f"/_mock/tasks/{task_id}/cancel", json={"apiKey": API_KEY})
    assert again.status_code == 409
    gone = client.post("/_mock/tasks/nope/cancel", json={"apiKey": API_KEY})
    assert gone.status_code == 404
    assert client.post(f"/_mock/tasks/{task_id}/cancel", json={}).status_code == 400
    # DELETE still removes it.
    assert client.delete(f"/v1/tasks/{task_id}", headers=auth()).status_code == 204


def test_release(client, clock):
    """Releasing a held task answers released true."""
    ok(client.post("/_mock/policies", json={"key": "*", "transition": {"kind": "hold",
                                                                        "status": "PENDING"}}))
    task_id = create(client)
    assert ok(client.post(f"/_mock/tasks/{task_id}/release",
                          json={"tenant": TENANT})) == {"id": task_id, "released": True}


# ---------------------------------------------------------------------------
# Journal and etiquette


def test_journal_filters_and_clear(client):
    """The journal filters by key, method, status, path, fault, limit, after; clear empties it."""
    create(client)
    client.get("/v1/organization", headers=auth(OTHER_KEY))
    client.get("/v1/tasks/nope", headers=auth())
    everything = ok(client.get("/_mock/journal"))["entries"]
    assert [e["path"] for e in everything] == ["/v1/image_to_video", "/v1/organization",
                                               "/v1/tasks/nope"]
    mine = ok(client.get(f"/_mock/journal?apiKey={API_KEY}"))["entries"]
    assert len(mine) == 2
    assert len(ok(client.get("/_mock/journal?method=get&status=404"))["entries"]) == 1
    assert len(ok(client.get("/_mock/journal?path=/v1/tasks/*"))["entries"]) == 1
    assert len(ok(client.get("/_mock/journal?fault=true"))["entries"]) == 0
    last = ok(client.get("/_mock/journal?limit=1"))
    assert last["last"] == everything[-1]["seq"] and len(last["entries"]) == 1
    assert len(ok(client.get(f"/_mock/journal?after={everything[0]['seq']}"))["entries"]) == 2
    assert client.get("/_mock/journal?status=abc").status_code == 400
    assert client.get("/_mock/journal?fault=maybe").status_code == 400
    ok(client.post("/_mock/journal/clear"))
    assert ok(client.get("/_mock/journal"))["entries"] == []


def test_etiquette_endpoint(client):
    """The etiquette report lists every check and the findings for a tenant; bad intervals 400."""
    create(client)
    report = ok(client.get(f"/_mock/etiquette?apiKey={API_KEY}"))
    assert report["tenant"] == TENANT
    assert report["findings"] == ["undeleted_tasks"]
    assert set(report["checks"]) == {"poll_too_often", "retry_before_retry_after",
                                     "retry_after_client_error", "duplicate_create",
                                     "over_concurrency", "undeleted_tasks"}
    assert client.get("/_mock/etiquette?pollInterval=soon").status_code == 400
