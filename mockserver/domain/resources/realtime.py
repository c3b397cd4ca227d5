"""Realtime avatar sessions, the conversations they leave behind, and avatar usage.

A session's status is a pure function of its record and the clock:
NOT_READY until its worker is "ready" (10 s of real time times the time scale, or a
policy under the key ``realtime_sessions``), then READY with a one-time ``sessionKey``
valid for ``KEY_TTL`` seconds. ``POST /v1/realtime_sessions/{id}/consume``, authenticated
with that key as the bearer, returns call credentials and starts the call: RUNNING for
a deterministic talk time (20-120 s, at most ``maxDuration``), then COMPLETED with its
duration. A key never used expires into COMPLETED with duration 0; DELETE cancels.
Every consumed session has a conversation (same id). The first read that sees a
session over settles it once (a conditional update): per-day usage counters grow
and the per-6-seconds charge is taken.
"""

from __future__ import annotations

import base64
import hmac
import json
import math
from datetime import datetime, timedelta, timezone
from typing import Any

from runway_mock.clock import iso
from runway_mock.config import Runtime
from runway_mock.domain import ledger, lifecycle, limits, outputs, pagination
from runway_mock.domain.lifecycle import BY_CALL, At, Seen
from runway_mock.domain.resources import avatars
from runway_mock.domain.resources.common import (
    DATE,
    DATETIME,
    DATETIME_QUERY,
    UUID,
    fail,
    find,
    media_url,
    parse_instant,
)
from runway_mock.errors import ApiError, Conflict, NotFound, Unauthorized
from runway_mock.schema import (
    Arr,
    Bool,
    Const,
    Enum,
    Int,
    Num,
    Obj,
    Str,
    Tagged,
    opt,
    req,
    tagged_obj,
)
from runway_mock.store import keys

KIND = keys.REALTIME_SESSION
CONVERSATION = keys.CONVERSATION
ACTIVE_SET = keys.ACTIVE_REALTIME
ACTIVE = lifecycle.ACTIVE
MODEL = "gwm1_avatars"
POLICY_ENDPOINT = "realtime_sessions"
READY_SECONDS = 10.0
# How long an unused session key stays valid (emulator seconds; assumed, not documented).
KEY_TTL = 300.0
TALK_MIN, TALK_SPAN = 20, 100
# Credits (runway-api.md (d), third-party figure, low confidence): 2 up front, 2 per 6 s.
UP_FRONT_CREDITS = 2
CREDITS_PER_BLOCK, BLOCK_SECONDS = 2, 6
USAGE_RANGE_DAYS = 90
KEY_PREFIX = "rsk_"

AVATAR_PRESETS = (
    "game-character", "music-superstar", "game-character-man", "cat-character", "influencer",
    "tennis-coach", "human-resource", "fashion-designer", "cooking-teacher",
)
AVATAR = Tagged("type", {
    "runway-preset": tagged_obj("type", "runway-preset",
                                {"presetId": req(Enum(AVATAR_PRESETS))}),
    "custom": tagged_obj("type", "custom", {"avatarId": req(UUID)}),
}, doc="A Runway preset avatar or one of your READY custom avatars.")
# Tool names: "Must start with a letter or underscore, followed by alphanumeric
# characters or underscores" (SDK); parameter names are documented only as strings.
_NAME = Str(1, 64, pattern=r"[a-zA-Z_][a-zA-Z0-9_]*")
_PARAM_COMMON = {"name": req(Str(1)), "description": req(Str()), "required": opt(Bool())}
PARAMETER = Tagged("type", {
    "string": tagged_obj("type", "string", {**_PARAM_COMMON,
                                            "enum": opt(Arr(Str(0, 64), max_items=20))}),
    "integer": tagged_obj("type", "integer", dict(_PARAM_COMMON)),
    "number": tagged_obj("type", "number", dict(_PARAM_COMMON)),
    "boolean": tagged_obj("type", "boolean", dict(_PARAM_COMMON)),
    "array": tagged_obj("type", "array", {
        **_PARAM_COMMON,
        "items": req(Obj({"type": req(Enum(("string", "integer", "number", "boolean")))})),
    }),
    "object": tagged_obj("type", "object", {**_PARAM_COMMON,
                                            "properties": req(Arr(Obj(extra=True),
                                                                  max_items=20))}),
}, doc="A tool parameter.")
_TOOL_COMMON = {"name": req(_NAME), "description": req(Str()),
                "parameters": opt(Arr(PARAMETER, max_items=20))}
