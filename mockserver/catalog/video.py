"""Video generation endpoints: image_to_video, text_to_video, video_to_video.

Fields, enums and limits from the SDK 5.24.0 param types and runway-api.md section (b)
4-6 (with numeric limits the public OpenAPI spec states: hailuo3, seedance, happyhorse,
gemini_omni_flash durations and prompt lengths). Prices from section (d): gen4.5,
gen4_turbo, veo*, seedance2, gen4_aleph from Runway's skills, output-format surcharges
from the SDK; every other rate is the emulator's assumption (``source="assumed"``).
Where the SDK gives a bare ``int`` duration or no prompt limit, the ranges below are
assumptions too (listed in docs/models.md). Rows marked ``legacy`` were removed from
the current SDK but still appear in Runway's quick-start examples and usage enums.
Models shared by several endpoints are built by one family function per model line.
"""

from __future__ import annotations

from runway_mock.catalog import rules as R
from runway_mock.catalog.base import (
    ABSENT,
    CONTENT_MODERATION,
    IMAGE,
    PRESENT,
    REFERENCE_IMAGE,
    SEED,
    VIDEO,
    Arr,
    Bool,
    Endpoint,
    Enum,
    Int,
    ModelRow,
    Not,
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
    when,
)
from runway_mock.catalog.shapes import (
    ALEPH_TARGET_ASPECTS,
    FIRST_FRAME,
    FIRST_LAST,
    GEN4_TURBO_RATIOS,
    GEN45_RATIOS,
    GROK_LITE_AUTO,
    GROK_LITE_RATIOS,
    GROK_VIDEO_RATIOS,
    HAILUO_RATIOS,
    HAILUO_RESOLUTIONS,
    HAPPYHORSE_RATIOS,
    KLING4_AUTO,
    KLING4_FRAME,
    KLING4_RATIOS,
    KLING4_VIDEO,
    KLING25_RATIOS,
    KLING_4K,
    KLING_EDIT_SETTINGS,
    KLING_PRO,
    KLING_SETTINGS,
    KLING_STANDARD,
    LANDSCAPE_PORTRAIT,
    OMNI11_RATIOS,
    SEEDANCE25_RATIOS,
    SEEDANCE_720,
    SEEDANCE_RATIOS,
    VEO_RATIOS,
    VIDEO_URI_ITEM,
    WAN_AUTO,
    WAN_RATIOS,
    audio_refs,
    duration_or_auto,
    frames_or_refs,
    image_refs,
    kling_references,
    video_refs,
)
from runway_mock.catalog.video_tools import VIDEO_UPSCALE
from runway_mock.schema import AnyOf, Const, Num, Str

# Endpoint modes a model family can be built for.
I2V, T2V, V2V = "image_to_video", "text_to_video", "video_to_video"

MP4 = Output("video", "mp4")
# An audio track when the request's ``audio`` (with the row's default applied) is true.
WITH_AUDIO = when(audio=True)

GEN45_FORMATS = (
    "mp4", "prores", "png_sequence", "hdr10", "hlg", "sdr_rec709_10bit", "hdr_pq_12bit_master",
    "hdr_prores", "hdr_png_sequence", "hdr_exr_sequence", "hdr_exr_acescg_sequence_1_3",
    "hdr_exr_acescg_sequence_2_0",
)
PRORES_PROFILES = ("422", "4444", "422 Proxy", "422 LT", "422 HQ", "4444 XQ")
HDR_PRORES_PROFILES = ("422", "4444", "422 HQ")
_ARCHIVE = ("archive", "zip")
_MOV = ("video", "mov")
_MP4 = ("video", "mp4")
GEN45_OUTPUT = Output(
    "video", "mp4", format_field="outputFormat",
    formats={
        "mp4": _MP4, "prores": _MOV, "hdr_prores": _MOV, "png_sequence": _ARCHIVE,
        "hdr_png_sequence": _ARCHIVE, "hdr_exr_sequence": _ARCHIVE,
        "hdr_exr_acescg_sequence_1_3": _ARCHIVE, "hdr_exr_acescg_sequence_2_0": _ARCHIVE,
        "hdr10": _MP4, "hlg": _MP4, "sdr_rec709_10bit": _MP4, "hdr_pq_12bit_master": _MOV,
    },
)
# +5 credits/s for prores or png sequences, +20 for 10-bit+ profiles (SDK docstrings).
_SURCHARGED = tuple(
    (("outputFormat", f, 12 + (5 if f in ("prores", "png_sequence") else 20)))
    for f in GEN45_FORMATS if f != "mp4"
)
_PRORES_RULES = (
    R.forbidden_if("proresProfile",
                   when(outputFormat=(ABSENT, Not(("prores", "hdr_prores")))),
                   "proresProfile is only valid with outputFormat 'prores' or 'hdr_prores'"),
    R.forbidden_if("proresProfile",
                   when(outputFormat="hdr_prores", proresProfile=Not(HDR_PRORES_PROFILES)),
                   "hdr_prores supports proresProfile '422', '422 HQ' or '4444' only"),
)


