"""What every view and hook shares: the runtime, the caller, the JSON body, JSON responses.

Views and hooks import from here, never from ``runway_mock.app``: the factory imports
them, so they cannot import it back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, g, request
from runway_mock.config import Runtime, tenant_of
from runway_mock.errors import BadRequest
from werkzeug.exceptions import HTTPException

# The key of the runtime in ``app.extensions``.
EXTENSION = "runway_mock"


def operation(view: str | None) -> str | None:
    """The one name of an API operation, as the journal shows it and fault rules match it:
    the view name without its blueprint, and task creates named by their path
    (``api.create_image_to_video`` -> ``image_to_video``; ``api.get_task`` -> ``get_task``)."""
    if not view:
        return None
    blueprint, _, short = view.rpartition(".")
    return short.removeprefix("create_") if blueprint == "api" else short


def no_content() -> Response:
    """204 with no body and no Content-Type (Flask would call the empty body text/html)."""
    resp = Response(status=204)
    del resp.headers["Content-Type"]
    return resp


def runtime() -> Runtime:
    """The runtime of the app serving the current request."""
    return current_app.extensions[EXTENSION]


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None
                  ) -> Response:
    """A JSON response with Runway's content type."""
    resp = Response(json.dumps(body, separators=(",", ":")), status=status,
                    content_type="application/json; charset=utf-8")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _parsed_body() -> tuple[Any, BadRequest | None]:
    """The JSON body and the 400 it earns, parsed once per request and kept on ``g``.

    An empty body parses as ``{}``. A body over the size limit raises werkzeug's 413
    each time it is asked for (it is never read).
    """
    cached = g.get("wire_body")
    if cached is None:
        cached = g.wire_body = _parse(request.get_data(cache=True))
    return cached


def _parse(raw: bytes) -> tuple[Any, BadRequest | None]:
    if not raw.strip():
        return {}, None
    mime = request.mimetype
    if mime and mime != "application/json" and not mime.endswith("+json"):
        return None, BadRequest(
            f"The request body must be JSON, sent with 'Content-Type: application/json' "
            f"(got '{mime}')."
        )
    try:
        return json.loads(raw), None
    except UnicodeDecodeError:
        return None, BadRequest("The request body is not valid UTF-8 JSON.")
    except json.JSONDecodeError as exc:
        return None, BadRequest(
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}."
        )


def read_json() -> Any:
    """The request's JSON body (``{}`` when empty); a clear 400 when it is not JSON."""
    body, error = _parsed_body()
    if error is not None:
        raise error
    return body


def peek_json() -> Any:
    """The JSON body as the view will read it, or None when it is not JSON or too large.

    For the hooks that run before the view (fault matching on ``model``): they share
    the view's one parse and never raise.
    """
    try:
        return _parsed_body()[0]
    except HTTPException:  # e.g. too large: the view reports it
        return None


def note_created(task: Mapping[str, Any]) -> None:
    """Record on the request that it created ``task`` (the journal reads this)."""
    g.created = {"taskId": task["id"], "model": task["model"],
                 "throttled": True if task.get("queued") else None}


def created() -> dict[str, Any] | None:
    """What ``note_created`` recorded for this request, if anything."""
    return g.get("created")


def base_url() -> str:
    """Where this emulator is reached, for links it hands out."""
    configured = runtime().config.public_url
    return (configured or request.host_url).rstrip("/")


def tenant() -> str:
    """The calling tenant (a hash of its API key), set by authentication."""
    return g.tenant


def caller() -> str | None:
    """The tenant hash of the call, also for calls refused before authentication."""
    if g.get("tenant"):
        return g.tenant
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return tenant_of(token.strip()) if scheme.lower() == "bearer" and token.strip() else None


def observed() -> bool:
    """Whether the journal and fault rules see this call (the control API and the index at
    ``/`` are exempt)."""
    return not request.path.startswith("/_mock") and request.path != "/"
