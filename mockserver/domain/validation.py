"""Request validation against the catalog: the model discriminator, then the row's spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runway_mock.catalog import Endpoint, ModelRow
from runway_mock.config import Runtime
from runway_mock.errors import ValidationFailed
from runway_mock.schema import Context, Issue, Path, Spec, issue, validate

# (runtime, tenant) -> resolver of runway:// URIs (the uploads module's ``resolver``).
MediaResolverFactory = Callable[[Runtime, str], Callable[[str, str, Path], list[Issue]]]
# A check that ids named in a valid body exist for the tenant (``references``).
ReferenceCheck = Callable[[Runtime, str, dict[str, Any]], list[Issue]]


def register_reference_check(rt: Runtime, endpoint: str, fn: ReferenceCheck) -> None:
    """Check, after schema validation, that the resources an endpoint's body names exist."""
    rt.reference_checks.setdefault(endpoint, []).append(fn)


def register_media_resolver(rt: Runtime, factory: MediaResolverFactory) -> None:
    """Install the check that a ``runway://`` URI names a live upload of this tenant."""
    rt.media_resolver = factory


def context(rt: Runtime, tenant: str) -> Context:
    """The validation context for one tenant's request."""
    factory = rt.media_resolver
    return Context(media_resolver=factory(rt, tenant) if factory is not None else None)


def check(rt: Runtime, tenant: str, spec: Spec, body: Any) -> None:
    """Raise ValidationFailed naming every bad field of ``body``."""
    issues = validate(spec, body, context(rt, tenant))
    if issues:
        raise ValidationFailed(issues)


def task_row(rt: Runtime, tenant: str, table: Endpoint, body: Any) -> ModelRow:
    """The model row a task request selects, once the whole body is valid for it."""
    if not isinstance(body, dict):
        raise ValidationFailed([issue("invalid_type", (), "Expected object, received "
                                      + ("array" if isinstance(body, list) else "primitive"),
                                      expected="object")])
    key = table.discriminator
    if key is None:
        row = table.single_row()
    else:
        model = body.get(key)
        found = table.rows.get(model) if isinstance(model, str) else None
        if key not in body:  # Runway reports a missing model as a missing string
            raise ValidationFailed([issue("invalid_type", (key,), "Required",
                                          expected="string", received="undefined")])
        if found is None:
            options = " | ".join(f"'{m}'" for m in table.rows)
            raise ValidationFailed([issue(
                "invalid_union_discriminator", (key,),
                f"Invalid discriminator value. Expected {options}", options=list(table.rows))])
        row = found
    check(rt, tenant, row.body_spec(), body)
    issues = [i for fn in rt.reference_checks.get(table.name, ())
              for i in fn(rt, tenant, body)]
    if issues:
        raise ValidationFailed(issues)
    # The row as billed for this body (e.g. avatar videos by speech type).
    return row.for_body(body)