def _video(size: str = "1280:720", seconds: float = 5, max_seconds: float | None = None,
           **kw) -> Output:
    return Output("video", "mp4", default_size=size, default_seconds=seconds,
                  max_seconds=max_seconds, **kw)


def _per_second(rate: float, mode: str, source: str = "assumed", **kw) -> Price:
    """Per second of output; video-to-video output follows the (unknown) source length."""
    return Price("input_second" if mode == V2V else "second", rate, source=source, **kw)


# ---------------------------------------------------------------------------
# Runway and Google models


def _gen45(mode: str) -> ModelRow:
    props: dict = {
        "promptText": req(prompt(1000)),
        "ratio": req(ratios(*(GEN45_RATIOS if mode == I2V else LANDSCAPE_PORTRAIT))),
        "duration": req(Int(2, 10)),
        "contentModeration": opt(CONTENT_MODERATION),
        "outputFormat": opt(Enum(GEN45_FORMATS)),
        "proresProfile": opt(Enum(PRORES_PROFILES)),
        "seed": opt(SEED),
    }
    if mode == I2V:
        props = {"promptImage": req(FIRST_FRAME), **props}
    return ModelRow("gen4.5", props, GEN45_OUTPUT,
                    Price("second", 12, by=_SURCHARGED, source="skills"), latency=90,
                    rules=_PRORES_RULES)


def _veo(model: str, mode: str, rate: float, audio_rate: float) -> ModelRow:
    props: dict = {
        "ratio": req(ratios(*VEO_RATIOS)),
        "audio": opt(Bool(doc="Generate an audio track (costs more); on by default.")),
        "duration": opt(Enum((4, 6, 8))),
        "negativePrompt": opt(prompt(1000)),
        "seed": opt(SEED),
    }
    if mode == I2V:
        props = {"promptImage": req(FIRST_LAST), "promptText": opt(prompt(1000)), **props}
    else:
        props = {"promptText": req(prompt(1000)), **props}
    return ModelRow(
        model, props, Output("video", "mp4", audio=WITH_AUDIO),
        Price("second", rate, by=(("audio", True, audio_rate),), source="skills"),
        latency=80, defaults={"duration": 8, "audio": True},
        rules=(unique_positions("promptImage"),),
    )


def _gemini_omni(mode: str) -> ModelRow:
    if mode == V2V:
        props: dict = {"promptText": req(prompt(4000)), "videoUri": req(VIDEO),
                       "references": opt(image_refs(5))}
    else:
        props = {"promptText": req(prompt(4000)) if mode == T2V else opt(prompt(4000)),
                 "duration": opt(Int(3, 10)), "ratio": opt(ratios(*LANDSCAPE_PORTRAIT))}
        if mode == I2V:
            props = {"promptImage": req(FIRST_FRAME), **props}
    return ModelRow("gemini_omni_flash", props, _video(seconds=8),
                    _per_second(15, mode), latency=70, defaults={"duration": 8})


