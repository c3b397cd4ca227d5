"""The request journal: what each entry holds, what it never holds, and its cap."""

from __future__ import annotations

import json

from runway_mock import create_app
from runway_mock.config import tenant_of
from runway_mock.domain import journal
from runway_mock.testing import runtime_of

from tests.conftest import API_KEY, auth

I2V = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}


def entries(app, **kw):
    return journal.entries(runtime_of(app), **kw)


def test_entry_fields_for_a_create_and_a_read(app, client, clock):
    """A create's entry has endpoint, tenant, task, model, body hash, retry count, agent, time."""
    r = client.post("/v1/image_to_video", json=I2V,
                    headers={**auth(), "x-stainless-retry-count": "0",
                             "User-Agent": "RunwayML/Python 5.24.0"})
    task_id = r.json["id"]
    clock.advance(3)
    client.get(f"/v1/tasks/{task_id}", headers=auth())
    create, read = entries(app)
    assert create["method"] == "POST" and create["path"] == "/v1/image_to_video"
    assert create["endpoint"] == "image_to_video"  # the name fault rules match on
    assert create["tenant"] == tenant_of(API_KEY)
    assert create["status"] == 200
    assert create["created"] is True and create["taskId"] == task_id
    assert create["model"] == "gen4_turbo"
    assert create["bodyHash"] == journal.body_hash(json.dumps(I2V).encode())
    assert create["retryCount"] == 0
    assert create["userAgent"] == "RunwayML/Python 5.24.0"
    assert create["at"] == 1_767_225_600.0 and create["ms"] >= 0
    assert "fault" not in create and "throttled" not in create
    assert read["taskId"] == task_id and read["at"] == create["at"] + 3
    assert "bodyHash" not in read and "created" not in read
    assert read["seq"] == create["seq"] + 1


def test_never_a_raw_key_or_admin_token(clock):
    """Neither the journal nor the store dump ever holds a raw API key or admin token."""
    secret_key, admin = "sk-very-secret-key-123", "admin-token-456"
    app = create_app({"admin_token": admin}, clock=clock)
    client = app.test_client()
    h = {"Authorization": f"Bearer {secret_key}", "X-Runway-Version": "2024-11-06"}
    task_id = client.post("/v1/image_to_video", json=I2V, headers=h).json["id"]
    client.get(f"/v1/tasks/{task_id}", headers=h)
    client.get("/v1/organization", headers={"Authorization": f"Bearer {secret_key}"})
    fault = {"X-Runway-Mock-Fault": '{"type": "status", "status": 503}',
             "X-Runway-Mock-Admin-Token": admin}
    client.get("/v1/organization", headers={**h, **fault})
    admin_h = {"Authorization": f"Bearer {admin}"}
    client.post("/_mock/faults", json={"apiKey": secret_key, "match": {"apiKey": secret_key},
                                       "effect": "drop"}, headers=admin_h)
    client.post("/_mock/faults", json={"match": {"apiKey": secret_key}, "effect": "drop"},
                headers=admin_h)
    client.post("/_mock/credits", json={"apiKey": secret_key, "set": 5}, headers=admin_h)
    dumped = json.dumps([entries(app), runtime_of(app).store.dump()])
    assert secret_key not in dumped and admin not in dumped
    assert tenant_of(secret_key) in dumped
    assert [e["status"] for e in entries(app)] == [200, 200, 400, 503]


def test_refused_calls_are_recorded_under_the_callers_hash(client, app):
    """Refused calls are journalled; the tenant hash appears only when a key was sent."""
    client.get("/v1/organization", headers={"Authorization": f"Bearer {API_KEY}"})
    client.get("/v1/organization")
    first, second = entries(app)
    assert first["status"] == 400 and first["tenant"] == tenant_of(API_KEY)
    assert second["status"] == 401 and "tenant" not in second


def test_control_calls_are_not_journaled(client, app):
    """Calls to the control API are not journalled."""
    client.get("/_mock/health")
    client.post("/_mock/clock", json={"advance": 1})
    assert entries(app) == []


def test_downloads_are_recorded_without_their_signed_query(client, app, clock):
    """Output downloads are journalled by path, without the signed _jwt query."""
    task_id = client.post("/v1/image_to_video", json=I2V, headers=auth()).json["id"]
    clock.advance(600)
    url = client.get(f"/v1/tasks/{task_id}", headers=auth()).json["output"][0]
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    download = entries(app)[-1]
    assert download["path"] == "/" + path.split("?")[0]
    assert "_jwt" not in json.dumps(download)


def test_the_journal_is_capped(clock):
    """The journal keeps only the newest journal_size entries."""
    app = create_app({"journal_size": 5}, clock=clock)
    client = app.test_client()
    for _ in range(12):
        client.get("/v1/organization", headers=auth())
    kept = entries(app)
    assert len(kept) == 5
    assert [e["seq"] for e in kept] == list(range(8, 13))


def test_throttled_creates_are_marked(client, app):
    """A create that is queued over the limit is marked throttled in the journal."""
    for _ in range(2):
        client.post("/v1/image_to_video", json=I2V, headers=auth())
    assert [e.get("throttled") for e in entries(app)] == [None, True]


def test_filters(client, app):
    """Journal entries filter by tenant, status, path glob, limit and faulted."""
    client.get("/v1/organization", headers=auth())
    client.get("/v1/organization", headers=auth("other"))
    client.get("/v1/nope", headers=auth())
    assert len(entries(app, tenant=tenant_of("other"))) == 1
    assert len(entries(app, status=404)) == 1
    assert len(entries(app, path="/v1/org*")) == 2
    assert len(entries(app, limit=1)) == 1
    assert len(entries(app, faulted=True)) == 0


def test_a_routed_create_is_journaled_with_the_model_it_routed_to(app, client):
    """POST /v1/generate/* creates a task too: the journal names it from the view's note."""
    assert client.post("/v1/routers", json={"slug": "main"}, headers=auth()).status_code == 200
    resp = client.post("/v1/generate/image", json={"configId": "main",
                                                   "input": {"promptText": "a fox"}},
                       headers=auth())
    assert resp.status_code == 200, resp.get_json()
    create = entries(app)[-1]
    assert create["created"] is True and create["taskId"] == resp.json["id"]
    assert create["model"] == resp.json["routing"]["model"]


def test_a_refused_create_is_not_marked_created(app, client):
    """A create the view refuses (400) made no task, so the journal claims none."""
    client.post("/v1/image_to_video", json={**I2V, "duration": 99}, headers=auth())
    (entry,) = entries(app)
    assert entry["status"] == 400 and "created" not in entry and "model" not in entry
