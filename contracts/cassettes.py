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

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# The format, scrubbing and matching live in ``runway_mock.cassettes`` (shared with the
# recording proxy, the replay server and drift); this module adds VCR.py's recording.
from runway_mock.cassettes import (
    EMULATOR_HOST,
    KEEP_REQUEST_HEADERS,
    KEEP_RESPONSE_HEADERS,
    KEY_LIKE,
    LOOPBACK,
    SCRUBBED,
    Request,
    cassette_path,
    data_differences,
    differences,
    interactions,
    json_or_bytes,
    lint,
    lint_text,
    load_text,
    local_host,
    metadata_summary,
    read,
    read_metadata,
    rewrite_uri,
    scrub_authorization,
    scrub_signatures,
    scrub_text,
)
from runway_mock.cassettes import dump as _dump


class NetworkBlocked(OSError):
    """Replay tried to open a connection: every response must come from a cassette."""


class ReplayMiss(AssertionError):
    """A request has no recording in the test's cassette."""


class _Serializer:
    """VCR serializer that writes the metadata block first and reads it back unchanged."""

    def __init__(self, metadata: dict[str, Any]) -> None:
        self.metadata = metadata

    def serialize(self, data: dict[str, Any]) -> str:
        """YAML text: the metadata block, then VCR's version and interactions."""
        return _dump(self.metadata, data)

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        """The cassette's data (VCR reads ``interactions``; ``metadata`` rides along)."""
        return load_text(text)


def json_body(r1: Any, r2: Any) -> None:
    """VCR matcher: JSON bodies compare as data (key order ignored); others as bytes."""
    found = data_differences(json_or_bytes(r1.body), json_or_bytes(r2.body))
    if found:
        raise AssertionError("; ".join(found))


def runway_headers(r1: Any, r2: Any) -> None:
    """VCR matcher: the (scrubbed) Authorization and X-Runway-Version headers agree."""
    found = differences(Request.of(r1.method, r1.uri, dict(r1.headers), None),
                        Request.of(r2.method, r2.uri, dict(r2.headers), None), ("headers",))
    if found:
        raise AssertionError("; ".join(found))


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
        request.uri = rewrite_uri(request.uri)
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
            if self.base_url and local_host(urlsplit(self.base_url).hostname):
                text = text.replace(self.base_url, f"http://{EMULATOR_HOST}")
            response["body"]["string"] = scrub_signatures(scrub_text(text, self.secrets)).encode()
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
        body = json_or_bytes(request.body)
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


__all__ = [
    "EMULATOR_HOST", "KEEP_REQUEST_HEADERS", "KEEP_RESPONSE_HEADERS", "KEY_LIKE", "LOOPBACK",
    "SCRUBBED", "NetworkBlocked", "Recorder", "ReplayMiss", "cassette_path", "interactions",
    "lint", "lint_text", "metadata_summary", "no_network", "read", "read_metadata",
    "scrub_authorization", "scrub_signatures", "scrub_text",
]
