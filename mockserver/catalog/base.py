"""The shapes of the catalog: endpoints, model rows, output and price rules.

A model row is data: the request properties it takes, what it outputs, what it costs
and how long it takes in reality. The emulator validates with it, the OpenAPI document
is rendered from it, the contract kit draws requests from it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.schema import (
    UINT32_MAX,
    Arr,
    Bool,
    Const,
    Enum,
    Int,
    Issue,
    Media,
    Obj,
    Path,
    Prop,
    Rule,
    Str,
    opt,
    req,
)

# ---------------------------------------------------------------------------
# Reusable property specs (reference: runway-api.md section (a), common shapes).

SEED = Int(0, UINT32_MAX, doc="Seed for reproducible output; random if omitted.")
IMAGE = Media(("image",))
VIDEO = Media(("video",))
AUDIO = Media(("audio",))
CONTENT_MODERATION = Obj(
    {"publicFigureThreshold": opt(Enum(("auto", "low")))},
    doc="Content moderation settings.",
)
TAG = Str(3, 16, pattern=r"[A-Za-z][A-Za-z0-9_]*", doc="Name to refer to the image in the prompt.")
REFERENCE_IMAGE = Obj({"uri": req(IMAGE), "tag": opt(TAG)})
URI_ITEM = Obj({"uri": req(IMAGE)})


def prompt(max_len: int, min_len: int = 1, doc: str = "") -> Str:
    """A prompt string of ``min_len``..``max_len`` UTF-16 code units."""
    return Str(min_len, max_len, doc=doc or "Text describing what should appear in the output.")


def ratios(*values: str) -> Enum:
    """The output sizes a model offers, as ``W:H`` strings (or named sizes)."""
    return Enum(tuple(values), doc="The output resolution, as width:height.")


def keyframes(positions: tuple[str, ...], max_items: int) -> Arr:
    """An array of keyframe images ``{uri, position}``."""
    item = Obj({"uri": req(IMAGE), "position": req(Enum(positions))})
    return Arr(item, 1, max_items)


def unique_positions(field_name: str) -> Rule:
    """Keyframe positions may each appear once, and ``last`` needs ``first``."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        items = body.get(field_name)
        if not isinstance(items, list):
            return []
        seen = [i.get("position") for i in items if isinstance(i, dict)]
        if len(seen) != len(set(seen)):
            return [{"code": "custom", "path": [*path, field_name],
                     "message": "Each keyframe position may be used once"}]
        if "last" in seen and "first" not in seen:
            return [{"code": "custom", "path": [*path, field_name],
                     "message": "A last frame requires a first frame"}]
        return []

    return rule


# ---------------------------------------------------------------------------
# Outputs and prices


@dataclass(frozen=True)
class Output:
    """What a successful task of this model produces.

    ``kind`` is image, video, audio or archive; the size comes from the request's
    ``ratio`` (``W:H``) or ``default_size``; the count from ``count_field``; the
    extension from ``format_field`` through ``formats`` (value -> (kind, ext)).
    """

    kind: str
    ext: str
    default_size: str = "1280:720"
    default_seconds: float = 5.0
    seconds_field: str | None = "duration"
    count_field: str | None = None
    default_count: int = 1
    format_field: str | None = None
    formats: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Price:
    """How a model is billed, in credits (1 credit = US$0.01).

    ``unit`` is second (of output), output (per image/variant), generation (flat),
    chars (``rate`` credits per ``per`` characters of ``promptText``) or input_second
    (``rate`` per ``per`` seconds of input media). ``by`` overrides the rate when a
    request field has a value: ``(("audio", True, 40),)``. ``source`` says where the
    figure came from; "assumed" marks the emulator's own default.
    """

    unit: str
    rate: float
    per: float = 1.0
    by: tuple[tuple[str, Any, float], ...] = ()
    source: str = "assumed"

    def rate_for(self, body: Mapping[str, Any]) -> float:
        """The rate that applies to ``body``."""
        for name, value, rate in self.by:
            if body.get(name) == value:
                return rate
        return self.rate


@dataclass(frozen=True)
class ModelRow:
    """One model on one endpoint."""

    model: str
    props: Mapping[str, Prop]
    output: Output
    price: Price
    latency: float = 30.0
    rules: tuple[Rule, ...] = ()
    legacy: bool = False
    defaults: Mapping[str, Any] = field(default_factory=dict)
    usage_id: str | None = None
    notes: str = ""

    def body_spec(self) -> Obj:
        """The request body spec: ``model`` plus this row's properties."""
        return Obj({"model": req(Const(self.model)), **self.props}, rules=self.rules,
                   doc=self.notes)

    @property
    def billed_as(self) -> str:
        """The model id this row's spend is reported under in usage and limits."""
        return self.usage_id or self.model


