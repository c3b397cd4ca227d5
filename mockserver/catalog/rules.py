"""Cross-field rules the model tables attach to rows.

Each builder returns a ``Rule``: ``(body, path) -> issues``, run once every field is
individually valid (so rules may trust types). Content from the SDK 5.24.0 docstrings
(runway-api.md section (b)): keyframe modes, multi-shot totals, draft and edit modes,
reference counts. Issues name the offending field so clients can point at it.

Every builder takes ``source``: where the rule comes from (``SDK_DOCSTRING``, the
default, ``RUNWAY_DOCS`` or ``ASSUMED``); the rule carries it as ``rule.source``. An
assumed rule may only narrow what the SDK leaves open, never reject a request the SDK
documents as valid (tests/test_sdk_fidelity.py sends the SDK's own bodies).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from runway_mock.catalog.base import (
    SDK_DOCSTRING,
    When,
    custom,
    is_present,
    pixels,
    sourced,
    unique_positions,
)
from runway_mock.schema import Issue, Path, Rule, issue

__all__ = [
    "exactly_one", "exclusive", "forbidden_if", "keyframe_modes", "keyframe_ratio", "max_where",
    "min_items_if", "multi_prompt", "one_of_required", "pixel_area", "ranges_all_or_none",
    "required_if", "sum_equals", "total_items", "unique_positions", "unique_values",
]


def _required(path: Path, name: str) -> Issue:
    return issue("invalid_type", (*path, name), "Required", expected="unknown",
                 received="undefined")


def _items(body: Mapping[str, Any], name: str) -> list[Any]:
    value = body.get(name)
    if isinstance(value, list):
        return value
    return [value] if is_present(value) else []


def keyframe_modes(name: str, last_needs_first: bool = False, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """Items with ``position`` (keyframes) and without (references) cannot be mixed."""
    positions = unique_positions(name, last_needs_first)

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        items = body.get(name)
        if not isinstance(items, list):
            return []
        with_pos = sum(1 for i in items if isinstance(i, dict) and "position" in i)
        if 0 < with_pos < len(items):
            return [custom((*path, name), "Keyframe images (with position) and reference "
                                          "images (without) cannot be mixed")]
        return positions(body, path)

    return sourced(rule, source)


def keyframe_ratio(name: str, ratio: str, allowed: Sequence[str], *,
                source: str = SDK_DOCSTRING) -> Rule:
    """Keyframe requests (items with ``position``) must use one of ``allowed`` ratios."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        items = body.get(name)
        keyed = isinstance(items, list) and any(isinstance(i, dict) and "position" in i
                                                 for i in items)
        if keyed and ratio in body and body[ratio] not in allowed:
            return [custom((*path, ratio), "Keyframe requests follow the first frame's "
                                           f"aspect ratio: use {' or '.join(allowed)}")]
        return []

    return sourced(rule, source)


