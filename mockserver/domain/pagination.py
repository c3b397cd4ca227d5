"""Cursor pagination for list endpoints: ``limit``, opaque signed cursors, stable order.

Every paginated list answers ``{"data": [...], "hasMore": bool, "nextCursor": str|null}``
(runway-api.md section (a) "Pagination"). A cursor is the store sequence number of the
last item served, bound to the list it came from (its ``scope``) and signed with the
emulator's secret, so a cursor from another list, a forged one or garbage is a 400
naming ``cursor``. Order is the store's insertion order (``Store.page``), so pages never
skip or repeat items that exist for the whole walk.
"""

from __future__ import annotations

import base64
import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from runway_mock.config import Runtime
from runway_mock.errors import ValidationFailed
from runway_mock.schema import Bool, Enum, Int, Num, Obj, Prop, Str, issue, opt, validate

LIMIT_MIN = 1
LIMIT_MAX = 100
LIMIT_DEFAULT = 50
CURSOR_MAX = 1000
# Signature bytes kept in a cursor: enough to refuse forgeries, short enough to read.
_SIG_BYTES = 12


def limit_prop(default: int = LIMIT_DEFAULT) -> Prop:
    """The ``limit`` query parameter (1-100)."""
    return opt(Int(LIMIT_MIN, LIMIT_MAX, doc=f"Items per page (default {default})."))


CURSOR = opt(Str(1, CURSOR_MAX, doc="Cursor from a previous page's nextCursor."))


def page_props(default: int = LIMIT_DEFAULT, **more: Prop) -> dict[str, Prop]:
    """Query properties of a paginated list: limit, cursor and ``more``."""
    return {"limit": limit_prop(default), "cursor": CURSOR, **more}


_INT = re.compile(r"[+-]?\d{1,18}")


def _coerce(spec: Any, text: str) -> Any:
    """A query string value as the JSON value the spec expects, when it reads as one."""
    if isinstance(spec, Int) and _INT.fullmatch(text.strip()):
        return int(text)
    if isinstance(spec, Num):
        try:
            return float(text)
        except ValueError:
            return text
    if isinstance(spec, Bool) and text in ("true", "false"):
        return text == "true"
    if isinstance(spec, Enum) and all(isinstance(v, int) for v in spec.values) and \
            _INT.fullmatch(text.strip()):
        return int(text)
    return text


def parse_query(args: Mapping[str, str], props: Mapping[str, Prop]) -> dict[str, Any]:
    """Typed, validated query parameters; unknown parameters are ignored (as Runway does)."""
    values = {name: _coerce(prop.spec, args[name]) for name, prop in props.items()
              if name in args}
    issues = validate(Obj(dict(props), extra=True), values)
    if issues:
        raise ValidationFailed(issues)
    return values


@dataclass(frozen=True)
class PageRequest:
    """A validated page request: how many items and where to start."""

    limit: int = LIMIT_DEFAULT
    cursor: str | None = None


def page_request(query: Mapping[str, Any], default: int = LIMIT_DEFAULT) -> PageRequest:
    """The page part of parsed query parameters."""
    return PageRequest(int(query.get("limit", default)), query.get("cursor"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(rt: Runtime, scope: str, seq: int) -> str:
    """An opaque cursor for "after item ``seq`` of list ``scope``"."""
    body = _b64(json.dumps({"s": scope, "q": int(seq)}, separators=(",", ":")).encode())
    sig = _b64(rt.sign(f"cursor.{body}".encode())[:_SIG_BYTES])
    return f"{body}.{sig}"


def bad_cursor(message: str = "Invalid cursor: use the nextCursor of a previous page") -> \
        ValidationFailed:
    """The 400 for a cursor the emulator did not issue for this list."""
    return ValidationFailed([issue("custom", ("cursor",), message)])


def decode_cursor(rt: Runtime, scope: str, cursor: str) -> int:
    """The sequence number a cursor carries; 400 naming ``cursor`` if it is not ours."""
    try:
        body, sig = cursor.split(".")
        good = hmac.compare_digest(_unb64(sig), rt.sign(f"cursor.{body}".encode())[:_SIG_BYTES])
        payload = json.loads(_unb64(body))
    except (ValueError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_cursor() from exc
    if not good or not isinstance(payload, dict):
        raise bad_cursor()
    if payload.get("s") != scope:
        raise bad_cursor("Invalid cursor: it belongs to a different list or ordering")
    seq = payload.get("q")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise bad_cursor()
    return seq


def page(rt: Runtime, tenant: str, kind: str, request: PageRequest, *, scope: str | None = None,
         newest_first: bool = False, keep: Callable[[dict[str, Any]], bool] | None = None,
         render: Callable[[dict[str, Any]], Any] = lambda r: r) -> dict[str, Any]:
    """One page of the tenant's ``kind`` records as ``{data, hasMore, nextCursor}``.

    ``keep`` filters records (the store is read in batches until the page is full);
    ``render`` turns a kept record into its wire form.
    """
    scope = scope or f"{kind}:{'desc' if newest_first else 'asc'}"
    after = decode_cursor(rt, scope, request.cursor) if request.cursor else None
    want = request.limit + 1  # one extra item tells whether another page exists
    kept: list[dict[str, Any]] = []
    while len(kept) < want:
        asked = want - len(kept) if keep is None else max(want, 32)
        batch = rt.store.page(tenant, kind, after, asked, newest_first=newest_first)
        for record in batch:
            if keep is None or keep(record):
                kept.append(record)
        if len(batch) < asked:
            break
        after = batch[-1]["_seq"]
    has_more = len(kept) > request.limit
    kept = kept[:request.limit]
    next_cursor = encode_cursor(rt, scope, kept[-1]["_seq"]) if has_more else None
    return {"data": [render(r) for r in kept], "hasMore": has_more, "nextCursor": next_cursor}


def empty_page() -> dict[str, Any]:
    """A page with nothing in it."""
    return {"data": [], "hasMore": False, "nextCursor": None}