@dataclass(frozen=True)
class Endpoint:
    """A task-creating endpoint whose body is a union discriminated by ``model``."""

    name: str
    path: str
    summary: str
    rows: Mapping[str, ModelRow]
    returns_cost: bool = True
    discriminator: str = "model"

    def models(self, include_legacy: bool = True) -> list[str]:
        """Model ids this endpoint accepts."""
        return [m for m, r in self.rows.items() if include_legacy or not r.legacy]


def rows(*items: ModelRow) -> dict[str, ModelRow]:
    """Index model rows by id, refusing duplicates."""
    out: dict[str, ModelRow] = {}
    for row in items:
        if row.model in out:
            raise ValueError(f"duplicate model row {row.model}")
        out[row.model] = row
    return out


# ---------------------------------------------------------------------------
# Deriving outputs and cost from a validated body


@dataclass(frozen=True)
class PlannedOutput:
    """One artifact a task will produce."""

    kind: str
    ext: str
    width: int
    height: int
    seconds: float


def parse_size(value: Any, fallback: str) -> tuple[int, int]:
    """``"1280:720"`` -> (1280, 720); named sizes fall back to ``fallback``."""
    for candidate in (value, fallback):
        if isinstance(candidate, str) and ":" in candidate:
            w, _, h = candidate.partition(":")
            if w.isdigit() and h.isdigit() and int(w) > 0 and int(h) > 0:
                return int(w), int(h)
    return 1280, 720


_NAMED_SIZES = {
    "16:9": "1280:720", "9:16": "720:1280", "1:1": "960:960", "4:3": "960:720",
    "3:4": "720:960", "21:9": "1680:720", "3:2": "1080:720", "2:3": "720:1080",
    "4:5": "864:1080", "5:4": "1080:864",
}


def planned_outputs(row: ModelRow, body: Mapping[str, Any]) -> list[PlannedOutput]:
    """The artifacts a successful task for ``body`` produces."""
    out = row.output
    merged = {**row.defaults, **body}
    ratio = merged.get("ratio")
    if isinstance(ratio, str) and ratio in _NAMED_SIZES:
        ratio = _NAMED_SIZES[ratio]
    w, h = parse_size(ratio, out.default_size)
    seconds = out.default_seconds
    if out.seconds_field:
        value = merged.get(out.seconds_field)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            seconds = float(value)
    kind, ext = out.kind, out.ext
    if out.format_field and merged.get(out.format_field) in out.formats:
        kind, ext = out.formats[merged[out.format_field]]
    count = out.default_count
    if out.count_field and isinstance(merged.get(out.count_field), int):
        count = merged[out.count_field]
    return [PlannedOutput(kind, ext, w, h, seconds) for _ in range(max(1, count))]


def estimate_credits(row: ModelRow, body: Mapping[str, Any],
                     price: Price | None = None,
                     input_seconds: Callable[[Mapping[str, Any]], float] | None = None) -> int:
    """The up-front credit estimate (the most the task may charge) for ``body``."""
    price = price or row.price
    merged = {**row.defaults, **body}
    rate = price.rate_for(merged)
    plans = planned_outputs(row, body)
    if price.unit == "second":
        units = plans[0].seconds if plans else row.output.default_seconds
    elif price.unit == "output":
        units = len(plans)
    elif price.unit == "chars":
        text = merged.get("promptText") or ""
        units = max(1, math.ceil(len(text) / price.per)) if isinstance(text, str) else 1
        return math.ceil(units * rate)
    elif price.unit == "input_second":
        secs = input_seconds(merged) if input_seconds else 60.0
        return max(1, math.ceil(secs / price.per * rate))
    else:
        units = 1
    return max(0, math.ceil(units * rate))


__all__ = [
    "AUDIO", "CONTENT_MODERATION", "IMAGE", "REFERENCE_IMAGE", "SEED", "TAG", "URI_ITEM",
    "VIDEO", "Arr", "Bool", "Endpoint", "Enum", "Int", "Media", "ModelRow", "Obj", "Output",
    "PlannedOutput", "Price", "Str", "estimate_credits", "keyframes", "opt", "planned_outputs",
    "prompt", "ratios", "req", "rows", "unique_positions",
]
