"""Hypothesis strategies for requests of every catalog endpoint and model, read generically.

Valid bodies are drawn from a row's own spec (``ModelRow.body_spec()``): the required
properties plus a subset of the optional ones, each drawn by walking the spec tree
(Str, Int, Num, Bool, Enum, Const, Media, Obj, Arr, AnyOf, Tagged); cross-field rules
are honoured by filtering with the row's own validation. Invalid bodies break exactly
one field of a valid body: wrong type, out of range, not in the enum, missing, or an
unknown extra key; each ``Mutation`` names the path the API must report.

Ids are assigned by the API, so a valid request can only name one it was given: valid
bodies leave out optional id fields (strings whose pattern is a UUID) and avoid union
variants that need one (a ``custom`` avatar), which keeps them valid without fixtures.

Nothing here lists models or fields: a new catalog row is covered as soon as it exists.
"""

from __future__ import annotations

import copy
import functools
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from runway_mock.catalog import ENDPOINTS, ModelRow, estimate_credits
from runway_mock.schema import (
    AnyOf,
    Arr,
    Bool,
    Const,
    Enum,
    Int,
    Media,
    Num,
    Obj,
    Prop,
    Spec,
    Str,
    Tagged,
    utf16_len,
    validate,
)

# Drawn strings and arrays stay short so cassettes stay small; the exact maximum is
# still drawn now and then, so boundaries are exercised.
SOFT_MAX_TEXT = 24
SOFT_MAX_ITEMS = 2
# The longest exact-maximum string drawn (None: no limit); cassette runs lower it so
# recordings stay small.
LONG_TEXT_MAX: int | None = None
# Seconds of input media the price table assumes when it cannot know (emulator default).
INPUT_SECONDS = 10.0

# A 1x1 PNG: a real image, so the same data URI is usable against the real API.
TINY_PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
            "2mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
MEDIA_DEFAULTS: dict[str, tuple[str, ...]] = {
    "image": ("https://example.com/contracts/still.jpg", TINY_PNG),
    "video": ("https://example.com/contracts/clip.mp4",),
    "audio": ("https://example.com/contracts/sound.mp3",),
}
# Values with a JSON type other than the field's, tried in order.
WRONG_TYPES: tuple[Any, ...] = (12345, "12345", True, ["x"], {"x": 1})
NOT_AN_OPTION = "not_a_valid_option"
MUTATION_KINDS = ("wrong_type", "out_of_range", "not_in_enum", "missing", "extra")
EXTRA_KEY = "unexpectedField"
_TEXT = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"))


_SAMPLE_ID = "123e4567-e89b-12d3-a456-426614174000"


def is_id(spec: Spec) -> bool:
    """True for a string spec that only takes ids (its pattern is a UUID's)."""
    return (isinstance(spec, Str) and spec.pattern is not None
            and re.fullmatch(spec.pattern, _SAMPLE_ID) is not None
            and re.fullmatch(spec.pattern, "not-an-id") is None)


def needs_id(spec: Spec) -> bool:
    """True when every value ``spec`` accepts names an existing resource by id."""
    if is_id(spec):
        return True
    if isinstance(spec, Obj):
        return any(p.required and needs_id(p.spec) for p in spec.props.values())
    if isinstance(spec, Tagged):
        return all(needs_id(v) for v in spec.variants.values())
    if isinstance(spec, AnyOf):
        return all(needs_id(v) for v in spec.variants)
    if isinstance(spec, Arr):
        return bool(spec.min_items) and needs_id(spec.item)
    return False


def _without_ids(variants: list[Spec]) -> list[Spec]:
    return [v for v in variants if not needs_id(v)] or variants


def media_pool(kind: str) -> tuple[str, ...]:
    """Media references the contracts use for ``kind``.

    ``RUNWAY_CONTRACT_MEDIA_<KIND>`` (comma-separated URLs) replaces the defaults: the
    real API fetches https URLs, so live runs need reachable files.
    """
    env = os.environ.get(f"RUNWAY_CONTRACT_MEDIA_{kind.upper()}", "").strip()
    if env:
        return tuple(u.strip() for u in env.split(",") if u.strip())
    return MEDIA_DEFAULTS.get(kind, ())


