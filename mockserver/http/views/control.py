"""The control API under /_mock: state, time, policies, prices, faults, tenants, journal.

Mutations are POST or DELETE; reads are GET. When the emulator is exposed beyond
loopback (or an admin token is configured) every call but /_mock/health needs
``Authorization: Bearer <admin token>``; a tenant's API key is never enough. Tenants
are named by ``apiKey`` (hashed at once, never stored) or by ``tenant`` (the hash).
The full reference with examples is docs/control-api.md.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, request
from runway_mock.config import tenant_of
from runway_mock.domain import (
    etiquette,
    faults,
    journal,
    ledger,
    limits,
    organization,
    policies,
    pricing,
    tasks,
)
from runway_mock.errors import BadRequest, Forbidden, NotFound, Unauthorized
from runway_mock.http.wire import json_response, read_json, runtime
from runway_mock.store import keys

bp = Blueprint("control", __name__, url_prefix="/_mock")

# Global settings a reset can keep: name -> store keys under keys.GLOBAL (fault rules
# are records, kept separately).
_KEEPABLE = {"faults": (), "policies": (keys.POLICIES,), "prices": (keys.PRICES,)}


@bp.before_request
def admin_only() -> None:
    """The access rule of /_mock (the dashboard's data shares it): see the module docstring."""
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


def _body() -> dict[str, Any]:
    body = read_json()
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def tenant_arg(values: Any) -> str | None:
    """A tenant named by its API key (``apiKey``) or its hash (``tenant``)."""
    if "apiKey" in values:
        if not isinstance(values["apiKey"], str) or not values["apiKey"]:
            raise BadRequest("apiKey must be a non-empty string")
        return tenant_of(values["apiKey"])
    if "tenant" in values:
        if not isinstance(values["tenant"], str) or not values["tenant"]:
            raise BadRequest("tenant must be a non-empty string")
        return values["tenant"]
    return None


def required_tenant(values: Any) -> str:
    """The tenant ``values`` name, or a 400 saying how to name one."""
    tenant = tenant_arg(values)
    if tenant is None:
        raise BadRequest("name the tenant with apiKey (its API key) or tenant (its hash)")
    return tenant


def _int_arg(name: str, default: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise BadRequest(f"{name} must be an integer") from exc


def _float_arg(name: str, default: float) -> float:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise BadRequest(f"{name} must be a number") from exc


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest(f"{name} must be a number")
    return float(value)


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{name} must be an integer")
    return value


@bp.get("/health")
def health() -> Response:
    rt = runtime()
    return json_response({"status": "ok", "seed": rt.config.seed, "time": rt.clock.now()})


# ---------------------------------------------------------------------------
# State


@bp.post("/reset")
def reset() -> Response:
    """Body: {} (everything), {"apiKey"|"tenant": ...} (one tenant), "keep": [...]."""
    body = _body()
    tenant = tenant_arg(body)
    keep = body.get("keep", [])
    if not isinstance(keep, list) or not set(keep) <= set(_KEEPABLE):
        raise BadRequest(f"keep must list some of {', '.join(_KEEPABLE)}")
    rt = runtime()
    kept = {key: rt.store.get_value(keys.GLOBAL, key)
            for name in keep for key in _KEEPABLE[name]}
    rules = faults.rules(rt) if "faults" in keep else []
    rt.store.reset(tenant)
    if tenant is None:
        for key, value in kept.items():
            if value is not None:
                rt.store.put_value(keys.GLOBAL, key, value)
        if "faults" in keep:
            faults.add(rt, rules, replace=True)  # restored with fresh counters
    return json_response({"reset": True, "tenant": tenant, "kept": keep})


@bp.get("/state")
def state() -> Response:
    """A snapshot; query ?tenant= or ?apiKey= for one tenant's part only."""
    from runway_mock.domain import snapshot

    return json_response(snapshot.take(runtime(), tenant_arg(request.args)))


@bp.post("/state")
def load_state() -> Response:
    """Body: a snapshot from GET /_mock/state; the world (or that tenant) becomes it."""
    from runway_mock.domain import snapshot

    try:
        return json_response(snapshot.load(runtime(), request.get_json(silent=True)))
    except ValueError as exc:
        raise BadRequest(f"Cannot load this state: {exc}") from None


@bp.post("/seed")
def set_seed() -> Response:
    seed = _body().get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise BadRequest("seed must be an integer")
    runtime().reseed(seed)
    return json_response({"seed": seed})


# ---------------------------------------------------------------------------
# Time


@bp.get("/clock")
def clock_state() -> Response:
    return json_response(runtime().clock.state())


@bp.post("/clock")
def clock_change() -> Response:
    """Body: {"advance": s} | {"set": epoch or ISO} | {"freeze": bool} | {"rate": r}."""
    from runway_mock.clock import parse_iso

    clock = runtime().clock
    body = _body()
    if not set(body) & {"advance", "set", "freeze", "rate"}:
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


# ---------------------------------------------------------------------------
# Task policies and prices


@bp.get("/policies")
def list_policies() -> Response:
    rt = runtime()
    return json_response(rt.store.get_value(keys.GLOBAL, keys.POLICIES, {}) or {})


@bp.post("/policies")
def set_policy() -> Response:
    """Body: {"key": "*"|endpoint|model|"endpoint:model", "transition": {...}, "outcome": {...}}."""
    body = _body()
    if not isinstance(body.get("key"), str):
        raise BadRequest("key must name '*', an endpoint, a model or 'endpoint:model'")
    key = body.pop("key")
    policy = policies.normalise(body)
    table = runtime().store.merge_entry(keys.GLOBAL, keys.POLICIES, key, policy)
    return json_response(table)


@bp.delete("/policies/<path:key>")
def delete_policy(key: str) -> Response:
    return json_response(runtime().store.merge_entry(keys.GLOBAL, keys.POLICIES, key, None))


@bp.get("/prices")
def list_prices() -> Response:
    """The overrides; with ?endpoint=&model= also the price that applies to that model."""
    from runway_mock.catalog import find_row

    rt = runtime()
    out: dict[str, Any] = {"overrides": pricing.overrides(rt)}
    endpoint, model = request.args.get("endpoint"), request.args.get("model")
    if endpoint and model:
        row = find_row(endpoint, model)
        if row is None:
            raise NotFound(f"No model '{model}' on endpoint '{endpoint}'.")
        out["effective"] = pricing.describe(pricing.price_for(rt, endpoint, row))
    return json_response(out)


@bp.post("/prices")
def set_price() -> Response:
    """Body: {"model": "gen4_turbo" | "endpoint:model", "unit": ..., "rate": ..., ...}."""
    body = _body()
    key = body.pop("model", None)
    if not isinstance(key, str) or not key:
        raise BadRequest("model must name a model or 'endpoint:model'")
    return json_response({"overrides": pricing.set_override(runtime(), key, body)})


@bp.delete("/prices/<path:key>")
def delete_price(key: str) -> Response:
    return json_response({"overrides": pricing.delete_override(runtime(), key)})


# ---------------------------------------------------------------------------
# Faults


@bp.get("/faults")
def list_faults() -> Response:
    return json_response({"rules": faults.report(runtime())})


@bp.get("/faults/unconsumed")
def unconsumed_faults() -> Response:
    return json_response({"rules": faults.unconsumed(runtime())})


@bp.post("/faults")
def add_faults() -> Response:
    """Body: one rule, or {"rules": [...], "replace": bool}."""
    body = _body()
    if "rules" in body:
        replace = body.get("replace", False)
        if not isinstance(replace, bool):
            raise BadRequest("replace must be a boolean")
        stored = faults.add(runtime(), body["rules"], replace=replace)
    else:
        stored = faults.add(runtime(), [body])
    return json_response({"rules": stored})


@bp.delete("/faults")
def clear_faults() -> Response:
    faults.clear(runtime())
    return json_response({"rules": []})


@bp.delete("/faults/<rule_id>")
def delete_fault(rule_id: str) -> Response:
    if not faults.delete(runtime(), rule_id):
        raise NotFound(f"No fault rule '{rule_id}'.")
    return json_response({"rules": faults.rules(runtime())})


# ---------------------------------------------------------------------------
# Tenants: credits and tiers


def _credits_view(tenant: str) -> dict[str, Any]:
    rt = runtime()
    tasks.settle_all(rt, tenant)
    return {"tenant": tenant, **ledger.totals(rt, tenant),
            "purchased30d": organization.purchased(rt, tenant),
            "maxMonthlyCreditSpend": organization.monthly_cap(rt, tenant),
            "ledger": ledger.entries(rt, tenant, limit=_int_arg("limit", 100) or 100)}


@bp.get("/credits")
def get_credits() -> Response:
    """Query: ?apiKey= or ?tenant= (required), ?limit= ledger entries (default 100)."""
    return json_response(_credits_view(required_tenant(request.args)))


@bp.post("/credits")
def change_credits() -> Response:
    """Body: tenant plus one of {"set": n}, {"add": n} or {"purchase": n}."""
    body = _body()
    tenant = required_tenant(body)
    rt = runtime()
    actions = [k for k in ("set", "add", "purchase") if k in body]
    if len(actions) != 1:
        raise BadRequest("give exactly one of set, add or purchase")
    amount = _integer(body[actions[0]], actions[0])
    if actions[0] == "set":
        ledger.set_balance(rt, tenant, amount)
    elif actions[0] == "add":
        ledger.fund(rt, tenant, amount, reason="credits added over the control API")
    else:
        organization.purchase(rt, tenant, amount)
    return json_response(_credits_view(tenant))


def _tier_view(tenant: str) -> dict[str, Any]:
    rt = runtime()
    return {"tenant": tenant, "tier": limits.tier_of(rt, tenant),
            "overrides": limits.overrides(rt, tenant),
            "models": organization.model_limits(rt, tenant)}


@bp.get("/tier")
def get_tier() -> Response:
    return json_response(_tier_view(required_tenant(request.args)))


@bp.post("/tier")
def change_tier() -> Response:
    """Body: tenant plus "tier": 1-5 and/or "limits": {model: {...} | null}."""
    body = _body()
    tenant = required_tenant(body)
    if "tier" not in body and "limits" not in body:
        raise BadRequest("give tier and/or limits")
    limits.set_tier(runtime(), tenant, body.get("tier"), body.get("limits"))
    tasks.replan_tenant(runtime(), tenant)  # queued tasks may start now (or wait longer)
    return json_response(_tier_view(tenant))


# ---------------------------------------------------------------------------
# Tasks


@bp.post("/tasks/<task_id>/release")
def release_task(task_id: str) -> Response:
    tenant = required_tenant(_body())
    task = tasks.release(runtime(), tenant, task_id)
    return json_response({"id": task["id"], "released": bool(task.get("released"))})


@bp.post("/tasks/<task_id>/cancel")
def cancel_task(task_id: str) -> Response:
    """Cancel into a visible CANCELLED state (DELETE /v1/tasks/{id} makes a task 404)."""
    tenant = required_tenant(_body())
    task = tasks.cancel_visible(runtime(), tenant, task_id)
    return json_response({"id": task["id"], "status": task["state"], "cost": task["cost"]})


# ---------------------------------------------------------------------------
# Journal and etiquette


@bp.get("/journal")
def get_journal() -> Response:
    """Query: tenant|apiKey, method, path (glob), status, fault=true|false, after, limit."""
    faulted = request.args.get("fault")
    if faulted not in (None, "true", "false"):
        raise BadRequest("fault must be true or false")
    entries = journal.entries(
        runtime(), tenant=tenant_arg(request.args), method=request.args.get("method"),
        path=request.args.get("path"), status=_int_arg("status"),
        faulted=None if faulted is None else faulted == "true",
        after=_int_arg("after", 0) or 0, limit=_int_arg("limit"))
    return json_response({"entries": entries,
                          "last": entries[-1]["seq"] if entries else None})


@bp.post("/journal/clear")
def clear_journal() -> Response:
    return json_response({"clearedThrough": journal.clear(runtime())})


@bp.get("/etiquette")
def get_etiquette() -> Response:
    """Query: tenant|apiKey, after, pollInterval, pollTolerance, retryAfterTolerance,
    duplicateWindow."""
    return json_response(etiquette.report(
        runtime(), tenant=tenant_arg(request.args), after=_int_arg("after", 0) or 0,
        poll_interval=_float_arg("pollInterval", 5.0),
        poll_tolerance=_float_arg("pollTolerance", 0.5),
        retry_after_tolerance=_float_arg("retryAfterTolerance", 0.05),
        duplicate_window=_float_arg("duplicateWindow", 300.0)))
