"""Hostile input: each row is one request and the exact status the emulator must answer.

Every row runs in-process (Flask's test client) and against a served emulator on a free
loopback port, under both servers the emulator ships with: Granian (``runway-mock
serve``) and waitress (``serve --server waitress``, ``runway_mock.testing.serve``). Raw
``http.client`` sends the requests, so no client library tidies them.
A 5xx is never right. Where a JavaScript JSON stack (Runway's API runs on Express and
Zod) accepts something, such as lone surrogates or NUL inside strings, duplicate keys
or exponent numbers, accepting it is the faithful answer; where it rejects something
(NaN, Infinity), so does the emulator.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from runway_mock import create_app
from runway_mock.clock import fake_clock
from runway_mock.testing import serve

from tests.conftest import auth

LIMIT = 64 * 1024  # the body size limit of the apps under test (config max_body_bytes)
JSON_CT = {"Content-Type": "application/json"}


def video(prompt: str = "a cat", **extra: str) -> bytes:
    """A valid text_to_video body; ``prompt`` is pasted raw (JSON escapes allowed)."""
    rest = "".join(f',"{k}":{v}' for k, v in extra.items())
    head = '{"model":"veo3.1","ratio":"1280:720","promptText":"'
    return (head + prompt + '"' + rest + "}").encode()


AVATAR_OBJ_TYPE = (b'{"name":"Ava","personality":"Friendly.","referenceImage":'
                   b'"https://example.com/a.png","voice":{"presetId":"victoria","type":{}}}')
AVATAR_VIDEO_OBJ_TYPE = (b'{"model":"gwm1_avatars","avatar":{"type":{},"avatarId":"x"},'
                         b'"speech":{"type":{},"text":"hi"}}')
GENERATE_AUDIO_OBJ_TYPE = (b'{"configId":"x","input":{"type":"speech","promptText":"hi",'
                           b'"voice":{"type":{},"presetId":"victoria"}}}')
REALTIME_OBJ_TYPE = b'{"model":"gwm1_avatars","avatar":{"type":{},"avatarId":"x"}}'


@dataclass(frozen=True)
class Row:
    """One hostile request; ``served`` maps a server to its status where that differs."""

    id: str
    status: int
    body: bytes | None = None
    path: str = "/v1/text_to_video"
    method: str = "POST"
    headers: dict[str, str | None] = field(default_factory=dict)
    served: dict[str, int] = field(default_factory=dict)


BIG = b"9" * 5000
ROWS = [
    # Not JSON, or not sent as JSON.
    Row("malformed-json", 400, b'{"model":'),
    Row("truncated-json", 400, video()[:-3]),
    Row("trailing-garbage", 400, video() + b"}"),
    Row("missing-content-type-is-read-as-json", 200, video(), headers={"Content-Type": None}),
    Row("text-plain-content-type", 400, video(), headers={"Content-Type": "text/plain"}),
    Row("form-content-type", 400, video(),
        headers={"Content-Type": "application/x-www-form-urlencoded"}),
    Row("json-with-charset", 200, video(),
        headers={"Content-Type": "application/json; charset=utf-8"}),
    Row("invalid-utf8", 400, video().replace(b"cat", b"c\xff\xfet")),
    Row("over-the-size-limit", 413, video("a" * (LIMIT + 10))),
    # Shapes.
    Row("nested-10000-deep-array", 400, b"[" * 10_000 + b"]" * 10_000),
    Row("nested-10000-deep-object", 400, b'{"a":' * 10_000 + b"1" + b"}" * 10_000),
    Row("nested-65-deep", 400, b"[" * 65 + b"]" * 65),
    Row("array-body", 400, b"[]"),
    Row("string-body", 400, b'"veo3.1"'),
    Row("number-body", 400, b"1"),
    Row("null-body", 400, b"null"),
    Row("empty-body", 400, b""),
    Row("duplicate-keys-last-wins", 200, b'{"model":"nope","model":"veo3.1",'
                                         b'"ratio":"1280:720","promptText":"a"}'),
    # Strings a JavaScript stack accepts.
    Row("lone-surrogate-escaped", 200, video("\\ud800 cat")),
    Row("lone-low-surrogate-escaped", 200, video("cat \\udfff")),
    Row("surrogate-bytes-cesu8", 200, video().replace(b"cat", b"\xed\xa0\x80")),
    Row("nul-in-string", 200, video("a\\u0000b")),
    Row("raw-control-char-in-string", 400, video("a\x01b")),
    # Numbers.
    Row("nan", 400, video(duration="NaN")),
    Row("infinity", 400, video(duration="Infinity")),
    Row("minus-infinity", 400, video(duration="-Infinity")),
    Row("exponent-overflow", 400, video(duration="1e400")),
    Row("integer-of-5000-digits", 400, video(duration=BIG.decode())),
    Row("negative-integer-of-5000-digits", 400, video(seed="-" + BIG.decode())),
    Row("exponent-integer-accepted", 200, video(duration="8e0")),
    Row("fraction-exponent-accepted", 200, video(duration="0.8e1")),
    Row("float-integer-accepted", 200, video(duration="8.0")),
    Row("fraction-rejected", 400, video(duration="7.5")),
    Row("tiny-exponent", 400, video(duration="1e-400")),
    # Discriminators given an object (each was a 500).
    Row("avatar-voice-type-object", 400, AVATAR_OBJ_TYPE, "/v1/avatars"),
    Row("avatar-video-type-object", 400, AVATAR_VIDEO_OBJ_TYPE, "/v1/avatar_videos"),
    Row("generate-audio-voice-type-object", 400, GENERATE_AUDIO_OBJ_TYPE,
        "/v1/generate/audio"),
    Row("realtime-avatar-type-object", 400, REALTIME_OBJ_TYPE, "/v1/realtime_sessions"),
    Row("model-as-object", 400, b'{"model":{},"ratio":"1280:720","promptText":"a"}'),
    Row("model-as-array", 400, b'{"model":["veo3.1"],"ratio":"1280:720","promptText":"a"}'),
    Row("enum-given-object", 400, video(ratio='{"a":1}')),
    # Lengths count UTF-16 code units, as JavaScript's String.length does (veo3.1: 1000).
    Row("prompt-500-emoji-is-1000-units", 200, video("\\ud83d\\ude00" * 500)),
    Row("prompt-501-emoji-is-1002-units", 400, video("\\ud83d\\ude00" * 501)),
    Row("prompt-1000-bmp-chars", 200, video("\u00e9" * 1000)),
    Row("prompt-1001-bmp-chars", 400, video("\u00e9" * 1001)),
    # Ids and paths.
    Row("id-not-a-uuid", 404, None, "/v1/tasks/not-a-uuid", "GET"),
    # Granian refuses a request line this long before the app sees it.
    Row("id-absurdly-long", 404, None, "/v1/tasks/" + "a" * 100_000, "GET",
        served={"granian": 414}),
    Row("id-with-nul", 404, None, "/v1/tasks/a%00b", "GET"),
    Row("id-invalid-percent-utf8", 404, None, "/v1/tasks/%ff%fe", "GET"),
    Row("dot-dot", 404, None, "/v1/tasks/../organization", "GET"),
    Row("encoded-dot-dot", 404, None, "/v1/tasks/%2e%2e/organization", "GET"),
    Row("leading-double-slash", 404, None, "//v1/organization", "GET"),
    Row("inner-double-slash", 404, None, "/v1//organization", "GET"),
    Row("encoded-slash-in-id", 404, None, "/v1/tasks/a%2Fb", "GET"),
    # Granian decodes %2F and passes no raw path, so the app cannot tell (a known gap).
    Row("encoded-slash-between-segments", 404, None, "/v1%2Forganization", "GET",
        served={"granian": 200}),
    Row("plain-path-still-works", 200, None, "/v1/organization", "GET"),
    # Queries.
    Row("limit-of-5000-digits", 400, None, "/v1/avatars?limit=" + "9" * 5000, "GET"),
    Row("limit-nan", 400, None, "/v1/avatars?limit=NaN", "GET"),
    Row("cursor-invalid-utf8", 400, None, "/v1/avatars?cursor=%ff%fe", "GET"),
    # Headers: the app has no limit of its own; the servers answer 431 (Granian beyond
    # about a hundred headers, waitress beyond 256 KiB of them).
    Row("many-small-headers", 200, None, "/v1/organization", "GET",
        {f"X-Flood-{i}": "a" for i in range(2000)}, served={"granian": 431}),
    Row("header-flood", 200, None, "/v1/organization", "GET",
        {f"X-Flood-{i}": "a" * 200 for i in range(2000)},
        served={"granian": 431, "waitress": 431}),
    Row("bearer-without-a-key", 401, None, "/v1/organization", "GET",
        {"Authorization": "Bearer"}),
    # The control API takes the same bodies.
    Row("control-api-key-lone-surrogate", 200, b'{"apiKey":"\\ud800","set":5}',
        "/_mock/credits"),
    Row("control-credits-of-5000-digits", 400, b'{"apiKey":"k","set":' + BIG + b"}",
        "/_mock/credits"),
    Row("control-deep-body", 400, b"[" * 10_000 + b"]" * 10_000, "/_mock/faults"),
]


def _headers(row: Row) -> dict[str, str]:
    out = {**auth(), **JSON_CT} if row.body is not None else dict(auth())
    for name, value in row.headers.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def _app():
    return create_app({"seed": 3, "max_body_bytes": LIMIT}, clock=fake_clock())


def _check_shape(status: int, content_type: str, data: bytes) -> None:
    assert status < 500
    if status >= 400 and content_type.startswith("application/json"):
        body = json.loads(data)
        assert isinstance(body, dict) and isinstance(body["error"], str), body


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_in_process(row: Row) -> None:
    """Each hostile request gets its exact expected status and a well-formed body in process."""
    client = _app().test_client()
    resp = client.open(row.path, method=row.method, data=row.body, headers=_headers(row))
    assert resp.status_code == row.status, resp.get_data(as_text=True)[:300]
    _check_shape(resp.status_code, resp.content_type or "", resp.get_data())


_GRANIAN = """
import sys
from runway_mock import serving
from runway_mock.app import create_app
from runway_mock.clock import fake_clock
build = lambda: create_app({"seed": 3, "max_body_bytes": int(sys.argv[2])}, clock=fake_clock())
serving.serve(build, host="127.0.0.1", port=int(sys.argv[1]), workers=1, threads=2)
"""


@contextmanager
def _granian() -> Iterator[str]:
    from runway_mock.serving import free_port

    port = free_port("127.0.0.1")
    proc = subprocess.Popen([sys.executable, "-c", _GRANIAN, str(port), str(LIMIT)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("Granian did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module", params=["granian", "waitress"])
def served(request):
    if request.param == "granian":
        with _granian() as url:
            yield request.param, url
    else:
        with serve(_app(), threads=2) as url:
            yield request.param, url


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_served(served: tuple[str, str], row: Row) -> None:
    """Each hostile request gets its expected status and a well-formed body over HTTP."""
    server, url = served
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest(row.method, row.path, skip_accept_encoding=True)
        for name, value in _headers(row).items():
            conn.putheader(name, value)
        if row.body is not None:
            conn.putheader("Content-Length", str(len(row.body)))
        conn.endheaders(row.body)
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    expected = row.served.get(server, row.status)
    assert resp.status == expected, data[:300]
    _check_shape(resp.status, resp.getheader("Content-Type") or "", data)
