"""Output downloads: the emulator's stand-in for Runway's CDN links."""

from __future__ import annotations

from flask import Blueprint, Response, request
from runway_mock.domain import outputs, tasks
from runway_mock.errors import NotFound
from runway_mock.http.wire import runtime

bp = Blueprint("artifacts", __name__, url_prefix=outputs.PREFIX)


@bp.get("/<task_id>/<int:index>.<ext>")
def download(task_id: str, index: int, ext: str) -> Response:
    rt = runtime()
    payload = outputs.read_jwt(rt, request.args.get("_jwt", ""))
    if payload.get("taskId") != task_id or payload.get("index") != index:
        raise outputs.LinkInvalid("The link does not match this file.")
    task = rt.store.get(str(payload.get("keyHash")), tasks.KIND, task_id)
    if task is None or task["state"] != "SUCCEEDED" or index >= len(task["outputs"]):
        raise NotFound("The file no longer exists.")
    plan = task["outputs"][index]
    if plan["ext"] != ext:
        raise NotFound("The file no longer exists.")
    from runway_mock import media  # rendering code is only needed when a file is fetched

    seed = rt.source.integer("artifact", task_id, index)
    data, content_type = media.render(plan["kind"], plan["ext"], plan["width"],
                                      plan["height"], plan["seconds"], seed,
                                      bool(plan.get("audio", False)))
    resp = Response(data, content_type=content_type)
    resp.headers["Cache-Control"] = "private, max-age=86400"
    resp.headers["Content-Disposition"] = f'inline; filename="{task_id}_{index}.{ext}"'
    return resp
