"""The contracts: small named checks of what the Runway API does, in one registry.

Every ``check_*`` takes replies or decoded bodies and raises ``AssertionError`` naming
the field that breaks the contract. The documented facts they state (task shapes per
status, the lifecycle graph, error bodies) are written here, not imported from the
emulator: the contracts referee the emulator, they do not trust it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from runway_mock.contracts.strategies import names_path


class ReplyLike(Protocol):
    """What a check needs of an HTTP reply."""

    status: int
    headers: Mapping[str, str]
    body: Any
    text: str


CHECKS: dict[str, Callable[..., None]] = {}


def check(fn: Callable[..., None]) -> Callable[..., None]:
    """Register ``fn`` as a named contract."""
    CHECKS[fn.__name__] = fn
    return fn


# The documented task lifecycle (runway-api.md (c)): status only moves along these edges.
LIFECYCLE: dict[str, tuple[str, ...]] = {
    "THROTTLED": ("PENDING", "CANCELLED"),
    "PENDING": ("RUNNING", "FAILED", "CANCELLED"),
    "RUNNING": ("SUCCEEDED", "FAILED", "CANCELLED"),
    "SUCCEEDED": (),
    "FAILED": (),
    "CANCELLED": (),
}
TERMINAL = frozenset(s for s, nxt in LIFECYCLE.items() if not nxt)
ACTIVE = frozenset(LIFECYCLE) - TERMINAL
# Keys of GET /v1/tasks/{id} by status: (required, optional).
TASK_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "PENDING": (frozenset({"id", "status", "createdAt", "estimatedCost"}), frozenset()),
    "THROTTLED": (frozenset({"id", "status", "createdAt", "estimatedCost"}), frozenset()),
    "RUNNING": (frozenset({"id", "status", "createdAt", "estimatedCost", "progress"}),
                frozenset()),
    "SUCCEEDED": (frozenset({"id", "status", "createdAt", "output", "cost"}), frozenset()),
    "FAILED": (frozenset({"id", "status", "createdAt", "failure", "cost"}),
               frozenset({"failureCode"})),
    "CANCELLED": (frozenset({"id", "status", "createdAt", "cost"}), frozenset()),
}
ERROR_KEYS = frozenset({"error", "issues", "docUrl", "code"})
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def _reachable(start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in LIFECYCLE.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _credits(body: Any, field: str) -> int:
    obj = body.get(field) if isinstance(body, dict) else None
    assert isinstance(obj, dict) and set(obj) == {"credits"}, (
        f"{field}: expected {{'credits': n}}, got {obj!r}")
    value = obj["credits"]
    assert _is_number(value) and value >= 0, (
        f"{field}.credits: expected a number >= 0, got {value!r}")
    return value


def _where(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path) or "(body)"


# ---------------------------------------------------------------------------
# Replies in general


@check
def check_json_reply(reply: ReplyLike) -> None:
    """A reply with a body is JSON, sent as ``application/json``."""
    ctype = reply.headers.get("content-type", "")
    assert ctype.split(";")[0].strip().lower() == "application/json", (
        f"content-type: expected application/json, got {ctype!r} (status {reply.status})")
    assert reply.body is not None, f"body: not JSON: {reply.text[:200]!r}"


@check
def check_error_shape(reply: ReplyLike, status: int | None = None) -> None:
    """An error is ``{"error": text, "issues"?: [{code, path, message}], ...}``."""
    if status is not None:
        assert reply.status == status, (
            f"status: expected {status}, got {reply.status}: {reply.text[:300]}")
    assert reply.status >= 400, f"status: expected an error status, got {reply.status}"
    check_json_reply(reply)
    body = reply.body
    assert isinstance(body, dict), f"body: expected an object, got {type(body).__name__}"
    assert isinstance(body.get("error"), str) and body["error"], (
        f"error: expected a non-empty string, got {body.get('error')!r}")
    extra = set(body) - ERROR_KEYS
    assert not extra, f"{sorted(extra)[0]}: not a field of Runway's error body"
    if "issues" in body:
        issues = body["issues"]
        assert isinstance(issues, list) and issues, (
            f"issues: expected a non-empty list, got {issues!r}")
        for i, item in enumerate(issues):
            assert isinstance(item, dict), f"issues.{i}: expected an object"
            assert isinstance(item.get("code"), str), f"issues.{i}.code: expected a string"
            assert isinstance(item.get("message"), str), f"issues.{i}.message: expected a string"
            path = item.get("path")
            assert isinstance(path, list) and all(
                isinstance(p, (str, int)) and not isinstance(p, bool) for p in path), (
                f"issues.{i}.path: expected a list of keys and indexes, got {path!r}")


# ---------------------------------------------------------------------------
# Task creation


@check
def check_task_created(reply: ReplyLike, *, returns_cost: bool = True,
                       expected_credits: int | None = None) -> str:
    """200 with exactly ``{id, estimatedCost: {credits}}``; returns the task id."""
    assert reply.status == 200, f"status: expected 200 for a valid request, got {reply.status}: " \
        f"{reply.text[:300]}"
    check_json_reply(reply)
    body = reply.body
    assert isinstance(body, dict), "body: expected an object"
    want = {"id", "estimatedCost"} if returns_cost else {"id"}
    assert set(body) == want, (
        f"{sorted(set(body) ^ want)[0]}: create returns exactly {sorted(want)}")
    assert isinstance(body["id"], str) and UUID.match(body["id"]), (
        f"id: expected a lowercase UUID, got {body['id']!r}")
    if returns_cost:
        credits = _credits(body, "estimatedCost")
        assert _is_int(credits), f"estimatedCost.credits: expected an integer, got {credits!r}"
        if expected_credits is not None:
            assert credits == expected_credits, (
                f"estimatedCost.credits: the price table gives {expected_credits}, got {credits}")
    return body["id"]


@check
def check_rejected_naming(reply: ReplyLike, path: tuple[str | int, ...]) -> None:
    """A single-field violation gets a 400 in Runway's error shape naming that field."""
    where = _where(path)
    assert reply.status == 400, (
        f"{where}: expected 400 for the broken field, got {reply.status}: {reply.text[:300]}")
    check_error_shape(reply)
    body = reply.body
    issues = body.get("issues")
    if issues:
        paths = [i.get("path") for i in issues]
        assert any(_names(p, path) for p in paths), (
            f"{where}: no issue names the broken field (issue paths: {paths})")
    else:
        leaf = next((str(p) for p in reversed(path) if isinstance(p, str)), where)
        assert leaf in body["error"], (
            f"{where}: the error does not name the field: {body['error']!r}")


