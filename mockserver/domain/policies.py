"""Named policies that decide how a task moves and how it ends.

A transition policy says how a task advances: ``timed`` (phases last the model's
latency times the time scale), ``immediate`` (terminal at once), ``after_polls``
(terminal after N reads) or ``hold`` (stays in a status until released). An outcome
policy says how it ends: ``succeed`` or ``fail`` with a ``failureCode``, optionally
with a probability drawn from the seeded source and ``refund: false`` (a failed task
keeps its charge). Policies are keyed most specific
first: ``endpoint:model``, ``model``, ``endpoint``, ``*``; they live in the store so
every worker sees the same ones. A fault rule can override the policy of the tasks
one request creates: the HTTP layer passes that override down as an argument.
"""

from __future__ import annotations

from typing import Any

from runway_mock.errors import BadRequest
from runway_mock.store import keys

GLOBAL = keys.GLOBAL
TRANSITIONS = ("timed", "immediate", "after_polls", "hold")
HOLDABLE = ("THROTTLED", "PENDING", "RUNNING")

# failureCode -> human text, after Runway's documented families (runway-api.md (c)).
FAILURE_TEXT = {
    "SAFETY.INPUT.TEXT": "The prompt was flagged by content moderation.",
    "SAFETY.INPUT.IMAGE": "An input image was flagged by content moderation.",
    "SAFETY.INPUT.VIDEO": "An input video was flagged by content moderation.",
    "SAFETY.INPUT.AUDIO": "An input audio file was flagged by content moderation.",
    "SAFETY.OUTPUT.VIDEO": "The generated video was flagged by content moderation.",
    "SAFETY.OUTPUT.IMAGE": "The generated image was flagged by content moderation.",
    "SAFETY.OUTPUT.AUDIO": "The generated audio was flagged by content moderation.",
    "INTERNAL.BAD_OUTPUT.CODE01": "The output was rejected for quality reasons.",
    "INPUT_PREPROCESSING.SAFETY.TEXT": "The prompt was rejected by moderation.",
    "INPUT_PREPROCESSING.INTERNAL": "The moderation system had a problem; try again later.",
    "ASSET.INVALID": "An input asset could not be used (size, duration, resolution or format).",
    "INTERNAL": "An internal error occurred.",
    "THIRD_PARTY.UNAVAILABLE": "The upstream model provider is unavailable.",
}

DEFAULT_POLICY: dict[str, Any] = {
    "transition": {"kind": "timed"},
    "outcome": {"status": "SUCCEEDED"},
}


def _check_transition(t: Any) -> dict[str, Any]:
    if not isinstance(t, dict) or t.get("kind") not in TRANSITIONS:
        raise BadRequest(f"transition.kind must be one of {', '.join(TRANSITIONS)}")
    kind = t["kind"]
    if kind == "after_polls":
        n = t.get("polls")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise BadRequest("transition.polls must be a positive integer")
    if kind == "hold" and t.get("status") not in HOLDABLE:
        raise BadRequest(f"transition.status must be one of {', '.join(HOLDABLE)}")
    if kind == "timed" and "seconds" in t:
        s = t["seconds"]
        if not isinstance(s, (int, float)) or isinstance(s, bool) or s < 0:
            raise BadRequest("transition.seconds must be a non-negative number")
    return dict(t)


def _check_outcome(o: Any) -> dict[str, Any]:
    if not isinstance(o, dict) or o.get("status") not in ("SUCCEEDED", "FAILED"):
        raise BadRequest("outcome.status must be SUCCEEDED or FAILED")
    if o["status"] == "FAILED":
        code = o.get("failureCode", "INTERNAL")
        if not isinstance(code, str) or not code:
            raise BadRequest("outcome.failureCode must be a non-empty string")
    if not isinstance(o.get("refund", True), bool):
        raise BadRequest("outcome.refund must be a boolean")
    p = o.get("probability", 1.0)
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0 <= p <= 1:
        raise BadRequest("outcome.probability must be a number from 0 to 1")
    return dict(o)


def normalise(policy: Any) -> dict[str, Any]:
    """Validate a policy given over the control API; returns the stored form."""
    if not isinstance(policy, dict) or not set(policy) <= {"transition", "outcome"}:
        raise BadRequest("a policy is an object with 'transition' and/or 'outcome'")
    out: dict[str, Any] = {}
    if "transition" in policy:
        out["transition"] = _check_transition(policy["transition"])
    if "outcome" in policy:
        out["outcome"] = _check_outcome(policy["outcome"])
    return out


def resolve(table: dict[str, dict[str, Any]], endpoint: str, model: str) -> dict[str, Any]:
    """The effective policy for a task: each part from the most specific key that sets it."""
    keys = (f"{endpoint}:{model}", model, endpoint, "*")
    out: dict[str, Any] = {}
    for part in ("transition", "outcome"):
        for key in keys:
            entry = table.get(key)
            if entry and part in entry:
                out[part] = entry[part]
                break
        else:
            out[part] = DEFAULT_POLICY[part]
    return out


def effective(table: dict[str, dict[str, Any]], endpoint: str, model: str,
              override: dict[str, Any] | None = None) -> dict[str, Any]:
    """The policy a task created now gets: the resolved one, with the request's override
    (an injected fault's forced failure or hold), if any."""
    policy = resolve(table, endpoint, model)
    if not override:
        return policy
    out = {**policy, **override}
    if "transition" in override and "seconds" in policy["transition"]:
        # A held task still takes the policy's time once released.
        out["transition"] = {**override["transition"],
                             "seconds": policy["transition"]["seconds"]}
    return out


def failure_text(code: str, given: str | None = None) -> str:
    """The human-readable ``failure`` for a failure code."""
    return given or FAILURE_TEXT.get(code) or FAILURE_TEXT.get(code.split(".", maxsplit=1)[0],
                                                                "The task failed.")
