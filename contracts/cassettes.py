"""Cassettes: contract runs recorded with VCR.py, scrubbed of secrets, replayed offline.

One YAML cassette per contract test, with a ``metadata`` block (target, API version,
date, Hypothesis seed and profile, capabilities, and for emulator recordings the seed
that reproduces its ids). Recording keeps only stable headers, replaces the API key and
anything key-like with ``[scrubbed]``, and rewrites loopback hosts to
``emulator.invalid``. Replay matches on method, path, query, the JSON body and the auth
and version headers, serves repeated requests (polls) in recorded order and repeats the
last one when asked more often; a request with no recording fails the test.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

SCRUBBED = "[scrubbed]"
EMULATOR_HOST = "emulator.invalid"
# What the linter refuses to find in a cassette.
KEY_LIKE = re.compile(r"Bearer[ \t]+[A-Za-z0-9._~+/=-]{8,}|key_[0-9a-f]{16,}")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}")
_KEY = re.compile(r"key_[0-9a-f]{16,}")
_BEARER = re.compile(r"(Bearer[ \t]+)[A-Za-z0-9._~+/=-]{8,}")
KEEP_REQUEST_HEADERS = ("content-type", "x-runway-version", "authorization")
KEEP_RESPONSE_HEADERS = ("content-type", "retry-after", "retry-after-ms", "allow", "location")
LOOPBACK = ("127.0.0.1", "localhost", "::1", "inprocess.invalid", "replay.invalid")


class NetworkBlocked(OSError):
    """Replay tried to open a connection: every response must come from a cassette."""


class ReplayMiss(AssertionError):
    """A request has no recording in the test's cassette."""


def cassette_path(root: Path, nodeid: str) -> Path:
    """Where the cassette of test ``nodeid`` lives under ``root``."""
    file_part, _, name = nodeid.partition("::")
    module = Path(file_part).stem
    name = name.replace("::", ".")
    base, _, param = name.partition("[")
    param = param.removesuffix("]")
    safe = re.sub(r"[^A-Za-z0-9_.=-]+", "-", param).strip("-")
    if safe != param:
        # Different ids can clean up to the same text ("Bearer" and "Bearer "): keep apart.
        safe += "-" + hashlib.sha256(param.encode()).hexdigest()[:8]
    return root / module / (f"{base}-{safe}.yaml" if param else f"{base}.yaml")


def scrub_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with known secrets, bearer tokens, ``key_...`` keys and JWTs replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, SCRUBBED)
    text = _BEARER.sub(lambda m: m.group(1) + SCRUBBED, text)
    text = _KEY.sub("key_" + SCRUBBED, text)
    return _JWT.sub(SCRUBBED, text)


def scrub_authorization(value: str) -> str:
    """Keep the scheme (so auth contracts still read), drop the credential."""
    scheme, _, cred = value.partition(" ")
    if not cred.strip():
        return value
    return f"{scheme} {SCRUBBED}"


def lint_text(text: str) -> list[str]:
    """Every key-like string in ``text``."""
    return [m.group(0) for m in KEY_LIKE.finditer(text)]


def lint(root: Path) -> list[tuple[Path, str]]:
    """(cassette, match) for every key-like string in the cassettes under ``root``."""
    out = []
    for path in sorted(root.rglob("*.yaml")):
        out.extend((path, hit) for hit in lint_text(path.read_text(encoding="utf-8")))
    return out


def read(path: Path) -> dict[str, Any]:
    """A cassette file as data (``metadata``, ``interactions``)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}


def read_metadata(path: Path) -> dict[str, Any] | None:
    """The metadata block of a cassette, or None when there is no cassette."""
    if not path.is_file():
        return None
    return read(path).get("metadata") or {}


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Serializer:
    """VCR serializer that writes the metadata block first and reads it back unchanged."""

    def __init__(self, metadata: dict[str, Any]) -> None:
        self.metadata = metadata

    def serialize(self, data: dict[str, Any]) -> str:
        """YAML text: the metadata block, then VCR's version and interactions."""
        doc = {"metadata": self.metadata, **data}
        return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        """The cassette's data (VCR reads ``interactions``; ``metadata`` rides along)."""
        return yaml.load(text, Loader=_Loader)


def _local_host(host: str | None) -> bool:
    return bool(host) and (host in LOOPBACK or host.endswith(".invalid"))


def _rewrite_uri(uri: str) -> str:
    parts = urlsplit(uri)
    if _local_host(parts.hostname):
        return urlunsplit(("http", EMULATOR_HOST, parts.path, parts.query, parts.fragment))
    return uri


def _json_or_none(body: Any) -> Any:
    if body is None:
        return None
    if isinstance(body, str):
        body = body.encode()
    if not isinstance(body, (bytes, bytearray)) or not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        return bytes(body)


def json_body(r1: Any, r2: Any) -> None:
    """VCR matcher: JSON bodies compare as data (key order ignored); others as bytes."""
    a, b = _json_or_none(r1.body), _json_or_none(r2.body)
    if a != b:
        raise AssertionError(f"bodies differ: {a!r} != {b!r}")


def runway_headers(r1: Any, r2: Any) -> None:
    """VCR matcher: the (scrubbed) Authorization and X-Runway-Version headers agree."""
    for name in ("Authorization", "X-Runway-Version"):
        if r1.headers.get(name) != r2.headers.get(name):
            raise AssertionError(f"{name} differs: {r1.headers.get(name)!r} != "
                                 f"{r2.headers.get(name)!r}")


