"""Fault injection: declarative, seeded rules that make calls fail the way real networks do.

A rule is ``{"id", "match": {...}, "effect": {...}, "times": n | "once" | "forever"}``.
Rules are ordered and the first that matches a call and still has budget fires.
``match`` may name the method, path (exact or glob), endpoint, model, tenant (or
``apiKey``, stored only as its hash), the ``nth`` matching call and a ``probability``.
An ``effect`` is one of: ``status`` (any 4xx/5xx, with ``retryAfter`` seconds and/or
``retryAfterMs``), ``latency``, ``drop`` (close the connection without a response),
``truncate`` (fewer bytes than Content-Length), ``malformed`` (invalid JSON), ``fail``
(the created task ends FAILED with a ``failureCode``) or ``hold`` (the created task
stays in a status until released); any effect may add ``latency`` seconds first.

Rule state (matching-call counters, what each rule consumed) lives in the store as
atomic counters, so several workers agree; probabilities are drawn from ``rt.source``
keyed by rule id and call number, so the same seed and calls give the same faults.
This module is plain Python: the HTTP layer (``app.py``) turns a decision into a
response.
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runway_mock.config import Runtime, tenant_of
from runway_mock.domain.policies import GLOBAL, HOLDABLE
from runway_mock.errors import BadRequest
from runway_mock.store import keys

RULE_KIND = keys.FAULT_RULE
VERSION_KEY = keys.FAULT_RULES_VERSION
HEADER = "X-Runway-Mock-Fault"
EFFECTS = ("status", "latency", "drop", "truncate", "malformed", "fail", "hold")
TASK_EFFECTS = ("fail", "hold")
MATCH_KEYS = ("method", "path", "endpoint", "model", "tenant", "apiKey", "nth", "probability")
MAX_LATENCY = 600.0
# Bodies of injected errors, in Runway's {"error": ...} shape.
DEFAULT_ERRORS = {
    408: "The request timed out.",
    409: "The request conflicts with another request in progress.",
    429: "Too many requests. Please slow down and retry later.",
    500: "An internal error occurred.",
    502: "Bad gateway: the upstream service did not respond correctly.",
    503: "The service is temporarily unavailable. Please retry.",
    504: "The upstream service timed out.",
}


class FaultRuleError(BadRequest):
    """400: a fault rule is malformed."""


# ---------------------------------------------------------------------------
# Rule validation


def _strings(value: Any, name: str, upper: bool = False) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v for v in items):
        raise FaultRuleError(f"match.{name} must be a non-empty string or list of strings")
    return [v.upper() for v in items] if upper else list(items)


def _num(value: Any, name: str, lo: float = 0.0, hi: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FaultRuleError(f"{name} must be a number")
    if value < lo or (hi is not None and value > hi):
        bounds = f"from {lo:g} to {hi:g}" if hi is not None else f"at least {lo:g}"
        raise FaultRuleError(f"{name} must be {bounds}")
    return value


def _positive_ints(value: Any, name: str) -> list[int]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1
                            for v in items):
        raise FaultRuleError(f"{name} must be a positive integer or a list of them")
    return list(items)


def _match(spec: Any) -> dict[str, Any]:
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise FaultRuleError("match must be an object")
    unknown = set(spec) - set(MATCH_KEYS)
    if unknown:
        raise FaultRuleError(f"unknown match keys: {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(MATCH_KEYS)})")
    out: dict[str, Any] = {}
    if "method" in spec:
        out["method"] = _strings(spec["method"], "method", upper=True)
    for name in ("path", "endpoint", "model", "tenant"):
        if name in spec:
            out[name] = _strings(spec[name], name)
    if "apiKey" in spec:
        # Keys are never stored: the rule keeps the tenant hash.
        out["tenant"] = out.get("tenant", []) + [tenant_of(k)
                                                 for k in _strings(spec["apiKey"], "apiKey")]
    if "nth" in spec:
        out["nth"] = _positive_ints(spec["nth"], "match.nth")
    if "probability" in spec:
        out["probability"] = _num(spec["probability"], "match.probability", 0.0, 1.0)
    return out


def _text(spec: dict[str, Any], name: str, out: dict[str, Any]) -> None:
    if name in spec:
        if not isinstance(spec[name], str):
            raise FaultRuleError(f"effect.{name} must be a string")
        out[name] = spec[name]


def _status_effect(spec: dict[str, Any], out: dict[str, Any]) -> None:
    status = spec.get("status")
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise FaultRuleError("effect.status must be an HTTP status from 400 to 599")
    out["status"] = status
    for name in ("retryAfter", "retryAfterMs"):
        if name in spec:
            out[name] = _num(spec[name], f"effect.{name}")
    _text(spec, "error", out)
    if "shouldRetry" in spec:
        if not isinstance(spec["shouldRetry"], bool):
            raise FaultRuleError("effect.shouldRetry must be a boolean")
        out["shouldRetry"] = spec["shouldRetry"]


def _latency_effect(spec: dict[str, Any], out: dict[str, Any]) -> None:
    out["seconds"] = _num(spec.get("seconds"), "effect.seconds", 0.0, MAX_LATENCY)


def _drop_effect(spec: dict[str, Any], out: dict[str, Any]) -> None:
    if not isinstance(spec.get("after", False), bool):
        raise FaultRuleError("effect.after must be a boolean")
    out["after"] = spec.get("after", False)


def _truncate_effect(spec: dict[str, Any], out: dict[str, Any]) -> None:
    if "bytes" in spec:
        out["bytes"] = int(_num(spec["bytes"], "effect.bytes"))


def _malformed_effect(spec: dict[str, Any], out: dict[str, Any]) -> None:
    _text(spec, "body", out)


def _fail_effect(spec: dict[str, Any], out: dict[str, Any]) -> None:
    code = spec.get("failureCode", "INTERNAL")
    if not isinstance(code, str) or not code:
        raise FaultRuleError("effect.failureCode must be a non-empty string")
    out["failureCode"] = code
    _text(spec, "failure", out)


def _hold_effect(spec: dict[str, Any], out: dict[str, Any]) -> None:
    status = spec.get("status", "RUNNING")
    if status not in HOLDABLE:
        raise FaultRuleError(f"effect.status must be one of {', '.join(HOLDABLE)}")
    out["status"] = status


# effect type -> (its own fields, validator)
_EFFECT_FIELDS: dict[str, tuple[tuple[str, ...], Callable[[dict, dict], None]]] = {
    "status": (("status", "retryAfter", "retryAfterMs", "error", "shouldRetry"),
               _status_effect),
    "latency": (("seconds",), _latency_effect),
    "drop": (("after",), _drop_effect),
    "truncate": (("bytes",), _truncate_effect),
    "malformed": (("body",), _malformed_effect),
    "fail": (("failureCode", "failure"), _fail_effect),
    "hold": (("status",), _hold_effect),
}


def _effect(spec: Any) -> dict[str, Any]:
    if isinstance(spec, str):
        spec = {"type": spec}
    if not isinstance(spec, dict) or spec.get("type") not in EFFECTS:
        raise FaultRuleError(f"effect.type must be one of {', '.join(EFFECTS)}")
    kind = spec["type"]
    names, check = _EFFECT_FIELDS[kind]
    unknown = set(spec) - {"type", "latency", *names}
    if unknown:
        raise FaultRuleError(f"unknown fields for a {kind} effect: {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {"type": kind}
    if "latency" in spec:
        out["latency"] = _num(spec["latency"], "effect.latency", 0.0, MAX_LATENCY)
    check(spec, out)
    return out


def _times(value: Any) -> int | None:
    if value is None or value == "forever":
        return None
    if value == "once":
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FaultRuleError('times must be a positive integer, "once" or "forever"')
    return value


def normalise(rule: Any) -> dict[str, Any]:
    """Validate one rule; returns its stored form (without an id if none was given)."""
    if not isinstance(rule, dict):
        raise FaultRuleError("a fault rule is an object with match, effect and times")
    unknown = set(rule) - {"id", "match", "effect", "times", "note"}
    if unknown:
        raise FaultRuleError(f"unknown rule fields: {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    if "id" in rule:
        if not isinstance(rule["id"], str) or not rule["id"] or "/" in rule["id"]:
            raise FaultRuleError("id must be a non-empty string without '/'")
        out["id"] = rule["id"]
    out["match"] = _match(rule.get("match"))
    out["effect"] = _effect(rule.get("effect"))
    out["times"] = _times(rule.get("times"))
    if "note" in rule:
        out["note"] = str(rule["note"])
    return out


# ---------------------------------------------------------------------------
# Rule storage and state


def _stored(rt: Runtime) -> list[dict[str, Any]]:
    """The rule records in evaluation order, each with its ``_seq`` (its instance)."""
    out: list[dict[str, Any]] = []
    after = None
    while True:
        batch = rt.store.page(GLOBAL, RULE_KIND, after, 500)
        out.extend(batch)
        if len(batch) < 500:
            return out
        after = batch[-1]["_seq"]


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "_seq"}


def rules(rt: Runtime) -> list[dict[str, Any]]:
    """The rules in evaluation order."""
    return [_public(r) for r in _stored(rt)]


def _changed(rt: Runtime) -> None:
    # A token unique to this write (not a counter: a reset would reuse its values).
    rt.store.put_value(GLOBAL, VERSION_KEY, os.urandom(8).hex())


def _current(rt: Runtime) -> list[dict[str, Any]]:
    """The rules, from the runtime's copy while the store's version is the one it read.

    Every call checks the version in the store first, so the copy is never stale; it
    only saves copying the rules out of the store on every request.
    """
    version = rt.store.get_value(GLOBAL, VERSION_KEY)
    cached = rt.fault_rules
    if cached is not None and cached[0] == version:
        return cached[1]
    current = _stored(rt)
    rt.fault_rules = (version, current)
    return current


def active(rt: Runtime) -> bool:
    """Whether any fault rule is installed (calls may be faulted)."""
    return bool(_current(rt))


def _key(rule: dict[str, Any], what: str) -> str:
    # Counters belong to one stored instance of a rule (its sequence number), so a rule
    # added again under the same id starts from zero and nothing needs resetting.
    return keys.fault(rule["id"], rule["_seq"], what)


def add(rt: Runtime, given: list[Any], *, replace: bool = False) -> list[dict[str, Any]]:
    """Append (or replace the list with) validated rules; returns the stored rules.

    One atomic store operation inserts every rule or none (an id already stored is
    refused), so concurrent control calls never lose a rule.
    """
    if not isinstance(given, list):
        raise FaultRuleError("rules must be a list")
    new = []
    for index, rule in enumerate(given):
        try:
            new.append(normalise(rule))
        except FaultRuleError as exc:
            raise FaultRuleError(f"rule {index}: {exc.message}") from exc
    taken = set() if replace else {r["id"] for r in _current(rt)}
    named = {r["id"] for r in new if "id" in r}
    for rule in new:
        if "id" not in rule:
            rule["id"] = f"rule-{rt.store.next_seq(GLOBAL, keys.FAULT_RULE_SEQ)}"
            while rule["id"] in taken or rule["id"] in named:
                rule["id"] = f"rule-{rt.store.next_seq(GLOBAL, keys.FAULT_RULE_SEQ)}"
        taken.add(rule["id"])
    items = [(r["id"], {"id": r["id"], **{k: v for k, v in r.items() if k != "id"}})
             for r in new]
    try:
        rt.store.insert_many(GLOBAL, RULE_KIND, items, replace=replace)
    except KeyError:
        ids = [rid for rid, _ in items]
        clash = next((rid for rid in ids if ids.count(rid) > 1), None) or next(
            (rid for rid in ids if rt.store.get(GLOBAL, RULE_KIND, rid)), ids[0])
        raise FaultRuleError(f"a rule with id '{clash}' already exists") from None
    _changed(rt)
    return rules(rt)


def delete(rt: Runtime, rule_id: str) -> bool:
    """Remove one rule (one atomic store operation); True if it existed."""
    removed = rt.store.delete(GLOBAL, RULE_KIND, rule_id) is not None
    _changed(rt)
    return removed


def clear(rt: Runtime) -> None:
    """Remove every rule."""
    rt.store.insert_many(GLOBAL, RULE_KIND, [], replace=True)
    _changed(rt)


def _state(rt: Runtime, rule: dict[str, Any]) -> dict[str, Any]:
    calls = int(rt.store.value(GLOBAL, _key(rule, "calls")))
    fired = int(rt.store.value(GLOBAL, _key(rule, "fired")))
    left = (None if rule["times"] is None
            else rule["times"] + int(rt.store.value(GLOBAL, _key(rule, "spent"))))
    return {**_public(rule), "calls": calls, "fired": fired, "remaining": left,
            "exhausted": left == 0}


def report(rt: Runtime) -> list[dict[str, Any]]:
    """Every rule with what it has consumed: matching calls, times fired, budget left."""
    return [_state(rt, r) for r in _stored(rt)]


def unconsumed(rt: Runtime) -> list[dict[str, Any]]:
    """Rules that have budget left (or, if unlimited, never fired): faults a test expected."""
    return [s for s in report(rt)
            if (s["remaining"] is not None and s["remaining"] > 0)
            or (s["remaining"] is None and s["fired"] == 0)]


def load(rt: Runtime, data: Any) -> list[dict[str, Any]]:
    """Add rules from parsed YAML/JSON: a list, or ``{"rules": [...]}`` / ``{"faults": [...]}``."""
    if isinstance(data, dict):
        data = data.get("rules", data.get("faults"))
    if not isinstance(data, list):
        raise FaultRuleError("a faults file holds a list of rules (or {rules: [...]})")
    return add(rt, data)


def load_file(app: Any, path: str | Path) -> list[dict[str, Any]]:
    """Load rules from a YAML or JSON file into ``app`` (``runway-mock serve --faults``)."""
    import yaml

    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: not valid YAML/JSON: {exc}") from exc
    rt = app.extensions["runway_mock"]
    try:
        return load(rt, data)
    except FaultRuleError as exc:
        raise ValueError(f"{path}: {exc.message}") from exc


def parse_header(value: str) -> dict[str, Any]:
    """The one-call rule given in an ``X-Runway-Mock-Fault`` header."""
    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        raise FaultRuleError(f"The {HEADER} header is not valid JSON: {exc.msg}.") from exc
    if isinstance(data, dict) and "effect" not in data and "type" in data:
        data = {"effect": data}  # shorthand: the header is just the effect
    try:
        rule = normalise(data)
    except FaultRuleError as exc:
        raise FaultRuleError(f"The {HEADER} header: {exc.message}") from exc
    return {**rule, "id": "header", "times": 1}


# ---------------------------------------------------------------------------
# Deciding


@dataclass
class Call:
    """What the fault rules may match about one incoming call."""

    method: str
    path: str
    endpoint: str | None = None
    tenant: str | None = None
    model_loader: Callable[[], str | None] | None = None
    _model: Any = field(default=None, repr=False)

    def names(self) -> set[str]:
        """The names the endpoint matcher accepts: full, short and without ``create_``."""
        if not self.endpoint:
            return set()
        short = self.endpoint.rsplit(".", 1)[-1]
        return {self.endpoint, short, short.removeprefix("create_")}

    def model(self) -> str | None:
        """The model the call is about (from its body or its task), loaded once."""
        if self._model is None:
            self._model = (self.model_loader() if self.model_loader else None) or ""
        return self._model or None


@dataclass(frozen=True)
class Fired:
    """A rule that fired for a call: which, its effect, and the call number."""

    rule_id: str
    effect: dict[str, Any]
    call: int


def _static_match(m: dict[str, Any], effect: dict[str, Any], call: Call) -> bool:
    if "method" in m and call.method.upper() not in m["method"]:
        return False
    if effect["type"] in TASK_EFFECTS and "method" not in m and call.method.upper() != "POST":
        return False  # task effects only make sense on the calls that create tasks
    if "path" in m and not any(p == call.path or fnmatch.fnmatchcase(call.path, p)
                               for p in m["path"]):
        return False
    if "endpoint" in m and not (set(m["endpoint"]) & call.names()):
        return False
    if "tenant" in m and call.tenant not in m["tenant"]:
        return False
    return "model" not in m or call.model() in m["model"]


def _chosen(rt: Runtime, rule: dict[str, Any], n: int) -> bool:
    m = rule["match"]
    if "nth" in m and n not in m["nth"]:
        return False
    p = m.get("probability")
    return p is None or rt.source.random("fault", rule["id"], n) < p


def decide(rt: Runtime, call: Call, header_rule: dict[str, Any] | None = None) -> Fired | None:
    """The fault to inject into ``call``, if any: the header's rule, then the first rule."""
    if (header_rule is not None
            and _static_match(header_rule["match"], header_rule["effect"], call)
            and _chosen(rt, header_rule, 1)):
        return Fired("header", header_rule["effect"], 1)
    for rule in _current(rt):
        if not _static_match(rule["match"], rule["effect"], call):
            continue
        n = int(rt.store.add(GLOBAL, _key(rule, "calls"), 1)[1])
        if not _chosen(rt, rule, n):
            continue
        # Consuming one use is one add with a floor: -spent may not pass -times.
        if rule["times"] is not None and not rt.store.add(
                GLOBAL, _key(rule, "spent"), -1, floor=-rule["times"])[0]:
            continue  # budget spent: the rule no longer fires
        rt.store.add(GLOBAL, _key(rule, "fired"), 1)
        return Fired(rule["id"], rule["effect"], n)
    return None


