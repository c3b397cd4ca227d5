"""Realtime sessions, the one-time consume call, conversations and avatar usage."""

from __future__ import annotations

import math

import pytest
from runway_mock.config import tenant_of
from runway_mock.domain import ledger
from runway_mock.domain.resources import realtime
from runway_mock.testing import runtime_of

from tests.conftest import API_KEY, OTHER_KEY, auth

PRESET = {"model": "gwm1_avatars", "avatar": {"type": "runway-preset", "presetId": "influencer"}}


def create(client, body: dict | None = None, key: str | None = None) -> str:
    resp = client.post("/v1/realtime_sessions", json=body or PRESET,
                       headers=auth(key) if key else auth())
    assert resp.status_code == 200, resp.get_json()
    assert set(resp.get_json()) == {"id"}
    return resp.get_json()["id"]


def get(client, session_id: str, key: str | None = None) -> dict:
    resp = client.get(f"/v1/realtime_sessions/{session_id}", headers=auth(key) if key else auth())
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def consume(client, session_id: str, key: str | None):
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return client.post(f"/v1/realtime_sessions/{session_id}/consume", json={}, headers=headers)


def talk(app, session_id: str) -> int:
    """How long the emulator will let this call run (drawn from the seed at creation)."""
    record = runtime_of(app).store.get(tenant_of(API_KEY), realtime.KIND, session_id)
    return int(record["talkSeconds"])


def ready(client, clock, body: dict | None = None) -> tuple[str, str]:
    session_id = create(client, body)
    clock.advance(realtime.READY_SECONDS)
    state = get(client, session_id)
    assert state["status"] == "READY"
    return session_id, state["sessionKey"]


def test_lifecycle_not_ready_ready_running_completed(app, client, clock) -> None:
    """A session goes NOT_READY, READY, RUNNING on consume and COMPLETED after its talk time."""
    session_id = create(client, {**PRESET, "maxDuration": 30})
    seconds = talk(app, session_id)
    assert 0 < seconds <= 30
    first = get(client, session_id)
    assert first["status"] == "NOT_READY" and set(first) == {"id", "createdAt", "status",
                                                              "queued"}
    clock.advance(realtime.READY_SECONDS)
    state = get(client, session_id)
    assert state["status"] == "READY" and state["sessionKey"] and state["expiresAt"]
    resp = consume(client, session_id, state["sessionKey"])
    assert resp.status_code == 200
    creds = resp.get_json()
    assert set(creds) == {"url", "token", "roomName"} and creds["url"].startswith("ws://")
    assert get(client, session_id)["status"] == "RUNNING"
    clock.advance(seconds - 1)
    assert get(client, session_id)["status"] == "RUNNING"
    clock.advance(1)
    done = get(client, session_id)
    assert done == {"id": session_id, "createdAt": first["createdAt"], "status": "COMPLETED",
                    "duration": seconds}


def test_consume_is_one_time_and_needs_the_right_key(client, clock) -> None:
    """consume needs that session's own key and works only once; others are 401."""
    session_id, key = ready(client, clock)
    other_id, other_key = ready(client, clock)
    assert consume(client, session_id, None).status_code == 401
    assert consume(client, session_id, "rsk_forged.key").status_code == 401
    assert consume(client, session_id, API_KEY).status_code == 401
    assert consume(client, session_id, other_key).status_code == 401
    assert consume(client, session_id, key).status_code == 200
    again = consume(client, session_id, key)
    assert again.status_code == 401 and "already used" in again.get_json()["error"]
    assert consume(client, other_id, other_key).status_code == 200


def test_consume_before_ready_is_409(client, clock, app) -> None:
    """Consuming a session that is not READY yet is a 409."""
    session_id = create(client)
    key = realtime.session_key(runtime_of(app), tenant_of(API_KEY), session_id)
    assert consume(client, session_id, key).status_code == 409


def test_unused_key_expires_into_completed_with_zero_duration(client, clock) -> None:
    """An unconsumed key expires: the session COMPLETES with duration 0, no conversation."""
    session_id, key = ready(client, clock)
    clock.advance(realtime.KEY_TTL + 1)
    assert get(client, session_id) == {**get(client, session_id), "status": "COMPLETED",
                                       "duration": 0}
    assert consume(client, session_id, key).status_code == 401
    assert client.get(f"/v1/avatar_conversations/{session_id}", headers=auth()).status_code == 404


def test_delete_cancels_and_is_idempotent(client, clock) -> None:
    """Deleting a session makes it CANCELLED; deleting again is still 204."""
    session_id = create(client)
    assert client.delete(f"/v1/realtime_sessions/{session_id}", headers=auth()).status_code == 204
    assert get(client, session_id)["status"] == "CANCELLED"
    assert client.delete(f"/v1/realtime_sessions/{session_id}", headers=auth()).status_code == 204
    clock.advance(60)
    assert get(client, session_id)["status"] == "CANCELLED"


