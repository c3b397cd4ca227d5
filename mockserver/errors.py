"""The emulator's errors: each class carries its HTTP status; one handler renders them."""

from __future__ import annotations

from typing import Any

# Every error body of Runway's API carries this beside ``error`` (public captures).
DOC_URL = "https://docs.dev.runwayml.com/api"


class ApiError(Exception):
    """An error the API reports to the client as ``{"error": message, ...}``."""

    status = 400

    def __init__(self, message: str, *, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body Runway sends for this error."""
        return {"error": self.message, **self.extra}


class BadRequest(ApiError):
    """400: the request is malformed or invalid."""

    status = 400


class ValidationFailed(BadRequest):
    """400 with Zod-style ``issues`` naming each bad field.

    ``part`` is what failed validation (``body`` or ``query``; None: decided from the
    request when rendered). The rendered top-level message follows the configured error
    wording (``runway_mock.http.errors``): Runway's captured ``Validation of body failed``
    by default, or the reference's ``Invalid parameter '<path>'`` form.
    """

    def __init__(self, issues: list[dict[str, Any]], message: str | None = None,
                 part: str | None = None) -> None:
        super().__init__(message or f"Validation of {part or 'body'} failed", issues=issues)
        self.custom_message = message is not None
        self.part = part
        self.issues = issues

    def reference_message(self) -> str:
        """The older wording: ``Invalid parameter '<path>': <first issue>``."""
        first = self.issues[0] if self.issues else {"path": []}
        where = ".".join(str(p) for p in first.get("path", [])) or "body"
        return f"Invalid parameter '{where}': {first.get('message', '')}"


class Unauthorized(ApiError):
    """401: no usable API key."""

    status = 401


class Forbidden(ApiError):
    """403: authenticated but not allowed."""

    status = 403


class NotFound(ApiError):
    """404: no such resource (or it was deleted)."""

    status = 404


class MethodNotAllowed(ApiError):
    """405: the path exists but not with this method."""

    status = 405


class Conflict(ApiError):
    """409: the request conflicts with the resource's state."""

    status = 409


class PayloadTooLarge(ApiError):
    """413: the body is over the size limit."""

    status = 413


class UnsupportedMediaType(ApiError):
    """415: the body is not JSON."""

    status = 415


class TooManyRequests(ApiError):
    """429: a quota or rate limit was hit."""

    status = 429


class ServerError(ApiError):
    """5xx raised on purpose (fault injection)."""

    status = 500

    def __init__(self, message: str, status: int = 500, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.status = status
