"""The dashboard page at /_mock/ui and the index at ``/`` that links to it.

The page and its assets are static files shipped in the package (no build step, no
CDN): they hold no data. Everything they show comes from the control API, under its
access rule: when an admin token is configured the page asks for it once and sends it
as ``Authorization: Bearer``; a tenant's API key is refused there like anywhere under
/_mock. Exposed beyond loopback without a token, the control API is disabled and so is
the page (403).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, request
from markupsafe import escape
from runway_mock.config import API_VERSION
from runway_mock.errors import Forbidden, NotFound
from runway_mock.http.wire import json_response, runtime

bp = Blueprint("dashboard", __name__)

ASSETS = Path(__file__).resolve().parent.parent / "static" / "dashboard"
UI = "/_mock/ui"
# Every asset comes from the emulator itself; links to outputs may use --public-url.
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data: blob: http: https:; media-src 'self' blob: http: https:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
# The page's files are few and small: read whole, never streamed from an open file.
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}


def _check_enabled() -> None:
    cfg = runtime().config
    if cfg.exposed and cfg.admin_token is None:
        raise Forbidden("The dashboard is disabled: the emulator is exposed beyond loopback "
                        "without an admin token (start it with --admin-token).")


def _asset(name: str) -> Response:
    _check_enabled()
    if not (ASSETS / name).is_file() or (ASSETS / name).suffix not in _TYPES:
        raise NotFound(f"No dashboard asset '{name}'.")
    resp = Response((ASSETS / name).read_bytes(), content_type=_TYPES[(ASSETS / name).suffix])
    resp.headers["Content-Security-Policy"] = _CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get(UI)
@bp.get(f"{UI}/")
def page() -> Response:
    """The dashboard's single page."""
    return _asset("index.html")


@bp.get(f"{UI}/<name>")
def asset(name: str) -> Response:
    """A script, stylesheet or icon of the page."""
    return _asset(name)


_INDEX_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>runway-mock</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
padding: 0 1rem; line-height: 1.5">
<h1>runway-mock</h1>
<p>An offline emulator of Runway's developer API (version {version}).</p>
<ul>
<li><a href="{ui}">Dashboard</a>: tasks, credits, the request journal, faults</li>
<li><a href="/openapi.json">OpenAPI document</a></li>
<li><a href="/_mock/health">Health</a> of the control API</li>
</ul>
<p>Point an SDK here with <code>RUNWAYML_BASE_URL={base}</code>.</p>
</body></html>
"""


@bp.get("/")
def index() -> Response:
    """A small index: JSON for programs, HTML for browsers, both linking the dashboard."""
    base = request.host_url.rstrip("/")
    links = {"api": f"{base}/v1", "dashboard": f"{base}{UI}",
             "openapi": f"{base}/openapi.json", "health": f"{base}/_mock/health"}
    accept = request.accept_mimetypes
    if accept["text/html"] > accept["application/json"]:  # a browser, not curl or an SDK
        html = _INDEX_HTML.format(version=API_VERSION, ui=UI, base=escape(base))
        return Response(html, content_type="text/html; charset=utf-8")
    return json_response({"name": "runway-mock", "apiVersion": API_VERSION, "links": links})