def test_cancel_during_a_call_ends_the_conversation(client, clock) -> None:
    """Cancelling mid-call ends the conversation with the time talked so far."""
    session_id, key = ready(client, clock, {**PRESET, "maxDuration": 600})
    consume(client, session_id, key)
    clock.advance(12)
    client.delete(f"/v1/realtime_sessions/{session_id}", headers=auth())
    assert get(client, session_id)["status"] == "CANCELLED"
    conversation = client.get(f"/v1/avatar_conversations/{session_id}", headers=auth()).get_json()
    assert conversation["status"] == "ended" and conversation["duration"] == 12


def test_session_fails_by_policy(client, clock) -> None:
    """A realtime_sessions FAILED policy fails the session with a failure code."""
    client.post("/_mock/policies", json={"key": "realtime_sessions", "outcome": {
        "status": "FAILED", "failureCode": "INTERNAL"}})
    session_id = create(client)
    clock.advance(realtime.READY_SECONDS)
    failed = get(client, session_id)
    assert failed["status"] == "FAILED" and failed["failure"] and failed["failureCode"]


def test_credits_up_front_and_per_six_seconds(app, client, clock) -> None:
    """Sessions charge credits up front and then per started six seconds, once."""
    rt, tenant = runtime_of(app), tenant_of(API_KEY)
    before = ledger.balance(rt, tenant)
    session_id, key = ready(client, clock, {**PRESET, "maxDuration": 20})
    assert ledger.balance(rt, tenant) == before - realtime.UP_FRONT_CREDITS
    consume(client, session_id, key)
    clock.advance(25)
    seconds = talk(app, session_id)
    assert get(client, session_id)["duration"] == seconds
    get(client, session_id)  # settling twice must not charge twice
    assert ledger.balance(rt, tenant) == before - 2 - 2 * math.ceil(seconds / 6)


def test_daily_quota_and_credits_are_checked_at_creation(app, client) -> None:
    """Creating a session checks the daily quota (429) and credits (400)."""
    from runway_mock.domain import limits

    rt, tenant = runtime_of(app), tenant_of(API_KEY)
    limits.set_tier(rt, tenant, limits={realtime.MODEL: {"maxDailyGenerations": 1}})
    create(client)
    refused = client.post("/v1/realtime_sessions", json=PRESET, headers=auth())
    assert refused.status_code == 429
    ledger.set_balance(rt, tenant_of(OTHER_KEY), 1)
    poor = client.post("/v1/realtime_sessions", json=PRESET, headers=auth(OTHER_KEY))
    assert poor.status_code == 400 and "credits" in poor.get_json()["error"]


def test_custom_avatar_must_exist_and_be_ready(client, clock) -> None:
    """A custom avatar must exist, be READY and belong to the tenant."""
    body = {"model": "gwm1_avatars", "avatar": {"type": "custom",
                                               "avatarId": "00000000-0000-4000-8000-000000000000"}}
    missing = client.post("/v1/realtime_sessions", json=body, headers=auth())
    assert missing.status_code == 400
    assert missing.get_json()["issues"][0]["path"] == ["avatar", "avatarId"]
    avatar = client.post("/v1/avatars", headers=auth(), json={
        "name": "Ava", "personality": "Kind.", "referenceImage": "https://example.com/a.png",
        "voice": {"type": "runway-live-preset", "presetId": "leo"}}).get_json()
    body["avatar"]["avatarId"] = avatar["id"]
    assert client.post("/v1/realtime_sessions", json=body, headers=auth()).status_code == 400
    clock.advance(10)
    assert client.post("/v1/realtime_sessions", json=body, headers=auth()).status_code == 200
    stranger = client.post("/v1/realtime_sessions", json=body, headers=auth(OTHER_KEY))
    assert stranger.status_code == 400


@pytest.mark.parametrize(("change", "path"), [
    ({"model": "gwm2"}, ["model"]),
    ({"maxDuration": 5}, ["maxDuration"]),
    ({"maxDuration": 1801}, ["maxDuration"]),
    ({"avatar": {"type": "runway-preset", "presetId": "dog"}}, ["avatar", "presetId"]),
    ({"tools": [{"type": "client_event", "name": "1bad", "description": "d"}]},
     ["tools", 0, "name"]),
    ({"tools": [{"type": "backend_rpc", "name": "lookup", "description": "d",
                 "parameters": [{"type": "array", "name": "ids", "description": "d"}]}]},
     ["tools", 0, "parameters", 0, "items"]),
    ({"integration": {"type": "livekit", "url": "ws://10.0.0.1", "token": "t",
                      "roomName": "r"}}, ["integration", "url"]),
])
def test_create_validation(client, change, path) -> None:
    """Bad model, duration, preset, tool names, tool parameters or integration URL are 400s."""
    resp = client.post("/v1/realtime_sessions", json={**PRESET, **change}, headers=auth())
    assert resp.status_code == 400 and resp.get_json()["issues"][0]["path"] == path


def test_sessions_are_per_tenant(client) -> None:
    """Another tenant's session id is a 404 on GET and DELETE."""
    session_id = create(client)
    assert client.get(f"/v1/realtime_sessions/{session_id}",
                      headers=auth(OTHER_KEY)).status_code == 404
    assert client.delete(f"/v1/realtime_sessions/{session_id}",
                         headers=auth(OTHER_KEY)).status_code == 404


