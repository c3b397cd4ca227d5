"""The organization view: balance, tier limits and usage, computed from the ledger.

The monthly spend cap (``maxMonthlyCreditSpend``) caps credit *purchases* in Runway
(runway-api.md section (d)), not generation. The emulator does the same: purchases made
over the control API are refused once they would pass the tier's cap within a rolling
30 days; tasks are only ever refused for lack of credits or by the daily quota.
"""

from __future__ import annotations

from typing import Any

from runway_mock.catalog.tiers import ORGANIZATION_MODELS, TIERS
from runway_mock.clock import iso
from runway_mock.config import Runtime
from runway_mock.domain import ledger, limits, tasks
from runway_mock.errors import BadRequest
from runway_mock.store import keys

TIER_KEY = limits.TIER_KEY
CAP_WINDOW_DAYS = 30


class SpendCapReached(BadRequest):
    """400: a purchase would pass the tier's maximum monthly credit spend."""


def tier_of(rt: Runtime, tenant: str) -> int:
    """The tenant's usage tier (1-5)."""
    return limits.tier_of(rt, tenant)


def monthly_cap(rt: Runtime, tenant: str) -> int:
    """The tier's maximum monthly credit spend (credits purchasable per 30 days)."""
    return int(TIERS[tier_of(rt, tenant)]["maxMonthlyCreditSpend"])  # type: ignore[call-overload]


def _day(ts: float) -> int:
    return int(ts // 86400)


def purchased(rt: Runtime, tenant: str) -> int:
    """Credits purchased in the past 30 days."""
    today = _day(rt.clock.now())
    return int(sum(rt.store.value(tenant, keys.purchases(d))
                   for d in range(today - CAP_WINDOW_DAYS + 1, today + 1)))


def purchase(rt: Runtime, tenant: str, credits: int) -> int:
    """Buy credits, within the monthly spend cap; returns the new balance."""
    if isinstance(credits, bool) or not isinstance(credits, int) or credits <= 0:
        raise BadRequest("purchase must be a positive integer number of credits")
    key = keys.purchases(_day(rt.clock.now()))
    rt.store.add(tenant, key, credits)
    cap = monthly_cap(rt, tenant)
    if purchased(rt, tenant) > cap:
        rt.store.add(tenant, key, -credits)
        raise SpendCapReached(
            f"This purchase would exceed your organization's maximum monthly credit spend "
            f"of {cap} credits (already purchased in the past 30 days: "
            f"{purchased(rt, tenant)}).")
    return ledger.fund(rt, tenant, credits, reason=f"purchase on {iso(rt.clock.now())[:10]}")


def model_limits(rt: Runtime, tenant: str) -> dict[str, dict[str, int | None]]:
    """Every organization model's limits for this tenant (tier plus overrides)."""
    table = limits.table_of(rt, tenant, list(ORGANIZATION_MODELS))
    return {model: {"maxConcurrentGenerations": concurrent, "maxDailyGenerations": daily}
            for model, (concurrent, daily) in table.items()}


def snapshot(rt: Runtime, tenant: str) -> dict[str, Any]:
    """GET /v1/organization: creditBalance, tier and usage."""
    tasks.settle_all(rt, tenant)
    usage = {}
    for model in limits.models_used(rt, tenant):
        n = limits.daily_generations(rt, tenant, model)
        if n:
            usage[model] = {"dailyGenerations": n}
    return {
        "creditBalance": ledger.balance(rt, tenant),
        "tier": {"maxMonthlyCreditSpend": monthly_cap(rt, tenant),
                 "models": model_limits(rt, tenant)},
        "usage": {"models": usage},
    }
