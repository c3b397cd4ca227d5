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


def _create_view(name: str):
    def view() -> Response:
        rt = runtime()
        table = ENDPOINTS[name]
        body = read_json()
        row = validation.task_row(rt, tenant(), table, body)
        record = tasks.create(rt, tenant(), endpoint=name, row=row, body=body,
                              override=task_override())
        note_created(record)
        if not table.returns_cost:
            return json_response({"id": record["id"]})
        return json_response({"id": record["id"],
                              "estimatedCost": {"credits": record["estimated"]}})

    view.__name__ = f"create_{name}"
    return view


for _name, _table in ENDPOINTS.items():
    bp.add_url_rule(_table.path.removeprefix("/v1"), endpoint=f"create_{_name}",
                    view_func=_create_view(_name), methods=["POST"])


def task_wire(rt: Any, tenant_id: str, task: dict[str, Any], status: str,
              progress: float | None) -> dict[str, Any]:
    """A task as GET /v1/tasks/{id} returns it, by status (SDK 5.24.0 shapes)."""
    out: dict[str, Any] = {"id": task["id"], "status": status,
                           "createdAt": iso(task["createdAt"])}
    if status == "RUNNING":
        out["progress"] = progress if progress is not None else 0.0
    if status in ("PENDING", "THROTTLED", "RUNNING"):
        out["estimatedCost"] = {"credits": task["estimated"]}
        return out
    if status == "SUCCEEDED":
        out["output"] = outputs.urls(rt, tenant_id, task, base_url())
    elif status == "FAILED":
        out["failure"] = task["outcome"].get("failure", "The task failed.")
        if task["outcome"].get("failureCode"):
            out["failureCode"] = task["outcome"]["failureCode"]
    out["cost"] = {"credits": int(task.get("cost", 0))}
    return out


@bp.get("/tasks/<task_id>")
def get_task(task_id: str) -> Response:
    rt = runtime()
    task, status, progress = tasks.observe(rt, tenant(), task_id)
    return json_response(task_wire(rt, tenant(), task, status, progress))


@bp.delete("/tasks/<task_id>")
def delete_task(task_id: str) -> Response:
    tasks.cancel_or_delete(runtime(), tenant(), task_id)
    return no_content()


@bp.get("/organization")
def get_organization() -> Response:
    return json_response(organization.snapshot(runtime(), tenant()))
