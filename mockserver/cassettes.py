"""Cassettes: the one format, scrubbing and matching shared by every recorder and player.

The contract kit (``runway_mock.contracts.cassettes``, through VCR.py), the recording proxy
(``runway-mock record``), the replay server (``runway-mock serve --replay``) and
``runway-mock drift`` all read and write the same YAML: a ``metadata`` block, VCR's
``version: 1`` and ``interactions`` (request/response pairs). This module needs only the
base install (PyYAML): no VCR.py, no Hypothesis.

- Scrubbing: the ``Authorization`` credential becomes ``[scrubbed]`` (the scheme stays),
  known secrets, ``Bearer <token>``, ``key_<hex>`` and JWTs (output links' ``_jwt=``)
  anywhere become ``[scrubbed]``, and so do upload signatures (``signature`` and
  ``policy`` fields, signed-URL query parameters). Only stable headers are kept.
- Matching: a request is compared with a recording by named matchers (``method``,
  ``path``, ``query`` normalised, ``body`` as JSON data, ``headers`` for the scrubbed
  ``Authorization`` and ``X-Runway-Version``, ``host``); ``differences`` says how two
  requests differ, so a miss can show the nearest recordings.
- ``Library``: recordings loaded from a folder, served in recorded order per request
  (successive polls of a task get its recorded states; the last one repeats).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import yaml

SCRUBBED = "[scrubbed]"
EMULATOR_HOST = "emulator.invalid"
FORMAT_VERSION = 1
# What the linter refuses to find in a cassette.
KEY_LIKE = re.compile(r"Bearer[ \t]+[A-Za-z0-9._~+/=-]{8,}|key_[0-9a-f]{16,}")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}")
_KEY = re.compile(r"key_[0-9a-f]{16,}")
_BEARER = re.compile(r"(Bearer[ \t]+)[A-Za-z0-9._~+/=-]{8,}")
# Signed upload forms and presigned URLs (S3, GCS): the signature and what it signs.
_SIGNED_FIELD = re.compile(
    r'("(?:signature|policy|x-amz-signature|x-amz-credential|x-amz-security-token|'
    r'x-goog-signature|x-goog-credential)"\s*:\s*")[^"]*(")', re.IGNORECASE)
_SIGNED_QUERY = re.compile(
    r"([?&](?:x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|"
    r"x-goog-credential|signature|sig)=)[^&\"'\s]+", re.IGNORECASE)
KEEP_REQUEST_HEADERS = ("content-type", "x-runway-version", "authorization")
KEEP_RESPONSE_HEADERS = ("content-type", "retry-after", "retry-after-ms", "allow", "location")
LOOPBACK = ("127.0.0.1", "localhost", "::1", "inprocess.invalid", "replay.invalid")
MATCHERS = ("method", "path", "query", "body", "headers", "host")
DEFAULT_MATCH_ON = ("method", "path", "query", "body")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# ---------------------------------------------------------------------------
# Names


def key_for_test(nodeid: str) -> str:
    """The API key an emulator target uses for one contract test: stable per test."""
    return "contract-" + hashlib.sha256(nodeid.encode()).hexdigest()[:20]


def cassette_path(root: Path, nodeid: str) -> Path:
    """Where the cassette of test ``nodeid`` lives under ``root``.

    Only the module's file name and the test name count, so the same test has the same
    cassette whatever the rootdir (a checkout, or an installed package run with --pyargs).
    """
    file_part, _, name = nodeid.partition("::")
    module = Path(file_part.replace("\\", "/")).stem
    name = name.replace("::", ".")
    base, _, param = name.partition("[")
    param = param.removesuffix("]")
    safe = re.sub(r"[^A-Za-z0-9_.=-]+", "-", param).strip("-")
    if safe != param:
        # Different ids can clean up to the same text ("Bearer" and "Bearer "): keep apart.
        safe += "-" + hashlib.sha256(param.encode()).hexdigest()[:8]
    return root / module / (f"{base}-{safe}.yaml" if param else f"{base}.yaml")


# ---------------------------------------------------------------------------
# Scrubbing


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with known secrets, bearer tokens, ``key_...`` keys and JWTs replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, SCRUBBED)
    text = _BEARER.sub(lambda m: m.group(1) + SCRUBBED, text)
    text = _KEY.sub("key_" + SCRUBBED, text)
    return _JWT.sub(SCRUBBED, text)


def scrub_signatures(text: str) -> str:
    """``text`` with upload-form signatures and presigned-URL signatures replaced."""
    text = _SIGNED_FIELD.sub(lambda m: m.group(1) + SCRUBBED + m.group(2), text)
    return _SIGNED_QUERY.sub(lambda m: m.group(1) + SCRUBBED, text)


def scrub_authorization(value: str) -> str:
    """Keep the scheme (so auth contracts still read), drop the credential."""
    scheme, _, cred = value.partition(" ")
    if not cred.strip():
        return value
    return f"{scheme} {SCRUBBED}"


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The credential of an ``Authorization`` header (any case), or None."""
    for name, value in headers.items():
        if name.lower() == "authorization":
            _, _, cred = value.partition(" ")
            return cred.strip() or None
    return None


