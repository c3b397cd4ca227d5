"""The fast path: task creation and ``GET /v1/tasks/{id}`` without Flask's machinery.

These two calls are what a polling client sends over and over. This WSGI layer answers
them directly, with the same domain calls, the same authentication, error bodies and
journal entry as the Flask hooks and views (``http.hooks``, ``http.views.api``), and
hands every other call, and every call it cannot answer the plain way, to Flask: a
fault rule or fault header is in play, the body is absent, chunked or over the size
limit, the host or path is anything but plain ASCII, or a script root is set. Every
test that goes through the app's WSGI callable (the test client included) runs here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from runway_mock.clock import wall_elapsed
from runway_mock.config import Runtime
from runway_mock.domain import faults, journal
from runway_mock.errors import ApiError
from runway_mock.http.access_log import ENTRY_KEY
from runway_mock.http.errors import api_error_body
from runway_mock.http.hooks import check_version, journal_entry, retry_after, tenant_from
from runway_mock.http.wire import created_note, operation, parse_body

log = logging.getLogger("runway_mock")

_JSON = "application/json; charset=utf-8"
_TASKS = "/v1/tasks/"
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]")
_STATUS = {200: "200 OK"}
_DEFAULT_PORTS = {"http": "80", "https": "443"}

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _status_line(code: int) -> str:
    line = _STATUS.get(code)
    if line is None:
        from http import HTTPStatus

        try:
            line = f"{code} {HTTPStatus(code).phrase.upper()}"
        except ValueError:
            line = f"{code} UNKNOWN"
        _STATUS[code] = line
    return line


def _host(environ: dict[str, Any]) -> str | None:
    """``request.host`` as werkzeug gives it for a plain host, else None."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if host is None:
        host = environ.get("SERVER_NAME", "")
        port = environ.get("SERVER_PORT")
        if port and port != _DEFAULT_PORTS.get(scheme):
            host = f"{host}:{port}"
    if not host or not _PLAIN.issuperset(host):
        return None
    default = _DEFAULT_PORTS.get(scheme)
    if default and host.endswith(":" + default):
        host = host[: -len(default) - 1]
    return f"{scheme}://{host}"


def _mimetype(environ: dict[str, Any]) -> str:
    return environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()


def _journal_request(environ: dict[str, Any], raw: bytes, parsed: Any) -> Any:
    """hooks._request_body (wire.peek_json scrubbed) on the raw environ."""
    mime = _mimetype(environ)
    if not (mime == "application/json"
            or (mime.startswith("application/") and mime.endswith("+json"))):
        return None  # request.is_json
    if not raw.strip() or parsed is None:
        return None
    return journal.scrub(parsed)


