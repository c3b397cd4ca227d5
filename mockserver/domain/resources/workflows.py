"""Workflows: a few deterministic sample graphs per tenant, runs, and their invocations.

The emulator has no workflow editor, so each tenant sees the same sample workflows
(``SAMPLES``; ids drawn from the seed and the tenant). Running one validates
``nodeOutputs`` against the graph (known node, declared output, matching type, usable
media), charges the credits of the generation nodes it will run, and creates an
invocation whose status is evaluated lazily like a task's (the same named policies
apply, under the key ``workflows`` or ``workflows:<workflowId>``). Outputs are signed
links to deterministic files; a failed run is refunded once, when it is first seen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from runway_mock.clock import iso
from runway_mock.config import Runtime
from runway_mock.domain import ledger, lifecycle, limits, tasks
from runway_mock.domain.resources.common import (
    DATETIME,
    UUID,
    fail,
    find,
    media_url,
    new_id,
)
from runway_mock.schema import (
    AnyOf,
    Arr,
    Bool,
    Const,
    Int,
    Map,
    Media,
    Num,
    Obj,
    Str,
    Tagged,
    opt,
    req,
    tagged_obj,
)
from runway_mock.store import keys

KIND = keys.WORKFLOW
INVOCATION = keys.WORKFLOW_INVOCATION
SEEDED = keys.WORKFLOWS_SEEDED
POLICY_ENDPOINT = "workflows"
OUTPUT_TYPES = ("primitive", "image", "video", "audio")

# The sample workflows: name, description, versions, and per version the nodes
# (key, type, name, output key, output type, model, credits, latency, file) and edges.
_FILE = {"image": ("image", "png", 1280, 720, 0.0), "video": ("video", "mp4", 1280, 720, 5.0),
         "audio": ("audio", "mp3", 0, 0, 6.0)}
SAMPLES: tuple[dict[str, Any], ...] = (
    {
        "key": "product-shot", "name": "Product shot",
        "description": "Style a product photo from a prompt, then animate it.",
        "versions": 2,
        "nodes": (
            ("prompt", "input", "Prompt", "text", "primitive", None, 0, 0),
            ("photo", "input", "Product photo", "image", "image", None, 0, 0),
            ("still", "generation", "Styled still", "image", "image", "gen4_image", 5, 20),
            ("clip", "generation", "Turntable clip", "video", "video", "gen4_turbo", 25, 45),
        ),
        "edges": (("prompt", "text", "still", "prompt"), ("photo", "image", "still", "reference"),
                  ("still", "image", "clip", "image"), ("prompt", "text", "clip", "prompt")),
    },
    {
        "key": "podcast-intro", "name": "Podcast intro",
        "description": "Read a script with a preset voice over a short sound bed.",
        "versions": 1,
        "nodes": (
            ("script", "input", "Script", "text", "primitive", None, 0, 0),
            ("voice", "generation", "Narration", "audio", "audio", "eleven_multilingual_v2", 2,
             6),
            ("bed", "generation", "Sound bed", "audio", "audio", "eleven_text_to_sound_v2", 2,
             8),
        ),
        "edges": (("script", "text", "voice", "text"),),
    },
    {
        "key": "storyboard", "name": "Storyboard",
        "description": "Three storyboard frames from one scene description.",
        "versions": 1,
        "nodes": (
            ("scene", "input", "Scene", "text", "primitive", None, 0, 0),
            ("frame1", "generation", "Frame 1", "image", "image", "gen4_image_turbo", 2, 10),
            ("frame2", "generation", "Frame 2", "image", "image", "gen4_image_turbo", 2, 10),
            ("frame3", "generation", "Frame 3", "image", "image", "gen4_image_turbo", 2, 10),
        ),
        "edges": (("scene", "text", "frame1", "prompt"), ("scene", "text", "frame2", "prompt"),
                  ("scene", "text", "frame3", "prompt")),
    },
)

PRIMITIVE = tagged_obj("type", "primitive", {"value": req(AnyOf((Str(), Num(), Bool())))})
NODE_OUTPUT = Tagged("type", {
    "primitive": PRIMITIVE,
    **{kind: tagged_obj("type", kind, {"uri": req(Media((kind,)))})
       for kind in ("image", "video", "audio")},
}, doc="A value to use as a node's output instead of running it.")
RUN = Obj({"nodeOutputs": opt(Map(UUID, Map(Str(1, 256), NODE_OUTPUT),
                                  doc="Per node id, per output key: the value to use."))},
          doc="Run a workflow.")
RUN_CREATED = Obj({"id": req(Str(doc="The invocation id."))})
WORKFLOW = Obj({
    "id": req(Str()), "name": req(Str()), "description": req(Str(nullable=True)),
    "version": req(Int(1)), "createdAt": req(DATETIME), "updatedAt": req(DATETIME),
    "graph": req(Obj({"nodes": req(Arr(Obj(extra=True))), "edges": req(Arr(Obj(extra=True))),
                      "version": req(Int())})),
}, doc="A workflow version and its graph.")
WORKFLOWS = Obj({"data": req(Arr(Obj({
    "name": req(Str()),
    "versions": req(Arr(Obj({"id": req(Str()), "version": req(Int()),
                             "createdAt": req(DATETIME)}))),
})))}, doc="Every workflow by name, versions newest first.")
_INV = {"id": req(Str()), "createdAt": req(DATETIME)}
_NODE_ERRORS = Map(Str(), Obj({"message": req(Str()), "nodeName": opt(Str()),
                               "failureCode": opt(Str())}))
_COST = Obj({"credits": req(Int())})
INVOCATION_WIRE = Tagged("status", {
    "PENDING": Obj({**_INV, "status": req(Const("PENDING"))}),
    "THROTTLED": Obj({**_INV, "status": req(Const("THROTTLED"))}),
    "CANCELLED": Obj({**_INV, "status": req(Const("CANCELLED"))}),
    "RUNNING": Obj({**_INV, "status": req(Const("RUNNING")), "progress": req(Num(0, 1)),
                    "output": req(Map(Str(), Arr(Str()))), "nodeErrors": opt(_NODE_ERRORS)}),
    "FAILED": Obj({**_INV, "status": req(Const("FAILED")), "failure": req(Str()),
                   "failureCode": opt(Str()), "cost": opt(_COST),
                   "nodeErrors": opt(_NODE_ERRORS)}),
    "SUCCEEDED": Obj({**_INV, "status": req(Const("SUCCEEDED")),
                      "output": req(Map(Str(), Arr(Str()))), "cost": opt(_COST),
                      "nodeErrors": opt(_NODE_ERRORS)}),
}, doc="A workflow invocation, by status.")


def _graph(rt: Runtime, tenant: str, sample: Mapping[str, Any], version: int
           ) -> dict[str, Any]:
    ids = {n[0]: rt.source.uuid("workflow-node", tenant, sample["key"], version, n[0])
           for n in sample["nodes"]}
    nodes = []
    for key, kind, name, out_key, out_type, model, credits, latency in sample["nodes"]:
        node: dict[str, Any] = {"id": ids[key], "type": kind, "name": name,
                                "outputs": [{"key": out_key, "type": out_type}]}
        if model:
            node.update({"model": model, "credits": credits, "latency": latency})
        nodes.append(node)
    edges = [{"id": rt.source.uuid("workflow-edge", tenant, sample["key"], version, i),
              "source": ids[s], "sourceOutput": so, "target": ids[t], "targetInput": ti}
             for i, (s, so, t, ti) in enumerate(sample["edges"])]
    return {"nodes": nodes, "edges": edges, "version": 1}


def ensure_samples(rt: Runtime, tenant: str) -> None:
    """Give the tenant its sample workflows once (idempotent under concurrency)."""
    if rt.store.get_value(tenant, SEEDED):
        return
    now = rt.clock.now()
    for sample in SAMPLES:
        for version in range(1, sample["versions"] + 1):
            wid = rt.source.uuid(KIND, tenant, sample["key"], version)
            created = now - 86400 * (sample["versions"] - version + 1)
            record = {"id": wid, "name": sample["name"], "description": sample["description"],
                      "version": version, "createdAt": created, "updatedAt": created,
                      "graph": _graph(rt, tenant, sample, version)}
            with contextlib.suppress(KeyError):  # another request seeded it first
                rt.store.insert(tenant, KIND, wid, record)
    rt.store.put_value(tenant, SEEDED, True)


def _all(rt: Runtime, tenant: str) -> list[dict[str, Any]]:
    ensure_samples(rt, tenant)
    return rt.store.page(tenant, KIND, None, 1000)


def listing(rt: Runtime, tenant: str) -> dict[str, Any]:
    """GET /v1/workflows: every workflow by name, versions newest first (not paginated)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in _all(rt, tenant):
        groups.setdefault(record["name"], []).append(record)
    return {"data": [{"name": name, "versions": [
        {"id": r["id"], "version": r["version"], "createdAt": iso(r["createdAt"])}
        for r in sorted(versions, key=lambda r: -r["version"])]}
        for name, versions in groups.items()]}