# ---------------------------------------------------------------------------
# Rows


def task_rows(include_legacy: bool = True) -> list[tuple[str, str]]:
    """Every (endpoint, model) pair of the catalog, in a stable order."""
    return [(name, model) for name, table in ENDPOINTS.items()
            for model, row in table.rows.items() if include_legacy or not row.legacy]


def row_of(endpoint: str, model: str) -> ModelRow:
    """The catalog row for ``model`` on ``endpoint`` (KeyError if there is none)."""
    return ENDPOINTS[endpoint].rows[model]


@functools.cache
def body_spec(endpoint: str, model: str) -> Spec:
    """The request body spec of one row (cached: specs are immutable)."""
    return row_of(endpoint, model).body_spec()


# ---------------------------------------------------------------------------
# Valid values


def values(spec: Spec) -> st.SearchStrategy[Any]:
    """A strategy for values ``spec`` accepts."""
    base = _values(spec)
    if getattr(spec, "nullable", False):
        return st.one_of(base, st.none())
    return base


def _values(spec: Spec) -> st.SearchStrategy[Any]:
    if isinstance(spec, Const):
        return st.just(spec.value)
    if isinstance(spec, Enum):
        return st.sampled_from(spec.values)
    if isinstance(spec, Bool):
        return st.booleans()
    if isinstance(spec, Int):
        return st.integers(spec.minimum, spec.maximum)
    if isinstance(spec, Num):
        return st.floats(spec.minimum, spec.maximum, allow_nan=False, allow_infinity=False,
                         exclude_min=spec.exclusive_minimum and spec.minimum is not None)
    if isinstance(spec, Media):
        pool = [u for kind in spec.kinds for u in media_pool(kind)]
        if not pool:
            raise ValueError(f"no media samples for kinds {spec.kinds}")
        return st.sampled_from(pool)
    if isinstance(spec, Str):
        return _strings(spec)
    if isinstance(spec, Obj):
        return objects(spec)
    if isinstance(spec, Tagged):
        return st.one_of(*(objects(v) for v in _without_ids(list(spec.variants.values()))))
    if isinstance(spec, Arr):
        lo = spec.min_items or 0
        hi = spec.max_items if spec.max_items is not None else lo + SOFT_MAX_ITEMS
        if needs_id(spec.item):
            hi = lo  # items name existing resources: send as few as allowed
        return st.lists(values(spec.item), min_size=lo, max_size=min(hi, lo + SOFT_MAX_ITEMS))
    if isinstance(spec, AnyOf):
        return st.one_of(*(values(v) for v in _without_ids(list(spec.variants))))
    raise TypeError(f"contracts.strategies has no rule for {type(spec).__name__}; add one "
                    "next to the others")


def _strings(spec: Str) -> st.SearchStrategy[str]:
    lo = spec.min_len or 0
    hi = spec.max_len

    def fits(s: str) -> bool:
        n = utf16_len(s)
        return n >= lo and (hi is None or n <= hi)

    if spec.pattern is not None:
        drawn = st.from_regex(spec.pattern, fullmatch=True).filter(fits)
        # Patterned strings often carry constraints a regex cannot (a W:H size with a
        # pixel-area rule): offer the catalog's own values that fit the pattern too.
        known = [v for v in vocabulary() if re.fullmatch(spec.pattern, v) and fits(v)]
        return st.one_of(st.sampled_from(known), drawn) if known else drawn
    soft = lo + SOFT_MAX_TEXT if hi is None else min(hi, lo + SOFT_MAX_TEXT)
    short = st.text(_TEXT, min_size=lo, max_size=soft).filter(fits)
    if hi is None or hi <= soft or (LONG_TEXT_MAX is not None and hi > LONG_TEXT_MAX):
        return short
    return st.one_of(short, short, short, st.just("a" * hi))


