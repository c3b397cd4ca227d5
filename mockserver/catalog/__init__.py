"""The API's tables in one place: every task-creating endpoint and its model rows.

``ENDPOINTS`` maps an endpoint name (``image_to_video``, ``recipe_product_ad``) to its
table. The emulator registers a POST route per table path; the client and the contract
kit read the same registry; a new model is one row. ``routing`` offers the Model Router
the generation models per modality. docs/models.md summarises the tables.
"""

from __future__ import annotations

from runway_mock.catalog.audio import (
    SOUND_EFFECT,
    SPEECH_TO_SPEECH,
    TEXT_TO_SPEECH,
    VIDEO_TO_AUDIO,
    VOICE_DUBBING,
    VOICE_ISOLATION,
)
from runway_mock.catalog.base import Endpoint, ModelRow, estimate_credits, planned_outputs
from runway_mock.catalog.image import IMAGE_UPSCALE, TEXT_TO_IMAGE
from runway_mock.catalog.recipes import RECIPES
from runway_mock.catalog.video import IMAGE_TO_VIDEO, TEXT_TO_VIDEO, VIDEO_TO_VIDEO
from runway_mock.catalog.video_tools import (
    AVATAR_VIDEOS,
    CHARACTER_PERFORMANCE,
    VIDEO_TO_HDR,
    VIDEO_UPSCALE,
)

ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        IMAGE_TO_VIDEO, TEXT_TO_VIDEO, VIDEO_TO_VIDEO, TEXT_TO_IMAGE, VIDEO_UPSCALE, SOUND_EFFECT,
        CHARACTER_PERFORMANCE, TEXT_TO_SPEECH, VOICE_ISOLATION, VOICE_DUBBING, SPEECH_TO_SPEECH,
        IMAGE_UPSCALE, VIDEO_TO_HDR, VIDEO_TO_AUDIO, AVATAR_VIDEOS, *RECIPES,
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
            for model in row.billed_ids():
                seen.setdefault(model, None)
    return list(seen)


__all__ = ["ENDPOINTS", "Endpoint", "ModelRow", "all_models", "estimate_credits", "find_row",
           "planned_outputs"]
