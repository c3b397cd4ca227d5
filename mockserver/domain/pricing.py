"""What a task costs: the catalog's price, per-model overrides, the estimate and final cost.

Prices live in the catalog rows (``Price``); the control API can override them per
model (``gen4_turbo``) or per endpoint and model (``image_to_video:gen4_turbo``).
Overrides are stored in the store so every worker prices alike. A task is charged its
estimate at creation; with ``duration: "auto"`` the estimate is billed at the model's
longest duration and the final cost at the duration actually produced, so the
difference is refunded when the task succeeds (runway-api.md section (d)).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runway_mock.catalog import ModelRow, estimate_credits, planned_outputs
from runway_mock.catalog.base import Price
from runway_mock.config import Runtime
from runway_mock.domain.policies import GLOBAL
from runway_mock.errors import BadRequest
from runway_mock.store import keys

OVERRIDES = keys.PRICES
UNITS = ("second", "output", "generation", "chars", "input_second")


@dataclass(frozen=True)
class Quote:
    """A task's estimate (charged up front) and the cost it has if it succeeds."""

    estimated: int
    final: int
    price: Price


def overrides(rt: Runtime) -> dict[str, dict[str, Any]]:
    """Every price override, keyed ``model`` or ``endpoint:model``."""
    return rt.store.get_value(GLOBAL, OVERRIDES, {}) or {}


def _number(value: Any, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest(f"{name} must be a number")
    if value < 0 or (positive and value == 0):
        raise BadRequest(f"{name} must be {'positive' if positive else 'non-negative'}")
    return float(value)


def normalise(spec: Any) -> dict[str, Any]:
    """Validate a price given over the control API; returns its stored form."""
    if not isinstance(spec, dict):
        raise BadRequest("a price is an object with unit and rate")
    unknown = set(spec) - {"unit", "rate", "per", "by"}
    if unknown:
        raise BadRequest(f"unknown price fields: {', '.join(sorted(unknown))}")
    if spec.get("unit") not in UNITS:
        raise BadRequest(f"unit must be one of {', '.join(UNITS)}")
    out: dict[str, Any] = {"unit": spec["unit"], "rate": _number(spec.get("rate"), "rate")}
    if "per" in spec:
        out["per"] = _number(spec["per"], "per", positive=True)
    by = spec.get("by", [])
    if not isinstance(by, list) or not all(
            isinstance(r, list) and len(r) == 3 and isinstance(r[0], str) for r in by):
        raise BadRequest("by must be a list of [field, value, rate] triples")
    for rule in by:
        _number(rule[2], "by rate")
    if by:
        out["by"] = by
    return out


def _to_price(stored: Mapping[str, Any]) -> Price:
    return Price(stored["unit"], float(stored["rate"]), float(stored.get("per", 1.0)),
                 by=tuple(tuple(r) for r in stored.get("by", ())), source="override")


def set_override(rt: Runtime, key: str, spec: Any) -> dict[str, Any]:
    """Make ``key`` (a model or ``endpoint:model``) cost ``spec`` from now on."""
    if not isinstance(key, str) or not key:
        raise BadRequest("model must name a model or 'endpoint:model'")
    return rt.store.merge_entry(GLOBAL, OVERRIDES, key, normalise(spec), replace=True)


def delete_override(rt: Runtime, key: str) -> dict[str, Any]:
    """Go back to the catalog's price for ``key``."""
    return rt.store.merge_entry(GLOBAL, OVERRIDES, key, None)


def price_for(rt: Runtime, endpoint: str, row: ModelRow) -> Price:
    """The price that applies to ``row`` on ``endpoint``: an override, else the catalog's."""
    table = overrides(rt)
    for key in (f"{endpoint}:{row.model}", row.model):
        if key in table:
            return _to_price(table[key])
    return row.price


def describe(price: Price) -> dict[str, Any]:
    """A JSON-ready description of a price (for the control API)."""
    out = dataclasses.asdict(price)
    return {k: v for k, v in out.items() if v not in ((), [], None)}


def quote(rt: Runtime, endpoint: str, row: ModelRow, body: Mapping[str, Any]) -> Quote:
    """The estimate charged at creation and the final cost if the task succeeds."""
    price = price_for(rt, endpoint, row)

    def input_seconds(_body: Mapping[str, Any]) -> float:
        return rt.config.input_seconds

    estimated = estimate_credits(row, body, price, input_seconds)
    final = estimated
    field = row.output.seconds_field
    if field and {**row.defaults, **body}.get(field) == "auto":
        # Billed at the longest duration up front; the output is as long as planned.
        plans = planned_outputs(row, body)
        produced = plans[0].seconds if plans else row.output.default_seconds
        actual = int(produced) if float(produced).is_integer() else produced
        final = min(estimated, estimate_credits(row, {**body, field: actual}, price,
                                                input_seconds))
    return Quote(estimated, final, price)
