"""The one lifecycle engine: every stateful kind is a declared transition table.

A kind (tasks, avatars, voices, realtime sessions, workflow invocations) declares a
``Lifecycle``: its statuses, and for each status the statuses it may move to and what
moves it there (``transitions``, the way moto's managed-state models read
``_transitions``). An edge is moved along

* by the clock (``At(field)``: once ``now`` reaches the time in that record field),
* by the outcome drawn at creation (``At(field, outcome=True)``: only the edge to the
  outcome's status fires), or
* by an event already written on the record (``Seen(field)``: the field is set), or
* only by an explicit call (``BY_CALL``: a cancel), never while evaluating.

Status is a pure function of (record, policy transition, now, polls): no threads, no
timers; the engine walks the table from the first status until no edge fires. The
policy's transition kind changes the walk: ``hold`` stays in the held status until
released, ``after_polls`` stands in a poll count for the clock until the outcome.
A kind that settles (``settles=True``) is moved out of ACTIVE by the first read that
finds it terminal: one conditional store update, so what settling does (refunds,
usage) happens exactly once whichever worker sees it first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runway_mock.config import Runtime
from runway_mock.domain import policies
from runway_mock.store import keys

ACTIVE = "ACTIVE"
# Share of a timed run's latency spent PENDING, the rest RUNNING (tasks, workflow runs).
PENDING_SHARE = 0.2


@dataclass(frozen=True)
class At:
    """An edge the clock takes once ``now`` reaches the record's time ``field`` (a field
    name or a function of the record); with ``outcome``, only towards the drawn outcome."""

    field: str | Callable[[Mapping[str, Any]], float]
    outcome: bool = False

    def time(self, record: Mapping[str, Any]) -> float:
        """The epoch seconds at which the edge fires."""
        return float(self.field(record) if callable(self.field) else record[self.field])


@dataclass(frozen=True)
class Seen:
    """An edge taken once an event has written ``field`` on the record (not None)."""

    field: str


BY_CALL = None  # an edge only an explicit call takes (cancel), never the evaluation
Edge = At | Seen | None


@dataclass(frozen=True)
class Lifecycle:
    """One kind's declared lifecycle."""

    kind: str  # the store record kind
    initial: str  # the status a record starts in
    transitions: Mapping[str, Mapping[str, Edge]]  # status -> {next status: edge}
    outcome: Callable[[Mapping[str, Any]], str]  # the drawn outcome's status
    # Under ``after_polls``: the status before the first poll and while polls remain.
    polled: tuple[str, str]
    # A status that reports progress -> (field entered at, field left at).
    progress: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    settles: bool = False  # moved out of ACTIVE (store field ``state``) once terminal
    active_set: str | None = None  # the store set of its unsettled records
    # What settling writes besides ``state`` (record, status, now).
    settle_changes: Callable[[Mapping[str, Any], str, float], dict[str, Any]] | None = None
    # Writes committed with the state change (a refund): (rt, tenant, record, written).
    settle_writes: Callable[..., Any] | None = None
    # Called once, by the request whose commit settled the record (before, after).
    on_settle: Callable[[Runtime, str, dict[str, Any], dict[str, Any]], None] | None = None
    terminal: tuple[str, ...] = field(init=False)  # statuses with no way out

    def __post_init__(self) -> None:
        object.__setattr__(self, "terminal",
                           tuple(s for s, edges in self.transitions.items() if not edges))
        statuses = set(self.transitions)
        named = {to for edges in self.transitions.values() for to in edges}
        if not named <= statuses or not {self.initial, *self.polled} <= statuses:
            raise ValueError(f"{self.kind}: a transition names an undeclared status")

    def held(self, status: Any) -> str:
        """The status a ``hold`` keeps a record in: the policy's, if this kind has it."""
        edges = self.transitions.get(status) if isinstance(status, str) else None
        return status if edges else self.initial


def draw_outcome(rt: Runtime, rid: str, policy: Mapping[str, Any]) -> dict[str, Any]:
    """The outcome a policy gives record ``rid``: drawn once, at creation, from the seed."""
    o = policy["outcome"]
    probability = float(o.get("probability", 1.0))
    hit = probability >= 1.0 or rt.source.random("outcome", rid) < probability
    if o["status"] == "FAILED" and hit:
        code = o.get("failureCode", "INTERNAL")
        out = {"status": "FAILED", "failureCode": code,
               "failure": policies.failure_text(code, o.get("failure"))}
        if o.get("refund") is False:
            out["refund"] = False
        return out
    return {"status": "SUCCEEDED"}


def plan(rt: Runtime, rid: str, *, endpoint: str, model: str, seconds: float
         ) -> dict[str, Any]:
    """How a processing resource (avatar, voice, session, workflow run) will end, decided
    once at creation and kept on the record: its transition, outcome and ``readyAt``.

    The same named policies that drive tasks apply (keys ``endpoint``, ``model``,
    ``endpoint:model`` or ``*``): a timed transition lasts ``seconds`` of real time times
    the time scale unless the policy gives ``seconds``; ``immediate``, ``after_polls``
    and ``hold`` work as for tasks (a held resource stays in processing).
    """
    table = rt.store.get_value(keys.GLOBAL, keys.POLICIES, {}) or {}
    policy = policies.resolve(table, endpoint, model)
    transition = dict(policy["transition"])
    outcome = draw_outcome(rt, rid, policy)
    now = rt.clock.now()
    if transition["kind"] == "immediate":
        span = 0.0
    elif "seconds" in transition:
        span = float(transition["seconds"])
    else:
        span = seconds * rt.config.time_scale
    failed = outcome["status"] == "FAILED"
    out: dict[str, Any] = {"transition": transition, "failed": failed, "readyAt": now + span}
    if failed:
        out["failureCode"] = outcome["failureCode"]
        out["failure"] = outcome["failure"]
    return out


