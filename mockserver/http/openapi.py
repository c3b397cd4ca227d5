"""The emulator's own OpenAPI 3.1 document, generated from the specs that validate requests.

Task endpoints come from the catalog (one ``oneOf`` member per model row, discriminated
by ``model``); the resource endpoints from the request, query and response specs of
``mockserver.resources``. Nothing is copied from Runway's published document. Every
route the app serves appears: routes without a table entry here (the control API,
downloads) are described from the URL map alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask
from runway_mock.catalog import ENDPOINTS
from runway_mock.config import API_VERSION
from runway_mock.domain import pagination
from runway_mock.domain.resources import (
    avatars,
    documents,
    generate,
    realtime,
    routers,
    uploads,
    usage,
    voices,
    workflows,
)
from runway_mock.domain.resources.common import DATETIME
from runway_mock.schema import (
    Arr,
    Bool,
    Const,
    Int,
    Num,
    Obj,
    Prop,
    Spec,
    Str,
    Tagged,
    opt,
    req,
    validate,
)

_CONVERTER = re.compile(r"<(?:([^:<>]+):)?([^<>]+)>")

ERROR = Obj({"error": req(Str()), "issues": opt(Arr(Obj(extra=True))),
             "docUrl": opt(Str()), "code": opt(Str())}, extra=True,
            doc="Runway's error body: issues only for validation failures.")
NEW_TASK = Obj({"id": req(Str()), "estimatedCost": req(Obj({"credits": req(Num())}))},
               doc="The task created; poll GET /v1/tasks/{id}.")
TASK_ID = Obj({"id": req(Str())}, doc="The task created.")
_T = {"id": req(Str()), "createdAt": req(DATETIME)}
_EST = {"estimatedCost": req(Obj({"credits": req(Num())}))}
_COST = {"cost": req(Obj({"credits": req(Num())}))}
TASK = Tagged("status", {
    "PENDING": Obj({**_T, "status": req(Const("PENDING")), **_EST}),
    "THROTTLED": Obj({**_T, "status": req(Const("THROTTLED")), **_EST}),
    "RUNNING": Obj({**_T, "status": req(Const("RUNNING")), "progress": req(Num(0, 1)),
                    **_EST}),
    "SUCCEEDED": Obj({**_T, "status": req(Const("SUCCEEDED")), "output": req(Arr(Str())),
                      **_COST}),
    "FAILED": Obj({**_T, "status": req(Const("FAILED")), "failure": req(Str()),
                   "failureCode": opt(Str()), **_COST}),
    "CANCELLED": Obj({**_T, "status": req(Const("CANCELLED")), **_COST}),
}, doc="A task, by status.")
ORGANIZATION = Obj({
    "creditBalance": req(Int(0)),
    "tier": req(Obj({"maxMonthlyCreditSpend": req(Int()),
                     "models": req(Obj(extra=True))})),
    "usage": req(Obj({"models": req(Obj(extra=True))})),
}, doc="Credit balance, tier limits and daily usage.")


def page_of(item: Spec) -> Obj:
    """The response of a paginated list of ``item``."""
    return Obj({"data": req(Arr(item)), "hasMore": req(Bool()),
                "nextCursor": req(Str(nullable=True))})


@dataclass(frozen=True)
class Op:
    """One documented operation: method, path (``{param}`` style) and its specs."""

    method: str
    path: str
    summary: str
    tag: str
    body: Spec | None = None
    query: Mapping[str, Prop] | None = None
    response: Spec | None = None
    status: int = 200


PAGE = pagination.page_props()
RESOURCE_OPS: tuple[Op, ...] = (
    Op("POST", "/v1/uploads", "Start an ephemeral upload", "uploads", uploads.CREATE,
       response=uploads.CREATED),
    Op("POST", "/v1/documents", "Create a knowledge document", "documents", documents.CREATE,
       response=documents.DOCUMENT),
    Op("GET", "/v1/documents", "List documents", "documents", query=documents.LIST_QUERY,
       response=page_of(documents.LISTED)),
    Op("GET", "/v1/documents/{document_id}", "Get a document", "documents",
       response=documents.DOCUMENT),
    Op("PATCH", "/v1/documents/{document_id}", "Update a document", "documents",
       documents.UPDATE, status=204),
    Op("DELETE", "/v1/documents/{document_id}", "Delete a document", "documents", status=204),
    Op("POST", "/v1/avatars", "Create an avatar", "avatars", avatars.CREATE,
       response=avatars.AVATAR),
    Op("GET", "/v1/avatars", "List avatars", "avatars", query=PAGE,
       response=page_of(avatars.AVATAR)),
    Op("GET", "/v1/avatars/{avatar_id}", "Get an avatar", "avatars", response=avatars.AVATAR),
    Op("PATCH", "/v1/avatars/{avatar_id}", "Update an avatar", "avatars", avatars.UPDATE,
       response=avatars.AVATAR),
    Op("DELETE", "/v1/avatars/{avatar_id}", "Delete an avatar", "avatars", status=204),
    Op("GET", "/v1/avatar_usage", "Avatar call usage by day", "avatars",
       query=realtime.USAGE_QUERY, response=realtime.USAGE),
    Op("POST", "/v1/realtime_sessions", "Create a realtime avatar session",
       "realtime_sessions", realtime.CREATE, response=realtime.CREATED),
    Op("GET", "/v1/realtime_sessions/{session_id}", "Get a realtime session",
       "realtime_sessions", response=realtime.SESSION),
    Op("DELETE", "/v1/realtime_sessions/{session_id}", "Cancel a realtime session",
       "realtime_sessions", status=204),
    Op("POST", "/v1/realtime_sessions/{session_id}/consume",
       "Exchange the session key (as bearer) for call credentials, once",
       "realtime_sessions", response=realtime.CONSUMED),
    Op("GET", "/v1/avatar_conversations", "List conversations", "avatar_conversations",
       query=realtime.CONVERSATION_QUERY, response=page_of(realtime.CONVERSATION_SUMMARY)),
    Op("GET", "/v1/avatar_conversations/{conversation_id}", "Get a conversation",
       "avatar_conversations", response=realtime.CONVERSATION_DETAIL),
    Op("DELETE", "/v1/avatar_conversations/{conversation_id}", "Delete a conversation",
       "avatar_conversations", status=204),
    Op("POST", "/v1/voices", "Create a custom voice", "voices", voices.CREATE,
       response=voices.CREATED),
    Op("POST", "/v1/voices/preview", "Preview a designed voice", "voices", voices.PREVIEW,
       response=voices.PREVIEWED),
    Op("GET", "/v1/voices", "List voices", "voices", query=PAGE,
       response=page_of(voices.VOICE)),
    Op("GET", "/v1/voices/{voice_id}", "Get a voice", "voices", response=voices.VOICE),
    Op("PATCH", "/v1/voices/{voice_id}", "Update a voice", "voices", voices.UPDATE,
       response=voices.VOICE),
    Op("DELETE", "/v1/voices/{voice_id}", "Delete a voice", "voices", status=204),
    Op("POST", "/v1/routers", "Create a Model Router", "routers", routers.CREATE,
       response=routers.ROUTER),
    Op("GET", "/v1/routers", "List Model Routers", "routers", query=PAGE,
       response=page_of(routers.ROUTER)),
    Op("GET", "/v1/routers/{router_id}", "Get a Model Router", "routers",
       response=routers.ROUTER),
    Op("PATCH", "/v1/routers/{router_id}", "Update a Model Router", "routers", routers.UPDATE,
       response=routers.ROUTER),
    Op("DELETE", "/v1/routers/{router_id}", "Delete a Model Router", "routers", status=204),
    Op("GET", "/v1/routers/{router_id}/requests", "A router's routing decisions", "routers",
       query=PAGE, response=page_of(routers.REQUEST)),
    *(Op("POST", f"/v1/generate/{m}", f"Generate {m} through a Model Router", "generate",
         generate.REQUESTS[m], response=generate.RESPONSES[m])
      for m in generate.MODALITIES),
    Op("GET", "/v1/workflows", "List workflows (not paginated)", "workflows",
       response=workflows.WORKFLOWS),
    Op("GET", "/v1/workflows/{workflow_id}", "Get a workflow", "workflows",
       response=workflows.WORKFLOW),
    Op("POST", "/v1/workflows/{workflow_id}", "Run a workflow", "workflows", workflows.RUN,
       response=workflows.RUN_CREATED),
    Op("GET", "/v1/workflow_invocations/{invocation_id}", "Get a workflow invocation",
       "workflows", response=workflows.INVOCATION_WIRE),
    Op("POST", "/v1/organization/usage", "Credit usage by day and model", "organization",
       usage.USAGE_QUERY, response=usage.USAGE),
    Op("GET", "/v1/organization/webapp/usage", "Linked web workspace usage (empty)",
       "organization", query=usage.WEBAPP_USAGE_QUERY,
       response=page_of(usage.WEBAPP_USAGE_ROW)),
    Op("GET", "/v1/organization/webapp/audit_logs", "Linked web workspace audit logs (empty)",
       "organization", query=usage.AUDIT_QUERY, response=page_of(usage.AUDIT_ROW)),
    Op("GET", "/v1/organization/webapp/audit_logs/{event_id}", "An audit log event",
       "organization", query=usage.AUDIT_DETAIL_QUERY, response=usage.AUDIT_ROW),
    Op("GET", "/v1/tasks/{task_id}", "Get a task", "tasks", response=TASK),
    Op("DELETE", "/v1/tasks/{task_id}", "Cancel or delete a task", "tasks", status=204),
    Op("GET", "/v1/organization", "Credit balance, tier and usage", "organization",
       response=ORGANIZATION),
)


def _task_ops() -> list[Op]:
    out = []
    for table in ENDPOINTS.values():
        specs = [row.body_spec() for row in table.rows.values()]
        body: Spec = specs[0] if len(specs) == 1 else Tagged(
            table.discriminator, {row.model: row.body_spec() for row in table.rows.values()},
            doc=table.summary)
        out.append(Op("POST", table.path, table.summary, "tasks", body,
                      response=NEW_TASK if table.returns_cost else TASK_ID))
    return out


def _schema(spec: Spec) -> dict[str, Any]:
    return spec.json_schema()


def _json(spec: Spec) -> dict[str, Any]:
    return {"application/json": {"schema": _schema(spec)}}


def _path_of(rule: str) -> tuple[str, list[tuple[str, str]]]:
    params = [(name, conv or "string") for conv, name in _CONVERTER.findall(rule)]
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule), params


# The statuses every operation of a family may answer besides its success, and why.
_V1_ERRORS = (
    ("400", "Invalid request: a validation failure (with issues), a bad header or body."),
    ("401", "No API key, or (with --api-keys) a key that is not a tenant."),
    ("403", "Emulator only: the X-Runway-Mock-Fault header is refused on an exposed "
            "emulator without the admin token."),
    ("404", "No such resource for this key, or it was deleted."),
    ("409", "The resource's state forbids this now (a taken slug, a session not ready, "
            "a task already finished)."),
    ("413", "The request body is over the size limit."),
    ("429", "A daily task limit was reached."),
)
_CONTROL_ERRORS = (
    ("400", "The body or query is not what this control route takes."),
    ("401", "The admin token is required and was not given."),
    ("403", "The control API is disabled: exposed beyond loopback without an admin token."),
    ("404", "No such rule, task, tenant or model."),
    ("409", "The task's state forbids this now."),
    ("413", "The request body is over the size limit."),
)
_FILE_ERRORS = (
    ("400", "The upload form is incomplete or malformed."),
    ("403", "The link or upload policy is forged or expired."),
    ("404", "No such file or upload."),
    ("413", "The upload is over the size limit."),
)


def _errors_of(path: str) -> tuple[tuple[str, str], ...]:
    if path.startswith("/v1/"):
        return _V1_ERRORS
    if path.startswith("/_mock/"):
        return _CONTROL_ERRORS
    if path.startswith(("/_artifacts/", "/_media/", "/_uploads/")):
        return _FILE_ERRORS
    return ()


def _security(path: str, admin: bool) -> list[dict[str, list[str]]] | None:
    """The operation's own security, where it differs from the document's (a tenant key)."""
    if path.startswith("/v1/"):
        return None
    if path.startswith("/_mock/") and path != "/_mock/health" and admin:
        return [{"adminToken": []}]
    # Signed links, the upload form target, the document itself and (without an admin
    # token, on loopback) the control API take no credentials.
    return []


def _operation(op: Op, params: list[tuple[str, str]], op_id: str, *, admin: bool = False
               ) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer" if conv == "int" else "string"}}
        for name, conv in params
    ]
    for name, prop in (op.query or {}).items():
        parameters.append({"name": name, "in": "query", "required": prop.required,
                           "schema": _schema(prop.spec)})
    out: dict[str, Any] = {"operationId": op_id, "summary": op.summary, "tags": [op.tag]}
    security = _security(op.path, admin)
    if security is not None:
        out["security"] = security
    if op.path.startswith("/v1/"):
        parameters.append({"name": "X-Runway-Version", "in": "header", "required": True,
                           "schema": {"type": "string", "const": API_VERSION}})
    if parameters:
        out["parameters"] = parameters
    if op.body is not None:
        # A missing body is read as {}: it is required exactly when {} is not valid.
        out["requestBody"] = {"required": bool(validate(op.body, {})),
                              "content": _json(op.body)}
    responses: dict[str, Any] = {}
    if op.status == 204:
        responses["204"] = {"description": "No content."}
    elif op.response is not None:
        responses[str(op.status)] = {"description": "Success.", "content": _json(op.response)}
    else:
        responses[str(op.status)] = {"description": "Success."}
    for code, text in _errors_of(op.path):
        responses[code] = {"description": text, "content": _json(ERROR)}
    out["responses"] = responses
    return out


def _fallback(method: str, path: str) -> Op:
    """An operation known only from the URL map (control API, downloads)."""
    tag = "emulator"
    summary = f"Emulator route {method} {path}"
    return Op(method, path, summary, tag)


def document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route ``app`` serves."""
    admin = app.extensions["runway_mock"].config.admin_token is not None
    table = {(op.method, op.path): op for op in (*_task_ops(), *RESOURCE_OPS)}
    paths: dict[str, dict[str, Any]] = {}
    seen_ids: set[str] = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        path, params = _path_of(rule.rule)
        for method in sorted(rule.methods or ()):
            if method in ("HEAD", "OPTIONS"):
                continue
            op = table.get((method, path)) or _fallback(method, path)
            op_id = rule.endpoint.replace(".", "_")
            if op_id in seen_ids:
                op_id = f"{op_id}_{method.lower()}"
            seen_ids.add(op_id)
            paths.setdefault(path, {})[method.lower()] = _operation(op, params, op_id, admin=admin)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "runway-mock: an offline emulator of Runway's developer API",
            "version": API_VERSION,
            "description": "Generated by the emulator from the specs it validates with. "
                           "Routes tagged 'emulator' are the emulator's own.",
        },
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": (
                "A Runway API key. Any non-empty key is a tenant with its own state "
                "(deliberately: tests need no set-up), unless the emulator was started "
                "with --api-keys, when only the listed keys are and others get 401.")},
            "adminToken": {"type": "http", "scheme": "bearer",
                           "description": "The emulator's admin token (--admin-token)."},
        }},
        "security": [{"bearer": []}],
        "paths": paths,
    }