def _names(issue_path: Any, path: tuple[str | int, ...]) -> bool:
    """An issue names ``path`` when it is at or under it, or at a (non-root) ancestor:
    a union may report the whole field rather than the branch that failed."""
    if not isinstance(issue_path, list):
        return False
    if names_path(issue_path, path):
        return True
    return bool(issue_path) and tuple(path[:len(issue_path)]) == tuple(issue_path)


@check
def check_retry_after(reply: ReplyLike) -> None:
    """``Retry-After`` (seconds) and ``retry-after-ms``, when sent, are non-negative numbers."""
    for name in ("retry-after", "retry-after-ms"):
        value = reply.headers.get(name)
        if value is None:
            continue
        try:
            number = float(value)
        except ValueError:
            raise AssertionError(f"{name}: expected a number, got {value!r}") from None
        assert number >= 0, f"{name}: expected a number >= 0, got {value!r}"


@check
def check_unauthorized(reply: ReplyLike) -> None:
    """A call without a usable bearer key gets 401 ``{"error": ...}``."""
    check_error_shape(reply, 401)


@check
def check_version_rejected(reply: ReplyLike) -> None:
    """A call without (or with an unknown) ``X-Runway-Version`` gets 400 saying so."""
    check_error_shape(reply, 400)
    assert "version" in reply.body["error"].lower(), (
        f"X-Runway-Version: the error does not mention the version: {reply.body['error']!r}")


