"""``runway-mock record``: a recording proxy in front of Runway's API (or any upstream).

Any client reaches it through ``RUNWAYML_BASE_URL``. Each request is forwarded to the
upstream with ``requests`` and the upstream's answer is returned unchanged (status,
headers less the hop-by-hop ones, body); the exchange is appended to one cassette per run
in the kit's format (``runway_mock.cassettes``), scrubbed the same way, and the file is
rewritten after every exchange so an interrupted run loses nothing. Exchanges are kept in
the order their answers arrived, so the polls of one task keep their order.

The budget guard works like the contract kit's live target: every task create (a POST to
a catalog endpoint) is estimated from the price table before it is sent, each created
task counts at its estimate, and a create that would cross the budget is answered here
with a 400 in Runway's error shape (the status Runway gives for too few credits) and
never sent upstream. ``--with-media`` also downloads the outputs that finished tasks
point at, so a replay serves real bytes.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from runway_mock import cassettes
from runway_mock.config import API_VERSION
from runway_mock.options import is_loopback

DEFAULT_UPSTREAM = "https://api.dev.runwayml.com"
DEFAULT_PORT = 8128
MEDIA_DIR = "media"
MEDIA_INDEX = "index.json"
# Seconds of input media assumed when a price is per input second (the length of a file
# the proxy does not fetch is unknown; a minute keeps the guard on the safe side).
INPUT_SECONDS = 60.0
UPSTREAM_TIMEOUT = 120.0
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "trailers", "transfer-encoding", "upgrade", "proxy-connection",
})
# ``requests`` decodes gzip/deflate and the length changes with it: both are set again.
RECOMPUTED = frozenset({"content-encoding", "content-length"})
_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 502: "Bad Gateway"}


def media_name(url: str) -> str:
    """The file name of a recorded output: a hash of its scrubbed URL, plus its extension."""
    import hashlib

    suffix = Path(urlsplit(url).path).suffix.lower()
    if not suffix or len(suffix) > 6 or not suffix[1:].isalnum():
        suffix = ""
    return hashlib.sha256(url.encode()).hexdigest()[:24] + suffix


# ---------------------------------------------------------------------------
# The budget guard


@dataclass
class Estimate:
    """What a create will cost at most, and which row priced it."""

    what: str
    credits: int | None
    reason: str = ""


def task_endpoints() -> dict[str, str]:
    """Path -> endpoint name of every task-creating endpoint in the catalog."""
    from runway_mock.catalog import ENDPOINTS

    return {table.path: name for name, table in ENDPOINTS.items()}


def estimate_create(endpoint: str, body: Any) -> Estimate:
    """The price table's estimate for a create (None when it cannot be priced)."""
    from runway_mock.catalog import ENDPOINTS, estimate_credits

    table = ENDPOINTS[endpoint]
    key = table.discriminator
    if key is None:
        model = next(iter(table.rows))
    else:
        picked = body.get(key) if isinstance(body, dict) else None
        model = picked if isinstance(picked, str) else ""
    what = f"{endpoint}:{model or '?'}"
    row = table.rows.get(model)
    if row is None:
        return Estimate(what, None, f"the price table has no model {model!r} for {table.path}")

    def priced(b: dict[str, Any]) -> int | None:
        try:
            return estimate_credits(row, b, input_seconds=lambda _b: INPUT_SECONDS)
        except (TypeError, ValueError, KeyError, AttributeError):
            return None

    got = priced(body) if isinstance(body, dict) else None
    if got is None:
        # A body the table cannot price (broken fields): the row's default form stands in.
        got = priced({})
    if got is None:
        return Estimate(what, None, f"the request to {table.path} cannot be priced")
    return Estimate(what, got)


