"""The organization view: balance, tier limits and usage, computed from the ledger."""

from __future__ import annotations

from typing import Any

from mockserver import ledger, limits, tasks
from mockserver.catalog.tiers import ORGANIZATION_MODELS, TIERS, limits_for
from mockserver.runtime import Runtime

TIER_KEY = "tier"


def tier_of(rt: Runtime, tenant: str) -> int:
    """The tenant's usage tier (1-5)."""
    return int(rt.store.get_value(tenant, TIER_KEY) or rt.config.tier)


def snapshot(rt: Runtime, tenant: str) -> dict[str, Any]:
    """GET /v1/organization: creditBalance, tier and usage."""
    tasks.settle_all(rt, tenant)
    tier = tier_of(rt, tenant)
    models = {}
    for model in ORGANIZATION_MODELS:
        concurrent, daily = limits_for(tier, model)
        models[model] = {"maxConcurrentGenerations": concurrent, "maxDailyGenerations": daily}
    usage = {}
    for model in limits.models_used(rt, tenant):
        n = limits.daily_generations(rt, tenant, model)
        if n:
            usage[model] = {"dailyGenerations": n}
    return {
        "creditBalance": ledger.balance(rt, tenant),
        "tier": {"maxMonthlyCreditSpend": TIERS[tier]["maxMonthlyCreditSpend"], "models": models},
        "usage": {"models": usage},
    }