@check
def check_not_found(reply: ReplyLike) -> None:
    """An unknown or deleted resource gets 404 ``{"error": ...}``."""
    check_error_shape(reply, 404)


# ---------------------------------------------------------------------------
# Tasks


@check
def check_task_shape(task: Any, task_id: str | None = None) -> str:
    """GET /v1/tasks/{id}: the documented keys for its status, each of the right type."""
    assert isinstance(task, dict), f"body: expected a task object, got {task!r}"
    status = task.get("status")
    assert status in TASK_KEYS, f"status: not a documented status: {status!r}"
    required, optional = TASK_KEYS[status]
    missing = required - set(task)
    assert not missing, f"{sorted(missing)[0]}: required on a {status} task"
    extra = set(task) - required - optional
    assert not extra, f"{sorted(extra)[0]}: not a field of a {status} task"
    assert isinstance(task["id"], str) and UUID.match(task["id"]), f"id: not a UUID: {task['id']!r}"
    if task_id is not None:
        assert task["id"] == task_id, f"id: asked for {task_id}, got {task['id']}"
    assert isinstance(task["createdAt"], str) and ISO_UTC.match(task["createdAt"]), (
        f"createdAt: expected ISO-8601 UTC with Z, got {task['createdAt']!r}")
    if "estimatedCost" in required:
        _credits(task, "estimatedCost")
    if "cost" in required:
        cost = _credits(task, "cost")
        assert _is_int(cost), f"cost.credits: expected an integer, got {cost!r}"
    if status == "RUNNING":
        p = task["progress"]
        assert _is_number(p) and 0 <= p <= 1, f"progress: expected a number in 0..1, got {p!r}"
    if status == "SUCCEEDED":
        out = task["output"]
        assert isinstance(out, list) and out, f"output: expected a non-empty list, got {out!r}"
        assert all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in out), (
            f"output: expected URLs, got {out!r}")
    if status == "FAILED":
        assert isinstance(task["failure"], str) and task["failure"], "failure: expected text"
        if "failureCode" in task:
            assert isinstance(task["failureCode"], str), "failureCode: expected a string"
    return status


@check
def check_transition(previous: str | None, status: str) -> None:
    """Status only moves forward along the documented graph; terminal states stay."""
    if previous is None or previous == status:
        return
    assert previous not in TERMINAL, f"status: {previous} is terminal but became {status}"
    assert status in _reachable(previous), (
        f"status: {previous} -> {status} is not a move the lifecycle allows")


@check
def check_progress(previous: float | None, progress: float | None) -> None:
    """Progress stays in 0..1 and never goes down while a task runs."""
    if progress is None:
        return
    assert 0 <= progress <= 1, f"progress: {progress} is outside 0..1"
    if previous is not None:
        assert progress >= previous, f"progress: went down from {previous} to {progress}"


@check
def check_cost_within_estimate(task: Mapping[str, Any], estimate: int) -> None:
    """A finished task never costs more than it was estimated to."""
    if "cost" in task:
        cost = task["cost"]["credits"]
        assert cost <= estimate, f"cost.credits: {cost} is more than the estimate {estimate}"
    if "estimatedCost" in task:
        got = task["estimatedCost"]["credits"]
        assert got == estimate, (
            f"estimatedCost.credits: the task says {got}, creation said {estimate}")


@check
def check_deleted(reply: ReplyLike) -> None:
    """DELETE /v1/tasks/{id} answers 204 with no body."""
    assert reply.status == 204, f"status: expected 204 from DELETE, got {reply.status}: " \
        f"{reply.text[:200]}"
    assert not reply.text.strip(), f"body: a 204 has no body, got {reply.text[:100]!r}"


# ---------------------------------------------------------------------------
# Organization and credits


