"""Video endpoints: image_to_video, text_to_video, video_to_video, video_upscale.

Content from runway-api.md section (b) 4-6 and 15 (SDK 5.24.0 types, the public spec and
Runway's own skills); prices from section (d). Rows marked ``legacy`` were removed from
the current SDK but still appear in Runway's quick-start examples and usage enums.
"""

from __future__ import annotations

from mockserver.catalog.base import (
    CONTENT_MODERATION,
    IMAGE,
    REFERENCE_IMAGE,
    SEED,
    VIDEO,
    Arr,
    Bool,
    Endpoint,
    Enum,
    Int,
    ModelRow,
    Obj,
    Output,
    Price,
    keyframes,
    opt,
    prompt,
    ratios,
    req,
    rows,
    unique_positions,
)
from mockserver.schema import AnyOf, Num

MP4 = Output("video", "mp4")

GEN45_FORMATS = (
    "mp4", "prores", "png_sequence", "hdr10", "hlg", "sdr_rec709_10bit", "hdr_pq_12bit_master",
    "hdr_prores", "hdr_png_sequence", "hdr_exr_sequence", "hdr_exr_acescg_sequence_1_3",
    "hdr_exr_acescg_sequence_2_0",
)
PRORES_PROFILES = ("422", "4444", "422 Proxy", "422 LT", "422 HQ", "4444 XQ")
_ARCHIVE = ("archive", "zip")
_MOV = ("video", "mov")
GEN45_OUTPUT = Output(
    "video", "mp4", format_field="outputFormat",
    formats={
        "mp4": ("video", "mp4"), "prores": _MOV, "hdr_prores": _MOV, "png_sequence": _ARCHIVE,
        "hdr_png_sequence": _ARCHIVE, "hdr_exr_sequence": _ARCHIVE,
        "hdr_exr_acescg_sequence_1_3": _ARCHIVE, "hdr_exr_acescg_sequence_2_0": _ARCHIVE,
        "hdr10": ("video", "mp4"), "hlg": ("video", "mp4"), "sdr_rec709_10bit": _MOV,
        "hdr_pq_12bit_master": _MOV,
    },
)
# +5 credits/s for prores or png sequences, +20 for 10-bit+ profiles (SDK docstrings).
_SURCHARGED = tuple(
    (("outputFormat", f, 12 + (5 if f in ("prores", "png_sequence") else 20)))
    for f in GEN45_FORMATS if f != "mp4"
)

GEN45_RATIOS = ("1280:720", "720:1280", "1104:832", "960:960", "832:1104", "1584:672")
VEO_RATIOS = ("1280:720", "720:1280", "1080:1920", "1920:1080")


def _veo_props(image: bool) -> dict:
    props = {
        "ratio": req(ratios(*VEO_RATIOS)),
        "audio": opt(Bool(doc="Generate an audio track (costs more).")),
        "duration": opt(Enum((4, 6, 8))),
        "negativePrompt": opt(prompt(1000)),
        "seed": opt(SEED),
    }
    if image:
        first_last = keyframes(("first", "last"), 2)
        props = {"promptImage": req(AnyOf((IMAGE, first_last))),
                 "promptText": opt(prompt(1000)), **props}
    else:
        props = {"promptText": req(prompt(1000)), **props}
    return props


def _gen45(image: bool) -> ModelRow:
    props: dict = {
        "promptText": req(prompt(1000)),
        "ratio": req(ratios(*(GEN45_RATIOS if image else GEN45_RATIOS[:2]))),
        "duration": req(Int(2, 10)),
        "contentModeration": opt(CONTENT_MODERATION),
        "outputFormat": opt(Enum(GEN45_FORMATS)),
        "proresProfile": opt(Enum(PRORES_PROFILES)),
        "seed": opt(SEED),
    }
    if image:
        props = {"promptImage": req(AnyOf((IMAGE, keyframes(("first",), 1)))), **props}
    return ModelRow("gen4.5", props, GEN45_OUTPUT,
                    Price("second", 12, by=_SURCHARGED, source="skills"), latency=90)


def _veo(model: str, image: bool, rate: float, audio_rate: float) -> ModelRow:
    return ModelRow(
        model, _veo_props(image), MP4,
        Price("second", rate, by=(("audio", True, audio_rate),), source="skills"),
        latency=80, defaults={"duration": 8}, rules=(unique_positions("promptImage"),),
    )


IMAGE_TO_VIDEO = Endpoint(
    "image_to_video", "/v1/image_to_video",
    "Start a task that generates a video from an image (and optionally text).",
    rows(
        _gen45(image=True),
        ModelRow(
            "gen4_turbo",
            {
                "promptImage": req(AnyOf((IMAGE, keyframes(("first",), 1)))),
                "ratio": req(ratios(*GEN45_RATIOS)),
                "promptText": opt(prompt(1000)),
                "duration": opt(Int(2, 10)),
                "contentModeration": opt(CONTENT_MODERATION),
                "seed": opt(SEED),
            },
            MP4, Price("second", 5, source="skills"), latency=45, defaults={"duration": 10},
        ),
        _veo("veo3.1", image=True, rate=20, audio_rate=40),
        _veo("veo3.1_fast", image=True, rate=10, audio_rate=15),
        ModelRow(
            "gen3a_turbo",
            {
                "promptImage": req(AnyOf((IMAGE, keyframes(("first", "last"), 2)))),
                "promptText": req(prompt(1000)),
                "ratio": opt(ratios("1280:768", "768:1280")),
                "duration": opt(Enum((5, 10))),
                "seed": opt(SEED),
                "watermark": opt(Bool()),
            },
            Output("video", "mp4", default_size="1280:768"),
            Price("second", 5), latency=45, legacy=True, defaults={"duration": 10},
            rules=(unique_positions("promptImage"),),
        ),
        ModelRow(
            "veo3",
            {
                "promptImage": req(AnyOf((IMAGE, keyframes(("first",), 1)))),
                "ratio": req(ratios(*VEO_RATIOS)),
                "promptText": opt(prompt(1000)),
                "duration": opt(Enum((8,))),
                "seed": opt(SEED),
            },
            MP4, Price("second", 40, source="skills"), latency=90, legacy=True,
            defaults={"duration": 8},
        ),
    ),
)

