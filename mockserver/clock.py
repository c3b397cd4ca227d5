"""The emulator's one clock: every reading of time goes through a ``Clock``.

``Clock`` maps a real time source onto emulator time with an offset, a rate and an
optional freeze, so tests (and the control API) can advance, set, freeze and speed
up time. A frozen clock is the fake clock tests use; serve mode uses the system clock.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone


class Clock:
    """Emulator time in epoch seconds, derived from ``source`` (``time.time`` by default)."""

    def __init__(self, source: Callable[[], float] = time.time, *, start: float | None = None,
                 frozen: bool = False, rate: float = 1.0) -> None:
        self._source = source
        self._lock = threading.Lock()
        real = source()
        self._anchor_real = real
        self._anchor_emu = real if start is None else float(start)
        self._rate = float(rate)
        self._frozen = frozen

    def now(self) -> float:
        """Current emulator time (epoch seconds)."""
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> float:
        if self._frozen:
            return self._anchor_emu
        return self._anchor_emu + (self._source() - self._anchor_real) * self._rate

    def _reanchor(self, emu: float) -> None:
        self._anchor_real = self._source()
        self._anchor_emu = emu

    def advance(self, seconds: float) -> float:
        """Move emulator time forward by ``seconds``; returns the new time."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._reanchor(self._now_locked() + seconds)
            return self._anchor_emu

    def set(self, when: float) -> float:
        """Jump to ``when`` (epoch seconds); may not move backwards."""
        with self._lock:
            if when < self._now_locked():
                raise ValueError("time only moves forward")
            self._reanchor(float(when))
            return self._anchor_emu

    def freeze(self, frozen: bool = True) -> None:
        """Stop (or restart) the flow of emulator time."""
        with self._lock:
            self._reanchor(self._now_locked())
            self._frozen = frozen

    def scale(self, rate: float) -> None:
        """Make emulator time run ``rate`` times as fast as real time."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        with self._lock:
            self._reanchor(self._now_locked())
            self._rate = float(rate)

    def restore(self, state: dict) -> None:
        """Take the time, frozen flag and rate of a ``state()`` (a snapshot being loaded:
        the one way the clock may move backwards)."""
        now, frozen, rate = float(state["now"]), bool(state["frozen"]), float(state["rate"])
        if rate <= 0:
            raise ValueError("rate must be positive")
        with self._lock:
            self._reanchor(now)
            self._frozen, self._rate = frozen, rate

    def state(self) -> dict:
        """A JSON-ready description of the clock."""
        with self._lock:
            now = self._now_locked()
            return {"now": now, "iso": iso(now), "frozen": self._frozen, "rate": self._rate}


def wall_elapsed() -> float:
    """Seconds on a real monotonic timer, for measuring how long real work took (the
    journal's ``ms``). Never emulator time: that is ``Clock.now()``."""
    return time.monotonic()


def wall_sleep(seconds: float) -> None:
    """Really wait ``seconds`` (an injected latency's delay); tests inject a fake instead."""
    time.sleep(seconds)


def fake_clock(start: float = 1_767_225_600.0) -> Clock:
    """A frozen clock at ``start`` (2026-01-01T00:00:00Z) that moves only when told."""
    return Clock(time.monotonic, start=start, frozen=True)


@functools.lru_cache(maxsize=4096)  # a polled task's createdAt is rendered at every read
def iso(ts: float) -> str:
    """Epoch seconds -> ISO-8601 UTC with milliseconds and ``Z``, as Runway writes times."""
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> float:
    """ISO-8601 date or datetime (``Z`` or offset) -> epoch seconds; ValueError if bad."""
    value = text.strip()
    if len(value) == 10:
        value += "T00:00:00+00:00"
    value = value.replace("Z", "+00:00").replace("z", "+00:00")
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()