@check
def check_organization_shape(body: Any) -> int:
    """GET /v1/organization: creditBalance, tier limits and usage; returns the balance."""
    assert isinstance(body, dict), "body: expected an object"
    for key in ("creditBalance", "tier", "usage"):
        assert key in body, f"{key}: required in the organization"
    bal = body["creditBalance"]
    assert _is_int(bal) and bal >= 0, f"creditBalance: expected an integer >= 0, got {bal!r}"
    tier = body["tier"]
    assert isinstance(tier, dict) and _is_number(tier.get("maxMonthlyCreditSpend")), (
        "tier.maxMonthlyCreditSpend: expected a number")
    models = tier.get("models")
    assert isinstance(models, dict), "tier.models: expected an object"
    for model, lim in models.items():
        for key in ("maxConcurrentGenerations", "maxDailyGenerations"):
            v = lim.get(key) if isinstance(lim, dict) else None
            assert v is None or _is_int(v), (
                f"tier.models.{model}.{key}: expected an integer or null")
    usage = body["usage"]
    assert isinstance(usage, dict) and isinstance(usage.get("models"), dict), (
        "usage.models: expected an object")
    for model, u in usage["models"].items():
        assert isinstance(u, dict) and _is_int(u.get("dailyGenerations")), (
            f"usage.models.{model}.dailyGenerations: expected an integer")
    return bal


@check
def check_usage_shape(body: Any) -> int:
    """POST /v1/organization/usage: models and per-day usedCredits; returns the net total."""
    assert isinstance(body, dict), "body: expected an object"
    assert isinstance(body.get("models"), list), "models: expected a list"
    results = body.get("results")
    assert isinstance(results, list), "results: expected a list"
    total = 0
    for i, day in enumerate(results):
        assert isinstance(day, dict) and isinstance(day.get("date"), str), (
            f"results.{i}.date: expected YYYY-MM-DD")
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", day["date"]), f"results.{i}.date: {day['date']!r}"
        used = day.get("usedCredits")
        assert isinstance(used, list), f"results.{i}.usedCredits: expected a list"
        for j, entry in enumerate(used):
            assert isinstance(entry, dict) and isinstance(entry.get("model"), str), (
                f"results.{i}.usedCredits.{j}.model: expected a model id")
            assert _is_number(entry.get("amount")), (
                f"results.{i}.usedCredits.{j}.amount: expected a number")
            total += entry["amount"]
    return total


@check
def check_credits_reconcile(spent: int, low: int, high: int, what: str = "creditBalance") -> None:
    """The credits spent are what the tasks seen account for (``low``..``high``)."""
    assert low <= spent <= high, (
        f"{what}: {spent} credits spent, but the tasks account for {low}..{high}")


__all__ = [
    "ACTIVE", "CHECKS", "LIFECYCLE", "TASK_KEYS", "TERMINAL", "check", "check_cost_within_estimate",
    "check_credits_reconcile", "check_deleted", "check_error_shape", "check_json_reply",
    "check_not_found", "check_organization_shape", "check_progress", "check_rejected_naming",
    "check_retry_after",
    "check_task_created", "check_task_shape", "check_transition", "check_unauthorized",
    "check_usage_shape", "check_version_rejected",
]


# ---------------------------------------------------------------------------
# Resource endpoints (runway-api.md section (b); key sets from SDK 5.24.0's types)

# (status, required keys, optional keys, keys required per ``status`` value) of the reply
# to each resource operation with a JSON body. None: no body (204).
_AVATAR = frozenset({"id", "createdAt", "documentIds", "name", "personality", "status",
                     "updatedAt", "voice"})
