"""Error renderers: ``ApiError``, routing errors and the unexpected, all in Runway's shape."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, current_app, request
from runway_mock.errors import DOC_URL, ApiError, ValidationFailed
from runway_mock.http.wire import json_response, runtime
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
    return json_response(api_error_body(runtime(), err, request.method, request.path),
                         err.status, err.headers)


def api_error_body(rt: Any, err: ApiError, method: str, path: str) -> dict[str, Any]:
    """The body an ``ApiError`` answers a ``method`` call to ``path`` with (also used by
    ``http.fast``)."""
    captured = rt.config.error_wording == "captured"
    body = err.body()
    if isinstance(err, ValidationFailed):
        if not captured:
            body["error"] = err.message if err.custom_message else err.reference_message()
        elif not err.custom_message:
            part = err.part or ("query" if method in ("GET", "DELETE") else "body")
            body["error"] = f"Validation of {part} failed"
        if captured:
            body["issues"] = [zod4_issue(i) for i in err.issues]
    return _with_doc_url(body, captured, path)


def _with_doc_url(body: dict[str, Any], captured: bool, path: str | None = None
                  ) -> dict[str, Any]:
    """Runway's API error bodies end with ``docUrl`` (not the emulator's own endpoints)."""
    path = request.path if path is None else path
    if captured and path.startswith("/v1/") and "docUrl" not in body:
        return {**body, "docUrl": DOC_URL}
    return body


# ---------------------------------------------------------------------------
# Zod 4 issues. The schema reports Zod 3 shapes; Runway's API answers with Zod 4's (public
# captures), so they are rewritten here, with Zod 4's English messages.

_SIZING = {"string": "characters", "array": "items"}


def _quote(value: Any) -> str:
    """A value as Zod 4's messages write it: JSON for strings, booleans and null."""
    return json.dumps(value) if isinstance(value, (str, bool)) or value is None else str(value)


def _bound(issue: dict[str, Any], big: bool) -> dict[str, Any]:
    key = "maximum" if big else "minimum"
    limit = issue.get(key)
    origin = issue.get("type", "number")
    inclusive = issue.get("inclusive", True)
    op = ("<=" if inclusive else "<") if big else (">=" if inclusive else ">")
    value = int(limit) if isinstance(limit, float) and limit.is_integer() else limit
    unit = _SIZING.get(origin)
    head = "Too big" if big else "Too small"
    message = (f"{head}: expected {origin} to have {op}{value} {unit}" if unit
               else f"{head}: expected {origin} to be {op}{value}")
    return {"origin": origin, "code": issue["code"], key: limit, "type": origin,
            "inclusive": inclusive, "path": issue["path"], "message": message}


def zod4_issue(issue: dict[str, Any]) -> dict[str, Any]:
    """One issue in Zod 4's shape and wording (unknown codes pass through)."""
    code, path = issue.get("code"), issue.get("path", [])
    if code in ("too_big", "too_small"):
        return _bound(issue, code == "too_big")
    if code == "invalid_type":
        expected = issue.get("expected", "unknown")
        received = issue.get("received", "undefined")
        return {"expected": expected, "code": code, "path": path,
                "message": f"Invalid input: expected {expected}, received {received}"}
    if code == "invalid_enum_value":
        values = list(issue.get("options", []))
        return {"code": "invalid_value", "values": values, "path": path,
                "message": "Invalid option: expected one of "
                           + "|".join(_quote(v) for v in values)}
    if code == "invalid_literal":
        expected = issue.get("expected")
        return {"code": "invalid_value", "values": [expected], "path": path,
                "message": f"Invalid input: expected {_quote(expected)}"}
    if code == "invalid_union_discriminator":
        return {"code": "invalid_union", "errors": [], "note": "No matching discriminator",
                "discriminator": str(path[-1]) if path else "", "path": path,
                "message": "Invalid input"}
    if code == "unrecognized_keys":
        keys = list(issue.get("keys", []))
        plural = "s" if len(keys) > 1 else ""
        return {"code": code, "keys": keys, "path": path,
                "message": f"Unrecognized key{plural}: " + ", ".join(_quote(k) for k in keys)}
    if code == "invalid_string":
        out = {k: v for k, v in issue.items() if k != "validation"}
        return {**out, "code": "invalid_format", "format": issue.get("validation", "regex")}
    return issue


def render_http_error(err: HTTPException) -> Response:
    """A routing or size error (404, 405, 413...) in Runway's error shape."""
    status = err.code or 500
    message = _HTTP_MESSAGES.get(status, err.description or err.name)
    if status == 405:
        message = f"Method {request.method} is not allowed for {request.path}."
    resp = json_response(_with_doc_url({"error": message},
                                       runtime().config.error_wording == "captured"), status)
    if status == 405:
        resp.headers["Allow"] = ", ".join(allowed_methods())
    return resp


def allowed_methods() -> list[str]:
    """The methods of the route that owns the request's path, for ``Allow``.

    A path can match several routes (``/v1/voices/preview`` is also ``/v1/voices/<id>``);
    werkzeug would list the methods of all of them. The owner is the route with the
    fewest variables among those that match (routing prefers static segments); each
    method of it may be a rule of its own.
    """
    adapter = current_app.url_map.bind_to_environ(request.environ)
    rules = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            rule, _args = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        rules.append(rule)
    if not rules:
        return []
    owner = min(rules, key=lambda r: len(r.arguments)).rule
    return sorted({m for r in rules if r.rule == owner for m in r.methods or ()})


def render_unexpected(err: Exception) -> Response:
    """A bug in the emulator: logged, and answered with a 500 that says so."""
    log.exception("unhandled error: %s", err)
    return json_response({"error": "An unexpected error occurred in the emulator."}, 500)
