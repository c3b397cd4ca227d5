"""The API's tables in one place: every task-creating endpoint and its model rows.

``ENDPOINTS`` maps an endpoint name (``image_to_video``) to its table. The emulator,
the client and the contract kit all read this registry; a new model is one row.
"""

from __future__ import annotations

from mockserver.catalog.audio import SOUND_EFFECT
from mockserver.catalog.base import Endpoint, ModelRow, estimate_credits, planned_outputs
from mockserver.catalog.image import TEXT_TO_IMAGE
from mockserver.catalog.video import IMAGE_TO_VIDEO, TEXT_TO_VIDEO, VIDEO_TO_VIDEO, VIDEO_UPSCALE

ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        IMAGE_TO_VIDEO, TEXT_TO_VIDEO, VIDEO_TO_VIDEO, TEXT_TO_IMAGE, VIDEO_UPSCALE, SOUND_EFFECT,
    )
}


def find_row(endpoint: str, model: str) -> ModelRow | None:
    """The row for ``model`` on ``endpoint``, or None."""
    table = ENDPOINTS.get(endpoint)
    return table.rows.get(model) if table else None


def all_models() -> list[str]:
    """Every model id (as billed) that any endpoint accepts, in a stable order."""
    seen: dict[str, None] = {}
    for table in ENDPOINTS.values():
        for row in table.rows.values():
            seen.setdefault(row.billed_as, None)
    return list(seen)


__all__ = ["ENDPOINTS", "Endpoint", "ModelRow", "all_models", "estimate_credits", "find_row",
           "planned_outputs"]