@functools.cache
def vocabulary() -> tuple[str, ...]:
    """Every string literal the catalog names (enum options, defaults, default sizes)."""
    seen: dict[str, None] = {}

    def walk(spec: Spec) -> None:
        if isinstance(spec, Enum):
            seen.update((v, None) for v in spec.values if isinstance(v, str))
        elif isinstance(spec, Const) and isinstance(spec.value, str):
            seen[spec.value] = None
        elif isinstance(spec, Obj):
            for prop in spec.props.values():
                walk(prop.spec)
        elif isinstance(spec, Tagged):
            for variant in spec.variants.values():
                walk(variant)
        elif isinstance(spec, Arr):
            walk(spec.item)
        elif isinstance(spec, AnyOf):
            for variant in spec.variants:
                walk(variant)

    for name, model in task_rows():
        row = row_of(name, model)
        walk(body_spec(name, model))
        seen[row.output.default_size] = None
        seen.update((v, None) for v in row.defaults.values() if isinstance(v, str))
    return tuple(seen)


def objects(spec: Obj, *, force: Mapping[str, st.SearchStrategy[Any]] | None = None,
            omit: frozenset[str] = frozenset()) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with every required property and a drawn subset of the optional ones.

    ``force`` names properties that are always present, drawn from the given strategy;
    ``omit`` names optional properties that are never sent.
    """
    force = dict(force or {})
    required = [n for n, p in spec.props.items() if p.required or n in force]
    optional = [n for n, p in spec.props.items()
                if not p.required and n not in force and n not in omit and not needs_id(p.spec)]

    @st.composite
    def draw_object(draw: st.DrawFn) -> dict[str, Any]:
        chosen = set(draw(st.sets(st.sampled_from(optional)))) if optional else set()
        for name in optional:
            if len(required) + len(chosen) >= spec.min_props:
                break
            chosen.add(name)
        out: dict[str, Any] = {}
        for name, prop in spec.props.items():
            if name in required or name in chosen:
                out[name] = draw(force[name] if name in force else values(prop.spec))
        return out

    return draw_object()


def valid_body(endpoint: str, model: str, *, cheap: bool = False
               ) -> st.SearchStrategy[dict[str, Any]]:
    """Valid request bodies for one row; ``cheap`` fixes the fields that drive the price."""
    spec = body_spec(endpoint, model)
    if not cheap:
        return _bodies(spec, {}, frozenset()).filter(lambda b: not validate(spec, b))
    force, omit = cheap_plan(row_of(endpoint, model))
    # Rules may need a surcharged option (one of two fields required): then allow it.
    return st.one_of(_bodies(spec, force, omit), _bodies(spec, force, frozenset())).filter(
        lambda b: not validate(spec, b))


def _bodies(spec: Spec, force: Mapping[str, st.SearchStrategy[Any]], omit: frozenset[str]
            ) -> st.SearchStrategy[dict[str, Any]]:
    """Objects of a body spec: one object, or a tagged union of them (``mode``)."""
    if isinstance(spec, Tagged):
        return st.one_of(*(_bodies(v, force, omit)
                           for v in _without_ids(list(spec.variants.values()))))
    if not isinstance(spec, Obj):
        raise TypeError(f"a request body spec is an Obj or Tagged, not {type(spec).__name__}")
    mine = {k: v for k, v in force.items() if k in spec.props}
    return objects(spec, force=mine, omit=omit)


def valid_request(rows: list[tuple[str, str]] | None = None, *, cheap: bool = False
                  ) -> st.SearchStrategy[tuple[str, str, dict[str, Any]]]:
    """(endpoint, model, body) for any of ``rows`` (default: every row)."""
    pairs = rows if rows is not None else task_rows()
    return st.sampled_from(pairs).flatmap(
        lambda pair: valid_body(*pair, cheap=cheap).map(lambda b: (pair[0], pair[1], b)))


# ---------------------------------------------------------------------------
# Cheap requests (live runs spend real credits)


def _all_props(row: ModelRow) -> dict[str, Prop]:
    """A row's properties, including those of its body variants (``mode``)."""
    props = dict(row.props)
    for extra in row.variants.values():
        props.update(extra)
    return props


def _price_fields(row: ModelRow) -> list[str]:
    names = [row.output.seconds_field, row.output.count_field]
    if row.price.unit == "chars":
        names.append("promptText")
    props = _all_props(row)
    return [n for n in dict.fromkeys(names) if n and n in props]


