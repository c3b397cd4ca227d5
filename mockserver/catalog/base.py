"""The shapes of the catalog: endpoints, model rows, conditions, output and price rules.

A model row is data: the request properties it takes, what it outputs, what it costs
and how long it takes in reality. The emulator validates with it, the OpenAPI document
is rendered from it, the contract kit draws requests from it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runway_mock.schema import (
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
    Spec,
    Str,
    Tagged,
    opt,
    req,
    utf16_len,
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


def sizes(text: str) -> tuple[str, ...]:
    """A whitespace-separated list of sizes (``"1280:720 720:1280"``) as a tuple."""
    return tuple(text.split())


def keyframes(positions: tuple[str, ...], max_items: int) -> Arr:
    """An array of keyframe images ``{uri, position}``."""
    item = Obj({"uri": req(IMAGE), "position": req(Enum(positions))})
    return Arr(item, 1, max_items)


def custom(path: Path, message: str) -> Issue:
    """A cross-field issue (Zod's ``custom`` code)."""
    return {"code": "custom", "path": list(path), "message": message}


# Where a cross-field rule comes from. An "assumed" rule must never reject a request
# the SDK documents as valid (tests/test_sdk_fidelity.py sends the SDK's own bodies).
SDK_DOCSTRING = "SDK 5.24.0 docstring"
RUNWAY_DOCS = "Runway docs"
ASSUMED = "assumed"
RULE_SOURCES = (SDK_DOCSTRING, RUNWAY_DOCS, ASSUMED)


def sourced(rule: Rule, source: str) -> Rule:
    """``rule`` labelled with where it comes from (one of ``RULE_SOURCES``)."""
    if source not in RULE_SOURCES:
        raise ValueError(f"unknown rule source {source!r}")
    rule.source = source  # type: ignore[attr-defined]
    return rule


def unique_positions(field_name: str, last_needs_first: bool = True,
                     source: str = SDK_DOCSTRING) -> Rule:
    """Keyframe positions may each appear once, and (by default) ``last`` needs ``first``.

    SDK: "an array with a first frame and optionally a last frame"; veo3.1 "does not
    support generating with only a last frame", h3_max "a last frame requires a first".
    """

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        items = body.get(field_name)
        if not isinstance(items, list):
            return []
        seen = [i.get("position") for i in items if isinstance(i, dict) and "position" in i]
        if len(seen) != len(set(seen)):
            return [custom((*path, field_name), "Each keyframe position may be used once")]
        if last_needs_first and "last" in seen and "first" not in seen:
            return [custom((*path, field_name), "A last frame requires a first frame")]
        return []

    return sourced(rule, source)


# ---------------------------------------------------------------------------
# Conditions on request fields, shared by prices, usage ids and rules


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


PRESENT = _Marker("PRESENT")  # given, not null, not an empty string or list
ABSENT = _Marker("ABSENT")  # the opposite of PRESENT
_MISSING = _Marker("MISSING")


def lookup(body: Mapping[str, Any], name: str) -> Any:
    """The value at a dotted path (``"speech.type"``) of ``body``, or a missing marker."""
    value: Any = body
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def is_present(value: Any) -> bool:
    """Whether a looked-up value counts as given (empty strings and lists do not)."""
    return value is not _MISSING and value is not None and value not in ("", [])


@dataclass(frozen=True)
class Not:
    """Matches a given value that does not match ``value`` (a literal or alternatives)."""

    value: Any


def _same(value: Any, expected: Any) -> bool:
    # JSON booleans are not numbers: True must not match 1.
    return value == expected and isinstance(value, bool) == isinstance(expected, bool)


def _matches(value: Any, expected: Any) -> bool:
    if expected is PRESENT:
        return is_present(value)
    if expected is ABSENT:
        return not is_present(value)
    if isinstance(expected, Not):
        return value is not _MISSING and not _matches(value, expected.value)
    if isinstance(expected, (tuple, list)):  # lists too: overrides arrive as JSON
        return any(_matches(value, e) for e in expected)
    return value is not _MISSING and _same(value, expected)


@dataclass(frozen=True)
class When:
    """A condition: every named field (dotted path) has the given value.

    A value may be a literal, a tuple (or list) of alternatives, ``Not(...)``,
    ``PRESENT`` or ``ABSENT``.
    """

    terms: tuple[tuple[str, Any], ...] = ()

    def holds(self, body: Mapping[str, Any]) -> bool:
        """Whether ``body`` satisfies every term."""
        return all(_matches(lookup(body, name), value) for name, value in self.terms)


def when(terms: Mapping[str, Any] | None = None, **fields: Any) -> When:
    """A condition from a mapping (for dotted paths) and/or keyword arguments."""
    return When(tuple({**(terms or {}), **fields}.items()))


# ---------------------------------------------------------------------------
# Outputs and prices

# Short side in pixels for the resolution names models use (case-insensitive).
RESOLUTION_SHORT_SIDE = {
    "480p": 480, "720p": 720, "768p": 768, "1080p": 1080, "1k": 1080, "2k": 1440, "4k": 2160,
}
# Named or adaptive ratios -> the pixel size the emulator renders for them.
NAMED_SIZES = {
    "16:9": "1280:720", "9:16": "720:1280", "1:1": "960:960", "4:3": "960:720",
    "3:4": "720:960", "21:9": "1680:720", "3:2": "1080:720", "2:3": "720:1080",
    "4:5": "864:1080", "5:4": "1080:864",
    "auto_480p": "854:480", "auto_720p": "1280:720", "auto_1080p": "1920:1080",
    "auto_1k": "1024:1024", "auto_2k": "2048:2048",
}


@dataclass(frozen=True)
class Output:
    """What a successful task of this model produces.

    ``kind`` is image, video, audio or archive; the size comes from ``size_by`` (field
    value -> ``W:H``), else the request's ``ratio`` (``W:H`` or a named size), else
    ``default_size``, then scaled to the request's ``resolution`` when it names one;
    the count from ``count_field`` (or ``default_count``); the extension from
    ``format_field`` through ``formats`` (value -> (kind, ext)). A duration of
    ``"auto"`` plans ``default_seconds`` but is billed at ``max_seconds``.
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
    max_seconds: float | None = None
    size_field: str = "ratio"
    resolution_field: str | None = "resolution"
    size_by: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    # Whether a video carries an audio track: a fixed answer, or a condition on the body
    # with the row's defaults applied (``when(audio=True)``).
    audio: bool | When = False

    def has_audio(self, merged: Mapping[str, Any]) -> bool:
        """Whether the output of a request (defaults applied) has an audio track."""
        if self.kind != "video":
            return False
        return self.audio.holds(merged) if isinstance(self.audio, When) else bool(self.audio)


# Legacy form of a price rule: (field, value, rate).
PriceRule = tuple[Any, ...]


@dataclass(frozen=True)
class Price:
    """How a model is billed, in credits (1 credit = US$0.01).

    ``unit`` is second (of output, times the number of outputs), output (per
    image/variant), generation (flat), chars (``rate`` credits per ``per`` characters of
    ``promptText``) or input_second (``rate`` per ``per`` seconds of input media).
    ``by`` picks the rate from the first matching rule, either ``(When, rate)`` or the
    short form ``(field, value, rate)``; every matching ``add`` rule ``(When, delta)``
    is added to it; ``per_item`` rules ``(list field, credits, per_unit)`` charge for
    each item of a list, once or per billed unit. ``source`` says where the figure
    came from: skills, sdk, 3p (third-party), or "assumed" for the emulator's default.
    """

    unit: str
    rate: float
    per: float = 1.0
    by: tuple[PriceRule, ...] = ()
    add: tuple[tuple[When, float], ...] = ()
    per_item: tuple[tuple[str, float, bool], ...] = ()
    source: str = "assumed"

    def rate_for(self, body: Mapping[str, Any]) -> float:
        """The per-unit rate that applies to ``body``."""
        rate = self.rate
        for rule in self.by:
            cond, value = _rule(rule)
            if cond.holds(body):
                rate = value
                break
        return rate + sum(delta for cond, delta in self.add if cond.holds(body))


def _rule(rule: PriceRule) -> tuple[When, float]:
    if len(rule) == 3:
        name, value, rate = rule
        return When(((name, value),)), rate
    cond, rate = rule
    return cond, rate


@dataclass(frozen=True)
class ModelRow:
    """One model on one endpoint.

    ``discriminator`` names the body field that selects this row (None for single-row
    endpoints such as recipes, whose body has no ``model``). ``variant_key`` and
    ``variants`` make the body itself a tagged union (``mode: auto | custom``): each
    variant adds its own properties to ``props``. ``usage_by`` rules ``(When, model
    id)`` pick the id spend is reported under from the body (default ``usage_id``).
    """

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
    discriminator: str | None = "model"
    variant_key: str | None = None
    variants: Mapping[str, Mapping[str, Prop]] = field(default_factory=dict)
    usage_by: tuple[tuple[When, str], ...] = ()

    def body_spec(self) -> Spec:
        """The request body spec: the discriminator plus this row's properties."""
        head = {self.discriminator: req(Const(self.model))} if self.discriminator else {}
        if not self.variant_key:
            return Obj({**head, **self.props}, rules=self.rules, doc=self.notes)
        key = self.variant_key
        return Tagged(key, {
            tag: Obj({**head, key: req(Const(tag)), **self.props, **extra}, rules=self.rules,
                     doc=self.notes)
            for tag, extra in self.variants.items()
        }, doc=self.notes)

    @property
    def billed_as(self) -> str:
        """The model id this row's spend is reported under in usage and limits."""
        return self.usage_id or self.model

    def billed_ids(self) -> list[str]:
        """Every model id this row may report spend under."""
        ids = [self.billed_as]
        ids += [u for _, u in self.usage_by if u not in ids]
        return ids

    def for_body(self, body: Mapping[str, Any]) -> ModelRow:
        """This row, with the usage id that ``body`` selects."""
        for cond, usage in self.usage_by:
            if cond.holds(body):
                return dataclasses.replace(self, usage_id=usage) if usage != self.usage_id else self
        return self


@dataclass(frozen=True)
class Endpoint:
    """A task-creating endpoint whose body is a union discriminated by ``model``.

    With ``discriminator=None`` the endpoint has exactly one row and the body no
    discriminator field (the recipes).
    """

    name: str
    path: str
    summary: str
    rows: Mapping[str, ModelRow]
    returns_cost: bool = True
    discriminator: str | None = "model"

    def __post_init__(self) -> None:
        if self.discriminator is None and len(self.rows) != 1:
            raise ValueError(f"{self.name}: an endpoint without discriminator has one row")

    def models(self, include_legacy: bool = True) -> list[str]:
        """Model ids this endpoint accepts."""
        return [m for m, r in self.rows.items() if include_legacy or not r.legacy]

    def single_row(self) -> ModelRow:
        """The only row of a single-row endpoint."""
        return next(iter(self.rows.values()))


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
    audio: bool = False


def parse_size(value: Any, fallback: str) -> tuple[int, int]:
    """``"1280:720"`` -> (1280, 720); named sizes fall back to ``fallback``."""
    for candidate in (value, fallback):
        if isinstance(candidate, str) and ":" in candidate:
            w, _, h = candidate.partition(":")
            if w.isdigit() and h.isdigit() and int(w) > 0 and int(h) > 0:
                return int(w), int(h)
    return 1280, 720


def pixels(size: str) -> int:
    """Width times height of a ``W:H`` size (0 for named sizes)."""
    w, _, h = size.partition(":")
    return int(w) * int(h) if w.isdigit() and h.isdigit() else 0


def _size(out: Output, merged: Mapping[str, Any]) -> tuple[int, int]:
    for name, table in out.size_by.items():
        value = merged.get(name)
        if value in table and not isinstance(value, bool):
            return parse_size(table[value], out.default_size)
    ratio = merged.get(out.size_field)
    explicit = isinstance(ratio, str) and ratio not in NAMED_SIZES and pixels(ratio) > 0
    if isinstance(ratio, str) and ratio in NAMED_SIZES:
        ratio = NAMED_SIZES[ratio]
    w, h = parse_size(ratio, out.default_size)
    res = merged.get(out.resolution_field) if out.resolution_field else None
    short = RESOLUTION_SHORT_SIDE.get(res.lower()) if isinstance(res, str) else None
    if short and not explicit:
        scale = short / min(w, h)
        w, h = 2 * round(w * scale / 2), 2 * round(h * scale / 2)
    return w, h


def _seconds(out: Output, merged: Mapping[str, Any], billing: bool) -> float:
    if out.seconds_field:
        value = merged.get(out.seconds_field)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if value == "auto":
            return float(out.max_seconds or out.default_seconds) if billing \
                else out.default_seconds
    return out.default_seconds


def planned_outputs(row: ModelRow, body: Mapping[str, Any]) -> list[PlannedOutput]:
    """The artifacts a successful task for ``body`` produces."""
    out = row.output
    merged = {**row.defaults, **body}
    w, h = _size(out, merged)
    seconds = _seconds(out, merged, billing=False)
    kind, ext = out.kind, out.ext
    if out.format_field and merged.get(out.format_field) in out.formats:
        kind, ext = out.formats[merged[out.format_field]]
    count = out.default_count
    if out.count_field:
        value = merged.get(out.count_field)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            count = int(value)
    audio = kind == "video" and out.has_audio(merged)
    return [PlannedOutput(kind, ext, w, h, seconds, audio) for _ in range(max(1, count))]


def estimate_credits(row: ModelRow, body: Mapping[str, Any],
                     price: Price | None = None,
                     input_seconds: Callable[[Mapping[str, Any]], float] | None = None) -> int:
    """The up-front credit estimate (the most the task may charge) for ``body``."""
    price = price or row.price
    merged = {**row.defaults, **body}
    rate = price.rate_for(merged)
    count = len(planned_outputs(row, body))
    if price.unit == "second":
        units = _seconds(row.output, merged, billing=True) * count
    elif price.unit == "output":
        units = count
    elif price.unit == "chars":
        text = merged.get("promptText") or ""
        # Characters as the API (a JavaScript stack) counts them: UTF-16 code units.
        units = max(1, math.ceil(utf16_len(text) / price.per)) if isinstance(text, str) else 1
    elif price.unit == "input_second":
        secs = input_seconds(merged) if input_seconds else 60.0
        units = secs / price.per
    else:
        units = 1
    total = units * rate
    for name, credits, per_unit in price.per_item:
        items = merged.get(name)
        n = len(items) if isinstance(items, list) else (1 if is_present(items) else 0)
        total += n * credits * (units if per_unit else 1)
    floor = 1 if price.unit in ("chars", "input_second") else 0
    return max(floor, math.ceil(round(total, 6)))


__all__ = [
    "ABSENT",
    "ASSUMED",
    "AUDIO",
    "CONTENT_MODERATION",
    "IMAGE",
    "NAMED_SIZES",
    "PRESENT",
    "REFERENCE_IMAGE",
    "RULE_SOURCES",
    "RUNWAY_DOCS",
    "SDK_DOCSTRING",
    "SEED",
    "TAG",
    "URI_ITEM",
    "VIDEO",
    "Arr",
    "Bool",
    "Endpoint",
    "Enum",
    "Int",
    "Media",
    "ModelRow",
    "Not",
    "Obj",
    "Output",
    "PlannedOutput",
    "Price",
    "Str",
    "When",
    "custom",
    "estimate_credits",
    "is_present",
    "keyframes",
    "lookup",
    "opt",
    "parse_size",
    "pixels",
    "planned_outputs",
    "prompt",
    "ratios",
    "req",
    "rows",
    "sizes",
    "sourced",
    "unique_positions",
    "when",
]