class FastPath:
    """WSGI middleware in front of the Flask app (``app.wsgi_app``)."""

    def __init__(self, app: Any, inner: WSGIApp) -> None:
        from runway_mock.http.views import api

        self.inner = inner
        self.rt: Runtime = app.extensions["runway_mock"]
        self.max_body = app.config.get("MAX_CONTENT_LENGTH")
        self.api = api
        # Create endpoints by path, with their Flask endpoint names, read from the URL map.
        self.creates: dict[str, tuple[str, str]] = {}
        self.get_endpoint: str | None = None
        for rule in app.url_map.iter_rules():
            methods = rule.methods or set()
            if rule.endpoint.startswith("api.create_") and "POST" in methods \
                    and not rule.arguments:
                self.creates[rule.rule] = (operation(rule.endpoint),
                                           rule.endpoint[len("api.create_"):])
            elif rule.rule == "/v1/tasks/<task_id>" and "GET" in methods:
                self.get_endpoint = operation(rule.endpoint)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if raw is not None:
            raw = raw.partition("?")[0]
            if "%" in raw or raw.startswith("//"):  # hooks.refuse_odd_paths decides
                return self.inner(environ, start_response)
        if method == "GET" and path.startswith(_TASKS) and self.get_endpoint:
            task_id = path[len(_TASKS):]
            if task_id and "/" not in task_id and task_id.isascii() \
                    and not environ.get("SCRIPT_NAME") and self._plain(environ):
                return self._get(environ, start_response, path, task_id)
        elif method == "POST" and path in self.creates and not environ.get("SCRIPT_NAME"):
            raw = self._body(environ)
            if raw is not None and self._plain(environ):
                return self._create(environ, start_response, path, raw)
        return self.inner(environ, start_response)

    def _plain(self, environ: dict[str, Any]) -> bool:
        return "HTTP_X_RUNWAY_MOCK_FAULT" not in environ and not faults.active(self.rt)

    def _body(self, environ: dict[str, Any]) -> bytes | None:
        """The request body when it has a plain length within the limit, else None."""
        length = environ.get("CONTENT_LENGTH")
        if not length or not length.isdigit() or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        n = int(length)
        if self.max_body is not None and n > self.max_body:
            return None
        stream = environ["wsgi.input"]
        raw = stream.read(n) if n else b""
        if len(raw) != n:
            return None  # pragma: no cover - a short body: werkzeug's handling applies
        # Flask may still need the body (a fall-back below): give it an unread copy.
        import io

        environ["wsgi.input"] = io.BytesIO(raw)
        return raw

    # -- the two calls ---------------------------------------------------------------

    def _authenticate(self, environ: dict[str, Any]) -> str:
        """hooks.authenticate on the raw environ; returns the tenant."""
        return tenant_from(self.rt, environ.get("HTTP_AUTHORIZATION", ""))

    @staticmethod
    def _version(environ: dict[str, Any]) -> None:
        check_version(environ.get("HTTP_X_RUNWAY_VERSION"))

    def _get(self, environ: dict[str, Any], start_response: Callable[..., Any], path: str,
             task_id: str) -> Iterable[bytes]:
        configured = self.rt.config.public_url
        base = configured.rstrip("/") if configured else _host(environ)
        if base is None:
            return self.inner(environ, start_response)
        rt = self.rt
        wall = wall_elapsed()
        at = rt.clock.now()
        tenant = None
        try:
            tenant = self._authenticate(environ)
            self._version(environ)
            status, body, headers = 200, self.api.read_task(rt, tenant, task_id, base), None
        except ApiError as err:
            status, headers = err.status, err.headers
            body = api_error_body(rt, err, environ["REQUEST_METHOD"], path)
        except Exception as err:  # the Flask app's last-resort renderer, same words
            log.exception("unhandled error: %s", err)
            status, body, headers = 500, {"error": "An unexpected error occurred in the "
                                                   "emulator."}, None
        return self._reply(environ, start_response, status, body, headers, at=at, wall=wall,
                           path=path, endpoint=self.get_endpoint, tenant=tenant,
                           task_id=task_id, body_hash=None, created=None, request_body=None)

    def _create(self, environ: dict[str, Any], start_response: Callable[..., Any], path: str,
                raw: bytes) -> Iterable[bytes]:
        rt = self.rt
        endpoint, name = self.creates[path]
        wall = wall_elapsed()
        at = rt.clock.now()
        tenant = None
        created = None
        parsed, refusal = parse_body(raw, _mimetype(environ))  # the view's one parse
        sent = _journal_request(environ, raw, parsed)  # scrubbed now, as journal_start does
        try:
            tenant = self._authenticate(environ)
            self._version(environ)
            if refusal is not None:
                raise refusal
            body, created = self.api.create_task(rt, tenant, name, parsed)
            status, headers = 200, None
        except ApiError as err:
            status, headers = err.status, err.headers
            body = api_error_body(rt, err, environ["REQUEST_METHOD"], path)
        except Exception as err:
            log.exception("unhandled error: %s", err)
            status, body, headers = 500, {"error": "An unexpected error occurred in the "
                                                   "emulator."}, None
        return self._reply(environ, start_response, status, body, headers, at=at, wall=wall,
                           path=path, endpoint=endpoint, tenant=tenant, task_id=None,
                           body_hash=journal.body_hash(raw), created=created,
                           request_body=sent)

    def _reply(self, environ: dict[str, Any], start_response: Callable[..., Any], status: int,
               body: Any, headers: dict[str, str] | None, *, at: float, wall: float,
               path: str, endpoint: str | None, tenant: str | None, task_id: str | None,
               body_hash: str | None, created: dict[str, Any] | None,
               request_body: Any) -> Iterable[bytes]:
        data = json.dumps(body, separators=(",", ":")).encode()
        out = [("Content-Type", _JSON), ("Content-Length", str(len(data)))]
        if headers:
            out.extend(headers.items())
        rt = self.rt
        made = created_note(created) if status == 200 and created is not None else None
        entry = journal_entry(
            at=at, end=rt.clock.now(), wall=wall, method=environ["REQUEST_METHOD"],
            path=path, endpoint=endpoint, tenant=tenant, status=status, fired=None,
            body_hash=body_hash, retry=environ.get("HTTP_X_STAINLESS_RETRY_COUNT", ""),
            retry_after=retry_after(headers or {}),
            user_agent=environ.get("HTTP_USER_AGENT", ""), task_id=task_id,
            request_body=request_body, response_body=journal.scrub(body),
            source=environ.get("runway_mock.source"), made=made)
        journal.record(rt, entry)
        environ[ENTRY_KEY] = entry  # read by the access log
        start_response(_status_line(status), out)
        return [data]
