"""``runway-mock serve --replay DIR``: recorded exchanges served to any client, offline.

Recordings (the contract kit's cassettes and ``runway-mock record``'s) are loaded from a
folder and matched by ``runway_mock.cassettes.Library``: method, path, normalised query
and JSON body by default (``--match-on`` chooses, as VCR.py's ``match_on`` does).
Repeated requests get their recorded answers in order (successive polls of a task walk
through its recorded states) and the last answer repeats. Ids and bodies are as
recorded, except that output links point at this server (``/_replay/media/...``, the
files ``record --with-media`` stored) and upload links at ``/_replay/uploads/...``.

A request with no recording:
- ``strict`` (default): 404 in Runway's error shape, saying no recording matches and
  listing the nearest recordings and how each differs. 404 (as WireMock answers an
  unmatched request): there is nothing here for this request, and it is a 4xx because
  the request itself is fine and the emulator never answers 5xx for what it was sent;
- ``fallback``: the emulator in the same process answers it, so a recorded happy path and
  emulated edge cases (faults, limits, the clock through ``/_mock``) mix in one run.

Each answer is in the emulator's journal (``GET /_mock/journal``) with ``source``:
``replayed`` (with the ``recording`` it came from), ``emulated`` or ``unmatched``.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Iterable
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

from runway_mock import cassettes
from runway_mock.clock import wall_elapsed
from runway_mock.proxy import (
    MEDIA_DIR,
    MEDIA_INDEX,
    _read_body,
    _request_headers,
    _respond,
    media_name,
)

MODES = ("strict", "fallback")
SOURCE_KEY = "runway_mock.source"
MEDIA_PREFIX = "/_replay/media/"
UPLOAD_PREFIX = "/_replay/uploads/"
# Never answered from a recording: the replay server's own journal.
LIVE_PATHS = ("/_mock/journal", "/_mock/health")


class ReplayApp:
    """A WSGI app answering from ``library``; misses go by ``mode``."""

    def __init__(self, library: cassettes.Library, emulator: Any, *, mode: str = "strict",
                 media_dir: str | Path | None = None, public_url: str | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown replay mode {mode!r}: choose {' or '.join(MODES)}")
        self.library = library
        self.emulator = emulator
        # Servers reach the emulator's runtime here (its store is reopened after a fork).
        self.extensions = emulator.extensions
        self.mode = mode
        self.media_dir = Path(media_dir) if media_dir is not None else None
        self.public_url = public_url.rstrip("/") if public_url else None
        self.media: dict[str, dict[str, Any]] = {}
        if self.media_dir is not None and (self.media_dir / MEDIA_INDEX).is_file():
            self.media = json.loads((self.media_dir / MEDIA_INDEX).read_text())

    @property
    def runtime(self) -> Any:
        """The emulator's runtime (its journal holds every answer)."""
        from runway_mock.app import EXTENSION

        return self.emulator.extensions[EXTENSION]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path.startswith(MEDIA_PREFIX):
            return self._media(path[len(MEDIA_PREFIX):], environ, start_response)
        if path.startswith(UPLOAD_PREFIX) and environ["REQUEST_METHOD"] == "POST":
            _read_body(environ)
            return _respond(start_response, 204, {}, b"")
        if path in LIVE_PATHS:
            return self.emulator(environ, start_response)
        started = wall_elapsed()
        body = _read_body(environ)
        headers = _request_headers(environ)
        token = cassettes.bearer_token(headers)
        request = _scrubbed_request(environ, headers, body, token)
        played = self.library.play(request)
        if isinstance(played, cassettes.Recording):
            return self._replayed(played, environ, start_response, token, started)
        if self.mode == "fallback" or path.startswith("/_mock/"):
            environ["wsgi.input"] = BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ[SOURCE_KEY] = "emulated"
            return self.emulator(environ, start_response)
        miss = played.as_body()
        self._journal(environ, token, 404, started, source="unmatched",
                      request=_scrubbed_json(body), response=_scrubbed_json(miss))
        return _respond(start_response, 404, {"Content-Type": "application/json",
                                              "X-Runway-Mock-Source": "unmatched"},
                        json.dumps(miss).encode())

    # -- answers -----------------------------------------------------------------

    def _base(self, environ: dict[str, Any]) -> str:
        if self.public_url:
            return self.public_url
        host = environ.get("HTTP_HOST") or (
            f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}")
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"

    def _replayed(self, rec: cassettes.Recording, environ: dict[str, Any],
                  start_response: Callable[..., Any], token: str | None,
                  started: float) -> Iterable[bytes]:
        ex = rec.exchange
        body = rewrite_links(ex.response_body, self._base(environ))
        headers = {k: v for k, v in ex.response_headers.items()
                   if k.lower() != "content-length"}
        headers["X-Runway-Mock-Source"] = "replayed"
        self._journal(environ, token, ex.status, started, source="replayed",
                      recording=rec.where, request=_scrubbed_json(rec.exchange.body),
                      response=_scrubbed_json(body))
        return _respond(start_response, ex.status, headers, body, reason=ex.reason or None)

    def _media(self, name: str, environ: dict[str, Any],
               start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = (self.media_dir / name) if self.media_dir is not None else None
        safe = "/" not in name and "\\" not in name and not name.startswith(".")
        if path is None or not safe or not path.is_file():
            message = (f"The output {name} was not recorded: record the session with "
                       "`runway-mock record --with-media` to replay its files.")
            return _respond(start_response, 404, {"Content-Type": "application/json"},
                            json.dumps({"error": message}).encode())
        ctype = (self.media.get(name) or {}).get("contentType") or (
            mimetypes.guess_type(name)[0] or "application/octet-stream")
        data = path.read_bytes()
        if environ["REQUEST_METHOD"] == "HEAD":
            data = b""
        return _respond(start_response, 200, {"Content-Type": ctype}, data)

    def _journal(self, environ: dict[str, Any], token: str | None, status: int,
                 started: float, **extra: Any) -> None:
        from runway_mock.config import tenant_of
        from runway_mock.domain import journal

        rt = self.runtime
        path = environ.get("PATH_INFO") or "/"
        parts = path.strip("/").split("/")
        task_id = parts[2] if len(parts) == 3 and parts[:2] == ["v1", "tasks"] else None
        now = rt.clock.now()
        journal.record(rt, {
            "at": now, "end": now, "wall": started,
            "ms": round((wall_elapsed() - started) * 1000, 3),
            "method": environ["REQUEST_METHOD"].upper(), "path": path,
            "tenant": tenant_of(token) if token else None, "status": status,
            "taskId": task_id, **extra,
        })


def _scrubbed_json(body: Any) -> Any:
    """A JSON body as the journal keeps it (scrubbed), or None."""
    from runway_mock.domain import journal

    data = body if isinstance(body, (dict, list)) else cassettes.json_or_bytes(body)
    return journal.scrub(data) if isinstance(data, (dict, list)) else None


def _scrubbed_request(environ: dict[str, Any], headers: dict[str, str], body: bytes,
                      token: str | None) -> cassettes.Request:
    """The request as a recording of it would read (credentials scrubbed)."""
    query = environ.get("QUERY_STRING") or ""
    uri = "http://replay.invalid" + (environ.get("PATH_INFO") or "/") + (
        f"?{query}" if query else "")
    ex = cassettes.Exchange(environ["REQUEST_METHOD"], uri, headers, body, 0, "", {}, b"")
    clean = ex.scrubbed((token,) if token else ())
    return cassettes.Request.of(clean.method, clean.uri, clean.headers, clean.body)


def rewrite_links(body: bytes, base: str) -> bytes:
    """Output links pointing at ``base``'s recorded media; upload links at ``base``."""
    data = cassettes.json_or_bytes(body)
    if not isinstance(data, dict):
        return body
    text = body.decode("utf-8")
    out = data.get("output")
    if isinstance(out, list):
        for url in out:
            if isinstance(url, str) and url.startswith(("http://", "https://")):
                text = text.replace(json.dumps(url),
                                    json.dumps(f"{base}{MEDIA_PREFIX}{media_name(url)}"))
    upload = data.get("uploadUrl")
    if isinstance(upload, str) and upload.startswith(("http://", "https://")):
        text = text.replace(json.dumps(upload),
                            json.dumps(f"{base}{UPLOAD_PREFIX}{media_name(upload)}"))
    return text.encode("utf-8")


def build_replay(replay_dir: str | Path, emulator: Any, *, mode: str = "strict",
          match_on: str | Iterable[str] | None = None,
          public_url: str | None = None) -> ReplayApp:
    """A replay app for the recordings under ``replay_dir`` in front of ``emulator``."""
    root = Path(replay_dir)
    if not root.exists():
        raise FileNotFoundError(f"no recordings at {root}")
    library = cassettes.Library.load(root, cassettes.parse_matchers(match_on))
    media = root / MEDIA_DIR if root.is_dir() else root.parent / MEDIA_DIR
    return ReplayApp(library, emulator, mode=mode, media_dir=media, public_url=public_url)


# ---------------------------------------------------------------------------
# ``serve`` options


def add_serve_options(serve: Any) -> None:
    """Add ``--replay``, ``--replay-mode`` and ``--match-on`` to ``runway-mock serve``."""
    serve.add_argument("--replay", default=None, metavar="DIR",
                       help="serve the recordings under DIR (runway-mock record, or the "
                            "contract kit's cassettes) instead of emulating")
    serve.add_argument("--replay-mode", choices=MODES, default="strict",
                       help="what a request with no recording gets: strict = 404 naming the "
                            "nearest recordings; fallback = the emulator answers it")
    serve.add_argument("--match-on", default=",".join(cassettes.DEFAULT_MATCH_ON),
                       help="matchers, comma-separated, from "
                            f"{', '.join(cassettes.MATCHERS)} (default: %(default)s)")


def replay_builder(build: Callable[[], Any], args: Any, workers: int) -> Callable[[], Any]:
    """What ``serve`` builds: the emulator, or (``--replay DIR``) a replay app in front of
    it. Replay keeps its place in the recordings in one process, so it runs one worker."""
    if not getattr(args, "replay", None):
        return build
    from runway_mock.serving import ServeError

    if workers > 1:
        raise ServeError(f"--replay serves recordings in order from one process: drop "
                         f"--workers {workers}")
    if not Path(args.replay).exists():
        raise ServeError(f"--replay {args.replay}: no such folder")
    try:
        cassettes.parse_matchers(args.match_on)
    except ValueError as exc:
        raise ServeError(f"--match-on: {exc}") from exc
    return partial(_build_replay, build, args.replay, args.replay_mode, args.match_on,
                   getattr(args, "public_url", None))


def _build_replay(build: Callable[[], Any], replay_dir: str, mode: str, match_on: str,
                  public_url: str | None) -> ReplayApp:
    replay = build_replay(replay_dir, build(), mode=mode, match_on=match_on,
                          public_url=public_url)
    print(f"runway-mock replaying {len(replay.library)} recorded exchanges from {replay_dir} "
          f"({mode}; matching on {', '.join(replay.library.match_on)})", flush=True)
    return replay


# The short name tests and scripts use.
build = build_replay

__all__ = ["MODES", "ReplayApp", "add_serve_options", "build", "build_replay",
           "replay_builder", "rewrite_links"]
