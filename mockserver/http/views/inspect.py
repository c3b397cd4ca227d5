"""Control-API reads the dashboard draws from: tenants, tasks, a task's detail, balances.

Reads only (``GET``), under the control API's access rule. Times are emulator time,
as epoch seconds (``*At``) with an ISO copy (``*Iso``) for people. Reading a task here
never counts as a client's poll, but a task found finished is settled (refunded) as
any read would.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from runway_mock.clock import iso, parse_iso
from runway_mock.config import Runtime
from runway_mock.domain import ledger, limits, outputs, tasks
from runway_mock.domain.policies import GLOBAL
from runway_mock.errors import BadRequest, NotFound
from runway_mock.http.views import control
from runway_mock.http.wire import base_url, json_response, runtime

bp = Blueprint("inspect", __name__, url_prefix="/_mock")
bp.before_request(control.admin_only)

_MAX_TASKS = 500
_MAX_POINTS = 2000
# Signed movements of the balance, by ledger entry kind.
_SIGN = {ledger.CHARGE: -1, ledger.REFUND: 1, ledger.FUND: 1}


def _limit(default: int, most: int) -> int:
    raw = request.args.get("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest("limit must be an integer") from exc
    if value < 1:
        raise BadRequest("limit must be at least 1")
    return min(value, most)


def _tenants(rt: Runtime) -> list[str]:
    return sorted(t for t in rt.store.tenants() if t != GLOBAL)


def _stamp(out: dict[str, Any], name: str, when: float | None) -> None:
    out[f"{name}At"] = when
    out[f"{name}Iso"] = iso(when) if when is not None else None


def _row(rt: Runtime, tenant: str, task_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(record, summary) of a task as the table shows it; NotFound if gone."""
    task, status, progress = tasks.observe(rt, tenant, task_id, poll=False)
    terminal = status in tasks.TERMINAL
    out: dict[str, Any] = {
        "id": task["id"], "tenant": tenant, "status": status,
        "progress": 1.0 if status == "SUCCEEDED" else progress,
        "endpoint": task["endpoint"], "model": task["model"],
        "estimated": task["estimated"], "charged": task["charged"],
        "cost": int(task.get("cost", 0)) if terminal else None,
        "throttled": bool(task.get("queued")),
        "held": task["transition"]["kind"] == "hold" and not task.get("released"),
    }
    _stamp(out, "created", task["createdAt"])
    _stamp(out, "finished", task.get("finishedAt") if terminal else None)
    return task, out


@bp.get("/tenants")
def list_tenants() -> Response:
    """Every tenant the emulator has seen, with its balance, tier and task counts.

    Most recently active first (by its newest task); ``lastTaskAt`` is null for a tenant
    with no task.
    """
    rt = runtime()
    out = []
    for tenant in _tenants(rt):
        tasks.settle_all(rt, tenant)
        newest = rt.store.page(tenant, tasks.KIND, None, 1, newest_first=True)
        out.append({"tenant": tenant, "balance": ledger.balance(rt, tenant),
                    "tier": limits.tier_of(rt, tenant),
                    "tasks": rt.store.count(tenant, tasks.KIND),
                    "active": len(rt.store.set_members(tenant, tasks.ACTIVE_SET)),
                    "lastTaskAt": newest[0]["createdAt"] if newest else None})
    out.sort(key=lambda t: -(t["lastTaskAt"] or 0.0))
    return json_response({"tenants": out})


@bp.get("/tasks")
def list_tasks() -> Response:
    """Query: ?tenant=|apiKey= (default: every tenant), ?limit= (default 100, newest first)."""
    rt = runtime()
    one = control.tenant_arg(request.args)
    limit = _limit(100, _MAX_TASKS)
    rows = []
    for tenant in [one] if one else _tenants(rt):
        for record in rt.store.page(tenant, tasks.KIND, None, limit, newest_first=True):
            try:
                rows.append(_row(rt, tenant, record["id"])[1])
            except NotFound:  # deleted between the page and the read
                continue
    rows.sort(key=lambda r: r["createdAt"], reverse=True)
    return json_response({"tasks": rows[:limit], "now": rt.clock.now()})


def _find(rt: Runtime, task_id: str) -> str:
    tenant = control.tenant_arg(request.args)
    if tenant is not None:
        return tenant
    for candidate in _tenants(rt):
        if rt.store.get(candidate, tasks.KIND, task_id) is not None:
            return candidate
    raise NotFound("Task not found.")


@bp.get("/tasks/<task_id>")
def task_detail(task_id: str) -> Response:
    """One task: the summary, its request body, its schedule, outcome and output links."""
    rt = runtime()
    tenant = _find(rt, task_id)
    task, out = _row(rt, tenant, task_id)
    out["request"] = task.get("input", {})
    out["transition"] = task["transition"]
    planned = task["outcome"]
    out["outcome"] = planned
    if out["status"] == "FAILED":
        out["failure"] = planned.get("failure", "The task failed.")
        out["failureCode"] = planned.get("failureCode")
    for name, key in (("pending", "t_pending"), ("running", "t_running"),
                      ("done", "t_done")):
        when = task.get(key)
        _stamp(out, name, when if when is not None and when < tasks.NEVER else None)
    links = (outputs.urls(rt, tenant, task, base_url())
             if out["status"] == "SUCCEEDED" else [None] * len(task["outputs"]))
    out["outputs"] = [{**plan, "url": url} for plan, url in zip(task["outputs"], links,
                                                                 strict=True)]
    return json_response(out)


def _history(rt: Runtime, tenant: str, limit: int) -> list[dict[str, Any]]:
    """The balance after each of the newest ``limit`` ledger movements, oldest first."""
    rows = ledger.entries(rt, tenant, limit=limit)
    balance = ledger.balance(rt, tenant)
    points: list[dict[str, Any]] = []
    for entry in reversed(rows):
        at = parse_iso(entry["at"])
        points.append({"at": at, "iso": entry["at"], "balance": balance,
                       "kind": entry["kind"], "credits": entry["credits"],
                       "taskId": entry.get("taskId"), "seq": entry["seq"]})
        balance -= _SIGN.get(entry["kind"], 0) * int(entry["credits"])
    points.reverse()
    return [{"at": points[0]["at"] if points else rt.clock.now(),
             "iso": points[0]["iso"] if points else iso(rt.clock.now()),
             "balance": balance, "kind": "start", "credits": 0, "taskId": None,
             "seq": 0}, *points]


@bp.get("/credits/history")
def balance_history() -> Response:
    """Query: tenant (required), ?limit= movements (default 500): the balance over time.

    The first point is the balance before the oldest movement listed; the last is now.
    """
    rt = runtime()
    tenant = control.required_tenant(request.args)
    tasks.settle_all(rt, tenant)
    points = _history(rt, tenant, _limit(500, _MAX_POINTS))
    return json_response({"tenant": tenant, "balance": ledger.balance(rt, tenant),
                          "now": rt.clock.now(), "points": points})