def multi_prompt(settings: str = "providerSettings", text: str = "promptText",
                 lo: int = 3, hi: int = 15, text_or_prompts: bool = False, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """Multi-shot segments total ``lo``..``hi`` seconds; shotType intelligence needs text.

    With ``text_or_prompts`` a request must give the prompt text or the segments.
    """

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        conf = body.get(settings) or {}
        segments = conf.get("multiPrompt") or []
        out: list[Issue] = []
        if segments:
            total = sum(s.get("duration", 0) for s in segments)
            if not lo <= total <= hi:
                out.append(custom((*path, settings, "multiPrompt"),
                                  f"Segment durations must total {lo} to {hi} seconds "
                                  f"(got {total})"))
        needs_text = conf.get("shotType") == "intelligence" or (text_or_prompts and not segments)
        if needs_text and not is_present(body.get(text)):
            out.append(_required(path, text))
        return out

    return sourced(rule, source)


def required_if(name: str, cond: When, reason: str = "", *,
                source: str = SDK_DOCSTRING) -> Rule:
    """``name`` is required when ``cond`` holds."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        if cond.holds(body) and not is_present(body.get(name)):
            if reason:
                return [custom((*path, name), reason)]
            return [_required(path, name)]
        return []

    return sourced(rule, source)


def forbidden_if(name: str, cond: When, reason: str, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """``name`` may not be given when ``cond`` holds."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        if name in body and cond.holds(body):
            return [custom((*path, name), reason)]
        return []

    return sourced(rule, source)


def one_of_required(names: Sequence[str], reason: str, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """At least one of ``names`` must be given; the issue names the first."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        if any(is_present(body.get(n)) for n in names):
            return []
        return [custom((*path, names[0]), reason)]

    return sourced(rule, source)


def exclusive(name: str, allowed: Sequence[str] = ("model",), *,
                source: str = SDK_DOCSTRING) -> Rule:
    """When ``name`` is given, no field other than ``allowed`` may be."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        if name not in body:
            return []
        return [custom((*path, k), f"'{k}' cannot be combined with '{name}'")
                for k in body if k != name and k not in allowed]

    return sourced(rule, source)


def exactly_one(names: Sequence[str], *,
                source: str = SDK_DOCSTRING) -> Rule:
    """Exactly one of ``names`` is given (e.g. a keyframe's ``seconds`` or ``at``)."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        given = [n for n in names if n in body]
        if len(given) == 1:
            return []
        choice = " or ".join(f"'{n}'" for n in names)
        target = given[1] if given else names[0]
        return [custom((*path, target), f"Give exactly one of {choice}")]

    return sourced(rule, source)


def min_items_if(name: str, minimum: int, cond: When, reason: str, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """The list ``name`` needs at least ``minimum`` items when ``cond`` holds."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        if cond.holds(body) and len(_items(body, name)) < minimum:
            return [custom((*path, name), reason)]
        return []

    return sourced(rule, source)


def max_where(name: str, key: str, value: Any, maximum: int, default: Any = None, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """At most ``maximum`` items of ``name`` have ``key`` == ``value`` (absent: ``default``)."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        n = sum(1 for i in _items(body, name)
                if isinstance(i, dict) and i.get(key, default) == value)
        if n > maximum:
            return [custom((*path, name), f"At most {maximum} items may have "
                                          f"{key} '{value}' (got {n})")]
        return []

    return sourced(rule, source)


def unique_values(name: str, key: str, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """No two items of ``name`` share the same ``key`` (e.g. reference tags)."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        seen: set[Any] = set()
        for index, item in enumerate(_items(body, name)):
            if isinstance(item, dict) and key in item:
                if item[key] in seen:
                    return [custom((*path, name, index, key),
                                   f"Duplicate {key} '{item[key]}'")]
                seen.add(item[key])
        return []

    return sourced(rule, source)


def total_items(names: Sequence[str], maximum: int, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """The lists ``names`` together hold at most ``maximum`` items."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        n = sum(len(_items(body, name)) for name in names)
        if n > maximum:
            return [custom((*path, names[-1]), f"At most {maximum} images in total across "
                                               f"{', '.join(names)} (got {n})")]
        return []

    return sourced(rule, source)


def sum_equals(name: str, key: str, total: str, default: float, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """The ``key`` values of the items of ``name`` add up to ``total`` (or ``default``)."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        items = body.get(name)
        if not isinstance(items, list):
            return []
        want = body.get(total, default)
        got = sum(i.get(key, 0) for i in items if isinstance(i, dict))
        if got != want:
            return [custom((*path, name), f"Shot durations must add up to {total} "
                                          f"({want} s), got {got} s")]
        return []

    return sourced(rule, source)


def ranges_all_or_none(name: str, *,
                source: str = SDK_DOCSTRING) -> Rule:
    """Aleph keyframes: all set ``range`` or none; ranges end after they start and hold
    the keyframe's own timestamp."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        items = [i for i in _items(body, name) if isinstance(i, dict)]
        ranged = [i for i in items if "range" in i]
        if ranged and len(ranged) != len(items):
            return [custom((*path, name), "All keyframes must set a range, or none may")]
        out: list[Issue] = []
        for index, item in enumerate(items):
            span = item.get("range")
            if not isinstance(span, dict):
                continue
            start, end = span.get("start_seconds", 0), span.get("end_seconds", 0)
            if end <= start:
                out.append(custom((*path, name, index, "range", "end_seconds"),
                                  "end_seconds must be greater than start_seconds"))
            elif "seconds" in item and not start <= item["seconds"] < end:
                out.append(custom((*path, name, index, "seconds"),
                                  "The keyframe time must fall within its range"))
        return out

    return sourced(rule, source)


def pixel_area(name: str, lo: int, hi: int, named: Sequence[str] = (), *,
                source: str = SDK_DOCSTRING) -> Rule:
    """A free-form ``W:H`` size (not one of ``named``) must have ``lo``..``hi`` pixels."""

    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        value = body.get(name)
        if not isinstance(value, str) or value in named:
            return []
        area = pixels(value)
        if not lo <= area <= hi:
            return [custom((*path, name), f"Width x height must be between {lo} and {hi} "
                                          f"pixels (got {area})")]
        return []

    return sourced(rule, source)
