"""The task engine: creating tasks and evaluating their status lazily from the clock.

A task's status is a pure function of (task record, now): no threads, no timers. The
record holds the schedule decided at creation (when it leaves THROTTLED, starts
RUNNING and finishes) and the outcome; ``evaluate`` reads the clock against it. The
first read that finds a task terminal settles it: one conditional store update moves
it out of ACTIVE, so refunds happen exactly once whichever worker sees it first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from mockserver import ledger, limits, policies
from mockserver.catalog import ModelRow, estimate_credits, planned_outputs
from mockserver.errors import NotFound
from mockserver.runtime import Runtime

KIND = "task"
ACTIVE_SET = "active_tasks"
ACTIVE = "ACTIVE"
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
# The documented lifecycle: status may only move along these edges.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "THROTTLED": ("PENDING", "CANCELLED"),
    "PENDING": ("RUNNING", "FAILED", "CANCELLED"),
    "RUNNING": ("SUCCEEDED", "FAILED", "CANCELLED"),
    "SUCCEEDED": (),
    "FAILED": (),
    "CANCELLED": (),
}
# Share of a task's latency spent PENDING (the rest is RUNNING).
PENDING_SHARE = 0.2
# Media fields longer than this are not kept on the record (data URIs can be 5 MiB).
_KEEP_MAX = 512

# Hooks other modules register: where a new task starts (tiers queue it) and what
# happens when a task settles or is cancelled (limits free a slot).
Scheduler = Callable[[Runtime, str, dict[str, Any]], float]
_schedulers: list[Scheduler] = []
_on_settle: list[Callable[[Runtime, str, dict[str, Any]], None]] = []


def register_scheduler(fn: Scheduler) -> None:
    """Let ``fn`` decide when a new task may leave THROTTLED (epoch seconds)."""
    _schedulers.append(fn)


def register_on_settle(fn: Callable[[Runtime, str, dict[str, Any]], None]) -> None:
    """Call ``fn`` once when a task becomes terminal or is cancelled."""
    _on_settle.append(fn)


def _slim(body: Mapping[str, Any]) -> dict[str, Any]:
    """The request fields worth keeping: everything but long media strings."""
    return {k: v for k, v in body.items()
            if not (isinstance(v, str) and len(v) > _KEEP_MAX)
            and not (isinstance(v, list) and len(str(v)) > 4 * _KEEP_MAX)}


def _policy_table(rt: Runtime) -> dict[str, dict[str, Any]]:
    return rt.store.get_value(policies.GLOBAL, "policies", {}) or {}


def _outcome(rt: Runtime, task_id: str, policy: dict[str, Any]) -> dict[str, Any]:
    o = policy["outcome"]
    probability = float(o.get("probability", 1.0))
    hit = probability >= 1.0 or rt.source.random("outcome", task_id) < probability
    if o["status"] == "FAILED" and hit:
        code = o.get("failureCode", "INTERNAL")
        return {"status": "FAILED", "failureCode": code,
                "failure": policies.failure_text(code, o.get("failure"))}
    return {"status": "SUCCEEDED"}


def _schedule(rt: Runtime, task_id: str, row: ModelRow, transition: dict[str, Any],
              created: float, start: float) -> dict[str, float]:
    """Absolute times at which the task starts PENDING, starts RUNNING and finishes."""
    if transition["kind"] == "immediate":
        return {"t_pending": created, "t_running": created, "t_done": created}
    if "seconds" in transition:
        total = float(transition["seconds"])
    else:
        # +-10% per task, drawn from the seed, so timings vary but repeat.
        jitter = 0.9 + 0.2 * rt.source.random("latency", task_id)
        total = row.latency * rt.config.time_scale * jitter
    pending = total * PENDING_SHARE
    return {"t_pending": start, "t_running": start + pending, "t_done": start + total}


def create(rt: Runtime, tenant: str, *, endpoint: str, row: ModelRow,
           body: Mapping[str, Any], task_id: str | None = None,
           charge: bool = True) -> dict[str, Any]:
    """Create a task for a validated request: charge, schedule, store; returns the record."""
    now = rt.clock.now()
    seq = rt.store.next_seq(tenant, KIND)
    task_id = task_id or rt.source.uuid(KIND, tenant, seq)
    estimated = estimate_credits(row, body, input_seconds=lambda _b: rt.config.input_seconds)
    policy = policies.resolve(_policy_table(rt), endpoint, row.model)
    outputs = [dataclasses.asdict(p) for p in planned_outputs(row, body)]
    record: dict[str, Any] = {
        "id": task_id,
        "endpoint": endpoint,
        "model": row.model,
        "billedAs": row.billed_as,
        "createdAt": now,
        "input": _slim(body),
        "estimated": estimated,
        "charged": 0,
        "transition": policy["transition"],
        "outcome": _outcome(rt, task_id, policy),
        "outputs": outputs,
        "state": ACTIVE,
    }
    start = now
    for scheduler in _schedulers:
        start = max(start, scheduler(rt, tenant, record))
    record.update(_schedule(rt, task_id, row, policy["transition"], now, start))
    if charge:
        ledger.charge(rt, tenant, estimated, model=row.billed_as, task_id=task_id)
        record["charged"] = estimated
    rt.store.insert(tenant, KIND, task_id, record)
    rt.store.set_add(tenant, ACTIVE_SET, task_id)
    limits.record_generation(rt, tenant, row.billed_as)
    return record


def evaluate(task: Mapping[str, Any], now: float, polls: int = 0) -> tuple[str, float | None]:
    """(status, progress) of ``task`` at ``now``; progress only while RUNNING."""
    if task["state"] != ACTIVE:
        return task["state"], None
    t = task["transition"]
    final = task["outcome"]["status"]
    if t["kind"] == "hold" and not task.get("released"):
        return t["status"], (0.0 if t["status"] == "RUNNING" else None)
    if t["kind"] == "after_polls":
        n = int(t["polls"])
        if polls >= n:
            return final, None
        if polls <= 0:
            return "PENDING", None
        return "RUNNING", round(polls / n, 4)
    if now < task["t_pending"]:
        return "THROTTLED", None
    if now < task["t_running"]:
        return "PENDING", None
    if now < task["t_done"]:
        span = task["t_done"] - task["t_running"]
        return "RUNNING", round(min(1.0, max(0.0, (now - task["t_running"]) / span)), 4)
    return final, None


def final_cost(task: Mapping[str, Any], status: str) -> int:
    """Credits a terminal task finally costs: failed generations are refunded in full."""
    if status == "SUCCEEDED":
        return int(task["charged"])
    return 0


def _settle(rt: Runtime, tenant: str, task: dict[str, Any], status: str,
            now: float) -> dict[str, Any]:
    """Move an ACTIVE task to terminal ``status`` once; refund what it does not cost."""
    cost = final_cost(task, status)
    done = min(now, task.get("t_done", now)) if task["transition"]["kind"] == "timed" else now
    changes = {"state": status, "cost": cost, "finishedAt": done}
    updated = rt.store.update(tenant, KIND, task["id"], changes, expect={"state": ACTIVE})
    if updated is None:
        # Another reader settled (or deleted) it first; use what is stored now.
        return rt.store.get(tenant, KIND, task["id"]) or {**task, **changes}
    rt.store.set_remove(tenant, ACTIVE_SET, task["id"])
    refund = int(task["charged"]) - cost
    if refund > 0:
        ledger.refund(rt, tenant, refund, model=task["billedAs"], task_id=task["id"],
                      reason=f"task {status.lower()}")
    for hook in _on_settle:
        hook(rt, tenant, updated)
    return updated


def _load(rt: Runtime, tenant: str, task_id: str) -> dict[str, Any]:
    task = rt.store.get(tenant, KIND, task_id)
    if task is None:
        raise NotFound("Task not found.")
    return task


def observe(rt: Runtime, tenant: str, task_id: str, *, poll: bool = True
            ) -> tuple[dict[str, Any], str, float | None]:
    """Read a task as a client would: (record, status, progress), settling if terminal."""
    task = _load(rt, tenant, task_id)
    polls = 0
    if task["state"] == ACTIVE and task["transition"]["kind"] == "after_polls":
        polls = int(rt.store.add(tenant, f"polls:{task_id}", 1 if poll else 0)[1])
    now = rt.clock.now()
    status, progress = evaluate(task, now, polls)
    if status in TERMINAL and task["state"] == ACTIVE:
        task = _settle(rt, tenant, task, status, now)
        status, progress = task["state"], None
    return task, status, progress


def settle_all(rt: Runtime, tenant: str) -> None:
    """Settle every task of a tenant that has finished by now (before reading balances)."""
    for task_id in rt.store.set_members(tenant, ACTIVE_SET):
        try:
            observe(rt, tenant, task_id, poll=False)
        except NotFound:
            rt.store.set_remove(tenant, ACTIVE_SET, task_id)


def cancel_or_delete(rt: Runtime, tenant: str, task_id: str) -> str:
    """DELETE /v1/tasks/{id}: cancel a running task or delete a finished one.

    Returns the status the task had. A PENDING or THROTTLED task is refunded; one seen
    RUNNING is not (Runway: "if it sees RUNNING there is no refund"); deleting a
    finished task never refunds.
    """
    task, status, _ = observe(rt, tenant, task_id, poll=False)
    removed = rt.store.delete(tenant, KIND, task_id, expect={"state": task["state"]})
    if removed is None:
        raise NotFound("Task not found.")
    if status not in TERMINAL:
        rt.store.set_remove(tenant, ACTIVE_SET, task_id)
        if status in ("PENDING", "THROTTLED"):
            ledger.refund(rt, tenant, int(task["charged"]), model=task["billedAs"],
                          task_id=task_id, reason="task cancelled before it started")
        for hook in _on_settle:
            hook(rt, tenant, {**removed, "state": "CANCELLED"})
    return status


def release(rt: Runtime, tenant: str, task_id: str) -> dict[str, Any]:
    """Let a held task continue: its remaining phases run from now on."""
    task = _load(rt, tenant, task_id)
    if task["transition"]["kind"] != "hold" or task.get("released"):
        return task
    now = rt.clock.now()
    held = task["transition"]["status"]
    pending = task["t_running"] - task["t_pending"]
    running = task["t_done"] - task["t_running"]
    if held == "RUNNING":
        times = {"t_pending": now, "t_running": now, "t_done": now + running}
    else:
        times = {"t_pending": now, "t_running": now + pending, "t_done": now + pending + running}
    updated = rt.store.update(tenant, KIND, task_id, {"released": True, **times},
                              expect={"state": ACTIVE})
    return updated or task
