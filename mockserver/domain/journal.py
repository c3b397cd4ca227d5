"""The request journal: one capped log entry per API call, for tests and etiquette reports.

Entries hold what a test needs to judge a client (method, path, tenant hash, status,
timings in emulator and wall time, the injected fault, a hash of the body, the task
a call created or read) and never a secret: tenants appear as hashes, no header is
copied but the SDK's retry count, and query strings (which carry signed links) are
dropped. The JSON request and response bodies are kept ``scrub``-bed, for people
reading the journal: secrets redacted, signed links cut at their query, long strings
and lists shortened. The log lives in the store (``Store.append``/``read``), capped at
``Config.journal_size`` entries.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from typing import Any

from runway_mock.config import Runtime
from runway_mock.domain.policies import GLOBAL
from runway_mock.store import keys

STREAM = keys.JOURNAL
FLOOR_KEY = keys.JOURNAL_FLOOR
# Statuses a well-behaved client does not retry (runway-api.md section (e): the SDKs
# retry 408, 409, 429 and 5xx only).
NOT_RETRYABLE = frozenset({400, 401, 403, 404, 405, 410, 413, 415, 422})
DROPPED = 0  # status recorded for a connection closed without a response


# Scrubbing: what a journaled body keeps (see ``scrub``).
REDACTED = "[redacted]"
_SECRET_NAME = re.compile(r"(token|secret|password|signature|apikey|authorization|sessionkey"
                          r"|^key$|^policy$)", re.IGNORECASE)
_JWT = re.compile(r"^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$")
_STRING_MAX = 200
_LIST_MAX = 20
_DEPTH_MAX = 8


def _scrub_text(text: str) -> str:
    if text.startswith("data:"):
        head, _, data = text.partition(",")
        return f"{head},…({len(data)} chars)"
    if _JWT.match(text):
        return REDACTED
    if "://" in text and "?" in text:
        text = text.split("?", 1)[0] + "?…"  # signed links carry their signature here
    if len(text) > _STRING_MAX:
        return f"{text[:_STRING_MAX]}…({len(text)} chars)"
    return text


def scrub(value: Any, depth: int = 0) -> Any:
    """A copy of a JSON value fit for the journal: no secret, no signed link, bounded size.

    Fields named like a secret (token, secret, password, signature, apiKey, sessionKey,
    an upload form's key and policy) are redacted whatever they hold; JWT-shaped strings
    too; URLs lose their query string (where signed links keep their signature); data
    URIs keep only their media type; strings over 200 characters and lists over 20
    items are cut, saying how long they were.
    """
    if depth > _DEPTH_MAX:
        return "…"
    if isinstance(value, dict):
        return {str(k): REDACTED if _SECRET_NAME.search(str(k)) and v not in (None, "")
                else scrub(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):  # a tuple is a list on the wire
        out = [scrub(v, depth + 1) for v in value[:_LIST_MAX]]
        if len(value) > _LIST_MAX:
            out.append(f"…({len(value) - _LIST_MAX} more)")
        return out
    if isinstance(value, str):
        return _scrub_text(value)
    return value


def body_hash(raw: bytes) -> str | None:
    """A short hash of a request body (None when empty), to spot repeated requests."""
    if not raw:
        return None
    return hashlib.sha256(raw).hexdigest()[:16]


def record(rt: Runtime, entry: dict[str, Any]) -> int:
    """Append one entry (keys with None values are left out); returns its sequence number."""
    slim = {k: v for k, v in entry.items() if v is not None}
    return rt.store.append(STREAM, slim, max(1, rt.config.journal_size))


def _floor(rt: Runtime) -> int:
    return int(rt.store.get_value(GLOBAL, FLOOR_KEY, 0) or 0)


def clear(rt: Runtime) -> int:
    """Hide every entry so far (they age out of the cap); returns the last hidden seq."""
    entries = rt.store.read(STREAM, _floor(rt))
    last = entries[-1]["seq"] if entries else _floor(rt)
    rt.store.put_value(GLOBAL, FLOOR_KEY, last)
    return last


def entries(rt: Runtime, *, tenant: str | None = None, method: str | None = None,
            path: str | None = None, status: int | None = None,
            faulted: bool | None = None, after: int = 0,
            limit: int | None = None) -> list[dict[str, Any]]:
    """Entries in order, filtered; ``path`` may be a glob, ``after`` a sequence number."""
    out = []
    for e in rt.store.read(STREAM, max(after, _floor(rt))):
        if tenant is not None and e.get("tenant") != tenant:
            continue
        if method is not None and e["method"] != method.upper():
            continue
        if path is not None and not (e["path"] == path or fnmatch.fnmatchcase(e["path"], path)):
            continue
        if status is not None and e["status"] != status:
            continue
        if faulted is not None and ("fault" in e) != faulted:
            continue
        out.append(e)
    return out[-limit:] if limit else out
