"""Tasks: creating them, their lifecycle table, lanes, cancelling and releasing.

A task's status is a pure function of (task record, now): no threads, no timers. The
record holds the schedule decided at creation (when it leaves THROTTLED, starts
RUNNING and finishes) and the outcome; ``LIFECYCLE`` declares which record time moves
it along which edge of ``TRANSITIONS``, and ``domain.lifecycle`` reads it. The first
read that finds a task terminal settles it: one conditional store update moves it out
of ACTIVE, so refunds happen exactly once whichever worker sees it first.

Concurrency limits are a FIFO lane per tenant and model. The lane keeps the end times
of the tasks holding its slots; a new task starts when the earliest slot frees (its
start is ``max(now, k-th latest end)``), so THROTTLED tasks start in submission order
and the work per create is O(limit). When a slot frees early (a cancel, a release, a
task that ends by polls) the lane's queued tasks are re-planned from its active tasks:
work that grows with the tenant's active tasks of that model, never with stored tasks.

No caller holds a lock: a create or re-plan reads the lane's slots (which carry a
version), decides, and writes everything it decided in one ``store.commit`` guarded by
that version; if another request changed the lane in between, it reads again.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import Any

from runway_mock.catalog import ModelRow, planned_outputs
from runway_mock.config import Runtime
from runway_mock.domain import ledger, lifecycle, limits, policies, pricing, retention
from runway_mock.domain.lifecycle import BY_CALL, At
from runway_mock.errors import Conflict, NotFound, ServerError
from runway_mock.store import keys

KIND = keys.TASK
ACTIVE_SET = keys.ACTIVE_TASKS
ACTIVE = lifecycle.ACTIVE
_DONE = At("t_done", outcome=True)
# The documented lifecycle: status moves only along these edges, each taken when the
# record's time is reached (the RUNNING -> outcome edge towards the drawn outcome only)
# or only by a call (a cancel).
TRANSITIONS: dict[str, dict[str, lifecycle.Edge]] = {
    "THROTTLED": {"PENDING": At("t_pending"), "CANCELLED": BY_CALL},
    "PENDING": {"RUNNING": At("t_running"), "FAILED": BY_CALL, "CANCELLED": BY_CALL},
    "RUNNING": {"SUCCEEDED": _DONE, "FAILED": _DONE, "CANCELLED": BY_CALL},
    "SUCCEEDED": {},
    "FAILED": {},
    "CANCELLED": {},
}
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
# Media fields longer than this are not kept on the record (data URIs can be 5 MiB).
_KEEP_MAX = 512
# End time of a slot held by a task whose end is not known yet (held, or ends by polls).
NEVER = 1e15
# How many times a create or re-plan reads its lane again after losing a race for it.
_LANE_TRIES = 1000

def _slim(body: Mapping[str, Any]) -> dict[str, Any]:
    """The request fields worth keeping: everything but long media strings."""
    return {k: v for k, v in body.items()
            if not (isinstance(v, str) and len(v) > _KEEP_MAX)
            and not (isinstance(v, list) and len(str(v)) > 4 * _KEEP_MAX)}


def _policy_table(rt: Runtime) -> dict[str, dict[str, Any]]:
    return rt.store.get_value(keys.GLOBAL, keys.POLICIES, {}) or {}


def _spans(rt: Runtime, task_id: str, row: ModelRow, transition: dict[str, Any]
           ) -> tuple[float, float]:
    """(seconds PENDING, seconds RUNNING) once the task has a slot."""
    if transition["kind"] == "immediate":
        return 0.0, 0.0
    if "seconds" in transition:
        total = float(transition["seconds"])
    else:
        # +-10% per task, drawn from the seed, so timings vary but repeat.
        jitter = 0.9 + 0.2 * rt.source.random("latency", task_id)
        total = row.latency * rt.config.time_scale * jitter
    return total * lifecycle.PENDING_SHARE, total * (1 - lifecycle.PENDING_SHARE)


def _times(start: float, pending: float, running: float) -> dict[str, float]:
    return {"t_pending": start, "t_running": start + pending,
            "t_done": start + pending + running}


# ---------------------------------------------------------------------------
# Lanes: per-tenant, per-model concurrency


def _busy() -> ServerError:
    return ServerError("The emulator is busy scheduling tasks for this model; "
                       "retry shortly.", status=503)


def _next_slots(slots: Mapping[str, Any] | None, ends: list[float]) -> dict[str, Any]:
    """The lane's slots after a write: new end times, the version bumped."""
    return {"v": int((slots or {}).get("v", 0)) + 1, "ends": ends}


