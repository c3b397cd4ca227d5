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

# The key of the runtime in ``app.extensions``.
EXTENSION = "runway_mock"


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


def read_json(default: Any = None) -> Any:
    """The request's JSON body; a clear 400 when it is not JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {} if default is None else default
    mime = request.mimetype
    if mime and mime != "application/json" and not mime.endswith("+json"):
        raise BadRequest(
            f"The request body must be JSON, sent with 'Content-Type: application/json' "
            f"(got '{mime}')."
        )
    try:
        return json.loads(raw)
    except UnicodeDecodeError as exc:
        raise BadRequest("The request body is not valid UTF-8 JSON.") from exc
    except json.JSONDecodeError as exc:
        raise BadRequest(
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}."
        ) from exc


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
    """Whether the journal and fault rules see this call (the control API is exempt)."""
    return not request.path.startswith("/_mock")