def local_host(host: str | None) -> bool:
    """True for loopback hosts and ``.invalid`` names (rewritten to ``emulator.invalid``)."""
    return bool(host) and (host in LOOPBACK or host.endswith(".invalid"))


def rewrite_uri(uri: str) -> str:
    """A loopback URI with its host replaced by ``emulator.invalid``; others unchanged."""
    parts = urlsplit(uri)
    if local_host(parts.hostname):
        return urlunsplit(("http", EMULATOR_HOST, parts.path, parts.query, parts.fragment))
    return uri


def lint_text(text: str) -> list[str]:
    """Every key-like string in ``text``."""
    return [m.group(0) for m in KEY_LIKE.finditer(text)]


def lint(root: Path) -> list[tuple[Path, str]]:
    """(cassette, match) for every key-like string in the cassettes under ``root``."""
    out = []
    for path in sorted(Path(root).rglob("*.yaml")):
        out.extend((path, hit) for hit in lint_text(path.read_text(encoding="utf-8")))
    return out


# ---------------------------------------------------------------------------
# Exchanges and the file format


def _text(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, (bytes, bytearray)):
        try:
            return bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return str(body)


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    return str(body).encode("utf-8")


def _yaml_body(body: bytes) -> Any:
    """Text when the bytes are UTF-8 (readable YAML), else bytes (YAML ``!!binary``)."""
    if not body:
        return None
    text = _text(body)
    return text if text is not None else body


@dataclass
class Exchange:
    """One request and its response, as recorded."""

    method: str
    uri: str
    headers: dict[str, str]
    body: bytes
    status: int
    reason: str
    response_headers: dict[str, str]
    response_body: bytes

    def scrubbed(self, secrets: Iterable[str] = (), base_url: str | None = None) -> Exchange:
        """A copy fit for a cassette: kept headers only, secrets and signatures replaced,
        loopback hosts rewritten to ``emulator.invalid``."""
        secrets = tuple(s for s in secrets if s)
        headers = {name: scrub_authorization(value) if name.lower() == "authorization"
                   else value for name, value in self.headers.items()
                   if name.lower() in KEEP_REQUEST_HEADERS}
        uri = scrub_signatures(scrub_text(rewrite_uri(self.uri), secrets))
        body = self.body
        text = _text(body)
        if text is not None and text:
            body = scrub_text(text, secrets).encode("utf-8")
        rheaders = {k: v for k, v in self.response_headers.items()
                    if k.lower() in KEEP_RESPONSE_HEADERS}
        rbody = self.response_body
        rtext = _text(rbody)
        if rtext is not None and rtext:
            if base_url and local_host(urlsplit(base_url).hostname):
                rtext = rtext.replace(base_url.rstrip("/"), f"http://{EMULATOR_HOST}")
            rbody = scrub_signatures(scrub_text(rtext, secrets)).encode("utf-8")
        return Exchange(self.method.upper(), uri, headers, body, self.status, self.reason,
                        rheaders, rbody)

    def to_interaction(self) -> dict[str, Any]:
        """The exchange as a VCR interaction (what the YAML holds)."""
        return {
            "request": {"method": self.method, "uri": self.uri,
                        "body": _yaml_body(self.body),
                        "headers": {k: [v] for k, v in self.headers.items()}},
            "response": {"status": {"code": self.status, "message": self.reason},
                         "headers": {k: [v] for k, v in self.response_headers.items()},
                         "body": {"string": _yaml_body(self.response_body) or ""}},
        }

    @classmethod
    def from_interaction(cls, item: Mapping[str, Any]) -> Exchange:
        """Read one VCR interaction."""
        req, resp = item["request"], item["response"]
        return cls(
            method=str(req["method"]).upper(), uri=req["uri"],
            headers=_flat(req.get("headers")), body=_as_bytes(req.get("body")),
            status=int(resp["status"]["code"]),
            reason=str((resp.get("status") or {}).get("message") or ""),
            response_headers=_flat(resp.get("headers")),
            response_body=_as_bytes((resp.get("body") or {}).get("string")))


