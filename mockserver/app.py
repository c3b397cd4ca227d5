"""The Flask application factory.

``create_app`` builds everything: runtime (config, clock, seeded source, store), the
blueprints and the error handlers. Nothing stateful exists at import time.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Flask, Response, g, request
from runway_mock.clock import Clock
from runway_mock.config import API_VERSION, Config, Runtime, tenant_of
from runway_mock.errors import ApiError, BadRequest, Forbidden, Unauthorized
from runway_mock.store import MemoryStore, Store
from werkzeug.exceptions import HTTPException

EXTENSION = "runway_mock"
log = logging.getLogger("runway_mock")


def create_app(config: Mapping[str, Any] | Config | None = None, *, clock: Clock | None = None,
               store: Store | None = None) -> Flask:
    """Build an emulator app; ``clock`` and ``store`` may be injected (tests pass fakes)."""
    cfg = config if isinstance(config, Config) else Config.from_mapping(dict(config or {}))
    app = Flask("runway_mock")
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.json.sort_keys = False  # keep Runway's field order on the wire
    app.json.compact = True
    rt = Runtime(cfg, clock or Clock(), store or MemoryStore())
    app.extensions[EXTENSION] = rt

    from runway_mock.http.views import register

    app.before_request(_journal_start)
    app.before_request(_authenticate)
    app.before_request(_inject_fault)
    register(app)
    # after_request hooks run in reverse: the journal sees the view's response first.
    app.after_request(_late_fault)
    app.after_request(_journal_finish)
    app.teardown_request(_clear_task_override)
    app.register_error_handler(ApiError, _render_api_error)
    app.register_error_handler(HTTPException, _render_http_error)
    app.register_error_handler(Exception, _render_unexpected)
    return app


def runtime() -> Runtime:
    """The runtime of the app serving the current request."""
    from flask import current_app

    return current_app.extensions[EXTENSION]


def _authenticate() -> None:
    """Every /v1 call needs a bearer key and the API version header."""
    if not request.path.startswith("/v1/"):
        return
    # Views named *_noauth authenticate differently (e.g. with a realtime session key).
    if request.endpoint and request.endpoint.endswith("_noauth"):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(
            "Missing or invalid API key. Send it as 'Authorization: Bearer <key>'."
        )
    g.tenant = tenant_of(token)
    version = request.headers.get("X-Runway-Version")
    if version is None:
        raise BadRequest(
            f"Missing the X-Runway-Version header. Set it to '{API_VERSION}'."
        )
    if version != API_VERSION:
        raise BadRequest(
            f"Unsupported API version '{version}' in X-Runway-Version. "
            f"The supported version is '{API_VERSION}'."
        )


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None
                  ) -> Response:
    """A JSON response with Runway's content type."""
    resp = Response(json.dumps(body, separators=(",", ":")), status=status,
                    content_type="application/json; charset=utf-8")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _render_api_error(err: ApiError) -> Response:
    return json_response(err.body(), err.status, err.headers)


_HTTP_MESSAGES = {
    404: "Not found: no such endpoint. See https://docs.dev.runwayml.com/api for the API.",
    405: "Method not allowed for this endpoint.",
    413: "The request body is too large.",
}


def _render_http_error(err: HTTPException) -> Response:
    status = err.code or 500
    message = _HTTP_MESSAGES.get(status, err.description or err.name)
    if status == 405:
        message = f"Method {request.method} is not allowed for {request.path}."
    resp = json_response({"error": message}, status)
    allowed = getattr(err, "valid_methods", None)
    if status == 405 and allowed:
        resp.headers["Allow"] = ", ".join(allowed)
    return resp


def _render_unexpected(err: Exception) -> Response:
    log.exception("unhandled error: %s", err)
    return json_response({"error": "An unexpected error occurred in the emulator."}, 500)


# ---------------------------------------------------------------------------
# Request journal and fault injection (skipped for the control API under /_mock)

_ADMIN_HEADER = "X-Runway-Mock-Admin-Token"


def _observed() -> bool:
    return not request.path.startswith("/_mock")


def _caller() -> str | None:
    """The tenant hash of the call, also for calls refused before authentication."""
    if g.get("tenant"):
        return g.tenant
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return tenant_of(token.strip()) if scheme.lower() == "bearer" and token.strip() else None