def processing(kind: str) -> Lifecycle:
    """The lifecycle of a resource that is PROCESSING until ready (avatars, voices)."""
    ready = At("readyAt", outcome=True)
    return Lifecycle(
        kind=kind, initial="PROCESSING",
        transitions={"PROCESSING": {"READY": ready, "FAILED": ready}, "READY": {},
                     "FAILED": {}},
        outcome=lambda r: "FAILED" if r["failed"] else "READY",
        polled=("PROCESSING", "PROCESSING"))


def _fires(edge: Edge, to: str, record: Mapping[str, Any], now: float, outcome: str) -> bool:
    if isinstance(edge, At):
        return now >= edge.time(record) and (not edge.outcome or to == outcome)
    if isinstance(edge, Seen):
        return record.get(edge.field) is not None
    return False


def _progress(lc: Lifecycle, status: str, record: Mapping[str, Any], now: float
              ) -> float | None:
    span = lc.progress.get(status)
    if span is None:
        return None
    start, end = float(record[span[0]]), float(record[span[1]])
    if end <= start:
        return 1.0
    return round(min(1.0, max(0.0, (now - start) / (end - start))), 4)


def evaluate(lc: Lifecycle, record: Mapping[str, Any], now: float, polls: int = 0
             ) -> tuple[str, float | None]:
    """(status, progress) of ``record`` at ``now``; progress only in a progress status."""
    state = record.get("state", ACTIVE)
    if state != ACTIVE:
        return state, None
    t = record["transition"]
    if t["kind"] == "hold" and not record.get("released"):
        status = lc.held(t.get("status"))
        return status, (0.0 if status in lc.progress else None)
    outcome = lc.outcome(record)
    status = lc.initial
    if t["kind"] == "after_polls":
        n = int(t["polls"])
        if polls < n:
            status = lc.polled[0] if polls <= 0 else lc.polled[1]
            return status, (round(polls / n, 4) if status in lc.progress else None)
        status = outcome  # the polls stand in for the clock up to the outcome
    for _ in range(len(lc.transitions)):
        for to, edge in lc.transitions[status].items():
            if _fires(edge, to, record, now, outcome):
                status = to
                break
        else:
            break
    return status, _progress(lc, status, record, now)


def polls(rt: Runtime, tenant: str, record: Mapping[str, Any], *, poll: bool) -> int:
    """Reads counted so far of a record that ends after N polls (this one too if ``poll``)."""
    if record.get("state", ACTIVE) != ACTIVE or record["transition"]["kind"] != "after_polls":
        return 0
    return int(rt.store.add(tenant, keys.polls(record["id"]), 1 if poll else 0)[1])


def settle(rt: Runtime, lc: Lifecycle, tenant: str, record: dict[str, Any], status: str,
           changes: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], bool]:
    """Move an ACTIVE record to ``status`` once: (stored record, whether this call did).

    One commit guarded by the record still being ACTIVE writes the state change and
    ``settle_writes`` (a refund) together; only the caller whose commit won removes it
    from the active set and runs ``on_settle``.
    """
    now = rt.clock.now()
    written = {"state": status,
               **(lc.settle_changes(record, status, now) if lc.settle_changes else {}),
               **(changes or {})}
    extra = lc.settle_writes(rt, tenant, record, written) if lc.settle_writes else None
    won = rt.store.commit(tenant, guard=[(lc.kind, record["id"], {"state": ACTIVE})],
                          update=[(lc.kind, record["id"], written, None)],
                          add=extra.add if extra else (),
                          insert=extra.insert if extra else ())
    stored = rt.store.get(tenant, lc.kind, record["id"])
    updated = stored or {**record, **written}
    if not won:
        # Another reader settled (or deleted) it first; use what is stored now.
        return updated, False
    if lc.active_set:
        rt.store.set_remove(tenant, lc.active_set, record["id"])
    if lc.on_settle:
        lc.on_settle(rt, tenant, record, updated)
    return updated, True


def observe(rt: Runtime, lc: Lifecycle, tenant: str, record: dict[str, Any], *,
            poll: bool = True) -> tuple[dict[str, Any], str, float | None]:
    """Read a record as a client would: (record, status, progress), settling it if it has
    just become terminal (for a kind that settles)."""
    counted = polls(rt, tenant, record, poll=poll)
    status, progress = evaluate(lc, record, rt.clock.now(), counted)
    if lc.settles and record.get("state") == ACTIVE and status in lc.terminal:
        record, _ = settle(rt, lc, tenant, record, status)
        status, progress = record["state"], None
    return record, status, progress


def settle_all(rt: Runtime, lc: Lifecycle, tenant: str) -> None:
    """Settle every record of a kind that has finished by now (before reading balances)."""
    assert lc.active_set is not None
    for rid in rt.store.set_members(tenant, lc.active_set):
        record = rt.store.get(tenant, lc.kind, rid)
        if record is None:
            rt.store.set_remove(tenant, lc.active_set, rid)
            continue
        observe(rt, lc, tenant, record, poll=False)