def _flat(headers: Any) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) and v else ("" if isinstance(v, list) else str(v)))
            for k, v in (headers or {}).items()}


def read(path: Path) -> dict[str, Any]:
    """A cassette file as data (``metadata``, ``interactions``)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader) or {}


def read_metadata(path: Path) -> dict[str, Any] | None:
    """The metadata block of a cassette, or None when there is no cassette."""
    path = Path(path)
    if not path.is_file():
        return None
    return read(path).get("metadata") or {}


def dump(metadata: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """YAML text: the metadata block first, then VCR's version and interactions."""
    doc = {"metadata": dict(metadata), **data}
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def load_text(text: str) -> dict[str, Any]:
    """Parse cassette YAML text."""
    return yaml.load(text, Loader=_Loader)


def write(path: Path, metadata: Mapping[str, Any], exchanges: Sequence[Exchange]) -> None:
    """Write a cassette atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dump(metadata, {"version": FORMAT_VERSION,
                           "interactions": [e.to_interaction() for e in exchanges]})
    fd, tmp = tempfile.mkstemp(prefix=".cassette-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def exchanges(path: Path) -> list[Exchange]:
    """The recorded exchanges of a cassette, in order."""
    return [Exchange.from_interaction(i) for i in read(path).get("interactions") or []]


def interactions(path: Path) -> list[dict[str, Any]]:
    """The recorded (request, response) pairs of a cassette, decoded for reading."""
    out = []
    for ex in exchanges(path):
        out.append({
            "method": ex.method, "uri": ex.uri, "headers": ex.headers,
            "body": _text(ex.body) if ex.body else None, "status": ex.status,
            "response_headers": {k.lower(): v for k, v in ex.response_headers.items()},
            "response_body": _text(ex.response_body) if ex.response_body else None,
        })
    return out


def cassette_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every cassette under ``paths`` (files or directories), in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    return out


def metadata_summary(meta: Mapping[str, Any]) -> str:
    """One line describing where and when a cassette was recorded."""
    return (f"{meta.get('target')} ({meta.get('recordedAgainst')}), API {meta.get('apiVersion')}, "
            f"{meta.get('recordedAt')}, seed {(meta.get('hypothesis') or {}).get('seed')}")


# ---------------------------------------------------------------------------
# Matching


def json_or_bytes(body: Any) -> Any:
    """A body as JSON data when it parses, as bytes otherwise, None when empty."""
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


def normalised_query(query: str) -> list[tuple[str, str]]:
    """Query parameters, sorted (order does not matter; repeated names keep their values)."""
    return sorted(parse_qsl(query, keep_blank_values=True))


@dataclass(frozen=True)
class Request:
    """A request as matchers see it (already scrubbed like a recording)."""

    method: str
    host: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: Any = field(compare=False, hash=False)

    @classmethod
    def of(cls, method: str, uri: str, headers: Mapping[str, str], body: Any) -> Request:
        """From a method, a URI, headers and a body (bytes, text or None)."""
        parts = urlsplit(uri)
        hdrs = tuple(sorted((k.lower(), v) for k, v in headers.items()
                            if k.lower() in ("authorization", "x-runway-version")))
        return cls(method.upper(), (parts.hostname or "").lower(), parts.path or "/",
                   tuple(normalised_query(parts.query)), hdrs, json_or_bytes(body))

    def describe(self) -> str:
        """``POST /v1/text_to_image?x=1``."""
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return f"{self.method} {self.path}" + (f"?{query}" if query else "")


def _show(value: Any, limit: int = 80) -> str:
    text = (json.dumps(value, separators=(",", ":")) if not isinstance(value, bytes)
            else f"<{len(value)} bytes>")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def data_differences(recorded: Any, sent: Any, where: str = "body") -> list[str]:
    """Where two JSON values differ (``body.promptText: "a" recorded, "b" sent``)."""
    if isinstance(recorded, dict) and isinstance(sent, dict):
        out: list[str] = []
        for key in sorted(recorded.keys() - sent.keys()):
            out.append(f"{where}.{key}: recorded, missing from the request")
        for key in sorted(sent.keys() - recorded.keys()):
            out.append(f"{where}.{key}: sent, not in the recording")
        for key in sorted(recorded.keys() & sent.keys()):
            out.extend(data_differences(recorded[key], sent[key], f"{where}.{key}"))
        return out
    if isinstance(recorded, list) and isinstance(sent, list) and len(recorded) == len(sent):
        out = []
        for i, (a, b) in enumerate(zip(recorded, sent, strict=True)):
            out.extend(data_differences(a, b, f"{where}[{i}]"))
        return out
    if recorded == sent and type(recorded) is type(sent):
        return []
    return [f"{where}: {_show(recorded)} recorded, {_show(sent)} sent"]


def _differ(name: str, recorded: Request, sent: Request) -> list[str]:
    if name == "method":
        return [] if recorded.method == sent.method else [
            f"method: {recorded.method} recorded, {sent.method} sent"]
    if name == "path":
        return [] if recorded.path == sent.path else [
            f"path: {recorded.path} recorded, {sent.path} sent"]
    if name == "host":
        return [] if recorded.host == sent.host else [
            f"host: {recorded.host} recorded, {sent.host} sent"]
    if name == "query":
        return [] if recorded.query == sent.query else [
            f"query: {_show(dict(recorded.query))} recorded, {_show(dict(sent.query))} sent"]
    if name == "headers":
        a, b = dict(recorded.headers), dict(sent.headers)
        return [f"header {k}: {a.get(k)!r} recorded, {b.get(k)!r} sent"
                for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)]
    if name == "body":
        return data_differences(recorded.body, sent.body)
    raise ValueError(f"unknown matcher {name!r} (known: {', '.join(MATCHERS)})")


def differences(recorded: Request, sent: Request,
                match_on: Sequence[str] = DEFAULT_MATCH_ON) -> list[str]:
    """How ``sent`` differs from ``recorded`` under the matchers ``match_on`` (empty: match)."""
    out: list[str] = []
    for name in match_on:
        out.extend(_differ(name, recorded, sent))
    return out


def parse_matchers(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"method,path,body"`` as a checked tuple of matcher names."""
    if text is None:
        return DEFAULT_MATCH_ON
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in MATCHERS]
    if unknown or not names:
        raise ValueError(f"unknown matcher(s) {', '.join(unknown) or '(none given)'}; "
                         f"choose from {', '.join(MATCHERS)}")
    return tuple(dict.fromkeys(names))