def _journal_start() -> None:
    if _observed():
        g.journal_wall = time.monotonic()
        g.journal_at = runtime().clock.now()


def _call_model(rt: Runtime) -> str | None:
    """The model a call is about: the body's ``model``, or the model of the task it names."""
    if request.method == "POST":
        try:
            body = request.get_json(silent=True)
        except HTTPException:  # e.g. too large: the view reports it
            body = None
        if isinstance(body, dict) and isinstance(body.get("model"), str):
            return body["model"]
    task_id = (request.view_args or {}).get("task_id")
    tenant = _caller()
    if task_id and tenant:
        task = rt.store.get(tenant, "task", task_id)
        return task["model"] if task else None
    return None


def _header_rule(rt: Runtime, value: str) -> dict[str, Any]:
    """The one-call fault rule of the request header, if this emulator honours it."""
    from runway_mock.domain import faults

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
    from runway_mock.domain import faults

    def body() -> Iterator[bytes]:
        raise faults.DroppedConnection("connection dropped by a fault rule")
        yield b""  # pragma: no cover - makes this a generator

    return Response(body(), status=200)


def _inject_fault() -> Response | None:
    if not _observed():
        return None
    from runway_mock.domain import faults, policies

    rt = runtime()
    header = request.headers.get(faults.HEADER)
    header_rule = _header_rule(rt, header) if header else None
    call = faults.Call(request.method, request.path, request.endpoint, _caller(),
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
    override = faults.task_override(effect)
    if override is not None:
        g.override_token = policies.REQUEST_OVERRIDE.set(override)
    return None


def _late_fault(response: Response) -> Response:
    """Effects applied to the view's response: drop after, truncate, malformed."""
    fired = g.get("fault")
    if fired is None:
        return response
    from runway_mock.domain import faults

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


def _retry_after(response: Response) -> float | None:
    for name, scale in (("retry-after-ms", 0.001), ("Retry-After", 1.0)):
        value = response.headers.get(name)
        if value:
            try:
                return float(value) * scale
            except ValueError:
                return None
    return None


def _body_hash() -> str | None:
    from runway_mock.domain import journal

    try:
        return journal.body_hash(request.get_data(cache=True))
    except HTTPException:  # a body over the size limit is never read
        return None


def _journal_finish(response: Response) -> Response:
    if "journal_at" not in g:
        return response
    from runway_mock.domain import journal

    rt = runtime()
    fired = g.get("fault")
    dropped = fired is not None and (fired.effect["type"] == "drop" or (
        fired.effect["type"] == "truncate" and not response.get_data()))
    tenant = _caller()
    retry = request.headers.get("x-stainless-retry-count", "")
    entry: dict[str, Any] = {
        "at": g.journal_at,
        "end": rt.clock.now(),
        "wall": g.journal_wall,
        "ms": round((time.monotonic() - g.journal_wall) * 1000, 3),
        "method": request.method,
        "path": request.path,
        "endpoint": request.endpoint,
        "tenant": tenant,
        "status": journal.DROPPED if dropped else response.status_code,
        "fault": ({"rule": fired.rule_id, "type": fired.effect["type"], "call": fired.call}
                  if fired else None),
        "bodyHash": _body_hash() if request.method in ("POST", "PUT", "PATCH") else None,
        "retryCount": int(retry) if retry.isdigit() else None,
        "retryAfter": _retry_after(response),
        "userAgent": request.user_agent.string[:80] or None,
        "taskId": (request.view_args or {}).get("task_id"),
    }
    if (request.method == "POST" and response.status_code == 200 and tenant
            and not response.is_streamed and response.is_json):
        data = response.get_json(silent=True)
        task_id = data.get("id") if isinstance(data, dict) else None
        task = rt.store.get(tenant, "task", task_id) if isinstance(task_id, str) else None
        if task is not None:
            entry.update(taskId=task_id, created=True, model=task["model"],
                         throttled=True if task.get("queued") else None)
    journal.record(rt, entry)
    return response


def _clear_task_override(_exc: BaseException | None) -> None:
    token = g.pop("override_token", None)
    if token is not None:
        from runway_mock.domain import policies

        policies.REQUEST_OVERRIDE.reset(token)