def error_body(effect: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of an injected error status."""
    status = effect["status"]
    default = DEFAULT_ERRORS.get(status, "The request failed." if status < 500
                                 else "An internal error occurred.")
    return {"error": effect.get("error", default)}


def error_headers(effect: dict[str, Any]) -> dict[str, str]:
    """Retry headers of an injected error status (as the rule gives them)."""
    headers = {}
    if "retryAfter" in effect:
        value = effect["retryAfter"]
        headers["Retry-After"] = str(int(value)) if float(value).is_integer() else str(value)
    if "retryAfterMs" in effect:
        value = effect["retryAfterMs"]
        headers["retry-after-ms"] = str(int(value)) if float(value).is_integer() else str(value)
    if "shouldRetry" in effect:
        headers["x-should-retry"] = "true" if effect["shouldRetry"] else "false"
    return headers


def task_override(effect: dict[str, Any]) -> dict[str, Any] | None:
    """The policy override a task effect puts on the tasks its call creates."""
    if effect["type"] == "fail":
        outcome = {"status": "FAILED", "failureCode": effect["failureCode"]}
        if effect.get("failure"):
            outcome["failure"] = effect["failure"]
        return {"outcome": outcome}
    if effect["type"] == "hold":
        return {"transition": {"kind": "hold", "status": effect["status"]}}
    return None


def malformed_body(effect: dict[str, Any], original: bytes) -> bytes:
    """The broken body a malformed effect sends: given, or the real one cut mid-document."""
    if "body" in effect:
        return effect["body"].encode("utf-8", "surrogatepass")
    if len(original) >= 2:
        return original[: max(1, len(original) // 2)]
    return b'{"error": '


def truncated(effect: dict[str, Any], original: bytes) -> bytes:
    """The part of the body a truncate effect sends before closing the connection."""
    keep = effect.get("bytes", len(original) // 2)
    return original[: min(keep, max(0, len(original) - 1))]
