"""Per-model generation counts in a rolling 24 hours (hourly buckets)."""

from __future__ import annotations

from mockserver.runtime import Runtime

USED_SET = "models_used"
WINDOW_HOURS = 24


def _hour(ts: float) -> int:
    return int(ts // 3600)


def record_generation(rt: Runtime, tenant: str, model: str) -> None:
    """Count one generation of ``model`` now."""
    rt.store.add(tenant, f"gen:{model}:{_hour(rt.clock.now())}", 1)
    rt.store.set_add(tenant, USED_SET, model)


def daily_generations(rt: Runtime, tenant: str, model: str) -> int:
    """Generations of ``model`` in the past 24 hours."""
    now = _hour(rt.clock.now())
    return int(sum(rt.store.value(tenant, f"gen:{model}:{h}")
                   for h in range(now - WINDOW_HOURS + 1, now + 1)))


def models_used(rt: Runtime, tenant: str) -> list[str]:
    """Models the tenant has ever generated with."""
    return rt.store.set_members(tenant, USED_SET)
