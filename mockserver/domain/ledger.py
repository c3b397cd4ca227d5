"""Credits: the per-tenant balance and the ledger of charges and refunds.

The balance is the tenant's funded credits (the starting balance, plus purchases and
control-API adjustments) minus charges plus refunds. A charge is one atomic add with a
floor, so the balance never goes negative and a refused charge changes nothing. Every
movement is kept three ways: running totals (``totals``: the conservation law
``balance == funded - charged + refunded`` can be checked in O(1)), per-day per-model
net usage (``used_by_day``, read by the usage report) and a ledger entry per movement.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from runway_mock.clock import iso
from runway_mock.config import Runtime
from runway_mock.domain import retention
from runway_mock.errors import BadRequest
from runway_mock.store import keys
from runway_mock.store.base import Add, Insert

DELTA = keys.CREDITS_DELTA
BASE = keys.CREDITS_BASE
TOPUPS = keys.CREDITS_TOPUPS
CHARGED = keys.CREDITS_CHARGED
REFUNDED = keys.CREDITS_REFUNDED
KIND = keys.LEDGER
# Kinds of ledger entries, by the rule that produced them.
CHARGE = "charge"
REFUND = "refund"
FUND = "fund"


class InsufficientCredits(BadRequest):
    """400: the balance does not cover the task's estimated cost (status assumed)."""


def base_credits(rt: Runtime, tenant: str) -> int:
    """The credits a tenant has been funded with (starting balance plus top-ups)."""
    value = rt.store.get_value(tenant, BASE)
    start = rt.config.initial_credits if value is None else value
    return int(start + rt.store.value(tenant, TOPUPS))


def balance(rt: Runtime, tenant: str) -> int:
    """The tenant's current credit balance."""
    return int(base_credits(rt, tenant) + rt.store.value(tenant, DELTA))


def totals(rt: Runtime, tenant: str) -> dict[str, int]:
    """Balance, funded, charged and refunded credits: balance = funded - charged + refunded."""
    return {
        "balance": balance(rt, tenant),
        "funded": base_credits(rt, tenant),
        "charged": int(rt.store.value(tenant, CHARGED)),
        "refunded": int(rt.store.value(tenant, REFUNDED)),
    }


def set_balance(rt: Runtime, tenant: str, credits: int) -> int:
    """Make the balance ``credits`` (control API); the ledger history is kept."""
    if credits < 0:
        raise BadRequest("credits must be a non-negative integer")
    before = balance(rt, tenant)
    moved = rt.store.value(tenant, DELTA) + rt.store.value(tenant, TOPUPS)
    used, entry = _entry(rt, tenant, FUND, int(credits) - before, model=None, task_id=None,
                         reason="balance set over the control API")
    rt.store.commit(tenant, values={BASE: int(credits) - int(moved)}, add=used, insert=entry)
    return balance(rt, tenant)


def fund(rt: Runtime, tenant: str, credits: int, *, reason: str) -> int:
    """Add ``credits`` to the funded total (a top-up or purchase); returns the balance."""
    if credits <= 0:
        raise BadRequest("credits to add must be a positive integer")
    used, entry = _entry(rt, tenant, FUND, int(credits), model=None, task_id=None,
                         reason=reason)
    rt.store.commit(tenant, add=[(TOPUPS, int(credits), None), *used], insert=entry)
    return balance(rt, tenant)


def _entry(rt: Runtime, tenant: str, kind: str, amount: int, *, model: str | None,
           task_id: str | None, reason: str) -> tuple[list[Add], list[Insert]]:
    """The per-day usage add and the ledger entry of one movement (for a commit)."""
    now = rt.clock.now()
    used: list[Add] = []
    if model is not None:
        used.append((keys.used(iso(now)[:10], model), amount if kind == CHARGE else -amount,
                     None))
    seq = rt.store.next_seq(tenant, KIND)
    entry: dict[str, Any] = {"seq": seq, "kind": kind, "credits": amount, "model": model,
                             "taskId": task_id, "reason": reason, "at": iso(now)}
    # Purged after the retention age (a no-op if the commit carrying it fails).
    retention.track(rt, tenant, KIND, f"{seq:012d}", now)
    return used, [(KIND, f"{seq:012d}", entry)]


class Writes(NamedTuple):
    """The store writes of a credit movement, to commit with the change they pay for."""

    add: list[Add]
    insert: list[Insert]


NOTHING = Writes([], [])


def charge_writes(rt: Runtime, tenant: str, credits: int, *, model: str,
                  task_id: str | None, reason: str = "task created") -> Writes:
    """What charging ``credits`` writes: the balance (under its floor), the totals, the
    day's usage and a ledger entry. A commit of these fails if the balance is short."""
    if credits <= 0:
        return NOTHING
    # Unmetered: spending is still accounted (the balance may go below zero) but never refused.
    floor = None if rt.config.unmetered else -base_credits(rt, tenant)
    used, entry = _entry(rt, tenant, CHARGE, credits, model=model, task_id=task_id,
                         reason=reason)
    return Writes([(DELTA, -credits, floor), (CHARGED, credits, None), *used], entry)


def refund_writes(rt: Runtime, tenant: str, credits: int, *, model: str,
                  task_id: str | None, reason: str) -> Writes:
    """What giving ``credits`` back writes: balance, totals, the day's usage, an entry."""
    if credits <= 0:
        return NOTHING
    used, entry = _entry(rt, tenant, REFUND, credits, model=model, task_id=task_id,
                         reason=reason)
    return Writes([(DELTA, credits, None), (REFUNDED, credits, None), *used], entry)


def short_of(rt: Runtime, tenant: str, credits: int) -> bool:
    """Whether the balance cannot cover ``credits`` (never, unmetered)."""
    return not rt.config.unmetered and balance(rt, tenant) < credits


def insufficient(rt: Runtime, tenant: str, credits: int) -> InsufficientCredits:
    """The refusal of a charge the balance does not cover."""
    # Runway's words (public captures): no figures; the balance is on /v1/organization.
    return InsufficientCredits("You do not have enough credits to run this task.")


def charge(rt: Runtime, tenant: str, credits: int, *, model: str, task_id: str | None,
           reason: str = "task created") -> None:
    """Take ``credits`` from the balance or refuse with InsufficientCredits (nothing taken).

    One store commit: the balance, the totals and the ledger entry move together.
    """
    writes = charge_writes(rt, tenant, credits, model=model, task_id=task_id, reason=reason)
    if writes.add and not rt.store.commit(tenant, add=writes.add, insert=writes.insert):
        raise insufficient(rt, tenant, credits)


def refund(rt: Runtime, tenant: str, credits: int, *, model: str, task_id: str | None,
           reason: str) -> None:
    """Give ``credits`` back (one store commit, like a charge)."""
    writes = refund_writes(rt, tenant, credits, model=model, task_id=task_id, reason=reason)
    if writes.add:
        rt.store.commit(tenant, add=writes.add, insert=writes.insert)


def entries(rt: Runtime, tenant: str, *, limit: int = 100) -> list[dict[str, Any]]:
    """The newest ``limit`` ledger entries, oldest first."""
    rows = rt.store.page(tenant, KIND, None, limit, newest_first=True)
    return [{k: v for k, v in r.items() if k != "_seq"} for r in reversed(rows)]


def used_by_day(rt: Runtime, tenant: str, day: str, model: str) -> int:
    """Net credits ``model`` used on ``day`` (YYYY-MM-DD): charges minus refunds that day."""
    return int(rt.store.value(tenant, keys.used(day, model)))