def _occupies(task: Mapping[str, Any]) -> str:
    """How a task uses its lane: 'none', 'timed' (until t_done) or 'open' (until settled)."""
    t = task["transition"]
    if t["kind"] == "immediate":
        return "none"
    if t["kind"] == "hold" and not task.get("released"):
        return "none" if t["status"] == "THROTTLED" else "open"
    if t["kind"] == "after_polls":
        return "open"
    return "timed"


def _earliest_start(ends: list[float], limit: int | None, now: float) -> float:
    """When a new task may start, given the end times of the lane's earlier tasks."""
    if limit is None:
        return now
    if limit <= 0:
        return NEVER
    live = heapq.nlargest(limit, (e for e in ends if e > now))
    return now if len(live) < limit else max(now, live[-1])


def _claim(slots: Mapping[str, Any] | None, use: str, limit: int | None, now: float,
           spans: tuple[float, float]) -> tuple[float, dict[str, Any] | None]:
    """(start, new slots) of a new task joining a lane; new slots None: unchanged."""
    if use == "none":
        return now, None
    ends = list((slots or {}).get("ends", ()))
    start = now if use == "open" else _earliest_start(ends, limit, now)
    if limit is None:
        return start, None
    end = NEVER if use == "open" else start + sum(spans)
    keep = heapq.nlargest(max(0, limit - 1), (e for e in ends if e > now))
    return start, _next_slots(slots, [*keep, end])


def _replan(rt: Runtime, tenant: str, model: str) -> None:
    """Re-plan a lane's queued tasks after a slot freed early (a cancel, release, or poll)."""
    lane, slots_key = keys.lane(model), keys.slots(model)
    for _ in range(_LANE_TRIES):
        slots = rt.store.get_value(tenant, slots_key)
        now = rt.clock.now()
        limit = limits.limits_of(rt, tenant, model)[0]
        ends: list[float] = []
        gone: list[str] = []
        moves: list[tuple[str, str, dict[str, Any], dict[str, Any] | None]] = []
        for task_id in rt.store.set_members(tenant, lane):
            task = rt.store.get(tenant, KIND, task_id)
            if task is None or task["state"] != ACTIVE:
                gone.append(task_id)
                continue
            use = _occupies(task)
            if use == "open":
                ends.append(NEVER)
            if use != "timed":
                continue
            if task["t_pending"] <= now:
                ends.append(task["t_done"])  # already started: its times are fixed
                continue
            start = _earliest_start(ends, limit, now)
            spans = (task["t_running"] - task["t_pending"], task["t_done"] - task["t_running"])
            if start != task["t_pending"]:
                moves.append((KIND, task_id, _times(start, *spans),
                              {"state": ACTIVE, "t_pending": task["t_pending"]}))
            ends.append(start + sum(spans))
        live = heapq.nlargest(limit, (e for e in ends if e > now)) if limit is not None else []
        # The new slots and every moved task in one step, over the slots version read.
        if rt.store.commit(tenant, expect={slots_key: slots},
                           values={slots_key: _next_slots(slots, live)}, update=moves):
            for task_id in gone:
                rt.store.set_remove(tenant, lane, task_id)
            return
    raise _busy()


def replan_tenant(rt: Runtime, tenant: str) -> None:
    """Re-plan every queue of a tenant (after its tier or limits changed)."""
    for model in limits.models_used(rt, tenant):
        if rt.store.set_members(tenant, keys.lane(model)):
            _replan(rt, tenant, model)


def _leave_lane(rt: Runtime, tenant: str, task: Mapping[str, Any], *, early: bool) -> None:
    """Take a task out of its lane; re-plan the lane if its slot freed before planned."""
    model = task["billedAs"]
    rt.store.set_remove(tenant, keys.lane(model), task["id"])
    if early and rt.store.set_members(tenant, keys.lane(model)):
        _replan(rt, tenant, model)


# ---------------------------------------------------------------------------
# Creating and reading tasks