@dataclass
class Budget:
    """Credits the recorded tasks may commit; every created task counts at its estimate."""

    limit: int | None
    committed: int = 0
    tasks: list[tuple[str, int]] = field(default_factory=list)
    refused: list[tuple[str, int | None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refusal(self, est: Estimate) -> str | None:
        """Why ``est`` may not be sent (None: it fits), and reserve it if it fits."""
        if self.limit is None:
            return None
        with self._lock:
            if est.credits is None:
                self.refused.append((est.what, None))
                return (f"runway-mock record: budget guard: {est.reason}, so its cost is "
                        f"unknown and it was not sent to the upstream (budget {self.limit} "
                        "credits).")
            if self.committed + est.credits > self.limit:
                self.refused.append((est.what, est.credits))
                return (f"runway-mock record: budget reached: this {est.what} task is "
                        f"estimated at {est.credits} credits and {self.committed} of the "
                        f"{self.limit} budgeted credits are committed, so it was not sent "
                        "to the upstream.")
            self.committed += est.credits  # reserved now: parallel creates cannot overrun
            return None

    def settle(self, est: Estimate, created: bool) -> None:
        """Keep the reservation of a created task; release one the upstream refused."""
        with self._lock:
            if created:
                self.tasks.append((est.what, est.credits or 0))
            elif self.limit is not None and est.credits is not None:
                self.committed -= est.credits


# ---------------------------------------------------------------------------
# The proxy


class Proxy:
    """A WSGI app that forwards to ``upstream`` and records every exchange."""

    def __init__(self, upstream: str, cassette_dir: str | Path, *, budget: int | None = None,
                 with_media: bool = False, session: requests.Session | None = None,
                 secrets: Iterable[str] = (), name: str | None = None) -> None:
        from runway_mock.clock import Clock, iso

        self.upstream = upstream.rstrip("/")
        self.dir = Path(cassette_dir)
        self.with_media = with_media
        self.session = session or requests.Session()
        self.budget = Budget(budget)
        self.secrets: set[str] = {s for s in secrets if s}
        self.exchanges: list[cassettes.Exchange] = []
        self._lock = threading.Lock()
        self._media_lock = threading.Lock()
        self._endpoints = task_endpoints()
        started = Clock().now()
        stamp = iso(started).replace("-", "").replace(":", "").split(".")[0] + "Z"
        self.path = self._free_path(name or f"record-{stamp}")
        host = urlsplit(self.upstream).hostname or ""
        self.metadata: dict[str, Any] = {
            "recorder": "runway-mock record",
            "target": "proxy",
            "recordedAgainst": "runway" if host.endswith("runwayml.com") else "upstream",
            "baseUrl": cassettes.rewrite_uri(self.upstream),
            "apiVersion": API_VERSION,
            "recordedAt": iso(started).split(".")[0] + "Z",
        }
        self.media: dict[str, dict[str, Any]] = self._read_media_index()

    def _free_path(self, stem: str) -> Path:
        path, n = self.dir / f"{stem}.yaml", 1
        while path.exists():
            n += 1
            path = self.dir / f"{stem}-{n}.yaml"
        return path

    # -- WSGI -------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"].upper()
        path = environ.get("PATH_INFO") or "/"
        query = environ.get("QUERY_STRING") or ""
        body = _read_body(environ)
        headers = _request_headers(environ)
        token = cassettes.bearer_token(headers)
        if token:
            with self._lock:
                self.secrets.add(token)
        est = None
        if method == "POST" and path in self._endpoints:
            est = estimate_create(self._endpoints[path], cassettes.json_or_bytes(body))
            refusal = self.budget.refusal(est)
            if refusal is not None:
                return _respond(start_response, 400, {"Content-Type": "application/json",
                                                      "X-Runway-Mock-Budget": "refused"},
                                json.dumps({"error": refusal}).encode())
        url = self.upstream + path + (f"?{query}" if query else "")
        try:
            resp = self.session.request(method, url, headers=headers, data=body or None,
                                        allow_redirects=False, timeout=UPSTREAM_TIMEOUT)
        except requests.RequestException as exc:
            if est is not None:
                self.budget.settle(est, created=False)
            # Not the client's fault: the upstream could not be reached (a gateway error).
            message = (f"runway-mock record: the upstream {self.upstream} could not be "
                       f"reached ({type(exc).__name__}); nothing was recorded.")
            return _respond(start_response, 502, {"Content-Type": "application/json"},
                            json.dumps({"error": message}).encode())
        content = resp.content
        if est is not None:
            self.budget.settle(est, created=resp.status_code == 200)
        out_headers = {k: v for k, v in resp.headers.items()
                       if k.lower() not in HOP_BY_HOP | RECOMPUTED}
        exchange = cassettes.Exchange(method, url, headers, body, resp.status_code,
                                      resp.reason or "", dict(out_headers), content)
        self._record(exchange)
        return _respond(start_response, resp.status_code, out_headers, content,
                        reason=resp.reason)

    # -- recording ---------------------------------------------------------------

    def _record(self, exchange: cassettes.Exchange) -> None:
        with self._lock:
            secrets = tuple(sorted(self.secrets))
        scrubbed = exchange.scrubbed(secrets, base_url=self.upstream)
        if self.with_media:
            self._fetch_media(exchange, scrubbed)
        with self._lock:
            self.exchanges.append(scrubbed)
            self._write_locked()

    def _write_locked(self) -> None:
        meta = dict(self.metadata)
        meta["exchanges"] = len(self.exchanges)
        cassettes.write(self.path, meta, self.exchanges)

    def _fetch_media(self, raw: cassettes.Exchange, scrubbed: cassettes.Exchange) -> None:
        """Store the outputs a finished task points at (once per output link)."""
        if raw.method != "GET" or raw.status != 200 or "/v1/tasks/" not in raw.uri:
            return
        real, clean = _outputs(raw.response_body), _outputs(scrubbed.response_body)
        for url, key in zip(real, clean, strict=False):
            name = media_name(key)
            with self._media_lock:
                if name in self.media:
                    continue
                try:
                    got = self.session.get(url, timeout=UPSTREAM_TIMEOUT)
                except requests.RequestException as exc:
                    print(f"runway-mock record: could not fetch an output "
                          f"({type(exc).__name__}); the replay will answer 404 for it",
                          file=sys.stderr, flush=True)
                    continue
                if got.status_code != 200:
                    continue
                folder = self.dir / MEDIA_DIR
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(got.content)
                ctype = got.headers.get("Content-Type") or mimetypes.guess_type(name)[0]
                self.media[name] = {"url": key, "contentType": ctype or
                                    "application/octet-stream", "bytes": len(got.content)}
                (folder / MEDIA_INDEX).write_text(json.dumps(self.media, indent=1,
                                                             sort_keys=True) + "\n")

    def _read_media_index(self) -> dict[str, dict[str, Any]]:
        index = self.dir / MEDIA_DIR / MEDIA_INDEX
        if index.is_file():
            try:
                return json.loads(index.read_text())
            except ValueError:
                return {}
        return {}

    def close(self) -> None:
        """Write the cassette a last time (also when nothing was recorded)."""
        with self._lock:
            if self.exchanges:
                self._write_locked()

    def summary(self) -> str:
        """Exchanges recorded, tasks created and the credits they were estimated at."""
        b = self.budget
        lines = [f"runway-mock record: {len(self.exchanges)} exchanges recorded"
                 + (f" in {self.path}" if self.exchanges else " (no cassette written)"),
                 f"  tasks created: {len(b.tasks)}, estimated at "
                 f"{sum(c for _w, c in b.tasks)} credits"
                 + (f" (budget {b.limit})" if b.limit is not None else "")]
        if b.refused:
            lines.append(f"  refused by the budget guard, not sent: {len(b.refused)}")
        if self.with_media:
            lines.append(f"  media files stored: {len(self.media)}")
        return "\n".join(lines)


def _outputs(body: bytes) -> list[str]:
    data = cassettes.json_or_bytes(body)
    if isinstance(data, dict) and data.get("status") == "SUCCEEDED":
        out = data.get("output")
        if isinstance(out, list):
            return [u for u in out if isinstance(u, str) and u.startswith(("http://",
                                                                           "https://"))]
    return []


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if stream is None or length <= 0:
        return b""
    return stream.read(length)


def _request_headers(environ: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = "-".join(p.capitalize() for p in key[5:].split("_"))
            out[name] = value
    if environ.get("CONTENT_TYPE"):
        out["Content-Type"] = environ["CONTENT_TYPE"]
    drop = HOP_BY_HOP | {"host", "content-length", "accept-encoding"}
    return {k: v for k, v in out.items() if k.lower() not in drop}


def _respond(start_response: Callable[..., Any], status: int, headers: dict[str, str],
             body: bytes, reason: str | None = None) -> Iterator[bytes]:
    from http import HTTPStatus

    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = _REASONS.get(status, "")
    hdrs = [(k, v) for k, v in headers.items() if k.lower() not in RECOMPUTED]
    hdrs.append(("Content-Length", str(len(body))))
    start_response(f"{status} {reason}", hdrs)
    return iter([body])


# ---------------------------------------------------------------------------
# The command


def _run(args: argparse.Namespace) -> int:
    import os

    from runway_mock import serving

    if not is_loopback(args.host):
        print("runway-mock record: the proxy forwards your API key; it binds loopback only "
              f"(got --host {args.host})", file=sys.stderr)
        return 2
    proxy = Proxy(args.upstream, args.cassettes, budget=args.budget,
                  with_media=args.with_media,
                  secrets=[os.environ.get("RUNWAYML_API_SECRET", "")])

    def ready(url: str) -> None:
        print(f"runway-mock recording {proxy.upstream} through {url}", flush=True)
        print(f"  export RUNWAYML_BASE_URL={url}", flush=True)
        print(f"  cassette: {proxy.path}" + (f"; budget {args.budget} credits"
                                             if args.budget is not None else ""), flush=True)

    try:
        serving.serve_waitress(lambda: proxy, host=args.host, port=args.port,
                               threads=args.threads, on_ready=ready,
                               ident="runway-mock-record")
    finally:
        proxy.close()
    print(proxy.summary(), flush=True)
    return 0


def add_parser(sub: Any) -> None:
    """Register the ``record`` verb with ``runway-mock``'s sub-commands."""
    p = sub.add_parser("record", help="a proxy that forwards to Runway's API and records "
                                      "every exchange to a cassette")
    p.add_argument("--upstream", default=DEFAULT_UPSTREAM,
                   help=f"the API to forward to (default {DEFAULT_UPSTREAM})")
    p.add_argument("--cassettes", required=True, metavar="DIR",
                   help="folder the cassette (and --with-media files) are written to")
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--budget", type=int, default=None, metavar="CREDITS",
                   help="most credits the recorded task creates may be estimated at; a "
                        "create that would cross it is refused locally (400)")
    p.add_argument("--with-media", action="store_true",
                   help="also store the output files finished tasks point at")
    p.add_argument("--threads", type=int, default=8, help="worker threads")
    p.set_defaults(func=_run)


__all__ = ["DEFAULT_UPSTREAM", "Budget", "Estimate", "Proxy", "add_parser", "estimate_create",
           "media_name", "task_endpoints"]