def _lowest(spec: Spec) -> Any:
    """The smallest number ``spec`` accepts (None when it takes no numbers)."""
    if isinstance(spec, Int):
        return spec.minimum if spec.minimum is not None else 0
    if isinstance(spec, Num):
        lo = spec.minimum if spec.minimum is not None else 0
        return lo + 0.5 if spec.exclusive_minimum else lo
    if isinstance(spec, Enum):
        numeric = [v for v in spec.values
                   if isinstance(v, (int, float)) and not isinstance(v, bool)]
        return min(numeric) if numeric else None
    if isinstance(spec, AnyOf):
        lows = [x for x in (_lowest(v) for v in spec.variants) if x is not None]
        return min(lows) if lows else None
    return None


def _priced(row: ModelRow) -> set[str]:
    """Top-level fields the row's price rules look at (surcharges, per-item charges)."""
    names: set[str] = set()
    for rule in row.price.by:
        terms = ((rule[0], rule[1]),) if len(rule) == 3 else rule[0].terms
        names.update(str(name).split(".")[0] for name, _ in terms)
    for cond, _ in row.price.add:
        names.update(str(name).split(".")[0] for name, _ in cond.terms)
    names.update(name for name, _, _ in row.price.per_item)
    return names


def cheap_plan(row: ModelRow) -> tuple[dict[str, st.SearchStrategy[Any]], frozenset[str]]:
    """(forced fields, omitted fields) for the cheapest requests of a row.

    The shortest duration and the fewest outputs the row accepts, a short prompt when
    billed per character, and none of the optional fields the price rules surcharge.
    """
    force: dict[str, st.SearchStrategy[Any]] = {}
    props = _all_props(row)
    for name in _price_fields(row):
        spec = props[name].spec
        if name == "promptText" and isinstance(spec, Str):
            lo = max(1, spec.min_len or 0)
            force[name] = st.text(_TEXT, min_size=lo, max_size=lo + 8).filter(
                lambda s, lo=lo: utf16_len(s) >= lo)
            continue
        low = _lowest(spec)
        if low is not None:
            force[name] = st.just(low)
    omit = frozenset(n for n in _priced(row)
                     if n in props and not props[n].required and n not in force)
    return force, omit


def cheapest_estimate(endpoint: str, model: str) -> int:
    """The estimated credits of the cheapest request the contracts send to this row."""
    row = row_of(endpoint, model)
    props = _all_props(row)
    body: dict[str, Any] = {}
    for name in _price_fields(row):
        low = "a" if name == "promptText" else _lowest(props[name].spec)
        if low is not None:
            body[name] = low
    return estimate(endpoint, model, body) or 1


def cheapest_rows(per_endpoint: int = 1, include_legacy: bool = False) -> list[tuple[str, str]]:
    """The ``per_endpoint`` cheapest rows of each endpoint (ties keep catalog order)."""
    out: list[tuple[str, str]] = []
    for name in ENDPOINTS:
        pairs = [p for p in task_rows(include_legacy) if p[0] == name]
        pairs.sort(key=lambda p: cheapest_estimate(*p))
        out.extend(pairs[:per_endpoint])
    return out


def estimate(endpoint: str, model: str, body: Mapping[str, Any]) -> int:
    """The price table's estimate for ``body``; 0 when the body cannot be priced."""
    try:
        return estimate_credits(row_of(endpoint, model), body,
                                input_seconds=lambda _b: INPUT_SECONDS)
    except (TypeError, ValueError, KeyError, AttributeError):
        return 0


# ---------------------------------------------------------------------------
# Invalid requests: one field broken at a time


@dataclass(frozen=True)
class Mutation:
    """A valid body with exactly one field broken; ``path`` is where the API must say so."""

    kind: str
    path: tuple[str | int, ...]
    body: Any
    valid: Mapping[str, Any]

    @property
    def where(self) -> str:
        """The broken field as a dotted path (``promptImage.0.uri``)."""
        return ".".join(str(p) for p in self.path) or "(body)"

    def __repr__(self) -> str:
        return f"Mutation({self.kind} at {self.where})"