def create(rt: Runtime, tenant: str, *, endpoint: str, row: ModelRow,
           body: Mapping[str, Any], task_id: str | None = None,
           charge: bool = True, override: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create a task for a validated request: check quotas, charge, queue, store.

    ``override`` replaces parts of the task's policy (an injected fault's ``fail`` or
    ``hold``, passed down from the request)."""
    now = rt.clock.now()
    seq = rt.store.next_seq(tenant, KIND)
    task_id = task_id or rt.source.uuid(KIND, tenant, seq)
    quote = pricing.quote(rt, endpoint, row, body)
    policy = policies.effective(_policy_table(rt), endpoint, row.model, override)
    outputs = [dict(vars(p)) for p in planned_outputs(row, body)]  # flat: asdict is slow
    record: dict[str, Any] = {
        "id": task_id,
        "endpoint": endpoint,
        "model": row.model,
        "billedAs": row.billed_as,
        "createdAt": now,
        "input": _slim(body),
        "estimated": quote.estimated,
        "final": quote.final,
        "charged": 0,
        "transition": policy["transition"],
        "outcome": lifecycle.draw_outcome(rt, task_id, policy),
        "outputs": outputs,
        "state": ACTIVE,
    }
    hour = limits.reserve_daily(rt, tenant, row.billed_as)
    pay = ledger.NOTHING
    if charge:
        if ledger.short_of(rt, tenant, quote.estimated):
            limits.unreserve(rt, tenant, row.billed_as, hour)
            raise ledger.insufficient(rt, tenant, quote.estimated)
        # Committed with the task itself: a task is never stored uncharged, nor a charge
        # made for a task that is not stored, even if the process dies in between.
        pay = ledger.charge_writes(rt, tenant, quote.estimated, model=row.billed_as,
                                   task_id=task_id)
        record["charged"] = quote.estimated
    spans = _spans(rt, task_id, row, policy["transition"])
    use = _occupies(record)
    model = row.billed_as
    limit = limits.limits_of(rt, tenant, model)[0] if use != "none" else None
    slots_key = keys.slots(model)
    joins = [(ACTIVE_SET, task_id)] + ([(keys.lane(model), task_id)] if use != "none" else [])
    for _ in range(_LANE_TRIES):
        # Only a lane with a limit is guarded: without one a start never waits for a slot.
        slots = rt.store.get_value(tenant, slots_key) if limit is not None else None
        start, new_slots = _claim(slots, use, limit, now, spans)
        record.update(_times(start, *spans))
        record["queued"] = start > now
        guard = {slots_key: slots} if new_slots is not None else None
        if rt.store.commit(tenant, expect=guard,
                           values={slots_key: new_slots} if new_slots is not None else None,
                           add=pay.add, insert=[*pay.insert, (KIND, task_id, record)],
                           set_add=joins):
            # Purge finished tasks past the retention age (a few per create: no scan).
            done = record["t_done"] if _occupies(record) == "timed" else now
            retention.track(rt, tenant, KIND, task_id, min(done, NEVER))
            retention.sweep(rt)
            return record
        if pay.add and ledger.short_of(rt, tenant, quote.estimated):
            # Another create spent the credits first.
            limits.unreserve(rt, tenant, row.billed_as, hour)
            raise ledger.insufficient(rt, tenant, quote.estimated)
    raise _busy()


def final_cost(task: Mapping[str, Any], status: str) -> int:
    """Credits a terminal task finally costs.

    A success costs its final price (less than the estimate for ``duration: "auto"``);
    a failed generation is refunded in full unless its outcome says ``refund: false``.
    """
    charged = int(task["charged"])
    if status == "SUCCEEDED":
        return min(charged, int(task.get("final", charged)))
    if status == "FAILED" and task["outcome"].get("refund") is False:
        return charged
    return 0


def _settle_changes(task: Mapping[str, Any], status: str, now: float) -> dict[str, Any]:
    """What settling writes: the final cost, and when it finished (a timed task: as planned)."""
    timed = _occupies(task) == "timed"
    done = min(now, task.get("t_done", now)) if timed else now
    return {"cost": final_cost(task, status), "finishedAt": done}


def _settle_writes(rt: Runtime, tenant: str, task: Mapping[str, Any],
                   written: Mapping[str, Any]) -> ledger.Writes:
    """The refund of what the task does not cost, committed with its state change."""
    status = written["state"]
    reason = ("task cancelled before it started" if status == "CANCELLED"
              else f"task {status.lower()}")
    return ledger.refund_writes(rt, tenant, int(task["charged"]) - int(written["cost"]),
                                model=task["billedAs"], task_id=task["id"], reason=reason)


def _on_settle(rt: Runtime, tenant: str, task: dict[str, Any], updated: dict[str, Any]
               ) -> None:
    """Once per task, after it settled: free its slot."""
    # A timed task frees its slot exactly when planned; others free it early.
    _leave_lane(rt, tenant, task,
                early=updated["state"] == "CANCELLED" or _occupies(task) != "timed")


LIFECYCLE = lifecycle.Lifecycle(
    kind=KIND, initial="THROTTLED", transitions=TRANSITIONS,
    outcome=lambda task: task["outcome"]["status"], polled=("PENDING", "RUNNING"),
    progress={"RUNNING": ("t_running", "t_done")}, settles=True, active_set=ACTIVE_SET,
    settle_changes=_settle_changes, settle_writes=_settle_writes, on_settle=_on_settle)


# Runway's words for a task that does not exist or was deleted (public captures).
NOT_FOUND = "Could not find Task"


def _load(rt: Runtime, tenant: str, task_id: str) -> dict[str, Any]:
    task = rt.store.get(tenant, KIND, task_id)
    if task is None:
        raise NotFound(NOT_FOUND)
    return task


def observe(rt: Runtime, tenant: str, task_id: str, *, poll: bool = True
            ) -> tuple[dict[str, Any], str, float | None]:
    """Read a task as a client would: (record, status, progress), settling if terminal."""
    return lifecycle.observe(rt, LIFECYCLE, tenant, _load(rt, tenant, task_id), poll=poll)


def _purge(rt: Runtime, tenant: str, task_id: str, now: float, age: float) -> int:
    """Retention: delete a task finished more than ``age`` ago (settling it first)."""
    try:
        task, status, _ = observe(rt, tenant, task_id, poll=False)
    except NotFound:
        return 0  # deleted by its owner already
    if status not in TERMINAL:
        retention.track(rt, tenant, KIND, task_id, now)  # still live: look again later
        return 0
    finished = float(task.get("finishedAt", now))
    if finished + age > now:
        retention.track(rt, tenant, KIND, task_id, finished)
        return 0
    if rt.store.delete(tenant, KIND, task_id, expect={"state": task["state"]}) is None:
        return 0
    rt.store.set_remove(tenant, ACTIVE_SET, task_id)
    return 1


retention.register_purger(KIND, _purge)


def settle_all(rt: Runtime, tenant: str) -> None:
    """Settle every task of a tenant that has finished by now (before reading balances)."""
    lifecycle.settle_all(rt, LIFECYCLE, tenant)


def _cancel_refund(rt: Runtime, tenant: str, task: Mapping[str, Any], status: str) -> int:
    """Refund a cancelled task by the status it was seen in; returns its cost."""
    if status in ("PENDING", "THROTTLED"):
        ledger.refund(rt, tenant, int(task["charged"]), model=task["billedAs"],
                      task_id=task["id"], reason="task cancelled before it started")
        return 0
    return int(task["charged"])


def cancel_or_delete(rt: Runtime, tenant: str, task_id: str) -> str:
    """DELETE /v1/tasks/{id}: cancel a running task or delete a finished one.

    Returns the status the task had. A PENDING or THROTTLED task is refunded; one seen
    RUNNING is not (Runway: "if it sees RUNNING there is no refund"); deleting a
    finished task never refunds.
    """
    task, status, _ = observe(rt, tenant, task_id, poll=False)
    removed = rt.store.delete(tenant, KIND, task_id, expect={"state": task["state"]})
    if removed is None:
        raise NotFound(NOT_FOUND)
    if status not in TERMINAL:
        rt.store.set_remove(tenant, ACTIVE_SET, task_id)
        _cancel_refund(rt, tenant, task, status)
        _leave_lane(rt, tenant, task, early=True)
    return status


def cancel_visible(rt: Runtime, tenant: str, task_id: str) -> dict[str, Any]:
    """Cancel a task "by other means": it stays readable with status CANCELLED.

    The refund follows DELETE's rules (none once RUNNING); 409 if already terminal.
    """
    task, status, _ = observe(rt, tenant, task_id, poll=False)
    if status in TERMINAL:
        raise Conflict(f"Task {task_id} is already {status}.")
    cost = int(task["charged"]) if status == "RUNNING" else 0
    updated, won = lifecycle.settle(rt, LIFECYCLE, tenant, task, "CANCELLED",
                                    {"cost": cost, "finishedAt": rt.clock.now()})
    if not won:
        raise Conflict(f"Task {task_id} changed while being cancelled; try again.")
    return updated


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
    elif held == "PENDING":
        times = _times(now, pending, running)
    else:
        # Held THROTTLED: it joins its lane's queue and starts when a slot frees.
        times = _times(NEVER, pending, running)
    updated = rt.store.update(tenant, KIND, task_id, {"released": True, **times},
                              expect={"state": ACTIVE})
    if updated is None:
        return task
    if held == "THROTTLED":
        rt.store.set_add(tenant, keys.lane(task["billedAs"]), task_id)
    _replan(rt, tenant, task["billedAs"])
    return rt.store.get(tenant, KIND, task_id) or updated
