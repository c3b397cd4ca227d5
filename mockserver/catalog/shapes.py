"""Shapes several models share: voices, reference items, keyframes, provider settings, sizes.

Content from the SDK 5.24.0 param types (``runwayml/types/*_create_params.py``) and
runway-api.md sections (a) "Common request object shapes" and (b) 4-17, 41. Each shape is
defined once here and reused by the endpoint tables.
"""

from __future__ import annotations

from runway_mock.catalog.base import AUDIO, IMAGE, URI_ITEM, VIDEO, keyframes, sizes
from runway_mock.schema import AnyOf, Arr, Bool, Const, Enum, Int, Obj, Str, Tagged, opt, req

# ---------------------------------------------------------------------------
# Voices

# The 49 ElevenLabs presets of text_to_speech and speech_to_speech (case-sensitive).
PRESET_VOICES = sizes(
    "Maya Arjun Serene Bernard Billy Mark Clint Mabel Chad Leslie Eleanor Elias Elliot "
    "Grungle Brodie Sandra Kirk Kylie Lara Lisa Malachi Marlene Martin Miriam Monster Paula "
    "Pip Rusty Ragnar Xylar Maggie Jack Katie Noah James Rina Ella Mariah Frank Claudia Niki "
    "Vincent Kendrick Myrna Tom Wanda Benjamin Kiana Rachel"
)
PRESET_VOICE = Obj({"type": req(Const("runway-preset")), "presetId": req(Enum(PRESET_VOICES))},
                   doc="A Runway voice preset.")
# The 30 live voices of avatars and realtime sessions.
LIVE_VOICES = sizes(
    "victoria vincent clara drew skye max morgan felix mia marcus summer ruby aurora jasper "
    "leo adrian nina emma blake david maya nathan sam georgia petra adam zach violet roman luna"
)
AVATAR_PRESETS = sizes(
    "game-character music-superstar game-character-man cat-character influencer tennis-coach "
    "human-resource fashion-designer cooking-teacher"
)
UUID = Str(pattern=r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
           doc="A UUID.")
REFERENCE_AUDIO_VOICE = Obj({"type": req(Const("reference-audio")), "audioUri": req(AUDIO)},
                            doc="Clone the voice of a reference recording.")

# ---------------------------------------------------------------------------
# Reference items

AUDIO_REF = Obj({"type": req(Const("audio")), "uri": req(AUDIO)})
VIDEO_REF = Obj({"type": req(Const("video")), "uri": req(VIDEO)})
VIDEO_URI_ITEM = Obj({"uri": req(VIDEO)})
# An image that is a keyframe when it has a position and a reference otherwise.
POSITIONED_IMAGE = Obj({"uri": req(IMAGE), "position": opt(Enum(("first", "last")))})
# kling_4's frame and reference-video items are untyped in the SDK (``Iterable[object]``):
# any JSON object is accepted; only the list lengths are documented.
KLING4_FRAME = Obj(extra=True, doc="A frame: first, then optional middle and last (untyped).")
KLING4_VIDEO = Obj(extra=True, doc="A reference video (untyped in the SDK).")
HEX_COLOR = Str(pattern=r"#?[0-9A-Fa-f]{6}", doc="A six-digit hex colour, e.g. #FF8800.")
TAGGED_SUBJECT_IMAGE = Obj({
    "uri": req(IMAGE),
    "subject": opt(Enum(("object", "human"))),
    "tag": opt(Str(3, 16, pattern=r"[A-Za-z][A-Za-z0-9_]*")),
})


def audio_refs(max_items: int) -> Arr:
    """``referenceAudio``: up to ``max_items`` ``{type: "audio", uri}`` items."""
    return Arr(AUDIO_REF, 0, max_items)


def video_refs(max_items: int) -> Arr:
    """``referenceVideos``: up to ``max_items`` ``{type: "video", uri}`` items."""
    return Arr(VIDEO_REF, 0, max_items)


def image_refs(max_items: int) -> Arr:
    """``references``: up to ``max_items`` ``{uri}`` image items."""
    return Arr(URI_ITEM, 0, max_items)


# ---------------------------------------------------------------------------
# promptImage forms

FIRST_FRAME = AnyOf((IMAGE, keyframes(("first",), 1)))
FIRST_LAST = AnyOf((IMAGE, keyframes(("first", "last"), 2)))


def frames_or_refs(max_items: int) -> AnyOf:
    """An image, or items in keyframe mode (with position) or reference mode (without)."""
    return AnyOf((IMAGE, Arr(POSITIONED_IMAGE, 1, max_items)))


def kling_references(max_items: int) -> AnyOf:
    """Kling O3 ``references``: one image URI, or up to ``max_items`` ``{uri, position?}``."""
    return AnyOf((IMAGE, Arr(POSITIONED_IMAGE, 0, max_items)))


def duration_or_auto(lo: int, hi: int) -> AnyOf:
    """Whole seconds in ``lo``..``hi``, or ``"auto"`` (billed at ``hi`` up front)."""
    return AnyOf((Int(lo, hi), Const("auto")))


# ---------------------------------------------------------------------------
# Provider settings (Kling 3.0 / O3 multi-shot)