def test_conversations_list_filters_and_pages(client, clock) -> None:
    """Conversations list newest first, filter by avatar and dates, page, and delete."""
    avatar = client.post("/v1/avatars", headers=auth(), json={
        "name": "Bo", "personality": "Calm.", "referenceImage": "https://example.com/b.png",
        "voice": {"type": "runway-live-preset", "presetId": "max"}}).get_json()
    clock.advance(10)
    custom = {"model": "gwm1_avatars", "avatar": {"type": "custom", "avatarId": avatar["id"]}}
    ids = []
    for body in (PRESET, custom, PRESET, custom):
        session_id, key = ready(client, clock, body)
        consume(client, session_id, key)
        ids.append(session_id)
        clock.advance(3600)
    listed = client.get("/v1/avatar_conversations?limit=10", headers=auth()).get_json()
    assert [c["id"] for c in listed["data"]] == ids[::-1]
    assert all(c["status"] == "ended" for c in listed["data"])
    by_avatar = client.get(f"/v1/avatar_conversations?limit=1&avatar={avatar['id']}",
                           headers=auth()).get_json()
    assert [c["id"] for c in by_avatar["data"]] == [ids[3]] and by_avatar["hasMore"]
    nxt = client.get(f"/v1/avatar_conversations?limit=1&avatar={avatar['id']}"
                     f"&cursor={by_avatar['nextCursor']}", headers=auth()).get_json()
    assert [c["id"] for c in nxt["data"]] == [ids[1]] and not nxt["hasMore"]
    window = client.get("/v1/avatar_conversations?limit=10&startDate=2026-01-01T01:00:00Z"
                        "&endDate=2026-01-01T03:00:00Z", headers=auth()).get_json()
    assert [c["id"] for c in window["data"]] == [ids[2], ids[1]]
    detail = client.get(f"/v1/avatar_conversations/{ids[1]}", headers=auth()).get_json()
    assert detail["avatar"]["type"] == "custom" and detail["avatar"]["id"] == avatar["id"]
    assert detail["recordingUrl"] and detail["endedAt"] and detail["transcript"]
    recording = client.get(detail["recordingUrl"].removeprefix("http://localhost"))
    assert recording.status_code == 200 and recording.content_type == "video/mp4"
    assert client.delete(f"/v1/avatar_conversations/{ids[1]}", headers=auth()).status_code == 204
    assert client.get(f"/v1/avatar_conversations/{ids[1]}", headers=auth()).status_code == 404
    assert client.get(detail["recordingUrl"].removeprefix("http://localhost")).status_code == 404
    bad = client.get("/v1/avatar_conversations?avatar=nope", headers=auth())
    assert bad.status_code == 400 and bad.get_json()["issues"][0]["path"] == ["avatar"]


def test_avatar_usage_by_day(app, client, clock) -> None:
    """Avatar usage totals sessions and seconds and lists every day in the window, per tenant."""
    seconds = []
    for limit in (30, 50):
        session_id, key = ready(client, clock, {**PRESET, "maxDuration": limit})
        consume(client, session_id, key)
        seconds.append(talk(app, session_id))
        clock.advance(86400)
    resp = client.get("/v1/avatar_usage?startDate=2025-12-31T00:00:00Z"
                      "&endDate=2026-01-04T00:00:00Z", headers=auth())
    assert resp.status_code == 200
    report = resp.get_json()
    assert report["totalSessions"] == 2 and report["totalSeconds"] == sum(seconds)
    assert report["avgDurationSeconds"] == round(sum(seconds) / 2)
    assert [d["date"] for d in report["byDay"]] == ["2025-12-31", "2026-01-01", "2026-01-02",
                                                     "2026-01-03"]
    assert [d["seconds"] for d in report["byDay"]] == [0, *seconds, 0]
    assert [d["sessions"] for d in report["byDay"]] == [0, 1, 1, 0]
    other = client.get("/v1/avatar_usage?startDate=2025-12-31T00:00:00Z"
                       "&endDate=2026-01-04T00:00:00Z", headers=auth(OTHER_KEY)).get_json()
    assert other["totalSessions"] == 0


@pytest.mark.parametrize(("query", "field"), [
    ("endDate=2026-01-02T00:00:00Z", "startDate"),
    ("startDate=2026-01-02T00:00:00Z", "endDate"),
    ("startDate=2026-01-01T00:00:00Z&endDate=2026-05-01T00:00:00Z", "endDate"),
    ("startDate=yesterday&endDate=2026-01-01T00:00:00Z", "startDate"),
    ("startDate=2026-02-30T00:00:00Z&endDate=2026-03-05T00:00:00Z", "startDate"),
])
def test_avatar_usage_validation(client, query, field) -> None:
    """Missing, reversed, too long or invalid usage dates are 400s naming the field."""
    resp = client.get(f"/v1/avatar_usage?{query}", headers=auth())
    assert resp.status_code == 400 and resp.get_json()["issues"][0]["path"] == [field]
