"""Model Router configurations (``/v1/routers``) and their request logs.

A router has an immutable ``slug`` (unique per tenant: an atomic set add claims it),
a ``name`` (defaults to the slug), an optional ``description`` and ``settings``. PATCH
deep-merges settings (``null`` removes a credit cap) and bumps ``version`` only when
the settings actually change. Every ``/v1/generate/*`` call that names a router is
logged to its requests list (see ``mockserver.resources.generate``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from runway_mock.catalog import ENDPOINTS, all_models
from runway_mock.catalog.tiers import ORGANIZATION_MODELS
from runway_mock.clock import iso
from runway_mock.config import Runtime
from runway_mock.domain import pagination
from runway_mock.domain.resources.common import DATETIME, find, new_id
from runway_mock.errors import Conflict, NotFound
from runway_mock.schema import (
    Arr,
    Bool,
    Const,
    Enum,
    Int,
    Issue,
    Num,
    Obj,
    Path,
    Str,
    Tagged,
    issue,
    opt,
    req,
)
from runway_mock.store import keys

KIND = keys.ROUTER
SLUGS = keys.ROUTER_SLUGS
SCHEMA_VERSION = 1
MODALITIES = ("video", "image", "audio")
OPTIMIZE = ("cost", "latency", "quality")
MODES = ("allow_new_except", "allowlist_only")
JS_MAX_SAFE = 9007199254740991
SLUG = Str(pattern=r"[a-z][a-z0-9_-]{0,63}",
           doc="Immutable slug, unique per project, used as configId when generating.")
CREDITS_CAP = Int(1, JS_MAX_SAFE, doc="Most credits one generated output may cost.")
STATUSES = ("routed", "no_eligible_model", "router_config_not_found", "invalid_request",
            "error")
FILTERS = ("capability", "prompt_length", "input_support", "allow_deny", "price")


def known_models() -> frozenset[str]:
    """Every model id a router may name: the catalog's and the organization enum's."""
    rows = {m for table in ENDPOINTS.values() for m in table.rows}
    return frozenset(rows | set(all_models()) | set(ORGANIZATION_MODELS))


def _known_ids(body: Mapping[str, Any], path: Path) -> list[Issue]:
    models = body.get("models")
    if not isinstance(models, dict) or not isinstance(models.get("ids"), list):
        return []
    known = known_models()
    return [issue("custom", (*path, "models", "ids", i), f"Unknown model id '{m}'")
            for i, m in enumerate(models["ids"]) if m not in known]


def _settings(update: bool) -> Obj:
    nullable = update
    caps = {m: opt(Int(1, JS_MAX_SAFE, nullable=nullable)) for m in MODALITIES}
    models = Obj({"mode": (opt if update else req)(Enum(MODES)),
                  "ids": (opt if update else req)(Arr(Str()))},
                 doc="allowlist_only: only these ids; allow_new_except: all but these.")
    return Obj({
        "schemaVersion": opt(Const(SCHEMA_VERSION)),
        "models": opt(models),
        "maxCreditsPerGeneration": opt(Obj(caps, nullable=nullable,
                                           doc="Per-modality caps per generated output.")),
        "optimizeFor": opt(Enum(OPTIMIZE, doc="Preference among eligible models.")),
        "fallback": opt(Obj({"onCapacity": opt(Bool())})),
    }, rules=(_known_ids,), doc="Routing preferences.")


SETTINGS = _settings(update=False)
CREATE = Obj({
    "slug": req(SLUG), "name": opt(Str(1, 255)), "description": opt(Str(0, 2000)),
    "settings": opt(SETTINGS),
}, doc="Create a Model Router configuration.")
UPDATE = Obj({
    "name": opt(Str(1, 255)), "description": opt(Str(0, 2000, nullable=True)),
    "settings": opt(_settings(update=True)),
}, doc="Change a router; settings are deep-merged.")
ROUTER = Obj({
    "id": req(Str()), "slug": req(Str()), "name": req(Str()),
    "description": req(Str(nullable=True)), "version": req(Int(1)),
    "settings": req(Obj({**SETTINGS.props, "schemaVersion": req(Const(SCHEMA_VERSION))})),
    "createdAt": req(DATETIME), "updatedAt": req(DATETIME),
}, doc="A Model Router configuration.")
PIPELINE_STEP = Tagged("type", {
    "filter": Obj({"type": req(Const("filter")), "filter": req(Enum(FILTERS)),
                   "models": req(Arr(Str()))}),
    "capacity": Obj({"type": req(Const("capacity")), "skipped": req(Arr(Str())),
                     "allExhausted": req(Bool())}),
    "rank": Obj({"type": req(Const("rank")),
                 "outcome": req(Enum(("cost", "selected", "fallback", "single_candidate")))}),
})
REQUEST = Obj({
    "id": req(Str()), "requestId": req(Str()), "status": req(Enum(STATUSES)),
    "model": req(Str(nullable=True)), "provider": req(Str(nullable=True)),
    "reason": req(Str(nullable=True)), "reasonCode": req(Str(nullable=True)),
    "estimatedCredits": req(Num(nullable=True)), "taskId": req(Str(nullable=True)),
    "createdAt": req(DATETIME), "pipeline": req(Arr(PIPELINE_STEP)),
    "emptiedBy": req(Arr(Enum(FILTERS))),
}, doc="One routing decision.")


_slug_key = keys.router_slug
requests_kind = keys.router_requests


def _with_version(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    out = {"schemaVersion": SCHEMA_VERSION}
    out.update({k: copy.deepcopy(v) for k, v in (settings or {}).items()
                if k != "schemaVersion"})
    return out


def create(rt: Runtime, tenant: str, *, body: dict[str, Any]) -> dict[str, Any]:
    """A new router; 409 if the slug is taken."""
    slug = body["slug"]
    if not rt.store.set_add(tenant, SLUGS, slug):
        raise Conflict(f"A router with slug '{slug}' already exists.",
                       headers={"x-should-retry": "false"})
    router_id = new_id(rt, tenant, KIND)
    now = rt.clock.now()
    record = {"id": router_id, "slug": slug, "name": body.get("name") or slug,
              "description": body.get("description"), "version": 1,
              "settings": _with_version(body.get("settings")), "createdAt": now,
              "updatedAt": now}
    rt.store.insert(tenant, KIND, router_id, record)
    rt.store.put_value(tenant, _slug_key(slug), router_id)
    return record


def get(rt: Runtime, tenant: str, router_id: str) -> dict[str, Any]:
    """The router, or 404."""
    return find(rt, tenant, KIND, router_id, "Router")


def by_slug(rt: Runtime, tenant: str, slug: str) -> dict[str, Any] | None:
    """The tenant's router with ``slug``, or None."""
    router_id = rt.store.get_value(tenant, _slug_key(slug))
    return rt.store.get(tenant, KIND, router_id) if router_id else None