def _nodes(spec: Spec, value: Any, path: tuple[str | int, ...]
           ) -> Iterator[tuple[tuple[str | int, ...], Spec, Any]]:
    """Every present value under ``value`` with the spec that accepted it."""
    yield path, spec, value
    yield from _children(spec, value, path)


def _children(spec: Spec, value: Any, path: tuple[str | int, ...]
              ) -> Iterator[tuple[tuple[str | int, ...], Spec, Any]]:
    if value is None:
        return
    if isinstance(spec, Obj) and isinstance(value, dict):
        for name, prop in spec.props.items():
            if name in value:
                yield from _nodes(prop.spec, value[name], (*path, name))
    elif isinstance(spec, Tagged) and isinstance(value, dict):
        variant = spec.variants.get(value.get(spec.key))
        if variant is not None:
            yield from _children(variant, value, path)
    elif isinstance(spec, Arr) and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nodes(spec.item, item, (*path, i))
    elif isinstance(spec, AnyOf):
        for variant in spec.variants:
            if not validate(variant, value):
                yield from _children(variant, value, path)
                break


def _objects_in(spec: Spec, value: Any, path: tuple[str | int, ...]
                ) -> Iterator[tuple[tuple[str | int, ...], Obj, dict[str, Any]]]:
    """Every object node (with its effective Obj spec) under ``value``."""
    for p, node, v in _nodes(spec, value, path):
        s: Spec | None = node
        if isinstance(s, AnyOf):
            s = next((var for var in s.variants if not validate(var, v)), None)
        if isinstance(s, Tagged) and isinstance(v, dict):
            s = s.variants.get(v.get(s.key))
        if isinstance(s, Obj) and isinstance(v, dict):
            yield p, s, v


def _wrong_type(spec: Spec, value: Any) -> Any:
    for candidate in WRONG_TYPES:
        if type(candidate) is type(value):
            continue
        if validate(spec, candidate):
            return candidate
    return None


def _out_of_range(spec: Spec, value: Any) -> list[Any]:
    out: list[Any] = []
    if isinstance(spec, Int):
        if spec.minimum is not None:
            out.append(spec.minimum - 1)
        if spec.maximum is not None:
            out.append(spec.maximum + 1)
    elif isinstance(spec, Num):
        if spec.minimum is not None:
            out.append(spec.minimum if spec.exclusive_minimum else spec.minimum - 1)
        if spec.maximum is not None:
            out.append(spec.maximum + 1)
    elif isinstance(spec, Str):
        if spec.min_len:
            out.append("a" * (spec.min_len - 1))
        if spec.max_len is not None:
            out.append("a" * (spec.max_len + 1))
        if spec.pattern is not None:
            out.extend(["!!!!", "0abc"])
    elif isinstance(spec, Media):
        out.extend(["http://example.com/insecure.png", "ftp://example.com/file.png",
                    "https://127.0.0.1/ip-host.png"])
    elif isinstance(spec, Arr) and isinstance(value, list):
        if spec.min_items:
            out.append([])
        if spec.max_items is not None and value:
            out.append([copy.deepcopy(value[0]) for _ in range(spec.max_items + 1)])
    return out


def _not_in_enum(spec: Spec) -> Any:
    if isinstance(spec, Enum):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in spec.values):
            return max(spec.values) + 1
        return NOT_AN_OPTION
    if isinstance(spec, Const):
        if isinstance(spec.value, str):
            return NOT_AN_OPTION
        if isinstance(spec.value, (int, float)) and not isinstance(spec.value, bool):
            return spec.value + 1
    return None


def _set(body: Any, path: tuple[str | int, ...], value: Any) -> Any:
    out = copy.deepcopy(body)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _drop(body: Any, path: tuple[str | int, ...]) -> Any:
    out = copy.deepcopy(body)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


def names_path(issue_path: Any, path: tuple[str | int, ...]) -> bool:
    """True when an issue at ``issue_path`` reports a problem at ``path`` (or under it)."""
    if not isinstance(issue_path, list):
        return False
    return tuple(issue_path[:len(path)]) == tuple(path)


