"""Request hooks: authentication, the HTTP side of fault effects, and the journal.

Order (``install``): the journal starts, the caller is authenticated, a fault rule may
answer instead of the view; after the view the journal records the call from what the
request context holds (``wire.created``: the view noted the task it made), then a late
fault may alter the response. The control API under /_mock is neither faulted nor journaled.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, g, request
from runway_mock.clock import wall_elapsed
from runway_mock.config import API_VERSION, Runtime, tenant_of
from runway_mock.domain import faults, journal, tasks
from runway_mock.errors import BadRequest, Forbidden, Unauthorized
from runway_mock.http.access_log import ENTRY_KEY
from runway_mock.http.errors import allowed_methods
from runway_mock.http.wire import (
    caller,
    created,
    json_response,
    observed,
    operation,
    peek_json,
    runtime,
    sent_json,
)
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as NoRoute

try:  # waitress closes the socket without a response for this exception
    from waitress.channel import ClientDisconnected as _Disconnect
except ImportError:  # pragma: no cover - waitress is a dependency
    _Disconnect = ConnectionError  # type: ignore[misc,assignment]

_ADMIN_HEADER = "X-Runway-Mock-Admin-Token"


class DroppedConnection(_Disconnect):
    """Raised while sending a response body: the server closes the socket, no response."""


def install(app: Flask) -> None:
    """Register the hooks on ``app`` (before its blueprints, so they run first)."""
    app.before_request(journal_start)
    app.before_request(refuse_odd_paths)
    app.before_request(answer_options)
    app.before_request(authenticate)
    app.before_request(inject_fault)
    # after_request hooks run in reverse: the journal sees the view's response before a
    # late fault alters it (whether the fault dropped it is read from ``g.fault``).
    app.after_request(late_fault)
    app.after_request(journal_finish)


def refuse_odd_paths() -> None:
    """Paths that Express (Runway's stack) would route nowhere are 404 here too.

    werkzeug ignores leading slashes (``//v1/...``) and WSGI servers decode ``%2F``
    before routing, which would let ``/v1%2Forganization`` reach ``/v1/organization``;
    Express matches routes on the raw path, so both are unrouted. The raw path is known
    only where the server passes it (waitress and werkzeug do, Granian does not).
    """
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    path = raw.partition("?")[0] if raw else request.environ.get("PATH_INFO", "")
    if "%2f" in path.lower() or path.startswith("//"):
        raise NoRoute()  # rendered like any unrouted path


def answer_options() -> Response | None:
    """OPTIONS lists the methods of the route that owns the path, needing no key."""
    if request.method != "OPTIONS" or request.url_rule is None:
        return None
    resp = Response(status=200)
    resp.headers["Allow"] = ", ".join(allowed_methods())
    return resp


def authenticate() -> None:
    """Every /v1 call needs a bearer key and the API version header."""
    if not request.path.startswith("/v1/"):
        return
    # Views named *_noauth authenticate differently (e.g. with a realtime session key).
    if request.endpoint and request.endpoint.endswith("_noauth"):
        return
    g.tenant = tenant_from(runtime(), request.headers.get("Authorization", ""))
    check_version(request.headers.get("X-Runway-Version"))


def tenant_from(rt: Runtime, header: str) -> str:
    """The tenant an ``Authorization`` header names; 401 when it names none."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        # The first sentence is Runway's (public captures); the second is assumed.
        raise Unauthorized(
            "No API key was provided. Send it in the Authorization header as "
            "'Bearer <key>'."
        )
    if not rt.config.is_tenant(token):
        raise Unauthorized("The API key is not valid. Check it in the developer portal.")
    return tenant_of(token)


def check_version(version: str | None) -> None:
    """400 unless ``X-Runway-Version`` is the supported version."""
    # Runway's wording for both (public captures); both are 400 here.
    if version is None:
        raise BadRequest("The X-Runway-Version header was not provided in the request")
    if version != API_VERSION:
        raise BadRequest("The API version that was provided in the X-Runway-Version header "
                         "is not valid.")


# ---------------------------------------------------------------------------
# Fault injection


def _call_model(rt: Runtime) -> str | None:
    """The model a call is about: the body's ``model``, or the model of the task it names."""
    if request.method == "POST":
        body = peek_json()
        if isinstance(body, dict) and isinstance(body.get("model"), str):
            return body["model"]
    task_id = (request.view_args or {}).get("task_id")
    tenant = caller()
    if task_id and tenant:
        task = rt.store.get(tenant, tasks.KIND, task_id)
        return task["model"] if task else None
    return None


def _header_rule(rt: Runtime, value: str) -> dict[str, Any]:
    """The one-call fault rule of the request header, if this emulator honours it."""
    token = rt.config.admin_token
    if token is None and rt.config.exposed:
        raise Forbidden(f"The {faults.HEADER} header is disabled: the emulator is exposed "
                        "beyond loopback without an admin token.")
    if token is not None:
        given = request.headers.get(_ADMIN_HEADER, "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise Forbidden(f"The {faults.HEADER} header needs the admin token in "
                            f"{_ADMIN_HEADER}.")
    return faults.parse_header(value)


def _dropped() -> Response:
    """A response that sends nothing: iterating it makes the server close the socket."""
    def body() -> Iterator[bytes]:
        raise DroppedConnection("connection dropped by a fault rule")
        yield b""  # pragma: no cover - makes this a generator

    return Response(body(), status=200)


def inject_fault() -> Response | None:
    """Effects applied before the view: latency, a status, an early drop, a task override."""
    if not observed():
        return None
    rt = runtime()
    header = request.headers.get(faults.HEADER)
    header_rule = _header_rule(rt, header) if header else None
    call = faults.Call(request.method, request.path, request.endpoint, caller(),
                       model_loader=lambda: _call_model(rt))
    fired = faults.decide(rt, call, header_rule)
    if fired is None:
        return None
    g.fault = fired
    effect = fired.effect
    delay = effect.get("latency", 0.0) + effect.get("seconds", 0.0)
    if delay:
        rt.sleep(delay)
    kind = effect["type"]
    if kind == "status":
        resp = json_response(faults.error_body(effect), effect["status"],
                             faults.error_headers(effect))
        resp.headers["X-Runway-Mock-Fault-Rule"] = fired.rule_id
        return resp
    if kind == "drop" and not effect["after"]:
        return _dropped()
    # The views pass this down to the tasks the request creates (wire.task_override).
    g.task_override = faults.task_override(effect)
    return None


def late_fault(response: Response) -> Response:
    """Effects applied to the view's response: drop after, truncate, malformed."""
    fired = g.get("fault")
    if fired is None:
        return response
    kind = fired.effect["type"]
    if kind == "drop":
        return response if not fired.effect["after"] else _dropped()
    if kind == "truncate":
        data = response.get_data()
        if not data:
            return _dropped()
        part = faults.truncated(fired.effect, data)
        cut = Response(iter([part]), status=response.status_code, headers=response.headers)
        cut.headers["Content-Length"] = str(len(data))
        cut.headers["X-Runway-Mock-Fault-Rule"] = fired.rule_id
        return cut
    if kind == "malformed":
        response.set_data(faults.malformed_body(fired.effect, response.get_data()))
    if kind != "status":
        response.headers["X-Runway-Mock-Fault-Rule"] = fired.rule_id
    return response


# ---------------------------------------------------------------------------
# The request journal


def journal_start() -> None:
    """Note when the call began (by the emulator's clock and by the wall) and what it sent.

    The body is the request's one parse, scrubbed into a copy now: the view shares that
    parse, and whatever it does with it cannot change what the journal says was sent.
    """
    if observed():
        g.journal_wall = wall_elapsed()
        g.journal_at = runtime().clock.now()
        g.journal_request = _request_body()


def retry_after(headers: Any) -> float | None:
    """The retry delay response headers ask for, in seconds (None: none or unreadable)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = lowered.get(name)
        if value:
            try:
                return float(value) * scale
            except ValueError:
                return None
    return None


def _body_hash() -> str | None:
    try:
        return journal.body_hash(request.get_data(cache=True))
    except HTTPException:  # a body over the size limit is never read
        return None


def _request_body() -> Any:
    """The call's JSON body, scrubbed, when it has one."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
        return None
    body = peek_json()  # the view's one parse: never raises, None when not JSON
    return None if body is None else journal.scrub(body)


def _response_body(response: Response, dropped: bool) -> Any:
    """The answer's JSON body, scrubbed; for media, its type and size."""
    if dropped or response.is_streamed or response.direct_passthrough:
        length = response.content_length
        return ({"contentType": response.mimetype, "bytes": length}
                if not dropped and length else None)
    if response.is_json:
        data = sent_json(response)
        return None if data is None else journal.scrub(data)
    length = response.content_length
    return {"contentType": response.mimetype, "bytes": length} if length else None


def journal_entry(*, at: float, end: float, wall: float, method: str, path: str,
                  endpoint: str | None, tenant: str | None, status: int, fired: Any,
                  body_hash: str | None, retry: str, retry_after: float | None,
                  user_agent: str, task_id: str | None, request_body: Any,
                  response_body: Any, source: str | None,
                  made: dict[str, Any] | None) -> dict[str, Any]:
    """One journal entry (the Flask hook and ``http.fast`` both build it here)."""
    entry: dict[str, Any] = {
        "at": at,
        "end": end,
        "wall": wall,
        "ms": round((wall_elapsed() - wall) * 1000, 3),
        "method": method,
        "path": path,
        "endpoint": endpoint,
        "tenant": tenant,
        "status": status,
        "fault": ({"rule": fired.rule_id, "type": fired.effect["type"], "call": fired.call}
                  if fired else None),
        "bodyHash": body_hash,
        "retryCount": int(retry) if retry.isdigit() else None,
        "retryAfter": retry_after,
        "userAgent": user_agent[:80] or None,
        "taskId": task_id,
        "request": request_body,
        "response": response_body,
        # Set by the replay server (runway_mock/replay.py) for answers it left to us.
        "source": source,
    }
    if made is not None:
        entry.update(created=True, **made)
    return entry


def journal_finish(response: Response) -> Response:
    """Record the call in the journal: a hash of its body and both bodies scrubbed."""
    if "journal_at" not in g:
        return response
    rt = runtime()
    fired = g.get("fault")
    dropped = fired is not None and (fired.effect["type"] == "drop" or (
        fired.effect["type"] == "truncate" and not response.get_data()))
    made = created()
    entry = journal_entry(
        at=g.journal_at, end=rt.clock.now(), wall=g.journal_wall, method=request.method,
        path=request.path, endpoint=operation(request.endpoint), tenant=caller(),
        status=journal.DROPPED if dropped else response.status_code, fired=fired,
        body_hash=_body_hash() if request.method in ("POST", "PUT", "PATCH") else None,
        retry=request.headers.get("x-stainless-retry-count", ""),
        retry_after=retry_after(response.headers), user_agent=request.user_agent.string,
        task_id=(request.view_args or {}).get("task_id"), request_body=g.journal_request,
        response_body=_response_body(response, dropped),
        source=request.environ.get("runway_mock.source"),
        made=made if response.status_code == 200 else None)
    journal.record(rt, entry)
    request.environ[ENTRY_KEY] = entry  # read by the access log
    return response
