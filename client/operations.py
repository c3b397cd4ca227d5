"""The API's 66 operations as one table: resource, method name, HTTP method, path, result.

Names follow the official SDK (``client.image_to_video.create``, ``client.tasks.retrieve``,
``client.organization.webapp.audit_logs.list`` ...). Path parameters (``{id}``) are the
method's positional arguments; every other argument is a keyword mapped mechanically to
the API's camelCase field (``prompt_image`` -> ``promptImage``): JSON body for POST and
PATCH, query string for GET. Source: the endpoint inventory of runway-api.md (b); the
task-creating endpoints (and the Model Router's modalities) come from the emulator's
catalog, the one table of them (plain Python: no Flask is imported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from runway_mock.catalog import ENDPOINTS
from runway_mock.catalog.routing import MODALITY_ENDPOINTS
from runway_mock.client import types as t

_PARAM = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Operation:
    """One API operation and how the client presents it."""

    resource: str  # dotted attribute path on the client: "organization.webapp"
    name: str  # method name: "list_usage"
    method: str  # HTTP method
    path: str  # "/v1/routers/{id}/requests"
    returns: type[t.Record] | None  # None: the API answers 204 No Content
    paged: bool = False  # a cursor page whose items are ``returns``
    creates: bool = False  # re-sending it after a lost answer could make a second one

    @property
    def path_params(self) -> list[str]:
        """Names of the path's parameters, in order."""
        return _PARAM.findall(self.path)

    @property
    def qualname(self) -> str:
        """``resource.name`` as a user writes it after ``client.``."""
        return f"{self.resource}.{self.name}"


def _op(resource: str, name: str, method: str, path: str, returns: type[t.Record] | None,
        *, paged: bool = False) -> Operation:
    # Every POST makes something (a task, a record, a run) except these two reads/slots.
    creates = method == "POST" and path not in ("/v1/organization/usage", "/v1/uploads")
    return Operation(resource, name, method, path, returns, paged, creates)



def _task_operations() -> list[Operation]:
    """One ``create`` per task endpoint of the catalog (``recipes.<name>`` for recipes)."""
    ops = []
    for table in ENDPOINTS.values():
        resource, _, name = table.path.removeprefix("/v1/").rpartition("/")
        if resource:  # /v1/recipes/product_ad -> recipes.product_ad
            ops.append(_op(resource, name, "POST", table.path, t.NewTask))
        else:  # /v1/image_to_video -> image_to_video.create
            ops.append(_op(name, "create", "POST", table.path, t.NewTask))
    return ops


OPERATIONS: tuple[Operation, ...] = (
    _op("tasks", "retrieve", "GET", "/v1/tasks/{id}", t.Task),
    _op("tasks", "delete", "DELETE", "/v1/tasks/{id}", None),
    _op("uploads", "create_ephemeral", "POST", "/v1/uploads", t.Upload),
    *_task_operations(),
    *(_op(f"generate.{kind}", "create", "POST", f"/v1/generate/{kind}", t.RoutedTask)
      for kind in MODALITY_ENDPOINTS),
    _op("routers", "list", "GET", "/v1/routers", t.Router, paged=True),
    _op("routers", "create", "POST", "/v1/routers", t.Router),
    _op("routers", "retrieve", "GET", "/v1/routers/{id}", t.Router),
    _op("routers", "update", "PATCH", "/v1/routers/{id}", t.Router),
    _op("routers", "delete", "DELETE", "/v1/routers/{id}", None),
    _op("routers", "list_requests", "GET", "/v1/routers/{id}/requests", t.RouterRequest,
        paged=True),
    _op("organization", "retrieve", "GET", "/v1/organization", t.Organization),
    _op("organization", "retrieve_usage", "POST", "/v1/organization/usage", t.UsageReport),
    _op("organization.webapp", "list_usage", "GET", "/v1/organization/webapp/usage", t.Record,
        paged=True),
    _op("organization.webapp.audit_logs", "list", "GET", "/v1/organization/webapp/audit_logs",
        t.Record, paged=True),
    _op("organization.webapp.audit_logs", "retrieve", "GET",
        "/v1/organization/webapp/audit_logs/{event_id}", t.Record),
    _op("avatars", "list", "GET", "/v1/avatars", t.Avatar, paged=True),
    _op("avatars", "create", "POST", "/v1/avatars", t.Avatar),
    _op("avatars", "retrieve", "GET", "/v1/avatars/{id}", t.Avatar),
    _op("avatars", "update", "PATCH", "/v1/avatars/{id}", t.Avatar),
    _op("avatars", "delete", "DELETE", "/v1/avatars/{id}", None),
    _op("avatars", "get_usage", "GET", "/v1/avatar_usage", t.Record),
    _op("avatar_conversations", "list", "GET", "/v1/avatar_conversations", t.Conversation,
        paged=True),
    _op("avatar_conversations", "retrieve", "GET", "/v1/avatar_conversations/{id}",
        t.Conversation),
    _op("avatar_conversations", "delete", "DELETE", "/v1/avatar_conversations/{id}", None),
    _op("documents", "list", "GET", "/v1/documents", t.Document, paged=True),
    _op("documents", "create", "POST", "/v1/documents", t.Document),
    _op("documents", "retrieve", "GET", "/v1/documents/{id}", t.Document),
    _op("documents", "update", "PATCH", "/v1/documents/{id}", None),
    _op("documents", "delete", "DELETE", "/v1/documents/{id}", None),
    _op("realtime_sessions", "create", "POST", "/v1/realtime_sessions", t.RealtimeSession),
    _op("realtime_sessions", "retrieve", "GET", "/v1/realtime_sessions/{id}",
        t.RealtimeSession),
    _op("realtime_sessions", "delete", "DELETE", "/v1/realtime_sessions/{id}", None),
    _op("voices", "list", "GET", "/v1/voices", t.Voice, paged=True),
    _op("voices", "create", "POST", "/v1/voices", t.Voice),
    _op("voices", "retrieve", "GET", "/v1/voices/{id}", t.Voice),
    _op("voices", "update", "PATCH", "/v1/voices/{id}", t.Voice),
    _op("voices", "delete", "DELETE", "/v1/voices/{id}", None),
    _op("voices", "preview", "POST", "/v1/voices/preview", t.Record),
    _op("workflows", "list", "GET", "/v1/workflows", t.Record),  # {data: [...]}, no cursor
    _op("workflows", "retrieve", "GET", "/v1/workflows/{id}", t.Workflow),
    _op("workflows", "run", "POST", "/v1/workflows/{id}", t.WorkflowInvocation),
    _op("workflow_invocations", "retrieve", "GET", "/v1/workflow_invocations/{id}",
        t.WorkflowInvocation),
)

# Operations that create a task someone may wait for (the CLI's ``run`` verb).
TASK_CREATORS = {op.resource if op.name == "create" else op.qualname: op
                 for op in OPERATIONS if op.returns in (t.NewTask, t.RoutedTask)}
