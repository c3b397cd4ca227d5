"""Retention: finished tasks, ledger entries, expired uploads and journal entries older
than ``Config.retention_seconds`` of emulator time are purged, so memory stays flat
under a steady load.

Nothing is scanned: each record is noted on the store's timeline (``Store.schedule``)
when it is made, at the emulator time it may go, and every task creation takes the few
notes that have come due (``sweep``), so the work per request is bounded and does not
grow with what is stored. A task whose time has come but that nobody read is settled
first (refunds included), exactly as a late read would settle it; one still live (held,
or ending by polls) is noted again for later. ``None`` (the default in-process) keeps
everything; ``runway-mock serve`` keeps 24 hours unless ``--retention`` says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from runway_mock.config import Runtime

# Notes taken per sweep: enough to keep up with any creation rate (each create adds at
# most two notes: its task and its ledger entry).
SWEEP = 8


def _scheduler(rt: Runtime):  # type: ignore[no-untyped-def]
    if rt.config.retention_seconds is None:
        return None
    return getattr(rt.store, "schedule", None)


def track(rt: Runtime, tenant: str, kind: str, rid: str, at: float) -> None:
    """Note that ``kind``/``rid`` is done with at emulator time ``at`` (purged after
    the retention age)."""
    schedule = _scheduler(rt)
    if schedule is not None:
        schedule(tenant, kind, rid, at + float(rt.config.retention_seconds or 0))


# Kinds that need more than a delete when their time comes (tasks: settle first).
Purger = Callable[[Runtime, str, str, float, float], int]
_purgers: dict[str, Purger] = {}


def register_purger(kind: str, fn: Purger) -> None:
    """Let ``fn(rt, tenant, rid, now, age)`` purge records of ``kind`` (returns 0 or 1)."""
    _purgers[kind] = fn


def sweep(rt: Runtime, limit: int = SWEEP) -> int:
    """Purge up to ``limit`` records whose retention has run out; returns how many."""
    if _scheduler(rt) is None:
        return 0
    from runway_mock.domain import journal

    age = float(rt.config.retention_seconds or 0)
    now = rt.clock.now()
    purged = 0
    for tenant, kind, rid in rt.store.due(now, limit):
        purger = _purgers.get(kind)
        if purger is not None:
            purged += purger(rt, tenant, rid, now, age)
        elif rt.store.delete(tenant, kind, rid) is not None:
            purged += 1
    expire = getattr(rt.store, "expire", None)
    if expire is not None:
        purged += expire(journal.STREAM, "at", now - age)
    return purged
