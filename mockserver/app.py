"""The Flask application factory.

``create_app`` builds everything: runtime (config, clock, seeded source, store), the
blueprints and the error handlers. Nothing stateful exists at import time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from mockserver.clock import Clock
from mockserver.errors import ApiError, BadRequest, Unauthorized
from mockserver.runtime import API_VERSION, Config, Runtime, tenant_of
from mockserver.store import MemoryStore, Store

EXTENSION = "runway_mock"
log = logging.getLogger("runway_mock")


def create_app(config: Mapping[str, Any] | Config | None = None, *, clock: Clock | None = None,
               store: Store | None = None) -> Flask:
    """Build an emulator app; ``clock`` and ``store`` may be injected (tests pass fakes)."""
    cfg = config if isinstance(config, Config) else Config.from_mapping(dict(config or {}))
    app = Flask("mockserver")
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.json.sort_keys = False  # keep Runway's field order on the wire
    app.json.compact = True
    rt = Runtime(cfg, clock or Clock(), store or MemoryStore())
    app.extensions[EXTENSION] = rt

    from mockserver.views import register

    app.before_request(_authenticate)
    register(app)
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
