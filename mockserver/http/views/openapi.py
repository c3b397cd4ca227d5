"""``GET /openapi.json``: the emulator's own OpenAPI document (no API key needed)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from runway_mock.http import openapi
from runway_mock.http.wire import json_response

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi_document_noauth() -> Response:
    """The document, generated for this app's routes."""
    return json_response(openapi.document(current_app))