def get(rt: Runtime, tenant: str, workflow_id: str) -> dict[str, Any]:
    """A workflow, or 404."""
    ensure_samples(rt, tenant)
    return find(rt, tenant, KIND, workflow_id, "Workflow")


def wire(record: Mapping[str, Any]) -> dict[str, Any]:
    """A workflow as GET /v1/workflows/{id} shows it."""
    return {"id": record["id"], "name": record["name"], "description": record["description"],
            "version": record["version"], "createdAt": iso(record["createdAt"]),
            "updatedAt": iso(record["updatedAt"]), "graph": record["graph"]}


def _check_outputs(workflow: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    nodes = {n["id"]: n for n in workflow["graph"]["nodes"]}
    for node_id, outputs in given.items():
        node = nodes.get(node_id)
        if node is None:
            raise fail(("nodeOutputs", node_id), "No node with this id in the workflow")
        declared = {o["key"]: o["type"] for o in node["outputs"]}
        for key, value in outputs.items():
            if key not in declared:
                raise fail(("nodeOutputs", node_id, key),
                           f"Node '{node['name']}' has no output '{key}'; it has: "
                           + ", ".join(declared))
            if value["type"] != declared[key]:
                raise fail(("nodeOutputs", node_id, key, "type"),
                           f"Output '{key}' of node '{node['name']}' is of type "
                           f"'{declared[key]}', not '{value['type']}'")


def run(rt: Runtime, tenant: str, workflow_id: str, *, body: Mapping[str, Any]
        ) -> dict[str, Any]:
    """POST /v1/workflows/{id}: validate overrides, charge, create the invocation."""
    workflow = get(rt, tenant, workflow_id)
    given = body.get("nodeOutputs") or {}
    _check_outputs(workflow, given)
    inv_id = new_id(rt, tenant, INVOCATION)
    steps = [n for n in workflow["graph"]["nodes"] if n["type"] == "generation"]
    runs = [n for n in steps if n["id"] not in given]
    latency = sum(float(n["latency"]) for n in runs) or 1.0
    planned = lifecycle.plan(rt, inv_id, endpoint=POLICY_ENDPOINT, model=workflow_id,
                             seconds=latency)
    now = rt.clock.now()
    span = float(planned["readyAt"]) - now
    outcome: dict[str, Any] = {"status": "SUCCEEDED"}
    if planned["failed"]:
        outcome = {"status": "FAILED", "failureCode": planned["failureCode"],
                   "failure": planned["failure"]}
    charged = []
    try:
        for node in runs:
            ledger.charge(rt, tenant, int(node["credits"]), model=node["model"],
                          task_id=inv_id, reason="workflow node")
            charged.append([node["model"], int(node["credits"])])
    except ledger.InsufficientCredits:
        for model, credits in charged:
            ledger.refund(rt, tenant, credits, model=model, task_id=inv_id,
                          reason="workflow not started")
        raise
    for node in runs:
        limits.record_generation(rt, tenant, node["model"])
    record = {
        "id": inv_id, "workflowId": workflow_id, "createdAt": now, "state": tasks.ACTIVE,
        "transition": planned["transition"], "outcome": outcome, "t_pending": now,
        "t_running": now + span * lifecycle.PENDING_SHARE, "t_done": now + span, "charged": charged,
        "steps": [{"id": n["id"], "name": n["name"], "type": n["outputs"][0]["type"],
                   "given": (given.get(n["id"], {}).get(n["outputs"][0]["key"]) or {})
                   .get("uri")} for n in steps],
    }
    rt.store.insert(tenant, INVOCATION, inv_id, record)
    return record


def _on_settle(rt: Runtime, tenant: str, record: dict[str, Any], updated: dict[str, Any]
               ) -> None:
    """Once per invocation: a failed one gives its credits back."""
    if updated["state"] == "FAILED":
        for model, credits in record["charged"]:
            ledger.refund(rt, tenant, credits, model=model, task_id=record["id"],
                          reason="workflow failed")


# A run moves like a task (PENDING, RUNNING, then its outcome) on the same table.
LIFECYCLE = lifecycle.Lifecycle(
    kind=INVOCATION, initial="THROTTLED", transitions=tasks.TRANSITIONS,
    outcome=lambda record: record["outcome"]["status"], polled=("PENDING", "RUNNING"),
    progress={"RUNNING": ("t_running", "t_done")}, settles=True, on_settle=_on_settle)


def _links(rt: Runtime, tenant: str, record: Mapping[str, Any], base_url: str,
           done: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for index, step in enumerate(record["steps"][:done]):
        if step["given"]:
            out[step["id"]] = [step["given"]]
            continue
        kind, ext, w, h, seconds = _FILE[step["type"]]
        out[step["id"]] = [media_url(
            rt, base_url, tenant, name=f"{record['id']}_{index}", kind=kind, ext=ext,
            width=w or 256, height=h or 256, seconds=seconds,
            seed=rt.source.integer("workflow-output", record["id"], index),
            owner=(INVOCATION, record["id"]))]
    return out


def observe(rt: Runtime, tenant: str, invocation_id: str, base_url: str) -> dict[str, Any]:
    """GET /v1/workflow_invocations/{id}: the invocation by status."""
    record = find(rt, tenant, INVOCATION, invocation_id, "Workflow invocation")
    record, status, progress = lifecycle.observe(rt, LIFECYCLE, tenant, record)
    out: dict[str, Any] = {"id": record["id"], "createdAt": iso(record["createdAt"]),
                           "status": status}
    steps = record["steps"]
    cost = sum(c for _, c in record["charged"])
    if status == "RUNNING":
        share = progress or 0.0
        out["progress"] = share
        out["output"] = _links(rt, tenant, record, base_url, int(share * len(steps)))
    elif status == "SUCCEEDED":
        out["output"] = _links(rt, tenant, record, base_url, len(steps))
        out["cost"] = {"credits": cost}
    elif status == "FAILED":
        outcome = record["outcome"]
        out["failure"] = outcome.get("failure") or "The workflow failed."
        out["failureCode"] = outcome.get("failureCode") or "INTERNAL"
        out["cost"] = {"credits": 0}
        if steps:
            last = steps[-1]
            out["nodeErrors"] = {last["id"]: {"message": out["failure"],
                                              "nodeName": last["name"],
                                              "failureCode": out["failureCode"]}}
    return out

