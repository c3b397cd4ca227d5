"""Retry rules as pure functions: which answers retry, and how long to wait first."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

# 408 timeout, 409 lock conflict, 429 rate limit, 5xx server trouble (as the SDKs do).
RETRY_STATUSES = frozenset({408, 409, 429})
INITIAL_BACKOFF = 0.5  # seconds before the first retry, at most
MAX_BACKOFF = 8.0  # exponential growth stops here
JITTER = 0.25  # each backoff is cut by a random 0-25 %


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def should_retry(status: int, headers: Mapping[str, str]) -> bool:
    """Whether an error answer is worth sending again; ``x-should-retry`` overrides."""
    override = (_header(headers, "x-should-retry") or "").strip().lower()
    if override in ("true", "false"):
        return override == "true"
    return status in RETRY_STATUSES or status >= 500


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """The server's requested delay in seconds: ``retry-after-ms``, then ``Retry-After``.

    ``Retry-After`` may be seconds or an HTTP date; a date is measured from the answer's
    own ``Date`` header when present (so client clock skew does not matter), else from
    ``now``. None when no usable hint was given.
    """
    ms = _header(headers, "retry-after-ms")
    if ms is not None:
        try:
            value = float(ms) / 1000
        except ValueError:
            value = -1.0
        if value >= 0:
            return value
    raw = _header(headers, "retry-after")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = _seconds_until(raw, _header(headers, "date"), now)
    return value if value is not None and value >= 0 else None


def _seconds_until(when: str, date: str | None, now: datetime | None) -> float | None:
    try:
        target = parsedate_to_datetime(when)
    except (TypeError, ValueError):
        return None
    reference = now or datetime.now(timezone.utc)
    if date:
        with contextlib.suppress(TypeError, ValueError):
            reference = parsedate_to_datetime(date)
    return max(0.0, (target - reference).total_seconds())


def backoff(retries_done: int, rng: random.Random) -> float:
    """Exponential backoff with jitter: 0.375-0.5 s, 0.75-1 s, 1.5-2 s ... up to 6-8 s."""
    base = min(INITIAL_BACKOFF * 2 ** retries_done, MAX_BACKOFF)
    return base * (1 - JITTER * rng.random())
