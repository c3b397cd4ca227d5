"""What the factory installs on a new runtime: the domain's registries, filled by a call.

Nothing registers itself by being imported; ``create_app`` calls ``install`` once per
runtime, so each app has its own lists and a test can build a runtime without them.
"""

from __future__ import annotations

from runway_mock.config import Runtime
from runway_mock.domain import references, validation
from runway_mock.domain.resources import uploads


def install(rt: Runtime) -> None:
    """Register the id checks on task bodies and the ``runway://`` URI resolver."""
    for endpoint, checks in references.CHECKS.items():
        for check in checks:
            validation.register_reference_check(rt, endpoint, check)
    validation.register_media_resolver(rt, uploads.resolver)
