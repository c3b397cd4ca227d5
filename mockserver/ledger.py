"""Credits: the per-tenant balance and the ledger of charges and refunds.

The balance is the tenant's base credits plus the sum of ledger deltas; a charge is one
atomic add with a floor, so the balance never goes negative. Every movement is also
added to per-day, per-model totals that the usage report reads.
"""

from __future__ import annotations

from typing import Any

from mockserver.clock import iso
from mockserver.errors import BadRequest
from mockserver.runtime import Runtime

DELTA = "credits:delta"
BASE = "credits:base"
# Kinds of ledger entries, by the rule that produced them.
CHARGE = "charge"
REFUND = "refund"


class InsufficientCredits(BadRequest):
    """400: the balance does not cover the task's estimated cost (status assumed)."""


def base_credits(rt: Runtime, tenant: str) -> int:
    """The credits a tenant started with (config default or set over the control API)."""
    value = rt.store.get_value(tenant, BASE)
    return int(rt.config.initial_credits if value is None else value)


def balance(rt: Runtime, tenant: str) -> int:
    """The tenant's current credit balance."""
    return int(base_credits(rt, tenant) + rt.store.value(tenant, DELTA))


def set_balance(rt: Runtime, tenant: str, credits: int) -> int:
    """Make the balance ``credits`` (control API); the ledger history is kept."""
    rt.store.put_value(tenant, BASE, int(credits) - int(rt.store.value(tenant, DELTA)))
    return balance(rt, tenant)


def _record(rt: Runtime, tenant: str, kind: str, amount: int, *, model: str,
            task_id: str | None, reason: str) -> None:
    now = rt.clock.now()
    day = iso(now)[:10]
    rt.store.add(tenant, f"used:{day}:{model}", amount if kind == CHARGE else -amount)
    seq = rt.store.next_seq(tenant, "ledger")
    entry: dict[str, Any] = {"seq": seq, "kind": kind, "credits": amount, "model": model,
                             "taskId": task_id, "reason": reason, "at": now}
    rt.store.insert(tenant, "ledger", f"{seq:012d}", entry)


def charge(rt: Runtime, tenant: str, credits: int, *, model: str, task_id: str | None,
           reason: str = "task created") -> None:
    """Take ``credits`` from the balance or refuse with InsufficientCredits."""
    if credits <= 0:
        return
    floor = -base_credits(rt, tenant)
    ok, _ = rt.store.add(tenant, DELTA, -credits, floor=floor)
    if not ok:
        raise InsufficientCredits(
            "You do not have enough credits to run this task. "
            f"It needs {credits} credits; your balance is {balance(rt, tenant)}."
        )
    _record(rt, tenant, CHARGE, credits, model=model, task_id=task_id, reason=reason)


def refund(rt: Runtime, tenant: str, credits: int, *, model: str, task_id: str | None,
           reason: str) -> None:
    """Give ``credits`` back."""
    if credits <= 0:
        return
    rt.store.add(tenant, DELTA, credits)
    _record(rt, tenant, REFUND, credits, model=model, task_id=task_id, reason=reason)


def used_by_day(rt: Runtime, tenant: str, day: str, model: str) -> int:
    """Net credits ``model`` used on ``day`` (YYYY-MM-DD)."""
    return int(rt.store.value(tenant, f"used:{day}:{model}"))
