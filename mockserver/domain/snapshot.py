"""Snapshots of the whole emulator: save a world, load it back exactly.

``GET /_mock/state`` returns ``take(rt)``; ``POST /_mock/state`` and ``serve --load-state
FILE`` give it back to ``load``. A snapshot holds every tenant's records (tasks, resources,
the ledger), values (balances, quotas, policies, prices, fault rules and their counters),
sets and id counters, the capped logs (the journal), the clock and the seed; so a suite can
start from a prepared world, as moto and LocalStack allow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from runway_mock.config import Runtime

FORMAT = "runway-mock-state"
VERSION = 1


def take(rt: Runtime, tenant: str | None = None) -> dict[str, Any]:
    """The state as JSON-ready data; with ``tenant``, that tenant's part only."""
    data = rt.store.dump(tenant)
    streams = data.pop("_streams", None)
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "tenants": data}
    if tenant is None:
        out.update(seed=rt.config.seed, clock=rt.clock.state(), streams=streams or {})
    return out


def load(rt: Runtime, snapshot: Any) -> dict[str, Any]:
    """Restore ``snapshot`` (from ``take``); ValueError names what is wrong with it.

    A whole snapshot replaces the world; one taken for a single tenant replaces that
    tenant and leaves the rest as it is.
    """
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT:
        raise ValueError(f"not a runway-mock state dump (expected \"format\": \"{FORMAT}\")")
    if snapshot.get("version") != VERSION:
        raise ValueError(f"unsupported state dump version {snapshot.get('version')!r} "
                         f"(this emulator reads version {VERSION})")
    tenants = snapshot.get("tenants")
    if not isinstance(tenants, dict) or not all(isinstance(v, dict) for v in tenants.values()):
        raise ValueError("\"tenants\" must map tenant hashes to their state")
    whole = "clock" in snapshot
    clock = snapshot.get("clock")
    if whole and not (isinstance(clock, dict) and {"now", "frozen", "rate"} <= set(clock)):
        raise ValueError("\"clock\" must have now, frozen and rate")
    seed = snapshot.get("seed")
    if whole and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ValueError("\"seed\" must be an integer")
    data = dict(tenants)
    if whole:
        data["_streams"] = snapshot.get("streams") or {}
    try:
        if whole:
            rt.store.reset()
        rt.store.load(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed state dump: {exc!r}") from None
    if whole:
        rt.reseed(seed)
        rt.clock.restore(clock)
    return {"loaded": True, "tenants": len(tenants), "whole": whole}


def load_file(rt: Runtime, path: str | Path) -> dict[str, Any]:
    """``load`` a dump saved to ``path`` (``serve --load-state``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from None
    return load(rt, data)