def mutations(spec: Obj, body: Mapping[str, Any]) -> list[Mutation]:
    """Every single-field violation of ``body`` that ``spec`` itself reports at its path."""
    found: list[Mutation] = []

    def add(kind: str, path: tuple[str | int, ...], broken: Any) -> None:
        issues = validate(spec, broken)
        if any(names_path(i.get("path"), path) for i in issues):
            found.append(Mutation(kind, path, broken, body))

    for path, node, value in _nodes(spec, body, ()):
        if not path:
            continue
        wrong = _wrong_type(node, value)
        if wrong is not None:
            add("wrong_type", path, _set(body, path, wrong))
        for bad in _out_of_range(node, value):
            add("out_of_range", path, _set(body, path, bad))
        other = _not_in_enum(node)
        if other is not None:
            add("not_in_enum", path, _set(body, path, other))
    for path, obj, value in _objects_in(spec, body, ()):
        for name, prop in obj.props.items():
            if prop.required and name in value:
                add("missing", (*path, name), _drop(body, (*path, name)))
        if not obj.extra and EXTRA_KEY not in obj.props:
            add("extra", (*path, EXTRA_KEY), _set(body, (*path, EXTRA_KEY), "surprise"))
    return found


def invalid_body(endpoint: str, model: str, *, cheap: bool = False
                 ) -> st.SearchStrategy[Mutation]:
    """Bodies of one row with exactly one field broken (see ``Mutation``)."""
    spec = body_spec(endpoint, model)

    @st.composite
    def draw_mutation(draw: st.DrawFn) -> Mutation:
        body = draw(valid_body(endpoint, model, cheap=cheap))
        options = mutations(spec, body)
        kinds = [k for k in MUTATION_KINDS if any(m.kind == k for m in options)]
        kind = draw(st.sampled_from(kinds))
        return draw(st.sampled_from([m for m in options if m.kind == kind]))

    return draw_mutation()


__all__ = [
    "MEDIA_DEFAULTS", "TINY_PNG", "Mutation", "body_spec", "cheap_plan", "cheapest_estimate",
    "cheapest_rows", "estimate", "invalid_body", "is_id", "media_pool", "mutations",
    "names_path", "needs_id", "objects", "row_of", "task_rows", "valid_body", "valid_request",
    "values",
]


# ---------------------------------------------------------------------------
# Resource endpoints (documents, voices, avatars, routers, sessions, uploads, ...)
#
# Their request specs are the ones the emulator's OpenAPI document is rendered from
# (``mockserver.openapi.RESOURCE_OPS``): every operation there with a JSON body is
# covered. A few fields cannot be drawn blindly: hints force them (a filename needs a
# media extension, usage dates must form a range) or leave them out (a Map of node ids,
# external LiveKit rooms). Fields that name ids or unique slugs are set by the test from
# resources it created first (``ResourceOp.refs``).

# Fields whose values the test fills in from resources it created (or must keep unique).
RESOURCE_REFS: dict[tuple[str, str], tuple[str, ...]] = {
    ("POST", "/v1/routers"): ("slug",),
    **{("POST", f"/v1/generate/{m}"): ("configId",) for m in ("video", "image", "audio")},
}
_MEDIA_EXTS = ("png", "jpg", "jpeg", "webp", "mp4", "mov", "mp3", "wav")


def _usage_range() -> st.SearchStrategy[dict[str, Any]]:
    import datetime as _dt

    @st.composite
    def draw(draw: st.DrawFn) -> dict[str, Any]:
        start = draw(st.dates(_dt.date(2025, 1, 1), _dt.date(2026, 6, 30)))
        out: dict[str, Any] = {}
        if draw(st.booleans()):
            out["startDate"] = start.isoformat()
        if out and draw(st.booleans()):  # alone, it would have to follow the default start
            out["beforeDate"] = (start + _dt.timedelta(days=draw(st.integers(1, 90)))).isoformat()
        return out

    return draw()