def _gemini_omni_11(mode: str) -> ModelRow:
    props: dict = {"promptText": req(prompt(4000)),
                   "duration": opt(duration_or_auto(3, 10)),
                   "ratio": opt(ratios(*OMNI11_RATIOS))}
    if mode == I2V:
        props = {"promptImage": req(FIRST_LAST), **props}
    elif mode == T2V:
        props |= {"references": opt(image_refs(5)),
                  "referenceVideos": opt(Arr(VIDEO_URI_ITEM, 0, 3))}
    else:
        props |= {"videoUri": req(VIDEO), "mode": opt(Enum(("reference", "extend", "edit"))),
                  "references": opt(image_refs(5))}
    return ModelRow("gemini_omni_flash_1.1", props, _video(seconds=8, max_seconds=10),
                    Price("second", 20), latency=75, defaults={"duration": 8},
                    rules=(unique_positions("promptImage"),))


# ---------------------------------------------------------------------------
# Kling


def _kling3(model: str, sizes_: tuple[str, ...], rate: float, mode: str,
            omni: bool) -> ModelRow:
    """Kling 3.0 (``omni=False``) and Kling O3 (``omni=True``) at one quality tier."""
    if mode == V2V:
        props: dict = {"promptText": req(prompt(2500)), "promptVideo": req(VIDEO),
                       "providerSettings": opt(KLING_EDIT_SETTINGS),
                       "references": opt(kling_references(4))}
        rules: tuple = (R.multi_prompt(),)
    else:
        props = {"audio": opt(Bool()), "duration": opt(Int(3, 15)),
                 "promptText": opt(prompt(2500)), "providerSettings": opt(KLING_SETTINGS)}
        if not omni:
            props["cfgScale"] = opt(Num(0, 1, doc="0 = most creative, 1 = most literal."))
        if mode == I2V:
            props = {"promptImage": req(FIRST_LAST), **props,
                     "ratio": opt(ratios(*sizes_))}
            if omni:
                props["references"] = opt(kling_references(7))
            rules = (unique_positions("promptImage"), R.multi_prompt())
        else:
            # promptText is optional (SDK docstring): only shotType "intelligence" needs it.
            props = {"ratio": req(ratios(*sizes_)), **props}
            rules = (R.multi_prompt(),)
    # Kling's audio default is not documented: off assumed. Video edits carry sound when
    # keepOriginalSound asks for it.
    audio = when({"providerSettings.keepOriginalSound": True}) if mode == V2V else WITH_AUDIO
    return ModelRow(model, props, _video(size=sizes_[0], audio=audio), _per_second(rate, mode),
                    latency=100 if "4k" in model else 80, defaults={"duration": 5},
                    rules=rules)


def _kling25(mode: str) -> ModelRow:
    props: dict = {"promptText": req(prompt(2500)),
                   "cfgScale": opt(Num(0, 1, doc="0 = most creative, 1 = most literal.")),
                   "duration": opt(Enum((5, 10)))}
    if mode == I2V:
        props = {"promptImage": req(FIRST_LAST), **props}
    else:
        props["ratio"] = opt(ratios(*KLING25_RATIOS))
    return ModelRow("kling2.5_turbo_pro", props, _video(size="1920:1080"), Price("second", 7),
                    latency=70, defaults={"duration": 5},
                    rules=(unique_positions("promptImage"),))


def _kling4(mode: str) -> ModelRow:
    if mode == V2V:
        props: dict = {"promptText": req(prompt(2500)), "videoUri": req(VIDEO),
                       "ratio": opt(ratios(*KLING4_AUTO)), "references": opt(image_refs(10))}
    elif mode == I2V:
        # A first frame, or a first frame and optional middle and last frames (SDK).
        props = {"promptImage": req(AnyOf((IMAGE, Arr(KLING4_FRAME, 1, 3)))),
                 "duration": opt(Int(3, 15)), "promptText": opt(prompt(2500)),
                 "ratio": opt(ratios(*KLING4_AUTO)), "references": opt(image_refs(10)),
                 "referenceVideos": opt(Arr(KLING4_VIDEO, 0, 5))}
    else:
        props = {"promptText": req(prompt(2500)), "duration": opt(Int(3, 15)),
                 "ratio": opt(ratios(*KLING4_RATIOS)), "references": opt(image_refs(10)),
                 "referenceVideos": opt(Arr(KLING4_VIDEO, 0, 5))}
    # SDK docstring: "Up to 10 images in total, frames included". The frame and video
    # items are untyped in the SDK, so nothing inside them is checked; the 30 s total of
    # the reference videos cannot be checked without reading them.
    return ModelRow("kling_4", props, _video(), _per_second(20, mode), latency=90,
                    defaults={"duration": 5},
                    rules=(R.total_items(("promptImage", "references"), 10),))