class Recorder:
    """A cassette for one test: ``record`` writes it, ``replay`` serves from it."""

    def __init__(self, path: Path, mode: str, metadata: dict[str, Any],
                 secrets: tuple[str, ...] = (), base_url: str | None = None) -> None:
        if mode not in ("record", "replay"):
            raise ValueError(f"unknown cassette mode {mode!r}")
        self.path = path
        self.mode = mode
        self.metadata = metadata
        self.secrets = tuple(s for s in secrets if s)
        self.base_url = base_url.rstrip("/") if base_url else None
        self._cm: Any = None
        self.cassette: Any = None

    # -- scrubbing -----------------------------------------------------------------

    def _request(self, request: Any) -> Any:
        request.headers = {
            name: scrub_authorization(value) if name.lower() == "authorization" else value
            for name, value in request.headers.items()
            if name.lower() in KEEP_REQUEST_HEADERS}
        request.uri = _rewrite_uri(request.uri)
        body = request.body
        if isinstance(body, (bytes, bytearray)) and body:
            text = body.decode("utf-8", errors="replace")
            request.body = scrub_text(text, self.secrets).encode()
        return request

    def _response(self, response: dict[str, Any]) -> dict[str, Any]:
        response["headers"] = {k: v for k, v in response.get("headers", {}).items()
                               if k.lower() in KEEP_RESPONSE_HEADERS}
        body = response.get("body", {}).get("string")
        if isinstance(body, (bytes, bytearray)) and body:
            text = body.decode("utf-8", errors="replace")
            if self.base_url and _local_host(urlsplit(self.base_url).hostname):
                text = text.replace(self.base_url, f"http://{EMULATOR_HOST}")
            response["body"]["string"] = scrub_text(text, self.secrets).encode()
        return response

    # -- replay order --------------------------------------------------------------

    def _play(self, request: Any) -> Any:
        """First unplayed recording of this request, else the last one (final state)."""
        cassette = self.cassette
        matches = list(cassette._responses(request))
        if not matches:
            raise ReplayMiss(self._miss(request))
        for index, response in matches:
            if cassette.play_counts[index] == 0:
                cassette.play_counts[index] += 1
                return response
        index, response = matches[-1]
        cassette.play_counts[index] += 1
        return response

    def _miss(self, request: Any) -> str:
        body = _json_or_none(request.body)
        return (f"no recording of {request.method} {urlsplit(request.uri).path} "
                f"(body {body!r}) in {self.path}; re-record the cassettes (see "
                "cassettes/README.md) if the contract or the Hypothesis version changed")

    # -- context -------------------------------------------------------------------

    def __enter__(self) -> Recorder:
        import vcr

        recorder = vcr.VCR(
            serializer="runway",
            record_mode="all" if self.mode == "record" else "none",
            match_on=("method", "path", "query", "json_body", "runway_headers"),
            before_record_request=self._request,
            before_record_response=self._response,
            decode_compressed_response=True,
            drop_unused_requests=self.mode == "record",
        )
        recorder.register_serializer("runway", _Serializer(self.metadata))
        recorder.register_matcher("json_body", json_body)
        recorder.register_matcher("runway_headers", runway_headers)
        if self.mode == "record" and self.path.exists():
            self.path.unlink()
        if self.mode == "replay" and not self.path.is_file():
            raise ReplayMiss(f"no cassette {self.path}: record it first (cassettes/README.md)")
        self._cm = recorder.use_cassette(str(self.path),
                                         allow_playback_repeats=self.mode == "replay")
        self.cassette = self._cm.__enter__()
        if self.mode == "replay":
            self.cassette.play_response = self._play
            self.cassette.can_play_response_for = lambda _request: True
            # Replay never writes: the recording stays exactly as committed.
            self.cassette._save = lambda force=False: None
        return self

    def __exit__(self, *exc: Any) -> None:
        cm, self._cm = self._cm, None
        if cm is not None:
            cm.__exit__(*exc)

    @property
    def interactions(self) -> int:
        """Requests recorded so far (record) or in the cassette (replay)."""
        return len(self.cassette) if self.cassette is not None else 0


@contextmanager
def no_network() -> Iterator[None]:
    """Refuse every outgoing connection and name lookup (replay must be offline)."""
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo,
             socket.create_connection)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NetworkBlocked("replay: the network is blocked; every response must come "
                             f"from a cassette (attempted {args[1:2] or args[:1]})")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.getaddrinfo = refuse  # type: ignore[assignment]
    socket.create_connection = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo,
         socket.create_connection) = saved  # type: ignore[method-assign,assignment]


def interactions(path: Path) -> list[dict[str, Any]]:
    """The recorded (request, response) pairs of a cassette, decoded for reading."""
    out = []
    for item in read(path).get("interactions") or []:
        req, resp = item["request"], item["response"]
        out.append({
            "method": req["method"],
            "uri": req["uri"],
            "headers": {k: (v[0] if isinstance(v, list) else v)
                        for k, v in (req.get("headers") or {}).items()},
            "body": req.get("body"),
            "status": resp["status"]["code"],
            "response_headers": {k.lower(): (v[0] if isinstance(v, list) else v)
                                 for k, v in (resp.get("headers") or {}).items()},
            "response_body": (resp.get("body") or {}).get("string"),
        })
    return out


def metadata_summary(meta: Mapping[str, Any]) -> str:
    """One line describing where and when a cassette was recorded."""
    return (f"{meta.get('target')} ({meta.get('recordedAgainst')}), API {meta.get('apiVersion')}, "
            f"{meta.get('recordedAt')}, seed {meta.get('hypothesis', {}).get('seed')}")


__all__ = [
    "KEY_LIKE", "SCRUBBED", "NetworkBlocked", "Recorder", "ReplayMiss", "cassette_path",
    "interactions", "lint", "lint_text", "metadata_summary", "no_network", "read",
    "read_metadata", "scrub_authorization", "scrub_text",
]
