"""What every view and hook shares: the runtime, the caller, the JSON body, JSON responses.

Views and hooks import from here, never from ``runway_mock.app``: the factory imports
them, so they cannot import it back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, g, has_request_context, request
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


def dumps(body: Any) -> str:
    """Compact JSON as JavaScript's ``JSON.stringify`` writes it: NaN and infinities as null."""
    try:
        return json.dumps(body, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a non-finite number, e.g. an issue echoing a client's 1e999
        return json.dumps(_finite(body), separators=(",", ":"), allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None
                  ) -> Response:
    """A JSON response with Runway's content type (the journal reads ``body`` back from
    ``sent_json`` instead of parsing what was serialised)."""
    resp = Response(dumps(body), status=status,
                    content_type="application/json; charset=utf-8")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    if has_request_context():
        g.wire_response = (resp, body)
    return resp


def sent_json(response: Response) -> Any:
    """The JSON value ``response`` carries: the one ``json_response`` was given, or (for a
    response made elsewhere) its body parsed; None when it is not JSON."""
    made = g.get("wire_response")
    if made is not None and made[0] is response:
        return made[1]
    return response.get_json(silent=True) if response.is_json else None


def _parsed_body() -> tuple[Any, BadRequest | None]:
    """The JSON body and the 400 it earns, parsed once per request and kept on ``g``.

    An empty body parses as ``{}``. A body over the size limit raises werkzeug's 413
    each time it is asked for (it is never read).
    """
    cached = g.get("wire_body")
    if cached is None:
        cached = g.wire_body = _parse(request.get_data(cache=True))
    return cached


def _json_type(mime: str) -> bool:
    """Whether a body of this media type is read as JSON (no type at all counts)."""
    return not mime or mime == "application/json" or mime.endswith("+json")


def _parse(raw: bytes) -> tuple[Any, BadRequest | None]:
    return parse_body(raw, request.mimetype)


def parse_body(raw: bytes, mime: str) -> tuple[Any, BadRequest | None]:
    """A raw request body of media type ``mime``: (the JSON value, None) or (None, the 400)."""
    if not raw.strip():
        return {}, None
    if not _json_type(mime):
        return None, BadRequest(
            f"The request body must be JSON, sent with 'Content-Type: application/json' "
            f"(got '{mime}')."
        )
    try:
        return loads(raw), None
    except BadRequest as exc:
        return None, exc


# Deeper bodies are refused: no Runway request nests beyond a handful of levels, and
# Python's recursion (in parsing, copying and rendering) must never be the limit (assumed).
MAX_DEPTH = 64
# Integers with more digits than a double holds exactly are read the way JavaScript's
# JSON.parse reads them: as the nearest double (so 5,000 digits is Infinity, as in Node).
_EXACT_DIGITS = 15


def _js_int(text: str) -> int | float:
    if len(text.lstrip("-")) <= _EXACT_DIGITS:
        return int(text)
    value = float(text)
    return int(value) if math.isfinite(value) else value


def _no_constant(name: str) -> Any:
    # JSON.parse rejects NaN and Infinity, which Python's json module would accept.
    raise json.JSONDecodeError(f"Unexpected token '{name}'", name, 0)


def loads(raw: bytes | str) -> Any:
    """A request body parsed as a JavaScript JSON stack parses it, or a 400 saying why.

    Faithful to ``JSON.parse``: duplicate keys keep the last value, lone surrogates and
    NUL inside strings are accepted, NaN and Infinity are not JSON, and huge integers
    become doubles. Bodies nested deeper than ``MAX_DEPTH`` are refused.
    """
    try:
        value = json.loads(raw, parse_int=_js_int, parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise BadRequest("The request body is not valid UTF-8 JSON.") from exc
    except json.JSONDecodeError as exc:
        raise BadRequest(
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}."
        ) from exc
    except RecursionError as exc:
        raise BadRequest(_TOO_DEEP) from exc
    if _depth_over(value, MAX_DEPTH):
        raise BadRequest(_TOO_DEEP)
    return value


_TOO_DEEP = f"The request body is nested too deeply (at most {MAX_DEPTH} levels)."


def _depth_over(value: Any, limit: int) -> bool:
    """Whether ``value`` nests arrays and objects more than ``limit`` deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, (dict, list)))
    return False


def read_json() -> Any:
    """The request's JSON body (``{}`` when empty); a clear 400 when it is not JSON."""
    body, error = _parsed_body()
    if error is not None:
        raise error
    return body


def peek_json() -> Any:
    """The JSON body as the view reads it, or None when none was sent, it is not JSON or
    it is too large.

    For the hooks (fault matching on ``model``, the journal): they share the view's one
    parse and never raise.
    """
    if not _json_type(request.mimetype):
        return None  # never read a form or a file here: its view reads it its own way
    try:
        if not request.get_data(cache=True).strip():
            return None
        return _parsed_body()[0]
    except HTTPException:  # e.g. too large: the view reports it
        return None


def created_note(task: Mapping[str, Any]) -> dict[str, Any]:
    """What the journal notes about a task a call created."""
    return {"taskId": task["id"], "model": task["model"],
            "throttled": True if task.get("queued") else None}


def note_created(task: Mapping[str, Any]) -> None:
    """Record on the request that it created ``task`` (the journal reads this)."""
    g.created = created_note(task)


def task_override() -> dict[str, Any] | None:
    """The task-policy override an injected fault set for this request, if any."""
    return g.get("task_override")


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
