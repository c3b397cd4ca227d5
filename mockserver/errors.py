"""The emulator's errors: each class carries its HTTP status; one handler renders them."""

from __future__ import annotations

from typing import Any


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
    """400 with Zod-style ``issues`` naming each bad field."""

    def __init__(self, issues: list[dict[str, Any]], message: str | None = None) -> None:
        first = issues[0] if issues else {"path": []}
        where = ".".join(str(p) for p in first.get("path", [])) or "body"
        super().__init__(message or f"Invalid parameter '{where}': {first.get('message', '')}",
                         issues=issues)
        self.issues = issues


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