# ---------------------------------------------------------------------------
# ByteDance Seedance


def _seedance(model: str, sizes_: tuple[str, ...], rate: float, mode: str) -> ModelRow:
    v25 = model == "seedance2_5"
    refs, vids, auds = (30, 10, 10) if v25 else (9, 3, 3)
    longest = 30 if v25 else 15
    props: dict = {
        "audio": opt(Bool(doc="Generate audio; on by default.")),
        "duration": opt(duration_or_auto(4, longest)),
        "promptText": opt(prompt(15000 if v25 else 3500)),
        "ratio": opt(ratios(*sizes_)),
        "referenceAudio": opt(audio_refs(auds)),
        "seed": opt(SEED),
    }
    rules: list = []
    if mode == I2V:
        props = {"promptImage": req(frames_or_refs(refs)), **props}
        rules.append(R.keyframe_modes("promptImage"))
    else:
        props |= {"references": opt(image_refs(refs)), "referenceVideos": opt(video_refs(vids))}
    if mode == T2V and not v25:
        props["promptText"] = req(prompt(3500))
    if mode == V2V:
        props = {"promptVideo": req(VIDEO), **props}
    by: tuple = ()
    if v25:
        props |= {"draft": opt(Bool(doc="A cheap 480p preview that can be enhanced later.")),
                  "outputFormat": opt(Enum(("mp4", "mov")))}
        rules.append(R.forbidden_if("outputFormat", when(draft=True, outputFormat="mov"),
                                    "Draft mode only supports mp4"))
        by = (("draft", True, 8),)
        if mode == T2V:
            props["draftTaskId"] = opt(Str(36, 36, pattern=r"[0-9a-fA-F-]{36}",
                                           doc="A succeeded draft task to enhance to 1080p."))
            # SDK docstring: with draftTaskId "no other generation fields may be provided".
            # Every other field is optional, so {"model": "seedance2_5"} is valid.
            rules.append(R.exclusive("draftTaskId"))
        if mode == V2V:
            props["mode"] = opt(Enum(("reference", "extend", "edit")))
            edit_like = when(mode=("extend", "edit"))
            rules += [
                R.required_if("promptText", edit_like),
                R.forbidden_if("ratio", edit_like,
                               "ratio is only accepted in reference mode: extend and edit "
                               "keep the input's aspect ratio"),
                R.required_if("duration", when(mode="edit"),
                              "Edit mode requires duration 'auto'"),
                R.forbidden_if("duration", when(mode="edit", duration=Not("auto")),
                               "Edit mode requires duration 'auto'"),
            ]
    out = _video(seconds=5, max_seconds=longest, format_field="outputFormat",
                 formats={"mp4": _MP4, "mov": _MOV} if v25 else {}, audio=WITH_AUDIO)
    price = Price("second", rate, by=by, source="skills" if model == "seedance2" else "assumed")
    # audio "Defaults to true" (SDK docstring for seedance2_5; the public spec for all four).
    return ModelRow(model, props, out, price, latency=110 if v25 else 90,
                    defaults={"duration": 5, "audio": True}, rules=tuple(rules))


def _seedance_family(mode: str) -> list[ModelRow]:
    return [_seedance("seedance2", SEEDANCE_RATIOS, 36, mode),
            _seedance("seedance2_fast", SEEDANCE_720, 20, mode),
            _seedance("seedance2_mini", SEEDANCE_720, 10, mode),
            _seedance("seedance2_5", SEEDANCE25_RATIOS, 40, mode)]


