"""A small client for Runway's developer API: ``RunwayClient`` and its errors and types.

It depends only on ``requests``; of this project it reads only the plain-Python tables
(the catalog's task endpoints and ``runway_mock.version``), never the server or Flask, so
the same code runs against ``runway-mock`` and the real API.
"""

from runway_mock.client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    CreateTimeoutError,
    InternalServerError,
    NotFoundError,
    OutputExpiredError,
    PermissionDeniedError,
    RateLimitError,
    RunwayError,
    TaskFailedError,
    TaskTimeoutError,
    UnprocessableEntityError,
)
from runway_mock.client.operations import OPERATIONS, Operation
from runway_mock.client.runway import API_VERSION, DEFAULT_BASE_URL, VERSION, RunwayClient
from runway_mock.client.types import (
    CancelledTask,
    FailedTask,
    NewTask,
    Page,
    PendingTask,
    Record,
    RunningTask,
    SucceededTask,
    Task,
    ThrottledTask,
)

__version__ = VERSION
__all__ = [
    "API_VERSION", "DEFAULT_BASE_URL", "OPERATIONS", "APIConnectionError", "APIStatusError",
    "APITimeoutError", "AuthenticationError", "BadRequestError", "CancelledTask",
    "ConfigurationError", "ConflictError", "CreateTimeoutError", "FailedTask",
    "InternalServerError", "NewTask", "NotFoundError", "Operation", "OutputExpiredError",
    "Page", "PendingTask", "PermissionDeniedError", "RateLimitError", "Record", "RunningTask",
    "RunwayClient", "RunwayError", "SucceededTask", "Task", "TaskFailedError",
    "TaskTimeoutError", "ThrottledTask", "UnprocessableEntityError",
]
