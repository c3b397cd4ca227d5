"""The access log of ``runway-mock serve``: one line per request, like werkzeug or uvicorn.

A WSGI middleware around the app, so control-API and artifact requests are logged too and
the duration covers the whole response. What only the emulator knows (the tenant hash, the
fault that fired, whether the answer was replayed) it reads from the journal entry the
request hooks leave in the WSGI environ under ``ENTRY_KEY``. Raw keys never reach the log:
tenants are hashes.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from runway_mock.clock import wall_elapsed

ENTRY_KEY = "runway_mock.journal_entry"
log = logging.getLogger("runway_mock.access")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "access", None)
        if fields is None:
            fields = {"level": record.levelname.lower(), "logger": record.name,
                      "message": record.getMessage()}
        return json.dumps(fields, separators=(",", ":"))


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "access", None)
        if fields is None:
            return f"{record.levelname.lower()}: {record.getMessage()}"
        parts = [f'{fields["client"]} "{fields["method"]} {fields["path"]}"',
                 str(fields["status"]), f'{fields["ms"]:.1f}ms']
        for name in ("tenant", "fault"):
            if fields.get(name):
                parts.append(f"{name}={fields[name]}")
        if fields.get("source"):
            parts.append(fields["source"])
        return " ".join(parts)


def configure(*, level: str = "info", fmt: str = "text", quiet: bool = False,
              stream: Any = None) -> None:
    """Send the emulator's logs to ``stream`` (stderr) at ``level`` in ``fmt``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_JsonFormatter() if fmt == "json" else _TextFormatter())
    root = logging.getLogger("runway_mock")
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper()))
    root.propagate = False
    log.disabled = quiet


class AccessLog:
    """Wrap ``app``; log each request when its response has been sent."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:
        """The wrapped app's attributes (``extensions``: the runtime) show through."""
        return getattr(self.app, name)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        began = wall_elapsed()
        seen: dict[str, Any] = {}

        def recording_start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen["status"] = int(status.split(" ", 1)[0])
            seen["sized"] = any(k.lower() == "content-length" for k, _ in headers)
            return start_response(status, headers, *exc)

        try:
            body = self.app(environ, recording_start)
        except BaseException:
            self._emit(environ, seen.get("status", 500), began)
            raise
        if isinstance(body, list):
            # A body already in memory (the fast path's): log now and hand the list on, so
            # the server can send it in one write instead of iterating a generator.
            self._emit(environ, seen.get("status", 0), began)
            return body
        fault = (environ.get(ENTRY_KEY) or {}).get("fault") or {}
        if seen.get("sized") and fault.get("type") != "drop":
            # A buffered answer of known length: log it now, before it is sent, so a stop
            # right after the client has its answer cannot lose the line.
            self._emit(environ, seen["status"], began)
            return body
        return self._wrap(body, environ, seen, began)

    def _wrap(self, body: Iterable[bytes], environ: dict[str, Any], seen: dict[str, Any],
              began: float) -> Iterator[bytes]:
        status: int | str = seen.get("status", 0)
        try:
            yield from body
            status = seen.get("status", 0)
        except BaseException:
            status = "dropped"  # a fault rule closed the connection mid-answer
            raise
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            self._emit(environ, status, began)

    def _emit(self, environ: dict[str, Any], status: int | str, began: float) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        entry = environ.get(ENTRY_KEY) or {}
        fault = entry.get("fault")
        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        fields = {
            "client": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD", "-"),
            "path": path,
            "status": status,
            "ms": round((wall_elapsed() - began) * 1000, 3),
            "tenant": (entry.get("tenant") or "")[:12] or None,
            "fault": f'{fault["rule"]}:{fault["type"]}' if fault else None,
            "source": entry.get("source"),
        }
        log.info("%s %s %s", fields["method"], path, status, extra={"access": fields})
