"""The client's exceptions: one table maps an HTTP status to its class."""

from __future__ import annotations

from typing import Any


class RunwayError(Exception):
    """Base class of every error this client raises."""


class ConfigurationError(RunwayError, ValueError):
    """The client was built without something it needs (an API key, a sane setting)."""


class APIStatusError(RunwayError):
    """The API answered with a 4xx or 5xx status; ``message`` is the server's ``error``."""

    status_code: int = 0

    def __init__(self, message: str, *, status_code: int, body: Any = None,
                 headers: Any = None, method: str = "", url: str = "") -> None:
        super().__init__(f"{status_code} {message}" if status_code else message)
        self.message = message
        self.status_code = status_code
        self.body = body
        self.headers = dict(headers or {})
        self.method = method
        self.url = url


class BadRequestError(APIStatusError):
    """400: the request was invalid; ``issues`` lists each bad field (may be empty)."""

    @property
    def issues(self) -> list[dict[str, Any]]:
        """The server's validation issues: ``{code, path, message}`` items."""
        issues = self.body.get("issues") if isinstance(self.body, dict) else None
        return list(issues) if isinstance(issues, list) else []


class AuthenticationError(APIStatusError):
    """401: the API key is missing, malformed or disabled."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this (or a signed link is no longer valid)."""


class NotFoundError(APIStatusError):
    """404: no such resource, or it was deleted or cancelled."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


class UnprocessableEntityError(APIStatusError):
    """422: well-formed but unprocessable."""


class RateLimitError(APIStatusError):
    """429: a quota or rate limit was hit; ``retry_after`` is the server's hint in seconds."""

    retry_after: float | None = None


class InternalServerError(APIStatusError):
    """5xx: the server failed or is overloaded."""


class OutputExpiredError(PermissionDeniedError):
    """An output link was refused (expired or invalid): fetch the task again for fresh URLs."""


class APIConnectionError(RunwayError):
    """No HTTP answer: the connection failed or dropped; ``url`` is where it went and
    ``reason`` the short cause (``Connection refused``)."""

    def __init__(self, message: str, *, url: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.url = url
        self.reason = reason or message


class APITimeoutError(APIConnectionError):
    """No HTTP answer in time."""


class CreateTimeoutError(APITimeoutError):
    """A create was sent but no answer came: it may or may not exist, so it was not re-sent.

    Check with the resource's list or retrieve call (or ``retry_creates=True`` to accept
    possible duplicates).
    """


class TaskFailedError(RunwayError):
    """A task ended FAILED or CANCELLED; ``failure`` and ``failure_code`` say why."""

    def __init__(self, task: Any) -> None:
        self.task = task
        self.failure = getattr(task, "failure", None)
        self.failure_code = getattr(task, "failure_code", None)
        detail = self.failure or "no reason given"
        code = f" [{self.failure_code}]" if self.failure_code else ""
        super().__init__(f"task {task.id} {task.status}: {detail}{code}")


class TaskTimeoutError(RunwayError):
    """A task was still not finished at the deadline; ``task`` is its last observed state."""

    def __init__(self, task: Any, timeout: float) -> None:
        self.task = task
        self.timeout = timeout
        super().__init__(f"task {task.id} still {task.status} after {timeout:g} s")


# The one status -> exception table (5xx are all InternalServerError).
STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class(status: int) -> type[APIStatusError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return InternalServerError
    return STATUS_ERRORS.get(status, APIStatusError)
