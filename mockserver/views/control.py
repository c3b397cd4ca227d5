"""The control API under /_mock: health, reset, clock, seed and task policies.

Mutations are POST or DELETE. When the emulator is exposed beyond loopback (or an
admin token is configured) every call but /_mock/health needs
``Authorization: Bearer <admin token>``; a tenant's API key is never enough.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, request

from mockserver import policies, tasks
from mockserver.app import json_response, runtime
from mockserver.errors import BadRequest, Forbidden, Unauthorized
from mockserver.runtime import tenant_of
from mockserver.views.common import read_json

bp = Blueprint("control", __name__, url_prefix="/_mock")


@bp.before_request
def _admin_only() -> None:
    if request.endpoint == "control.health":
        return
    rt = runtime()
    token = rt.config.admin_token
    if token is None and not rt.config.exposed:
        return
    if token is None:
        raise Forbidden("The control API is disabled: the emulator is exposed beyond "
                        "loopback without an admin token (start it with --admin-token).")
    given = request.headers.get("Authorization", "").partition(" ")[2].strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise Unauthorized("The control API needs the admin token as a bearer token.")


@bp.get("/health")
def health() -> Response:
    rt = runtime()
    return json_response({"status": "ok", "seed": rt.config.seed, "time": rt.clock.now()})


def _tenant_arg(body: dict) -> str | None:
    """A tenant named by its API key (``apiKey``) or its hash (``tenant``)."""
    if "apiKey" in body:
        if not isinstance(body["apiKey"], str) or not body["apiKey"]:
            raise BadRequest("apiKey must be a non-empty string")
        return tenant_of(body["apiKey"])
    if "tenant" in body:
        if not isinstance(body["tenant"], str) or not body["tenant"]:
            raise BadRequest("tenant must be a non-empty string")
        return body["tenant"]
    return None


@bp.post("/reset")
def reset() -> Response:
    body = read_json()
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    runtime().store.reset(_tenant_arg(body))
    return json_response({"reset": True})


@bp.get("/clock")
def clock_state() -> Response:
    return json_response(runtime().clock.state())


@bp.post("/clock")
def clock_change() -> Response:
    """Body: {"advance": s} | {"set": epoch or ISO} | {"freeze": bool} | {"rate": r}."""
    from mockserver.clock import parse_iso

    clock = runtime().clock
    body = read_json()
    if not isinstance(body, dict) or not body:
        raise BadRequest("give one of advance, set, freeze, rate")
    try:
        if "advance" in body:
            clock.advance(_number(body["advance"], "advance"))
        if "set" in body:
            when = body["set"]
            clock.set(parse_iso(when) if isinstance(when, str) else _number(when, "set"))
        if "freeze" in body:
            if not isinstance(body["freeze"], bool):
                raise BadRequest("freeze must be a boolean")
            clock.freeze(body["freeze"])
        if "rate" in body:
            clock.scale(_number(body["rate"], "rate"))
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    return json_response(clock.state())


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest(f"{name} must be a number")
    return float(value)


@bp.post("/seed")
def set_seed() -> Response:
    body = read_json()
    seed = body.get("seed") if isinstance(body, dict) else None
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise BadRequest("seed must be an integer")
    runtime().reseed(seed)
    return json_response({"seed": seed})


@bp.get("/policies")
def list_policies() -> Response:
    rt = runtime()
    return json_response(rt.store.get_value(policies.GLOBAL, "policies", {}) or {})


@bp.post("/policies")
def set_policy() -> Response:
    """Body: {"key": "*"|endpoint|model|"endpoint:model", "transition": {...}, "outcome": {...}}."""
    body = read_json()
    if not isinstance(body, dict) or not isinstance(body.get("key"), str):
        raise BadRequest("key must name '*', an endpoint, a model or 'endpoint:model'")
    key = body.pop("key")
    policy = policies.normalise(body)
    rt = runtime()
    table = rt.store.get_value(policies.GLOBAL, "policies", {}) or {}
    table[key] = {**table.get(key, {}), **policy}
    rt.store.put_value(policies.GLOBAL, "policies", table)
    return json_response(table)


@bp.delete("/policies/<path:key>")
def delete_policy(key: str) -> Response:
    rt = runtime()
    table = rt.store.get_value(policies.GLOBAL, "policies", {}) or {}
    table.pop(key, None)
    rt.store.put_value(policies.GLOBAL, "policies", table)
    return json_response(table)


@bp.post("/tasks/<task_id>/release")
def release_task(task_id: str) -> Response:
    body = read_json()
    tenant = _tenant_arg(body if isinstance(body, dict) else {})
    if tenant is None:
        raise BadRequest("name the task's tenant with apiKey or tenant")
    task = tasks.release(runtime(), tenant, task_id)
    return json_response({"id": task["id"], "released": bool(task.get("released"))})