TOOL = Tagged("type", {
    "client_event": tagged_obj("type", "client_event", dict(_TOOL_COMMON)),
    "backend_rpc": tagged_obj("type", "backend_rpc", {**_TOOL_COMMON,
                                                      "timeoutSeconds": opt(Num(0, 300))}),
}, doc="A tool the avatar may call.")
# ASCII whitespace and [\s\S] spelled out: Python's and JavaScript's \s and "." differ.
_PUBLIC_URL = Str(pattern=r"(wss|https)://[^ \t\n\r\f\v/:?#]+\.[^ \t\n\r\f\v/?#]+([/?#][\s\S]*)?",
                  doc="A wss:// or https:// URL on a public host.")
LIVEKIT = Obj({"url": req(_PUBLIC_URL), "token": req(Str(1)), "roomName": req(Str(1)),
               "agentIdentity": opt(Str(1))})
INTEGRATION = Tagged("type", {
    "elevenlabs": tagged_obj("type", "elevenlabs", {"signedUrl": req(_PUBLIC_URL)}),
    "livekit": tagged_obj("type", "livekit", dict(LIVEKIT.props)),
}, doc="Join an external call instead of a Runway-hosted room.")
CREATE = Obj({
    "model": req(Const(MODEL)), "avatar": req(AVATAR),
    "maxDuration": opt(Int(10, 1800, doc="Longest the call may last, in seconds.")),
    "personality": opt(Str(1, 10_000)), "startScript": opt(Str(1, 2000)),
    "tools": opt(Arr(TOOL, max_items=20)), "integration": opt(INTEGRATION),
    "livekit": opt(LIVEKIT),
}, doc="Create a realtime avatar session.")
CREATED = Obj({"id": req(Str())})
CONSUMED = Obj({"url": req(Str()), "token": req(Str()), "roomName": req(Str())},
               doc="Call credentials (the emulator hosts no media server).")
_S = {"id": req(Str()), "createdAt": req(DATETIME)}
SESSION = Tagged("status", {
    "NOT_READY": Obj({**_S, "status": req(Const("NOT_READY")), "queued": opt(Bool())}),
    "READY": Obj({**_S, "status": req(Const("READY")), "sessionKey": req(Str()),
                  "expiresAt": req(DATETIME)}),
    "RUNNING": Obj({**_S, "status": req(Const("RUNNING"))}),
    "COMPLETED": Obj({**_S, "status": req(Const("COMPLETED")), "duration": req(Int())}),
    "FAILED": Obj({**_S, "status": req(Const("FAILED")), "failure": req(Str()),
                   "failureCode": req(Str())}),
    "CANCELLED": Obj({**_S, "status": req(Const("CANCELLED"))}),
}, doc="A realtime session, by status.")
CONVERSATION_QUERY = pagination.page_props(
    20, avatar=opt(UUID), startDate=opt(DATETIME_QUERY), endDate=opt(DATETIME_QUERY))
USAGE_QUERY = {"startDate": req(DATETIME_QUERY), "endDate": req(DATETIME_QUERY)}
_WIRE_AVATAR = Obj({"type": req(Enum(("runway-preset", "custom"))), "presetId": opt(Str()),
                    "id": opt(Str(nullable=True)), "name": opt(Str(nullable=True)),
                    "imageUrl": opt(Str(nullable=True))}, nullable=True)
