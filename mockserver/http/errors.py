"""Error renderers: ``ApiError``, routing errors and the unexpected, all in Runway's shape."""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from runway_mock.errors import ApiError
from runway_mock.http.wire import json_response
from werkzeug.exceptions import HTTPException

log = logging.getLogger("runway_mock")

_HTTP_MESSAGES = {
    404: "Not found: no such endpoint. See https://docs.dev.runwayml.com/api for the API.",
    405: "Method not allowed for this endpoint.",
    413: "The request body is too large.",
}


def install(app: Flask) -> None:
    """Register the renderers on ``app``."""
    app.register_error_handler(ApiError, render_api_error)
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(Exception, render_unexpected)


def render_api_error(err: ApiError) -> Response:
    """An ``ApiError`` as its class's status and Runway's error body."""
    return json_response(err.body(), err.status, err.headers)


def render_http_error(err: HTTPException) -> Response:
    """A routing or size error (404, 405, 413...) in Runway's error shape."""
    status = err.code or 500
    message = _HTTP_MESSAGES.get(status, err.description or err.name)
    if status == 405:
        message = f"Method {request.method} is not allowed for {request.path}."
    resp = json_response({"error": message}, status)
    allowed = getattr(err, "valid_methods", None)
    if status == 405 and allowed:
        resp.headers["Allow"] = ", ".join(allowed)
    return resp


def render_unexpected(err: Exception) -> Response:
    """A bug in the emulator: logged, and answered with a 500 that says so."""
    log.exception("unhandled error: %s", err)
    return json_response({"error": "An unexpected error occurred in the emulator."}, 500)
