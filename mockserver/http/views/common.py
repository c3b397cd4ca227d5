"""Helpers the views share: reading JSON bodies, base URLs, the tenant."""

from __future__ import annotations

import json
from typing import Any

from flask import g, request
from runway_mock.app import runtime
from runway_mock.errors import BadRequest


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
    """The calling tenant (a hash of its API key)."""
    return g.tenant