CONVERSATION_SUMMARY = Obj({
    "id": req(Str()), "name": req(Str()), "status": req(Enum(("in_progress", "ended",
                                                               "failed"))),
    "createdAt": req(DATETIME), "duration": req(Int(nullable=True)), "hasTools": req(Bool()),
    "avatar": req(_WIRE_AVATAR),
})
_TURN = Obj({"role": req(Enum(("user", "assistant"))), "content": req(Str(nullable=True)),
             "timestamp": req(Str(nullable=True)), "toolCalls": opt(Arr(Obj(extra=True))),
             "toolResults": opt(Arr(Obj(extra=True)))})
CONVERSATION_DETAIL = Obj({
    **{k: v for k, v in CONVERSATION_SUMMARY.props.items() if k != "hasTools"},
    "maxDuration": req(Int(nullable=True)), "startedAt": req(Str(nullable=True)),
    "endedAt": opt(Str(nullable=True)), "recordingUrl": req(Str(nullable=True)),
    "tools": req(Arr(Obj({"name": req(Str()), "description": req(Str()),
                          "type": req(Enum(("client_event", "backend_rpc")))}))),
    "transcript": req(Arr(_TURN)), "failure": opt(Str()), "failureCode": opt(Str()),
}, doc="A conversation, by status (in_progress, ended, failed).")
USAGE = Obj({
    "totalSeconds": req(Int()), "totalSessions": req(Int()), "avgDurationSeconds": req(Int()),
    "byDay": req(Arr(Obj({"date": req(DATE), "seconds": req(Int()), "sessions": req(Int())}))),
})

# Lines for the emulator's sample transcripts (its own invention: no audio is processed).
_USER_LINES = ("Hi there!", "Can you tell me more about that?", "That sounds great.",
               "How does it work?", "Thanks, that helps.", "One more question.")
_ASSISTANT_LINES = ("Hello! How can I help you today?", "Of course, here is how it works.",
                    "Happy to explain.", "Good question: let me walk you through it.",
                    "You're welcome!", "Sure, go ahead.")


class SessionGone(ApiError):
    """401: the session key was used already or has expired."""

    status = 401


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def session_key(rt: Runtime, tenant: str, session_id: str) -> str:
    """The one-time key of a session: it names the session and is signed, never stored."""
    body = _b64(json.dumps({"t": tenant, "i": session_id}, separators=(",", ":")).encode())
    return f"{KEY_PREFIX}{body}.{_b64(rt.sign(f'session.{body}'.encode()))}"


