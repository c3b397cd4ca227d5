"""Image endpoints: text_to_image (and, later, image_upscale).

Content from runway-api.md section (b) 7 and prices from section (d).
"""

from __future__ import annotations

from mockserver.catalog.base import (
    CONTENT_MODERATION,
    REFERENCE_IMAGE,
    SEED,
    Arr,
    Endpoint,
    ModelRow,
    Output,
    Price,
    opt,
    prompt,
    ratios,
    req,
    rows,
)

GEN4_IMAGE_RATIOS = (
    "1024:1024", "1080:1080", "1168:880", "1360:768", "1440:1080", "1080:1440", "1808:768",
    "1920:1080", "1080:1920", "2112:912", "1280:720", "720:1280", "720:720", "960:720",
    "720:960", "1680:720",
)
# gen4_image bills 8 credits at 1080p-class sizes and 5 at 720p-class sizes.
_GEN4_1080P = ("1080:1080", "1440:1080", "1080:1440", "1808:768", "1920:1080", "1080:1920",
               "2112:912", "1168:880", "1360:768", "1024:1024")
PNG = Output("image", "png", default_size="1024:1024", seconds_field=None, default_seconds=0)

TEXT_TO_IMAGE = Endpoint(
    "text_to_image", "/v1/text_to_image",
    "Start a task that generates images from a text prompt (and reference images).",
    rows(
        ModelRow(
            "gen4_image_turbo",
            {
                "promptText": req(prompt(1000)),
                "ratio": req(ratios(*GEN4_IMAGE_RATIOS)),
                "referenceImages": req(Arr(REFERENCE_IMAGE, 1, 3)),
                "contentModeration": opt(CONTENT_MODERATION),
                "seed": opt(SEED),
            },
            PNG, Price("output", 2, source="skills"), latency=10,
        ),
        ModelRow(
            "gen4_image",
            {
                "promptText": req(prompt(1000)),
                "ratio": req(ratios(*GEN4_IMAGE_RATIOS)),
                "referenceImages": opt(Arr(REFERENCE_IMAGE, 0, 3)),
                "contentModeration": opt(CONTENT_MODERATION),
                "seed": opt(SEED),
            },
            PNG,
            Price("output", 5, by=tuple(("ratio", r, 8) for r in _GEN4_1080P), source="skills"),
            latency=20,
        ),
    ),
)

__all__ = ["GEN4_IMAGE_RATIOS", "TEXT_TO_IMAGE", "Endpoint"]