_AVATAR_OPT = frozenset({"processedImageUri", "referenceImageUri", "startScript"})
_VOICE = frozenset({"id", "createdAt", "name", "status"})
_ROUTER = frozenset({"id", "createdAt", "name", "settings", "slug", "updatedAt", "version"})
_GENERATED = frozenset({"id", "routing"})
_ONLY_ID = frozenset({"id"})
_NONE: frozenset[str] = frozenset()
RESOURCE_REPLIES: dict[tuple[str, str], tuple[int, frozenset[str] | None, frozenset[str],
                                              dict[str, frozenset[str]]]] = {
    ("POST", "/v1/uploads"): (200, frozenset({"uploadUrl", "fields", "runwayUri"}), _NONE, {}),
    ("POST", "/v1/documents"): (200, frozenset({"id", "content", "createdAt", "name", "type",
                                                "updatedAt", "usedBy"}), _NONE, {}),
    ("PATCH", "/v1/documents/{document_id}"): (204, None, _NONE, {}),
    ("POST", "/v1/avatars"): (200, _AVATAR, _AVATAR_OPT,
                              {"FAILED": frozenset({"failureReason"})}),
    ("PATCH", "/v1/avatars/{avatar_id}"): (200, _AVATAR, _AVATAR_OPT,
                                           {"FAILED": frozenset({"failureReason"})}),
    ("POST", "/v1/realtime_sessions"): (200, _ONLY_ID, _NONE, {}),
    ("POST", "/v1/voices"): (200, _ONLY_ID, _NONE, {}),
    ("POST", "/v1/voices/preview"): (200, frozenset({"url", "durationSecs"}), _NONE, {}),
    ("PATCH", "/v1/voices/{voice_id}"): (200, _VOICE, frozenset({"description", "previewUrl"}),
                                         {"FAILED": frozenset({"failureReason"})}),
    ("POST", "/v1/routers"): (200, _ROUTER, frozenset({"description"}), {}),
    ("PATCH", "/v1/routers/{router_id}"): (200, _ROUTER, frozenset({"description"}), {}),
    **{("POST", f"/v1/generate/{m}"): (200, _GENERATED, _NONE, {})
       for m in ("video", "image", "audio")},
    ("POST", "/v1/workflows/{workflow_id}"): (200, _ONLY_ID, _NONE, {}),
    ("POST", "/v1/organization/usage"): (200, frozenset({"models", "results"}),
                                         frozenset({"apiKeys", "resultsByApiKey"}), {}),
}
ROUTING_KEYS = (frozenset({"configId", "estimatedCost", "model", "provider", "resolvedInput",
                           "resolvedSettings"}), frozenset({"capacityFallback"}))


def _keys(obj: Any, required: frozenset[str], optional: frozenset[str], where: str) -> None:
    assert isinstance(obj, dict), f"{where or 'body'}: expected an object, got {obj!r}"
    prefix = f"{where}." if where else ""
    missing = required - set(obj)
    assert not missing, f"{prefix}{sorted(missing)[0]}: required in the reply"
    extra = set(obj) - required - optional
    assert not extra, f"{prefix}{sorted(extra)[0]}: not a field of this reply"


@check
def check_resource_reply(reply: ReplyLike, method: str, path: str) -> Any:
    """A valid resource request gets its documented status and exactly its reply's keys."""
    assert (method, path) in RESOURCE_REPLIES, (
        f"{method} {path}: no documented reply in checks.RESOURCE_REPLIES; add one")
    status, required, optional, per_status = RESOURCE_REPLIES[(method, path)]
    assert reply.status == status, (
        f"status: expected {status} for a valid {method} {path}, got {reply.status}: "
        f"{reply.text[:300]}")
    if required is None:
        assert not reply.text.strip(), f"body: a {status} has no body, got {reply.text[:100]!r}"
        return None
    check_json_reply(reply)
    body = reply.body
    extra_required = per_status.get(body.get("status")) if isinstance(body, dict) else None
    _keys(body, required | (extra_required or _NONE), optional, "")
    if "id" in required:
        assert isinstance(body["id"], str) and body["id"], f"id: expected an id, got {body['id']!r}"
    for key in ("createdAt", "updatedAt"):
        if key in body:
            assert isinstance(body[key], str) and ISO_UTC.match(body[key]), (
                f"{key}: expected ISO-8601 UTC with Z, got {body[key]!r}")
    if "routing" in required:
        _keys(body["routing"], *ROUTING_KEYS, "routing")
        _credits(body["routing"], "estimatedCost")
    if (method, path) == ("POST", "/v1/organization/usage"):
        check_usage_shape(body)
    return body


__all__ += ["RESOURCE_REPLIES", "check_resource_reply"]