# ---------------------------------------------------------------------------
# MiniMax, Alibaba, xAI and others


def _hailuo3(mode: str) -> ModelRow:
    props: dict = {"promptText": req(prompt(6000)), "duration": opt(Int(5, 15)),
                   "ratio": opt(ratios(*HAILUO_RATIOS)), "referenceAudio": opt(audio_refs(3)),
                   "resolution": opt(Enum(HAILUO_RESOLUTIONS))}
    rules: tuple = ()
    if mode == I2V:
        props = {"promptImage": req(frames_or_refs(9)), **props}
        rules = (R.keyframe_modes("promptImage"),)
    else:
        props |= {"references": opt(image_refs(9)),
                  "referenceVideos": opt(video_refs(2 if mode == V2V else 3))}
    if mode == V2V:
        props = {"promptVideo": req(VIDEO), **props}
    if mode == T2V:
        rules = (R.forbidden_if(
            "ratio", when(ratio="adaptive", references=ABSENT, referenceVideos=ABSENT),
            "'adaptive' needs image or video references; text-only requests need a ratio"),)
    return ModelRow("hailuo3", props, _video(size="1366:768", seconds=6),
                    Price("second", 10, by=(("resolution", ("2k", "2K"), 20),)),
                    latency=90, defaults={"duration": 6}, rules=rules)


def _happyhorse(mode: str) -> ModelRow:
    text = Str(2, 2500, doc="Text describing the motion or changes in the output.")
    if mode == I2V:
        props: dict = {"promptImage": req(FIRST_FRAME), "duration": opt(Int(3, 15)),
                       "promptText": opt(text),
                       "resolution": opt(Enum(("720p", "1080p", "720P", "1080P")))}
        price = Price("second", 8, by=(("resolution", ("1080p", "1080P"), 12),))
    else:
        props = {"promptText": req(text), "duration": opt(Int(3, 15)),
                 "ratio": opt(ratios(*HAPPYHORSE_RATIOS))}
        price = Price("second", 8, by=(("ratio", HAPPYHORSE_RATIOS[5:], 12),))
    return ModelRow("happyhorse_1_0", props, _video(), price, latency=60,
                    defaults={"duration": 5})


def _wan3(model: str, rate: float, mode: str) -> ModelRow:
    props: dict = {"promptText": req(prompt(5000)), "audio": opt(Bool()),
                   "duration": opt(Int(2, 15)), "ratio": opt(ratios(*WAN_RATIOS)),
                   "referenceAudio": opt(audio_refs(3)), "referenceVideos": opt(video_refs(3))}
    rules: tuple = ()
    if mode == I2V:
        props = {"promptImage": req(frames_or_refs(10)), **props}
        rules = (R.keyframe_modes("promptImage"),
                 R.keyframe_ratio("promptImage", "ratio", WAN_AUTO))
    else:
        props["references"] = opt(image_refs(10))
    # wan3's audio default is not documented: off assumed.
    return ModelRow(model, props, _video(audio=WITH_AUDIO), Price("second", rate), latency=90,
                    defaults={"duration": 5}, rules=rules)


def _h3_max(mode: str) -> ModelRow:
    props: dict = {"promptText": req(prompt(2000)), "duration": opt(Int(3, 10)),
                   "promptExpansionMode": opt(Enum(("disabled", "balanced", "quality"))),
                   "resolution": opt(Enum(("480p", "768p"))), "seed": opt(SEED)}
    if mode == I2V:
        props = {"promptImage": req(FIRST_LAST), **props}
    return ModelRow("h3_max", props, _video(size="1366:768", seconds=6), Price("second", 12),
                    latency=100, defaults={"duration": 6},
                    rules=(unique_positions("promptImage"),))