# ---------------------------------------------------------------------------
# A library of recordings, served in order


@dataclass
class Recording:
    """One recorded exchange and where it came from."""

    cassette: str
    index: int
    request: Request
    exchange: Exchange
    plays: int = 0

    @property
    def where(self) -> str:
        """``cassette.yaml#3``."""
        return f"{self.cassette}#{self.index}"


@dataclass
class Miss:
    """No recording matches; the nearest ones and how each differs."""

    request: Request
    nearest: list[tuple[Recording, list[str]]]

    def as_body(self) -> dict[str, Any]:
        """Runway's error shape, with the nearest recordings."""
        return {
            "error": f"No recording matches {self.request.describe()}: runway-mock is "
                     "replaying recorded exchanges in strict mode (record this request, or "
                     "serve with --replay-mode fallback to let the emulator answer it).",
            "nearest": [{"request": rec.request.describe(), "recording": rec.where,
                         "differs": diffs[:8]} for rec, diffs in self.nearest],
        }


class Library:
    """Recorded exchanges from cassettes, matched by ``match_on`` and served in order."""

    def __init__(self, recordings: list[Recording],
                 match_on: Sequence[str] = DEFAULT_MATCH_ON) -> None:
        self.recordings = recordings
        self.match_on = parse_matchers(match_on)
        self._lock = threading.Lock()

    @classmethod
    def load(cls, root: str | Path, match_on: Sequence[str] = DEFAULT_MATCH_ON) -> Library:
        """Every interaction of every cassette under ``root`` (recursively)."""
        root = Path(root)
        recs: list[Recording] = []
        for path in cassette_files([root]):
            name = path.relative_to(root).as_posix() if root.is_dir() else path.name
            for i, ex in enumerate(exchanges(path)):
                recs.append(Recording(name, i, Request.of(ex.method, ex.uri, ex.headers,
                                                          ex.body), ex))
        return cls(recs, match_on)

    def __len__(self) -> int:
        return len(self.recordings)

    def matches(self, request: Request) -> list[Recording]:
        """Recordings that match ``request``, in recorded order."""
        return [r for r in self.recordings if not differences(r.request, request, self.match_on)]

    def play(self, request: Request) -> Recording | Miss:
        """The first unplayed matching recording, else the last one again (a task's final
        state sticks), else a ``Miss`` naming the nearest recordings."""
        with self._lock:
            found = self.matches(request)
            if not found:
                return Miss(request, self.nearest(request))
            for rec in found:
                if rec.plays == 0:
                    rec.plays += 1
                    return rec
            found[-1].plays += 1
            return found[-1]

    def rewind(self) -> None:
        """Forget what was played (replay from the start)."""
        with self._lock:
            for rec in self.recordings:
                rec.plays = 0

    def nearest(self, request: Request, n: int = 3) -> list[tuple[Recording, list[str]]]:
        """The ``n`` recordings closest to ``request`` (fewest and least severe differences)."""
        weight = {"method": 100, "path": 50, "host": 5, "query": 10, "headers": 3, "body": 1}
        scored = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for rec in self.recordings:
            diffs = differences(rec.request, request, MATCHERS)
            key = (rec.request.describe(), tuple(diffs))
            if key in seen:
                continue  # the same request polled many times: show it once
            seen.add(key)
            score = sum(weight[name] + len(_differ(name, rec.request, request))
                        for name in MATCHERS if _differ(name, rec.request, request))
            if rec.request.path != request.path:
                score += _path_distance(rec.request.path, request.path)
            scored.append((score, len(scored), rec, diffs))
        scored.sort(key=lambda s: (s[0], s[1]))
        return [(rec, diffs) for _score, _i, rec, diffs in scored[:n]]


def _path_distance(a: str, b: str) -> int:
    pa, pb = a.strip("/").split("/"), b.strip("/").split("/")
    same = sum(1 for x, y in zip(pa, pb, strict=False) if x == y)
    return max(len(pa), len(pb)) - same


__all__ = [
    "DEFAULT_MATCH_ON", "EMULATOR_HOST", "KEEP_REQUEST_HEADERS", "KEEP_RESPONSE_HEADERS",
    "KEY_LIKE", "MATCHERS", "SCRUBBED", "Exchange", "Library", "Miss", "Recording", "Request",
    "bearer_token", "cassette_files", "cassette_path", "data_differences", "differences",
    "dump", "exchanges", "interactions", "json_or_bytes", "key_for_test", "lint", "lint_text",
    "load_text", "local_host", "metadata_summary", "normalised_query", "parse_matchers",
    "read", "read_metadata", "rewrite_uri", "scrub_authorization", "scrub_signatures",
    "scrub_text", "write",
]
