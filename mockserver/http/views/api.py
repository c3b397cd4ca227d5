"""The /v1 API: task creation for every catalog endpoint, tasks and the organization."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from runway_mock.catalog import ENDPOINTS
from runway_mock.clock import iso
from runway_mock.domain import organization, outputs, tasks, validation
from runway_mock.http.wire import (
    base_url,
    json_response,
    no_content,
    note_created,
    read_json,
    runtime,
    task_override,
    tenant,
)

bp = Blueprint("api", __name__, url_prefix="/v1")


def create_task(rt: Any, tenant_id: str, name: str, body: Any,
                override: dict[str, Any] | None = None
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """POST to a create endpoint with a parsed body: (the reply, the new task record)."""
    table = ENDPOINTS[name]
    row = validation.task_row(rt, tenant_id, table, body)
    record = tasks.create(rt, tenant_id, endpoint=name, row=row, body=body,
                          override=override)
    if not table.returns_cost:
        return {"id": record["id"]}, record
    return {"id": record["id"], "estimatedCost": {"credits": record["estimated"]}}, record


def read_task(rt: Any, tenant_id: str, task_id: str, base: str) -> dict[str, Any]:
    """GET /v1/tasks/{id}: the task as the client sees it now."""
    task, status, progress = tasks.observe(rt, tenant_id, task_id)
    return task_wire(rt, tenant_id, task, status, progress, base)


def _create_view(name: str):
    def view() -> Response:
        reply, record = create_task(runtime(), tenant(), name, read_json(),
                                    override=task_override())
        note_created(record)
        return json_response(reply)

    view.__name__ = f"create_{name}"
    return view


for _name, _table in ENDPOINTS.items():
    bp.add_url_rule(_table.path.removeprefix("/v1"), endpoint=f"create_{_name}",
                    view_func=_create_view(_name), methods=["POST"])


def task_wire(rt: Any, tenant_id: str, task: dict[str, Any], status: str,
              progress: float | None, base: str | None = None) -> dict[str, Any]:
    """A task as GET /v1/tasks/{id} returns it, by status (SDK 5.24.0 shapes)."""
    out: dict[str, Any] = {"id": task["id"], "status": status,
                           "createdAt": iso(task["createdAt"])}
    if status == "RUNNING":
        out["progress"] = progress if progress is not None else 0.0
    if status in ("PENDING", "THROTTLED", "RUNNING"):
        out["estimatedCost"] = {"credits": task["estimated"]}
        return out
    if status == "SUCCEEDED":
        out["output"] = outputs.urls(rt, tenant_id, task, base or base_url())
    elif status == "FAILED":
        out["failure"] = task["outcome"].get("failure", "The task failed.")
        if task["outcome"].get("failureCode"):
            out["failureCode"] = task["outcome"]["failureCode"]
    out["cost"] = {"credits": int(task.get("cost", 0))}
    return out


@bp.get("/tasks/<task_id>")
def get_task(task_id: str) -> Response:
    return json_response(read_task(runtime(), tenant(), task_id, base_url()))


@bp.delete("/tasks/<task_id>")
def delete_task(task_id: str) -> Response:
    tasks.cancel_or_delete(runtime(), tenant(), task_id)
    return no_content()


@bp.get("/organization")
def get_organization() -> Response:
    return json_response(organization.snapshot(runtime(), tenant()))