def _grok(mode: str) -> ModelRow:
    props: dict = {"duration": opt(Int(1, 15)),
                   "resolution": opt(Enum(("480p", "720p", "1080p")))}
    rules: tuple = ()
    if mode == I2V:
        props = {"promptImage": req(FIRST_FRAME), "promptText": opt(prompt(4000)), **props}
    else:
        props = {"promptText": req(prompt(4000)), **props,
                 "ratio": opt(ratios(*GROK_VIDEO_RATIOS)), "referenceAudio": opt(audio_refs(3)),
                 "references": opt(image_refs(7))}
        rules = (R.min_items_if("references", 1, when(referenceAudio=PRESENT),
                                "Audio references need at least one image reference"),)
    return ModelRow("grok_imagine_1_5", props, _video(seconds=6), Price("second", 8),
                    latency=60, defaults={"duration": 6}, rules=rules)


def _grok_lite(mode: str) -> ModelRow:
    if mode == I2V:
        props: dict = {"promptImage": req(FIRST_FRAME), "promptText": opt(prompt(4000)),
                       "duration": opt(Int(1, 15)), "ratio": opt(ratios(*GROK_LITE_AUTO))}
    else:
        props = {"promptText": req(prompt(4000)), "duration": opt(Int(1, 15)),
                 "ratio": opt(ratios(*GROK_LITE_RATIOS))}
    return ModelRow("grok_imagine_1_5_lite", props, _video(seconds=6), Price("second", 4),
                    latency=45, defaults={"duration": 6})


def _kling_tiers(mode: str) -> list[ModelRow]:
    tiers = (("4k", KLING_4K, 30), ("pro", KLING_PRO, 15), ("standard", KLING_STANDARD, 10))
    out = []
    for name, sizes_, rate in tiers:
        out.append(_kling3(f"klingO3_{name}", sizes_, round(rate * 1.2), mode, omni=True))
        if mode != V2V:
            out.append(_kling3(f"kling3.0_{name}", sizes_, rate, mode, omni=False))
    return out


# ---------------------------------------------------------------------------
# The endpoints

IMAGE_TO_VIDEO = Endpoint(
    I2V, "/v1/image_to_video",
    "Start a task that generates a video from an image (and optionally text).",
    rows(
        _gen45(I2V),
        ModelRow(
            "gen4_turbo",
            {
                "promptImage": req(FIRST_FRAME),
                "ratio": req(ratios(*GEN4_TURBO_RATIOS)),
                "promptText": opt(prompt(1000)),
                "duration": opt(Int(2, 10)),
                "contentModeration": opt(CONTENT_MODERATION),
                "seed": opt(SEED),
            },
            MP4, Price("second", 5, source="skills"), latency=45, defaults={"duration": 10},
        ),
        _veo("veo3.1", I2V, rate=20, audio_rate=40),
        _veo("veo3.1_fast", I2V, rate=10, audio_rate=15),
        *_kling_tiers(I2V),
        _hailuo3(I2V),
        _happyhorse(I2V),
        _kling25(I2V),
        *_seedance_family(I2V),
        _gemini_omni(I2V),
        _grok(I2V),
        _wan3("wan3", 10, I2V),
        _gemini_omni_11(I2V),
        _wan3("wan3_prime", 20, I2V),
        _h3_max(I2V),
        _grok_lite(I2V),
        _kling4(I2V),
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
                "promptImage": req(FIRST_FRAME),
                "ratio": req(ratios(*VEO_RATIOS)),
                "promptText": opt(prompt(1000)),
                "duration": opt(Enum((8,))),
                "seed": opt(SEED),
            },
            # Veo 3 always speaks (billed at veo's audio rate): assumed.
            Output("video", "mp4", audio=True), Price("second", 40, source="skills"),
            latency=90, legacy=True, defaults={"duration": 8},
        ),
    ),
)