def _read_key(rt: Runtime, key: str) -> tuple[str, str]:
    """(tenant, session id) of a key this emulator issued; 401 otherwise."""
    try:
        body, sig = key.removeprefix(KEY_PREFIX).split(".")
        good = hmac.compare_digest(_unb64(sig), rt.sign(f"session.{body}".encode()))
        payload = json.loads(_unb64(body))
    except (ValueError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Unauthorized("Invalid session key.") from exc
    if not key.startswith(KEY_PREFIX) or not good or not isinstance(payload, dict):
        raise Unauthorized("Invalid session key.")
    return str(payload.get("t")), str(payload.get("i"))


# ---------------------------------------------------------------------------
# Sessions


def create(rt: Runtime, tenant: str, *, body: dict[str, Any]) -> dict[str, Any]:
    """Create a session: charge the up-front credits, plan readiness; returns the record."""
    avatar = body["avatar"]
    if avatar["type"] == "custom":
        record = rt.store.get(tenant, avatars.KIND, avatar["avatarId"])
        if record is None:
            raise fail(("avatar", "avatarId"), f"Avatar {avatar['avatarId']} not found.")
        if avatars.status(rt, tenant, record, poll=False) != "READY":
            raise fail(("avatar", "avatarId"),
                       f"Avatar {avatar['avatarId']} is not READY; wait until it is.")
    seq = rt.store.next_seq(tenant, KIND)
    session_id = rt.source.uuid(KIND, tenant, seq)
    hour = limits.reserve_daily(rt, tenant, MODEL)
    try:
        ledger.charge(rt, tenant, UP_FRONT_CREDITS, model=MODEL, task_id=session_id,
                      reason="realtime session created")
    except ledger.InsufficientCredits:
        limits.unreserve(rt, tenant, MODEL, hour)
        raise
    max_duration = int(body.get("maxDuration", 300))
    talk = min(max_duration, TALK_MIN + int(rt.source.random("talk", session_id) * TALK_SPAN))
    readiness = lifecycle.plan(rt, session_id, endpoint=POLICY_ENDPOINT, model=MODEL,
                     seconds=READY_SECONDS)
    record = {
        "id": session_id, "seq": seq, "avatar": avatar, "maxDuration": max_duration,
        "personality": body.get("personality"), "startScript": body.get("startScript"),
        "tools": [{"name": t["name"], "description": t["description"], "type": t["type"]}
                  for t in body.get("tools") or ()],
        "integration": (body.get("integration") or {}).get("type"),
        "createdAt": rt.clock.now(), "talkSeconds": talk, "consumedAt": None,
        "cancelledAt": None, "state": ACTIVE, **readiness,
    }
    record["keyExpiresAt"] = float(record["readyAt"]) + KEY_TTL
    rt.store.insert(tenant, KIND, session_id, record)
    rt.store.set_add(tenant, ACTIVE_SET, session_id)
    return record


def _duration(record: dict[str, Any], status: str, now: float) -> int | None:
    """Call seconds of a session in ``status``, when known."""
    if record["state"] == "CANCELLED":
        return None
    if record["state"] != ACTIVE:
        return record.get("duration")
    if status == "RUNNING":
        return int(now - float(record["consumedAt"]))
    if status == "COMPLETED":
        return 0 if record["consumedAt"] is None else int(record["talkSeconds"])
    return None


def _bill(rt: Runtime, tenant: str, session_id: str, seconds: int) -> None:
    """Take the per-6-seconds charge for a finished call, as far as the balance allows."""
    credits = CREDITS_PER_BLOCK * math.ceil(seconds / BLOCK_SECONDS)
    credits = min(credits, max(0, ledger.balance(rt, tenant)))
    ledger.charge(rt, tenant, credits, model=MODEL, task_id=session_id,
                  reason="realtime session minutes")


def _talk_end(record: Any) -> float:
    return float(record["consumedAt"]) + float(record["talkSeconds"])


def _settle_changes(record: Any, status: str, now: float) -> dict[str, Any]:
    """What closing a session writes: its call seconds and when it ended."""
    if record["consumedAt"] is not None:
        ended = _talk_end(record)
    elif status == "FAILED":
        ended = float(record["readyAt"])
    else:
        ended = float(record["keyExpiresAt"])
    return {"duration": _duration(record, status, now) or 0, "endedAt": ended}


def _on_settle(rt: Runtime, tenant: str, record: dict[str, Any], updated: dict[str, Any]
               ) -> None:
    """Once per session: usage counters and the per-minute bill of a call that happened."""
    if record["consumedAt"] is not None:
        day = iso(float(record["consumedAt"]))[:10]
        duration = int(updated["duration"])
        rt.store.add(tenant, keys.avatar_usage(day, "seconds"), duration)
        rt.store.add(tenant, keys.avatar_usage(day, "sessions"), 1)
        _bill(rt, tenant, record["id"], duration)


_READY = At("readyAt", outcome=True)
LIFECYCLE = lifecycle.Lifecycle(
    kind=KIND, initial="NOT_READY",
    transitions={
        "NOT_READY": {"READY": _READY, "FAILED": _READY, "CANCELLED": BY_CALL},
        # Consumed (the key exchanged for a call) or, unused, expired with its key.
        "READY": {"RUNNING": Seen("consumedAt"), "COMPLETED": At("keyExpiresAt"),
                  "CANCELLED": BY_CALL},
        "RUNNING": {"COMPLETED": At(_talk_end), "CANCELLED": BY_CALL},
        "COMPLETED": {}, "FAILED": {}, "CANCELLED": {},
    },
    outcome=lambda record: "FAILED" if record["failed"] else "READY",
    polled=("NOT_READY", "NOT_READY"), settles=True, active_set=ACTIVE_SET,
    settle_changes=_settle_changes, on_settle=_on_settle)


def observe(rt: Runtime, tenant: str, session_id: str, *, poll: bool = True
            ) -> tuple[dict[str, Any], str, int | None]:
    """Read a session: (record, status, duration), settling it if it just ended."""
    record = find(rt, tenant, KIND, session_id, "Realtime session")
    record, state, _ = lifecycle.observe(rt, LIFECYCLE, tenant, record, poll=poll)
    return record, state, _duration(record, state, rt.clock.now())


def settle_all(rt: Runtime, tenant: str) -> None:
    """Settle every session of a tenant that has ended by now (before usage reads)."""
    lifecycle.settle_all(rt, LIFECYCLE, tenant)


def cancel(rt: Runtime, tenant: str, session_id: str) -> None:
    """DELETE: cancel an active session (a running call ends now); no-op once it is over."""
    record, state, duration = observe(rt, tenant, session_id, poll=False)
    if state in ("NOT_READY", "READY", "RUNNING"):
        now = rt.clock.now()
        lifecycle.settle(rt, LIFECYCLE, tenant, record, "CANCELLED",
                         {"duration": int(duration or 0), "endedAt": now, "cancelledAt": now})


def wire(rt: Runtime, tenant: str, record: dict[str, Any], state: str,
         duration: int | None) -> dict[str, Any]:
    """A session as GET /v1/realtime_sessions/{id} shows it."""
    out: dict[str, Any] = {"id": record["id"], "createdAt": iso(record["createdAt"]),
                           "status": state}
    if state == "NOT_READY":
        out["queued"] = False
    elif state == "READY":
        out["sessionKey"] = session_key(rt, tenant, record["id"])
        out["expiresAt"] = iso(record["keyExpiresAt"])
    elif state == "COMPLETED":
        out["duration"] = int(duration or 0)
    elif state == "FAILED":
        out["failure"] = record.get("failure") or "The session failed to start."
        out["failureCode"] = record.get("failureCode") or "INTERNAL"
    return out


def consume(rt: Runtime, session_id: str, *, bearer: str, base_url: str) -> dict[str, Any]:
    """POST /v1/realtime_sessions/{id}/consume: one-time exchange of the key for a call."""
    if not bearer:
        raise Unauthorized("Send the session's sessionKey as 'Authorization: Bearer <key>'.")
    tenant, key_session = _read_key(rt, bearer)
    if key_session != session_id:
        raise Unauthorized("The session key does not belong to this session.")
    record, state, _ = observe(rt, tenant, session_id, poll=False)
    if state == "NOT_READY":
        raise Conflict("The session is not ready yet; poll it until its status is READY.")
    if state != "READY":
        if record["consumedAt"] is not None:
            raise SessionGone("The session key was already used: it is valid once.")
        raise SessionGone(f"The session key can no longer be used (session is {state}).")
    now = rt.clock.now()
    updated = rt.store.update(tenant, KIND, session_id, {"consumedAt": now},
                              expect={"consumedAt": None, "state": ACTIVE})
    if updated is None:
        raise SessionGone("The session key was already used: it is valid once.")
    rt.store.insert(tenant, CONVERSATION, session_id, {
        "id": session_id, "createdAt": now, "avatar": record["avatar"],
        "name": f"Conversation {record['seq']}", "tools": record["tools"],
    })
    room = f"runway-mock-{session_id}"
    token = outputs.make_jwt(rt, {"room": room, "sub": f"user-{session_id[:8]}",
                                  "exp": int(now + record["maxDuration"] + KEY_TTL)})
    ws = base_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return {"url": f"{ws}/_realtime", "token": token, "roomName": room}


# ---------------------------------------------------------------------------
# Conversations


def _preset_name(preset: str) -> str:
    return preset.replace("-", " ").title()


def _avatar_wire(rt: Runtime, tenant: str, avatar: dict[str, Any], *, detail: bool,
                 base_url: str) -> dict[str, Any]:
    if avatar["type"] == "runway-preset":
        return {"type": "runway-preset", "presetId": avatar["presetId"],
                "name": _preset_name(avatar["presetId"])}
    record = rt.store.get(tenant, avatars.KIND, avatar["avatarId"])
    if record is None:
        out: dict[str, Any] = {"type": "custom", "id": None, "name": None}
        if detail:
            out["imageUrl"] = None
        return out
    out = {"type": "custom", "id": record["id"], "name": record["name"]}
    if detail:
        state = avatars.status(rt, tenant, record, poll=False)
        ref, processed = avatars.image_urls(rt, tenant, record, base_url, state)
        out["imageUrl"] = processed or ref
    return out


_CONVERSATION_STATUS = {"RUNNING": "in_progress", "COMPLETED": "ended", "CANCELLED": "ended",
                        "FAILED": "failed"}


def _conversation_state(rt: Runtime, tenant: str, conversation: dict[str, Any]
                        ) -> tuple[dict[str, Any], str, int | None]:
    session, state, duration = observe(rt, tenant, conversation["id"], poll=False)
    if state == "CANCELLED":
        duration = session.get("duration")
    return session, _CONVERSATION_STATUS.get(state, "in_progress"), duration


def conversation_summary(rt: Runtime, tenant: str, conversation: dict[str, Any],
                         base_url: str) -> dict[str, Any]:
    """A conversation as GET /v1/avatar_conversations lists it."""
    _, status, duration = _conversation_state(rt, tenant, conversation)
    return {"id": conversation["id"], "name": conversation["name"], "status": status,
            "createdAt": iso(conversation["createdAt"]), "duration": duration,
            "hasTools": bool(conversation["tools"]),
            "avatar": _avatar_wire(rt, tenant, conversation["avatar"], detail=False,
                                   base_url=base_url)}


def _transcript(rt: Runtime, session: dict[str, Any], started: float, seconds: int
                ) -> list[dict[str, Any]]:
    """A deterministic sample transcript for ``seconds`` of talk."""
    turns: list[dict[str, Any]] = []
    if session.get("startScript"):
        turns.append({"role": "assistant", "content": session["startScript"],
                      "timestamp": iso(started)})
    exchanges = min(10, seconds // 15)
    for i in range(exchanges):
        at = started + 15 * i + 5
        pick = rt.source.integer("turn", session["id"], i) % len(_USER_LINES)
        turns.append({"role": "user", "content": _USER_LINES[pick], "timestamp": iso(at)})
        reply: dict[str, Any] = {"role": "assistant", "content": _ASSISTANT_LINES[pick],
                                 "timestamp": iso(at + 3)}
        if i == 0 and session["tools"]:
            tool = session["tools"][0]
            call_id = f"call_{rt.source.token('call', session['id'], nbytes=6)}"
            reply["toolCalls"] = [{"name": tool["name"], "arguments": {}, "id": call_id}]
            if tool["type"] == "backend_rpc":
                reply["toolResults"] = [{"name": tool["name"], "id": call_id,
                                         "result": {"ok": True}, "durationMs": 120.0}]
        turns.append(reply)
    return turns


def conversation_detail(rt: Runtime, tenant: str, conversation_id: str, base_url: str
                        ) -> dict[str, Any]:
    """GET /v1/avatar_conversations/{id}."""
    conversation = find(rt, tenant, CONVERSATION, conversation_id, "Conversation")
    session, status, duration = _conversation_state(rt, tenant, conversation)
    started = float(session["consumedAt"])
    seconds = int(duration or 0)
    out: dict[str, Any] = {
        "id": conversation["id"], "name": conversation["name"], "status": status,
        "createdAt": iso(conversation["createdAt"]), "duration": duration,
        "maxDuration": session["maxDuration"], "startedAt": iso(started),
        "avatar": _avatar_wire(rt, tenant, conversation["avatar"], detail=True,
                               base_url=base_url),
        "tools": list(conversation["tools"]),
        "transcript": _transcript(rt, session, started, seconds),
        "recordingUrl": None,
    }
    if status != "in_progress":
        out["endedAt"] = iso(float(session.get("endedAt") or started + seconds))
        if seconds > 0:
            out["recordingUrl"] = media_url(
                rt, base_url, tenant, name=f"recording_{conversation['id']}", kind="video",
                ext="mp4", width=640, height=360, seconds=float(min(seconds, 60)),
                seed=rt.source.integer("recording", conversation["id"]),
                owner=(CONVERSATION, conversation["id"]), ttl=24 * 3600.0)
    if status == "failed":
        out["failure"] = session.get("failure") or "The conversation failed."
        out["failureCode"] = session.get("failureCode") or "INTERNAL"
    return out


def delete_conversation(rt: Runtime, tenant: str, conversation_id: str) -> None:
    """Delete a conversation's transcript and recording (the session stays)."""
    if rt.store.delete(tenant, CONVERSATION, conversation_id) is None:
        raise NotFound("Conversation not found.")


def conversations(rt: Runtime, tenant: str, query: dict[str, Any], base_url: str
                  ) -> dict[str, Any]:
    """GET /v1/avatar_conversations: newest first, filtered by avatar and creation time."""
    start = parse_instant(query["startDate"], "startDate") if "startDate" in query else None
    end = parse_instant(query["endDate"], "endDate") if "endDate" in query else None
    avatar_id = query.get("avatar")

    def keep(c: dict[str, Any]) -> bool:
        if avatar_id and c["avatar"].get("avatarId") != avatar_id:
            return False
        if start is not None and c["createdAt"] < start:
            return False
        return not (end is not None and c["createdAt"] >= end)

    scope = f"{CONVERSATION}:{avatar_id}:{query.get('startDate')}:{query.get('endDate')}"
    return pagination.page(rt, tenant, CONVERSATION, pagination.page_request(query, 20),
                           scope=scope, newest_first=True, keep=keep,
                           render=lambda c: conversation_summary(rt, tenant, c, base_url))


# ---------------------------------------------------------------------------
# Avatar usage


def usage(rt: Runtime, tenant: str, *, start_date: str, end_date: str) -> dict[str, Any]:
    """GET /v1/avatar_usage: call seconds and sessions per UTC day in [start, end)."""
    start = parse_instant(start_date, "startDate")
    end = parse_instant(end_date, "endDate")
    # Half-open [start, end): end <= start is an empty window (200, zero totals).
    if end - start > USAGE_RANGE_DAYS * 86400:
        raise fail(("endDate",), f"The range may span at most {USAGE_RANGE_DAYS} days")
    settle_all(rt, tenant)
    day = datetime.fromtimestamp(start, tz=timezone.utc).date()
    last = datetime.fromtimestamp(end - 0.001, tz=timezone.utc).date()
    by_day = []
    while end > start and day <= last:
        key = day.isoformat()
        by_day.append({"date": key,
                       "seconds": int(rt.store.value(tenant, keys.avatar_usage(key, "seconds"))),
                       "sessions": int(rt.store.value(tenant, keys.avatar_usage(key, "sessions")))})
        day += timedelta(days=1)
    total = sum(d["seconds"] for d in by_day)
    sessions = sum(d["sessions"] for d in by_day)
    return {"totalSeconds": total, "totalSessions": sessions,
            "avgDurationSeconds": round(total / sessions) if sessions else 0, "byDay": by_day}
