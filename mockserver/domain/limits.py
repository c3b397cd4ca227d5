"""Tier limits per tenant and model: the tier, overrides, and the rolling daily count.

A tenant's limits come from its tier (``catalog.tiers``) unless the control API set
per-model overrides. Daily generations are counted in hourly buckets over a rolling
24 hours; a create reserves one first and gives it back if it is refused, so
concurrent creates can never together pass the limit.
"""

from __future__ import annotations

from typing import Any

from runway_mock.catalog.tiers import TIERS, limits_for
from runway_mock.config import Runtime
from runway_mock.errors import BadRequest, TooManyRequests
from runway_mock.store import keys

USED_SET = keys.MODELS_USED
WINDOW_HOURS = 24
TIER_KEY = keys.TIER
OVERRIDES_KEY = keys.LIMITS
LIMIT_NAMES = ("maxConcurrentGenerations", "maxDailyGenerations")
# Runway's wording for the per-model daily quota (runway-api.md section (a)).
DAILY_MESSAGE = "Your daily task limit has been reached."


class DailyLimitReached(TooManyRequests):
    """429 on creation: the model's rolling 24-hour generation quota is used up."""


def _hour(ts: float) -> int:
    return int(ts // 3600)


def tier_of(rt: Runtime, tenant: str) -> int:
    """The tenant's usage tier (1-5)."""
    return int(rt.store.get_value(tenant, TIER_KEY) or rt.config.tier)


def overrides(rt: Runtime, tenant: str) -> dict[str, dict[str, int | None]]:
    """Per-model limits set for this tenant over the control API."""
    return rt.store.get_value(tenant, OVERRIDES_KEY, {}) or {}


def set_tier(rt: Runtime, tenant: str, tier: Any = None, limits: Any = None) -> None:
    """Set the tenant's tier and/or per-model limit overrides (``None`` clears one)."""
    if tier is not None:
        if isinstance(tier, bool) or tier not in TIERS:
            raise BadRequest("tier must be an integer from 1 to 5")
        rt.store.put_value(tenant, TIER_KEY, int(tier))
    if limits is None:
        return
    if not isinstance(limits, dict):
        raise BadRequest("limits must map model ids to {maxConcurrentGenerations, "
                         "maxDailyGenerations}")
    for model, given in limits.items():
        if given is None:
            continue
        if not isinstance(given, dict) or not set(given) <= set(LIMIT_NAMES):
            raise BadRequest(f"limits.{model} takes only {', '.join(LIMIT_NAMES)}")
        for name, value in given.items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                raise BadRequest(f"limits.{model}.{name} must be a non-negative integer "
                                 "or null (unlimited)")
    # Checked in full first, so a bad entry changes nothing; each merge is atomic.
    for model, given in limits.items():
        rt.store.merge_entry(tenant, OVERRIDES_KEY, model, given)


def limits_of(rt: Runtime, tenant: str, model: str) -> tuple[int | None, int | None]:
    """(maxConcurrentGenerations, maxDailyGenerations) of ``model``; None is unlimited."""
    return table_of(rt, tenant, [model])[model]


def table_of(rt: Runtime, tenant: str, models: list[str]
             ) -> dict[str, tuple[int | None, int | None]]:
    """The limits of several models, reading the tenant's settings once."""
    tier = tier_of(rt, tenant)
    given = overrides(rt, tenant)
    out = {}
    for model in models:
        concurrent, daily = limits_for(tier, model)
        mine = given.get(model)
        if mine:
            concurrent = mine.get("maxConcurrentGenerations", concurrent)
            daily = mine.get("maxDailyGenerations", daily)
        out[model] = (concurrent, daily)
    return out


def record_generation(rt: Runtime, tenant: str, model: str) -> int:
    """Count one generation of ``model`` now; returns the hour bucket it went into."""
    hour = _hour(rt.clock.now())
    rt.store.add(tenant, keys.generations(model, hour), 1)
    rt.store.set_add(tenant, USED_SET, model)
    return hour


def daily_generations(rt: Runtime, tenant: str, model: str) -> int:
    """Generations of ``model`` in the past 24 hours."""
    now = _hour(rt.clock.now())
    return int(sum(rt.store.value(tenant, keys.generations(model, h))
                   for h in range(now - WINDOW_HOURS + 1, now + 1)))


def reserve_daily(rt: Runtime, tenant: str, model: str) -> int:
    """Count a generation, or refuse with 429 if it would pass the daily limit."""
    hour = record_generation(rt, tenant, model)
    daily = limits_of(rt, tenant, model)[1]
    if (daily is not None and not rt.config.unmetered
            and daily_generations(rt, tenant, model) > daily):
        unreserve(rt, tenant, model, hour)
        raise DailyLimitReached(DAILY_MESSAGE)
    return hour


def unreserve(rt: Runtime, tenant: str, model: str, hour: int) -> None:
    """Give back a generation counted in ``hour`` (its create was refused)."""
    rt.store.add(tenant, keys.generations(model, hour), -1)


def models_used(rt: Runtime, tenant: str) -> list[str]:
    """Models the tenant has ever generated with."""
    return rt.store.set_members(tenant, USED_SET)