# (force, omit) per operation; anything not named is drawn from the spec.
RESOURCE_HINTS: dict[tuple[str, str], tuple[dict[str, st.SearchStrategy[Any]], frozenset[str]]] = {
    ("POST", "/v1/uploads"): ({"filename": st.tuples(
        st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True), st.sampled_from(_MEDIA_EXTS)).map(
        lambda p: f"{p[0]}.{p[1]}")}, frozenset()),
    ("POST", "/v1/workflows/{workflow_id}"): ({}, frozenset({"nodeOutputs"})),
    # A Model Router answers a request no model can serve with no_eligible_model (a 400
    # about the models, not the body): inputs stay within what every family accepts.
    ("POST", "/v1/generate/video"): ({"input": st.fixed_dictionaries(
        {"promptText": st.text(_TEXT, min_size=1, max_size=SOFT_MAX_TEXT).filter(str.strip)},
        optional={"duration": st.sampled_from((5, 10)),
                  "aspectRatio": st.sampled_from(("16:9", "9:16")),
                  "seed": st.integers(0, 2**32 - 1)})}, frozenset()),
    ("POST", "/v1/generate/image"): ({"input": st.fixed_dictionaries(
        {"promptText": st.text(_TEXT, min_size=1, max_size=SOFT_MAX_TEXT).filter(str.strip)},
        optional={"aspectRatio": st.sampled_from(("1:1", "16:9")),
                  "outputCount": st.just(1), "seed": st.integers(0, 2**32 - 1)})},
        frozenset()),
    ("POST", "/v1/generate/audio"): ({"input": st.fixed_dictionaries(
        {"type": st.sampled_from(("speech", "audio")),
         "promptText": st.text(_TEXT, min_size=1, max_size=SOFT_MAX_TEXT).filter(str.strip)})},
        frozenset()),
}


@dataclass(frozen=True)
class ResourceOp:
    """One resource operation with a JSON body: where it is, its spec and its reply."""

    method: str
    path: str
    spec: Obj
    status: int

    @property
    def key(self) -> tuple[str, str]:
        """(method, path template), the operation's name in the tables here and in checks."""
        return (self.method, self.path)

    @property
    def label(self) -> str:
        """A test id: ``POST-documents``, ``PATCH-documents-id``."""
        parts = [p for p in self.path.split("/")[2:] if p]
        return "-".join([self.method, *("id" if p.startswith("{") else p for p in parts)])

    @property
    def refs(self) -> tuple[str, ...]:
        """Top-level fields the test sets from resources it created."""
        return RESOURCE_REFS.get(self.key, ())


def resource_ops() -> list[ResourceOp]:
    """Every non-task operation of the API with a JSON request body, in a stable order."""
    from runway_mock.http.openapi import RESOURCE_OPS

    return [ResourceOp(op.method, op.path, op.body, op.status) for op in RESOURCE_OPS
            if op.body is not None and op.method in ("POST", "PATCH")
            and isinstance(op.body, Obj)]


def resource_body(op: ResourceOp) -> st.SearchStrategy[dict[str, Any]]:
    """Valid bodies for ``op``: drawn from its spec, with the hints applied."""
    force, omit = RESOURCE_HINTS.get(op.key, ({}, frozenset()))
    spec = op.spec
    if op.key == ("POST", "/v1/organization/usage"):
        return _usage_range()
    mine = {k: v for k, v in force.items() if k in spec.props}
    return objects(spec, force=mine, omit=omit).filter(lambda b: not validate(spec, b))


def resource_mutation(op: ResourceOp, body: Mapping[str, Any]) -> st.SearchStrategy[Mutation]:
    """One single-field violation of ``body`` (a valid body of ``op``)."""
    options = mutations(op.spec, body)
    kinds = [k for k in MUTATION_KINDS if any(m.kind == k for m in options)]

    @st.composite
    def draw(draw: st.DrawFn) -> Mutation:
        kind = draw(st.sampled_from(kinds))
        return draw(st.sampled_from([m for m in options if m.kind == kind]))

    return draw()


__all__ += ["RESOURCE_HINTS", "RESOURCE_REFS", "ResourceOp", "resource_body",
            "resource_mutation", "resource_ops"]