def merge(current: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``patch`` into ``current``: ``None`` deletes a key, objects merge."""
    out = copy.deepcopy(dict(current))
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        elif isinstance(value, dict):
            out[key] = merge({}, value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def update(rt: Runtime, tenant: str, router_id: str, *, body: dict[str, Any]
           ) -> dict[str, Any]:
    """PATCH: name/description replace, settings deep-merge; version bumps on change."""
    for _ in range(8):
        current = get(rt, tenant, router_id)
        changes: dict[str, Any] = {k: body[k] for k in ("name", "description") if k in body}
        if "settings" in body:
            settings = _with_version(merge(current["settings"], body["settings"]))
            if settings.get("maxCreditsPerGeneration") == {}:
                settings.pop("maxCreditsPerGeneration")
            if "models" in settings:
                # A models object created by a partial PATCH gets the documented defaults.
                settings["models"] = {"mode": "allow_new_except", "ids": [],
                                      **settings["models"]}
            if settings != current["settings"]:
                changes["settings"] = settings
                changes["version"] = int(current["version"]) + 1
        if not changes:
            return current
        changes["updatedAt"] = rt.clock.now()
        stored = rt.store.update(tenant, KIND, router_id, changes,
                                 expect={"version": current["version"]})
        if stored is not None:
            return stored
    raise Conflict("The router changed while it was being updated; retry.")


def delete(rt: Runtime, tenant: str, router_id: str) -> None:
    """Delete a router: its slug is free again and generation can no longer use it."""
    removed = rt.store.delete(tenant, KIND, router_id)
    if removed is None:
        raise NotFound("Router not found.")
    rt.store.put_value(tenant, _slug_key(removed["slug"]), None)
    rt.store.set_remove(tenant, SLUGS, removed["slug"])


def wire(record: Mapping[str, Any]) -> dict[str, Any]:
    """A router as the API shows it."""
    return {"id": record["id"], "slug": record["slug"], "name": record["name"],
            "description": record.get("description"), "version": record["version"],
            "settings": copy.deepcopy(record["settings"]),
            "createdAt": iso(record["createdAt"]), "updatedAt": iso(record["updatedAt"])}


def listing(rt: Runtime, tenant: str, query: dict[str, Any]) -> dict[str, Any]:
    """GET /v1/routers: newest first."""
    return pagination.page(rt, tenant, KIND, pagination.page_request(query), newest_first=True,
                           render=wire)


def log_request(rt: Runtime, tenant: str, router_id: str, entry: dict[str, Any]) -> None:
    """Append one routing decision to the router's request log."""
    seq = rt.store.next_seq(tenant, requests_kind(router_id))
    entry_id = rt.source.uuid("router_request", tenant, router_id, seq)
    record = {"id": entry_id, "requestId": rt.source.uuid("request", tenant, router_id, seq),
              "createdAt": rt.clock.now(), **entry}
    rt.store.insert(tenant, requests_kind(router_id), entry_id, record)


def _request_wire(record: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "requestId": record["requestId"], "status": record["status"],
            "model": record.get("model"), "provider": record.get("provider"),
            "reason": record.get("reason"), "reasonCode": record.get("reasonCode"),
            "estimatedCredits": record.get("estimatedCredits"),
            "taskId": record.get("taskId"), "createdAt": iso(record["createdAt"]),
            "pipeline": record.get("pipeline", []), "emptiedBy": record.get("emptiedBy", [])}


def requests(rt: Runtime, tenant: str, router_id: str, query: dict[str, Any]
             ) -> dict[str, Any]:
    """GET /v1/routers/{id}/requests: newest first."""
    get(rt, tenant, router_id)
    return pagination.page(rt, tenant, requests_kind(router_id),
                           pagination.page_request(query), newest_first=True,
                           render=_request_wire)