TEXT_TO_VIDEO = Endpoint(
    "text_to_video", "/v1/text_to_video",
    "Start a task that generates a video from a text prompt.",
    rows(
        _gen45(image=False),
        _veo("veo3.1", image=False, rate=20, audio_rate=40),
        _veo("veo3.1_fast", image=False, rate=10, audio_rate=15),
        ModelRow(
            "veo3",
            {
                "promptText": req(prompt(1000)),
                "ratio": req(ratios(*VEO_RATIOS)),
                "duration": opt(Enum((8,))),
                "seed": opt(SEED),
            },
            MP4, Price("second", 40, source="skills"), latency=90, legacy=True,
            defaults={"duration": 8},
        ),
    ),
)

ALEPH_RATIOS = ("1280:720", "720:1280", "1104:832", "960:960", "832:1104", "1584:672",
                "848:480", "640:480")
_ALEPH_KEYFRAME = Obj({
    "uri": req(IMAGE),
    "seconds": opt(Num(0, 30)),
    "at": opt(Num(0, 1)),
    "range": opt(Obj({"start_seconds": req(Int(0)), "end_seconds": req(Int(1))})),
})

VIDEO_TO_VIDEO = Endpoint(
    "video_to_video", "/v1/video_to_video",
    "Start a task that transforms a video.",
    rows(
        ModelRow(
            "aleph2",
            {
                "videoUri": req(VIDEO),
                "promptText": opt(prompt(1000)),
                "keyframes": opt(Arr(_ALEPH_KEYFRAME, 1, 5)),
                "outputFormat": opt(Enum(("mp4", "prores", "png_sequence", "sdr_rec709_10bit"))),
                "proresProfile": opt(Enum(PRORES_PROFILES)),
                "ratio": opt(prompt(32, doc="Legacy output size, e.g. 1280:720.")),
                "targetAspectRatio": opt(Enum(("16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16",
                                               "21:9"))),
                "contentModeration": opt(CONTENT_MODERATION),
                "seed": opt(SEED),
            },
            Output("video", "mp4", format_field="outputFormat",
                   formats={"mp4": ("video", "mp4"), "prores": _MOV,
                            "png_sequence": _ARCHIVE, "sdr_rec709_10bit": _MOV}),
            Price("second", 15), latency=90,
        ),
        ModelRow(
            "gen4_aleph",
            {
                "videoUri": req(VIDEO),
                "promptText": req(prompt(1000)),
                "ratio": opt(ratios(*ALEPH_RATIOS)),
                "references": opt(Arr(Obj({"type": req(Enum(("image",))), "uri": req(IMAGE)}),
                                      0, 1)),
                "contentModeration": opt(CONTENT_MODERATION),
                "seed": opt(SEED),
            },
            MP4, Price("second", 15, source="skills"), latency=90, legacy=True,
        ),
    ),
)

VIDEO_UPSCALE = Endpoint(
    "video_upscale", "/v1/video_upscale",
    "Start a task that upscales a video.",
    rows(
        ModelRow(
            "magnific_video_upscaler_creative",
            {
                "videoUri": req(VIDEO),
                "creativity": opt(Int(0, 100)),
                "flavor": opt(Enum(("vivid", "natural"))),
                "fpsBoost": opt(Bool()),
                "resolution": opt(Enum(("720p", "1k", "2k", "4k"))),
                "sharpen": opt(Int(0, 100)),
                "smartGrain": opt(Int(0, 100)),
            },
            Output("video", "mp4", default_size="2560:1440", seconds_field=None,
                   default_seconds=10),
            Price("input_second", 4), latency=120,
        ),
        ModelRow(
            "enhance_frame_rate",
            {
                "videoUri": req(VIDEO),
                "targetFramerate": req(Enum(("24", "25", "30", "48", "50", "60", "120", "23_98",
                                             "29_97", "59_94"))),
            },
            Output("video", "mp4", seconds_field=None, default_seconds=10),
            Price("input_second", 2), latency=60,
        ),
        ModelRow(
            "upscale_v1",
            {"videoUri": req(VIDEO)},
            Output("video", "mp4", default_size="3840:2160", seconds_field=None,
                   default_seconds=10),
            Price("input_second", 2), latency=120, legacy=True,
        ),
    ),
)

__all__ = ["IMAGE_TO_VIDEO", "REFERENCE_IMAGE", "TEXT_TO_VIDEO", "VIDEO_TO_VIDEO", "VIDEO_UPSCALE"]
