"""Schemathesis hooks for the emulator's own run: the deliberate exceptions, each with why.

A schema can say what a well-formed request looks like, not which things exist. Where
the API refuses a well-formed request because it names something that does not exist
for the calling key (a 400 as Runway answers it, not a 404, because the thing is named
inside the body or query), the run accepts that refusal. Each exception below matches
the error message the emulator gives for exactly that reason and nothing else; every
other schema-valid request that is refused still fails the run.
"""

from __future__ import annotations

import json
import re

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

# (what the refusal says, why a schema cannot rule it out)
EXISTENCE = (
    (r"Unknown runway:// URI",
     "a runway:// URI must name an upload this key made with POST /v1/uploads"),
    (r"Invalid cursor",
     "a cursor is opaque and signed: only the nextCursor of a previous page is valid"),
    (r"(Voice|Avatar|Document|Router|Workflow|Upload) \S+ not found",
     "an id in the body must name a resource of this key"),
    (r"No Model Router config|router_config_not_found|Unknown config",
     "a Model Router config id must name a router of this key"),
    (r"no_eligible_model|No eligible model",
     "the Model Router's filters may leave no model for a valid request"),
)
# The emulator's own routes that take signed values: a made-up link, policy or signature
# is refused by design (the document says so in their descriptions).
SIGNED = (r"The link is malformed|The link has expired|forged|The upload form must include"
          r"|policy|signature")
_EXISTENCE = re.compile("|".join(f"(?:{pattern})" for pattern, _ in EXISTENCE))
_SIGNED = re.compile(SIGNED)


def _cross_field_only(response) -> bool:
    """Whether a 400 reports only cross-field rules (issue code ``custom``).

    OpenAPI cannot state most of them (sums, counts across lists, one field depending
    on another's value); the served document states each in the schema's description.
    """
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return False
    issues = body.get("issues") if isinstance(body, dict) else None
    return bool(issues) and all(isinstance(i, dict) and _is_cross_field(i) for i in issues)


def _is_cross_field(item: dict) -> bool:
    # A rule's issue is "custom", or a missing field with no expected type: a field the
    # schema marks optional that another field's value makes required (required_if).
    return item.get("code") == "custom" or (
        item.get("code") == "invalid_type" and item.get("expected") == "unknown")


def _message(response) -> str:
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    parts = [str(body.get("error", "")), str(body.get("code", ""))]
    parts += [str(i.get("message", "")) for i in body.get("issues", []) if isinstance(i, dict)]
    return " ".join(parts)


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """Keep every failure except a refusal for one of the reasons above."""
    if not isinstance(failure, RejectedPositiveData):
        return True
    if case.path.startswith("/_mock/"):
        # The control API (emulator-only) describes its bodies and queries in prose
        # (docs/control-api.md), not as schemas: a request drawn from its document is not
        # expected to be well formed. Every other check still runs on it.
        return False
    message = _message(response)
    if _EXISTENCE.search(message) or _cross_field_only(response):
        return False
    return not (case.path.startswith(("/_artifacts/", "/_media/", "/_uploads/"))
                and _SIGNED.search(message))