TEXT_TO_VIDEO = Endpoint(
    T2V, "/v1/text_to_video",
    "Start a task that generates a video from a text prompt.",
    rows(
        _gen45(T2V),
        _veo("veo3.1", T2V, rate=20, audio_rate=40),
        _veo("veo3.1_fast", T2V, rate=10, audio_rate=15),
        *_kling_tiers(T2V),
        _hailuo3(T2V),
        _happyhorse(T2V),
        _kling25(T2V),
        *_seedance_family(T2V),
        _gemini_omni(T2V),
        _grok(T2V),
        _wan3("wan3", 10, T2V),
        _gemini_omni_11(T2V),
        _wan3("wan3_prime", 20, T2V),
        _h3_max(T2V),
        _grok_lite(T2V),
        _kling4(T2V),
        ModelRow(
            "veo3",
            {
                "promptText": req(prompt(1000)),
                "ratio": req(ratios(*VEO_RATIOS)),
                "duration": opt(Enum((8,))),
                "seed": opt(SEED),
            },
            # Veo 3 always speaks (billed at veo's audio rate): assumed.
            Output("video", "mp4", audio=True), Price("second", 40, source="skills"),
            latency=90, legacy=True, defaults={"duration": 8},
        ),
    ),
)

ALEPH_RATIOS = ("1280:720", "720:1280", "1104:832", "960:960", "832:1104", "1584:672",
                "848:480", "640:480")
_RANGE = Obj({"start_seconds": req(Int(0)), "end_seconds": req(Int(1))},
             doc="Edit window in whole seconds (end exclusive).")
_ALEPH_KEYFRAME = Obj(
    {"uri": req(IMAGE), "seconds": opt(Num(0, 30)), "at": opt(Num(0, 1)),
     "range": opt(_RANGE)},
    rules=(R.exactly_one(("seconds", "at")),),
    doc="A guidance image at an absolute time (seconds) or a fraction of the video (at).")
_ALEPH_FORMATS = {"mp4": _MP4, "prores": _MOV, "png_sequence": _ARCHIVE,
                  "sdr_rec709_10bit": _MP4}

VIDEO_TO_VIDEO = Endpoint(
    V2V, "/v1/video_to_video",
    "Start a task that transforms a video.",
    rows(
        ModelRow(
            "aleph2",
            {
                "videoUri": req(VIDEO),
                "promptText": opt(prompt(1000)),
                "keyframes": opt(Arr(_ALEPH_KEYFRAME, 1, 5)),
                "outputFormat": opt(Enum(tuple(_ALEPH_FORMATS))),
                "proresProfile": opt(Enum(PRORES_PROFILES)),
                "ratio": opt(Str(doc="Legacy output size, e.g. 1280:720.")),
                "targetAspectRatio": opt(Enum(ALEPH_TARGET_ASPECTS)),
                "contentModeration": opt(CONTENT_MODERATION),
                "seed": opt(SEED),
            },
            Output("video", "mp4", format_field="outputFormat", formats=_ALEPH_FORMATS,
                   seconds_field=None, default_seconds=10),
            Price("input_second", 15, by=(("outputFormat", ("prores", "png_sequence"), 20),
                                          ("outputFormat", "sdr_rec709_10bit", 35))),
            latency=100,
            rules=(R.ranges_all_or_none("keyframes"),
                   R.forbidden_if("proresProfile",
                                  when(outputFormat=(ABSENT, Not("prores"))),
                                  "proresProfile is only valid with outputFormat 'prores'")),
        ),
        *_kling_tiers(V2V),
        _hailuo3(V2V),
        *_seedance_family(V2V),
        _gemini_omni(V2V),
        _gemini_omni_11(V2V),
        _kling4(V2V),
        ModelRow(
            "gen4_aleph",
            {
                "videoUri": req(VIDEO),
                "promptText": req(prompt(1000)),
                "ratio": opt(ratios(*ALEPH_RATIOS)),
                "references": opt(Arr(Obj({"type": req(Const("image")), "uri": req(IMAGE)}),
                                      0, 1)),
                "contentModeration": opt(CONTENT_MODERATION),
                "seed": opt(SEED),
            },
            MP4, Price("second", 15, source="skills"), latency=90, legacy=True,
        ),
    ),
)

# VIDEO_UPSCALE and REFERENCE_IMAGE moved; still importable from here for older callers.
__all__ = ["I2V", "IMAGE_TO_VIDEO", "REFERENCE_IMAGE", "T2V", "TEXT_TO_VIDEO", "V2V",
           "VIDEO_TO_VIDEO", "VIDEO_UPSCALE"]
