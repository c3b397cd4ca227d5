"""Video processing endpoints: video_upscale, video_to_hdr, character_performance, avatar_videos.

Fields from the SDK 5.24.0 param types and runway-api.md section (b) 8, 15, 16 and 41.
Prices: act_two 5 credits/s (Runway's skills), ruby 20 credits/s of source (SDK; 40 for
sources above 4 MP, which the emulator cannot see at creation, so it bills 20); the
upscalers and avatar videos are assumptions. Avatar videos return only ``{id}`` and are
billed under ``gwm1_avatar_async_audio_to_video`` or ``..._text_to_video`` by speech type.
"""

from __future__ import annotations

from runway_mock.catalog import rules as R
from runway_mock.catalog.base import (
    ABSENT,
    CONTENT_MODERATION,
    SEED,
    VIDEO,
    Bool,
    Endpoint,
    Enum,
    Int,
    ModelRow,
    Not,
    Obj,
    Output,
    Price,
    opt,
    ratios,
    req,
    rows,
    when,
)
from runway_mock.catalog.shapes import ACT_TWO_RATIOS, AVATAR, CHARACTER, SPEECH
from runway_mock.schema import Const

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
            Price("input_second", 4), latency=120, defaults={"resolution": "2k"},
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

_HDR = ("video", "mp4")
_ZIP = ("archive", "zip")
RUBY_FORMATS = {
    "hdr10": _HDR, "hlg": _HDR, "hdr_prores": ("video", "mov"), "hdr_exr_sequence": _ZIP,
    "hdr_exr_acescg_sequence_1_3": _ZIP, "hdr_exr_acescg_sequence_2_0": _ZIP,
}

VIDEO_TO_HDR = Endpoint(
    "video_to_hdr", "/v1/video_to_hdr",
    "Start a task that converts an SDR video to HDR (Ruby).",
    rows(
        ModelRow(
            "ruby",
            {
                "videoUri": req(VIDEO),
                "outputFormat": opt(Enum(tuple(RUBY_FORMATS))),
                "proresProfile": opt(Enum(("422", "4444", "422 HQ"))),
            },
            Output("video", "mp4", default_size="1920:1080", seconds_field=None,
                   default_seconds=10, format_field="outputFormat", formats=RUBY_FORMATS),
            Price("input_second", 20, source="sdk"), latency=90,
            rules=(R.forbidden_if("proresProfile",
                                  when(outputFormat=(ABSENT, Not("hdr_prores"))),
                                  "proresProfile is only valid with outputFormat 'hdr_prores'"),),
        ),
    ),
)

CHARACTER_PERFORMANCE = Endpoint(
    "character_performance", "/v1/character_performance",
    "Start a task that animates a character with a reference performance (Act-Two).",
    rows(
        ModelRow(
            "act_two",
            {
                "character": req(CHARACTER),
                "reference": req(Obj({"type": req(Const("video")), "uri": req(VIDEO)},
                                     doc="A 3-30 s video of the performance to copy.")),
                "bodyControl": opt(Bool()),
                "contentModeration": opt(CONTENT_MODERATION),
                "expressionIntensity": opt(Int(1, 5)),
                "ratio": opt(ratios(*ACT_TWO_RATIOS)),
                "seed": opt(SEED),
            },
            Output("video", "mp4", seconds_field=None, default_seconds=10),
            Price("input_second", 5, source="skills"), latency=75,
        ),
    ),
)

AVATAR_VIDEOS = Endpoint(
    "avatar_videos", "/v1/avatar_videos",
    "Start a task that renders an avatar speaking a script or an audio file.",
    rows(
        ModelRow(
            "gwm1_avatars",
            {"avatar": req(AVATAR), "speech": req(SPEECH)},
            # A speaking avatar: the video carries the speech.
            Output("video", "mp4", seconds_field=None, default_seconds=10, audio=True),
            Price("second", 5), latency=60,
            usage_id="gwm1_avatar_async_text_to_video",
            usage_by=((when({"speech.type": "audio"}), "gwm1_avatar_async_audio_to_video"),
                      (when({"speech.type": "text"}), "gwm1_avatar_async_text_to_video")),
        ),
    ),
    returns_cost=False,
)

__all__ = ["AVATAR_VIDEOS", "CHARACTER_PERFORMANCE", "VIDEO_TO_HDR", "VIDEO_UPSCALE"]
