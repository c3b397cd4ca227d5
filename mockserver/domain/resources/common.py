"""What the resource modules share: ids, finders and signed media links."""

from __future__ import annotations

from typing import Any

from runway_mock.config import Runtime
from runway_mock.domain import outputs
from runway_mock.errors import NotFound, ValidationFailed
from runway_mock.schema import Str, issue

UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID = Str(pattern=UUID_PATTERN, doc="A UUID.")
# Wire types used only for the emulator's own OpenAPI document.
DATETIME = Str(doc="ISO-8601 UTC date-time with milliseconds, e.g. 2026-01-01T00:00:00.000Z.")
DATE = Str(pattern=r"\d{4}-\d{2}-\d{2}", formats=("date",), doc="A UTC date, YYYY-MM-DD.")
MEDIA_PREFIX = "/_media"


def new_id(rt: Runtime, tenant: str, kind: str) -> str:
    """A fresh id for a ``kind`` record: a UUID drawn from the seed and a per-tenant counter."""
    return rt.source.uuid(kind, tenant, rt.store.next_seq(tenant, kind))


def find(rt: Runtime, tenant: str, kind: str, rid: str, what: str) -> dict[str, Any]:
    """The tenant's ``kind`` record ``rid``; 404 ``{"error"}`` if it does not exist (for them)."""
    record = rt.store.get(tenant, kind, rid) if isinstance(rid, str) else None
    if record is None:
        raise NotFound(f"{what} not found.")
    return record


def fail(path: tuple[str | int, ...], message: str, code: str = "custom") -> ValidationFailed:
    """A 400 with one issue at ``path``."""
    return ValidationFailed([issue(code, path, message)])


# ---------------------------------------------------------------------------
# Signed media links (voice previews, avatar images, recordings, workflow outputs)


def media_url(rt: Runtime, base_url: str, tenant: str, *, name: str, kind: str, ext: str,
              width: int = 256, height: int = 256, seconds: float = 0.0, seed: int = 0,
              owner: tuple[str, str] | None = None, ttl: float | None = None) -> str:
    """A signed, expiring URL at which the emulator renders a deterministic media file.

    ``owner`` (kind, id) ties the link to a record: once the record is deleted the
    link answers 404, as a purged Runway asset would.
    """
    exp = int(rt.clock.now() + (rt.config.output_ttl if ttl is None else ttl))
    payload: dict[str, Any] = {"keyHash": tenant, "n": name, "kind": kind, "ext": ext,
                               "w": int(width), "h": int(height), "s": float(seconds),
                               "seed": int(seed), "exp": exp}
    if owner is not None:
        payload["own"] = list(owner)
    token = outputs.make_jwt(rt, payload)
    return f"{base_url}{MEDIA_PREFIX}/{name}.{ext}?_jwt={token}"


def read_media(rt: Runtime, filename: str, token: str) -> tuple[bytes, str]:
    """The file a signed media link names: (bytes, content type); 403 or 404 otherwise."""
    payload = outputs.read_jwt(rt, token)
    if f"{payload.get('n')}.{payload.get('ext')}" != filename:
        raise outputs.LinkInvalid("The link does not match this file.")
    owner = payload.get("own")
    if owner and rt.store.get(str(payload.get("keyHash")), owner[0], owner[1]) is None:
        raise NotFound("The file no longer exists.")
    from runway_mock import media  # rendering code is only needed when a file is fetched

    seconds = float(payload.get("s") or 0.0)
    return media.render(payload["kind"], payload["ext"], int(payload["w"]), int(payload["h"]),
                        seconds if seconds > 0 else 1.0, int(payload["seed"]))


# ---------------------------------------------------------------------------
# Date-time query parameters

DATETIME_QUERY = Str(
    pattern=r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?",
    formats=("date", "date-time"),
    doc="ISO-8601 date-time (UTC when no offset is given) or date (midnight UTC).",
)


def parse_instant(value: str, name: str) -> float:
    """Epoch seconds of an ISO date or date-time query value; 400 naming ``name`` if bad."""
    from runway_mock.clock import parse_iso

    try:
        return parse_iso(value)
    except ValueError as exc:
        raise fail((name,), f"Invalid date-time '{value}': {exc}",
                   code="invalid_string") from exc
