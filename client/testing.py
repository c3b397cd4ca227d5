"""Run the client against a WSGI app in-process: a ``requests`` adapter, no sockets.

``wsgi_session(app)`` gives a ``requests.Session`` whose every http(s) request is
answered by ``app`` (for instance the emulator's ``create_app()``), so tests of code that
uses ``RunwayClient`` need no server: ``RunwayClient(key, base_url="http://runway.test",
session=wsgi_session(app))``. Output and upload links the app hands out route back to it.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class WSGIAdapter(BaseAdapter):
    """A transport adapter that hands each prepared request to a WSGI application."""

    def __init__(self, app: WSGIApp) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Any = None) -> requests.Response:
        """Answer ``request`` by calling the app (the transport options do not apply)."""
        url = urlsplit(request.url or "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = b"".join(body)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method or "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(url.path or "/").decode("latin-1"),
            "QUERY_STRING": url.query,
            "SERVER_NAME": url.hostname or "localhost",
            "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme or "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_HOST": url.netloc,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ[f"HTTP_{key}"] = value
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            started["status"], started["headers"] = status, headers
            return lambda data: None

        result = self.app(environ, start_response)
        try:
            data = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        response = requests.Response()
        code, _, reason = started["status"].partition(" ")
        response.status_code = int(code)
        response.reason = reason
        response.headers = CaseInsensitiveDict(started["headers"])
        response.raw = io.BytesIO(data)
        response.url = request.url or ""
        response.request = request
        response.encoding = get_encoding_from_headers(response.headers)
        response.connection = self
        return response

    def close(self) -> None:
        """Nothing to release."""


def wsgi_session(app: WSGIApp) -> requests.Session:
    """A session whose http:// and https:// requests are all answered by ``app``."""
    session = requests.Session()
    adapter = WSGIAdapter(app)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def response(status: int = 200, body: Any = None, headers: dict[str, str] | None = None,
             url: str = "http://runway.test/") -> requests.Response:
    """A ``requests.Response`` with a JSON (or raw bytes/text) body, for scripted sessions."""
    resp = requests.Response()
    resp.status_code = status
    resp.reason = {200: "OK", 204: "No Content"}.get(status, "")
    resp.headers = CaseInsensitiveDict(headers or {})
    if body is None:
        data = b""
    elif isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = json.dumps(body).encode()
        resp.headers.setdefault("Content-Type", "application/json; charset=utf-8")
    resp.raw = io.BytesIO(data)
    resp.url = url
    return resp


class ScriptedSession:
    """A fake session that answers from a script, one effect per request, and fails loudly.

    An effect is a ``requests.Response``, a ``(status, body)`` or ``(status, body,
    headers)`` tuple, or an exception to raise (``requests.ReadTimeout()`` ...). Running
    out of script raises AssertionError naming the request; ``calls`` records every
    request (method, url, headers, params, data) and ``unused`` what was never consumed.
    """

    def __init__(self, *effects: Any) -> None:
        self.script = list(effects)
        self.calls: list[dict[str, Any]] = []
        self.closed = False

    def add(self, *effects: Any) -> ScriptedSession:
        """Append effects to the script."""
        self.script.extend(effects)
        return self

    @property
    def unused(self) -> list[Any]:
        """Effects not consumed yet."""
        return list(self.script)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Record the request and play the next effect."""
        self.calls.append({"method": method, "url": url, **kwargs})
        if not self.script:
            raise AssertionError(f"unscripted request: {method} {url}")
        effect = self.script.pop(0)
        if isinstance(effect, BaseException):
            raise effect
        if isinstance(effect, requests.Response):
            return effect
        return response(*effect, url=url)

    def close(self) -> None:
        """Mark the session closed."""
        self.closed = True