MULTI_PROMPT = Arr(Obj({"prompt": req(Str(1, 2500)), "duration": req(Int(1, 15))}), 1, 6)
KLING_SETTINGS = Obj({
    "multiPrompt": opt(MULTI_PROMPT),
    "shotType": opt(Enum(("intelligence", "customize"))),
}, doc="Multi-shot settings: prompt segments totalling 3-15 s.")
KLING_EDIT_SETTINGS = Obj({
    "keepOriginalSound": opt(Bool()),
    "multiPrompt": opt(MULTI_PROMPT),
    "shotType": opt(Enum(("intelligence", "customize"))),
}, doc="Multi-shot and video-edit settings.")

# ---------------------------------------------------------------------------
# Tagged unions of the character and avatar endpoints

CHARACTER = Tagged("type", {
    "image": Obj({"type": req(Const("image")), "uri": req(IMAGE)}),
    "video": Obj({"type": req(Const("video")), "uri": req(VIDEO)}),
}, doc="The character to animate: an image or a video.")
SPEECH_MEDIA = Tagged("type", {
    "audio": Obj({"type": req(Const("audio")), "uri": req(AUDIO)}),
    "video": Obj({"type": req(Const("video")), "uri": req(VIDEO)}),
}, doc="Audio or video containing speech.")
AVATAR = Tagged("type", {
    "runway-preset": Obj({"type": req(Const("runway-preset")),
                          "presetId": req(Enum(AVATAR_PRESETS))}),
    "custom": Obj({"type": req(Const("custom")), "avatarId": req(UUID)}),
}, doc="A preset avatar or one of your avatars.")
LIVE_VOICE = Tagged("type", {
    "preset": Obj({"type": req(Const("preset")), "presetId": req(Enum(LIVE_VOICES))}),
    "custom": Obj({"type": req(Const("custom")), "id": req(UUID)}),
}, doc="A live preset voice or one of your voices.")
SPEECH = Tagged("type", {
    "audio": Obj({"type": req(Const("audio")), "audio": req(AUDIO)}),
    "text": Obj({"type": req(Const("text")), "text": req(Str(1, 5000)), "voice": opt(LIVE_VOICE)}),
}, doc="What the avatar says: an audio file or a text script.")

# ---------------------------------------------------------------------------
# Output sizes (SDK 5.24.0 ratio literals)

GEN45_RATIOS = sizes("1280:720 720:1280 1104:832 960:960 832:1104 1584:672")
GEN4_TURBO_RATIOS = sizes("1280:720 720:1280 1104:832 832:1104 960:960 1584:672")
VEO_RATIOS = sizes("1280:720 720:1280 1080:1920 1920:1080")
LANDSCAPE_PORTRAIT = sizes("1280:720 720:1280")
KLING_STANDARD = sizes("1280:720 720:1280 960:960")
KLING_PRO = sizes("1920:1080 1080:1920 1440:1440")
KLING_4K = sizes("3840:2160 2160:3840 2880:2880")
KLING25_RATIOS = sizes("1920:1080 1440:1440 1080:1920 1280:720 720:720 720:1280")
KLING4_AUTO = sizes("auto_720p auto_1080p")
KLING4_RATIOS = sizes("1280:720 720:1280 940:940 1460:624 1920:1080 1080:1920 1440:1440 "
                      "2200:940 auto_720p auto_1080p")
HAILUO_RATIOS = sizes("adaptive 21:9 16:9 4:3 1:1 3:4 9:16")
HAILUO_RESOLUTIONS = sizes("768p 2k 768P 2K")
HAPPYHORSE_RATIOS = sizes("1280:720 720:1280 960:960 1108:832 832:1108 1920:1080 1080:1920 "
                          "1440:1440 1662:1248 1248:1662")
SEEDANCE_720 = sizes("992:432 864:496 752:560 640:640 560:752 496:864 1470:630 1280:720 "
                     "1112:834 960:960 834:1112 720:1280")
SEEDANCE_RATIOS = (*SEEDANCE_720, *sizes(
    "2206:946 1920:1080 1664:1248 1440:1440 1248:1664 1080:1920 3840:1646 3840:2160 3840:2880 "
    "3840:3840 2880:3840 2160:3840"))
SEEDANCE25_RATIOS = sizes("992:432 854:480 752:560 640:640 560:752 480:854 1470:630 1280:720 "
                          "1112:834 960:960 834:1112 720:1280 2206:946 1920:1080 1664:1248 "
                          "1440:1440 1248:1664 1080:1920")
OMNI11_RATIOS = sizes("640:360 360:640 1280:720 720:1280 1920:1080 1080:1920 3840:2160 "
                      "2160:3840")
GROK_VIDEO_RATIOS = sizes("1:1 16:9 9:16 4:3 3:4 3:2 2:3")
GROK_LITE_AUTO = sizes("auto_480p auto_720p auto_1080p")
GROK_LITE_RATIOS = sizes("848:480 480:848 480:480 640:480 480:640 720:480 480:720 1280:720 "
                         "720:1280 720:720 960:720 720:960 1088:720 720:1088 1904:1072 1072:1904 "
                         "1424:1424 1648:1232 1232:1648 1744:1152 1152:1744")
WAN_RATIOS = sizes("832:480 720:544 624:624 544:720 480:832 1280:720 1104:832 960:960 832:1104 "
                   "720:1280 1920:1080 1648:1248 1440:1440 1248:1648 1080:1920 auto_480p "
                   "auto_720p auto_1080p")
WAN_AUTO = sizes("auto_480p auto_720p auto_1080p")
ALEPH_TARGET_ASPECTS = sizes("16:9 4:3 3:2 1:1 2:3 3:4 9:16 21:9")
ACT_TWO_RATIOS = sizes("1280:720 720:1280 960:960 1104:832 832:1104 1584:672")
