"""Client etiquette: what the request journal says about how a client under test behaves.

``report`` reads the journal (and, for leftovers, the task store) and runs six checks:

* ``poll_too_often``: a task read again sooner than ``poll_interval`` seconds of emulator
  time (less ``poll_tolerance``: the official SDKs sleep 4.5-7.5 s between polls);
* ``retry_before_retry_after``: a call repeated sooner than the ``Retry-After`` (or
  ``retry-after-ms``) its previous answer asked for, in wall-clock time;
* ``retry_after_client_error``: a call repeated after a status no client should retry
  (400, 401, 403, 404, 405, 410, 413, 415, 422);
* ``duplicate_create``: the same create (same tenant, path and body hash) made a second
  task within ``duplicate_window`` wall seconds, where the first attempt's answer never
  reached the client intact (dropped, truncated, malformed, or still in progress when
  the retry arrived) or the second call says it is a retry (``x-stainless-retry-count``);
* ``over_concurrency``: tasks created while the model's concurrency was already used up
  (they started THROTTLED);
* ``undeleted_tasks``: tasks the client created that still exist.

"Same call" means the same tenant, method, path and body hash.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from runway_mock.config import Runtime, tenant_of
from runway_mock.domain import journal
from runway_mock.store import keys

CHECKS = ("poll_too_often", "retry_before_retry_after", "retry_after_client_error",
          "duplicate_create", "over_concurrency", "undeleted_tasks")
DESCRIPTIONS = {
    "poll_too_often": "polled a task more often than every {poll_interval:g} s "
                      "of emulator time",
    "retry_before_retry_after": "retried before the Retry-After it was given",
    "retry_after_client_error": "repeated a call after a status that is not retryable",
    "duplicate_create": "created duplicate tasks for one request after a failed or "
                        "timed-out attempt",
    "over_concurrency": "created tasks beyond its concurrency limit (they were THROTTLED)",
    "undeleted_tasks": "left tasks it created undeleted",
}
MAX_EXAMPLES = 5
_UNDELIVERED = ("drop", "truncate", "malformed")


def _key(e: dict[str, Any]) -> tuple[Any, ...]:
    return e.get("tenant"), e["method"], e["path"], e.get("bodyHash")


def _ends(e: dict[str, Any]) -> float:
    return float(e["wall"]) + float(e.get("ms", 0.0)) / 1000.0


def _polls(entries: list[dict[str, Any]], interval: float) -> list[dict[str, Any]]:
    last: dict[tuple[Any, str], dict[str, Any]] = {}
    found = []
    for e in entries:
        if e["method"] != "GET" or not e.get("taskId") or not e["path"].startswith("/v1/tasks/"):
            continue
        key = (e.get("tenant"), e["taskId"])
        prev = last.get(key)
        if prev is not None and e["at"] - prev["at"] < interval:
            found.append({"taskId": e["taskId"], "seq": e["seq"],
                          "interval": round(e["at"] - prev["at"], 3)})
        last[key] = e
    return found


def _following(entries: list[dict[str, Any]]) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    """(call, the next call with the same key) pairs."""
    nxt: dict[tuple[Any, ...], dict[str, Any]] = {}
    pairs = []
    for e in reversed(entries):
        k = _key(e)
        if k in nxt:
            pairs.append((e, nxt[k]))
        nxt[k] = e
    return reversed(pairs)


def _early_retries(entries: list[dict[str, Any]], tolerance: float) -> list[dict[str, Any]]:
    found = []
    for a, b in _following(entries):
        wait = a.get("retryAfter")
        if wait is None or a["status"] < 400:
            continue
        waited = float(b["wall"]) - _ends(a)
        if waited < wait - tolerance:
            found.append({"seq": b["seq"], "path": b["path"], "status": a["status"],
                          "retryAfter": wait, "waited": round(max(0.0, waited), 4)})
    return found


def _client_error_retries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"seq": b["seq"], "path": b["path"], "status": a["status"]}
            for a, b in _following(entries) if a["status"] in journal.NOT_RETRYABLE]


def _duplicates(entries: list[dict[str, Any]], window: float) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        if e["method"] == "POST" and e.get("bodyHash"):
            groups[_key(e)].append(e)
    found = []
    for calls in groups.values():
        created = [e for e in calls if e.get("created")]
        for a, b in pairwise(created):
            if float(b["wall"]) - float(a["wall"]) > window:
                continue
            undelivered = (a.get("fault", {}).get("type") in _UNDELIVERED
                           or float(b["wall"]) < _ends(a))
            if undelivered or (b.get("retryCount") or 0) > 0:
                found.append({"first": a["taskId"], "duplicate": b["taskId"], "seq": b["seq"],
                              "path": b["path"]})
    return found


def _throttled(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"taskId": e["taskId"], "model": e.get("model"), "seq": e["seq"]}
            for e in entries if e.get("created") and e.get("throttled")]


def _leftovers(rt: Runtime, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for e in entries:
        if not e.get("created") or not e.get("tenant"):
            continue
        task = rt.store.get(e["tenant"], keys.TASK, e["taskId"])
        if task is not None:
            found.append({"taskId": e["taskId"], "model": task["model"],
                          "state": task["state"]})
    return found


def _runtime(target: Any) -> Runtime:
    if isinstance(target, Runtime):
        return target
    return target.extensions["runway_mock"]


def report(target: Any, *, tenant: str | None = None, api_key: str | None = None,
           after: int = 0, poll_interval: float = 5.0, poll_tolerance: float = 0.5,
           retry_after_tolerance: float = 0.05, duplicate_window: float = 300.0
           ) -> dict[str, Any]:
    """The etiquette report for one tenant (or every caller) of an app or runtime."""
    rt = _runtime(target)
    if api_key is not None:
        tenant = tenant_of(api_key)
    # The journal is in completion order; judge calls in the order they started.
    entries = sorted(journal.entries(rt, tenant=tenant, after=after),
                     key=lambda e: (e["wall"], e["seq"]))
    results = {
        "poll_too_often": _polls(entries, poll_interval - poll_tolerance),
        "retry_before_retry_after": _early_retries(entries, retry_after_tolerance),
        "retry_after_client_error": _client_error_retries(entries),
        "duplicate_create": _duplicates(entries, duplicate_window),
        "over_concurrency": _throttled(entries),
        "undeleted_tasks": _leftovers(rt, entries),
    }
    checks = {
        name: {"count": len(found), "ok": not found,
               "description": DESCRIPTIONS[name].format(poll_interval=poll_interval),
               "examples": found[:MAX_EXAMPLES]}
        for name, found in results.items()
    }
    findings = [name for name in CHECKS if checks[name]["count"]]
    return {"tenant": tenant, "requests": len(entries),
            "ok": not findings, "findings": findings, "checks": checks}
