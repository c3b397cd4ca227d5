"""Image endpoints: text_to_image (21 models) and image_upscale.

Fields, sizes and limits from the SDK 5.24.0 param types and runway-api.md section (b)
7 and 14 (prompt and list limits the public OpenAPI spec states for gpt_image_2,
gemini, seedream5). Prices from section (d): gen4_image*, gemini_2.5_flash (Runway's
skills); muse_image, bria_fibo_1_5, ideogram_4_0/4_5 and the grok and gpt_image_2_5
modifiers (SDK docstrings); gpt_image_2 and gemini_image3_pro (third-party); the rest
are the emulator's assumptions. Prompt limits the SDK does not state are assumed 4000.
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
    URI_ITEM,
    Arr,
    Bool,
    Endpoint,
    Enum,
    Int,
    ModelRow,
    Not,
    Output,
    Price,
    opt,
    pixels,
    prompt,
    ratios,
    req,
    rows,
    sizes,
    when,
)
from runway_mock.catalog.shapes import HEX_COLOR, TAGGED_SUBJECT_IMAGE
from runway_mock.schema import AnyOf, Str

GEN4_IMAGE_RATIOS = sizes(
    "1024:1024 1080:1080 1168:880 1360:768 1440:1080 1080:1440 1808:768 1920:1080 1080:1920 "
    "2112:912 1280:720 720:1280 720:720 960:720 720:960 1680:720")
# gen4_image bills 8 credits at 1080p-class sizes and 5 at 720p-class sizes.
_GEN4_1080P = ("1080:1080", "1440:1080", "1080:1440", "1808:768", "1920:1080", "1080:1920",
               "2112:912", "1168:880", "1360:768", "1024:1024")
GPT_RATIOS = sizes(
    "2048:880 1920:1088 1920:1280 1920:1440 1920:1536 1920:1920 1536:1920 1440:1920 1280:1920 "
    "1088:1920 2912:1248 2560:1440 2560:1712 2560:1920 2560:2048 2560:2560 2048:2560 1920:2560 "
    "1712:2560 1440:2560 3840:1648 3840:2160 3504:2336 3264:2448 3200:2560 2880:2880 2560:3200 "
    "2448:3264 2336:3504 2160:3840 auto")
_GPT_4K = GPT_RATIOS[20:30]
GEMINI_FLASH_RATIOS = sizes(
    "512:512 416:624 624:416 432:592 592:432 448:576 576:448 384:672 672:384 768:336 256:1024 "
    "1024:256 176:1408 1408:176 1024:1024 832:1248 1248:832 864:1184 1184:864 896:1152 1152:896 "
    "768:1344 1344:768 1536:672 512:2048 2048:512 352:2816 2816:352 2048:2048 1696:2528 "
    "2528:1696 1792:2400 2400:1792 1856:2304 2304:1856 1536:2752 2752:1536 3168:1344 1024:4096 "
    "4096:1024 704:5632 5632:704 4096:4096 3392:5056 5056:3392 3584:4800 4800:3584 3712:4608 "
    "4608:3712 3072:5504 5504:3072 6336:2688 2048:8192 8192:2048 1408:11264 11264:1408")
GEMINI_LITE_RATIOS = sizes(
    "1024:1024 848:1264 1264:848 896:1200 1200:896 928:1152 1152:928 768:1376 1376:768 1584:672")
GEMINI25_RATIOS = sizes(
    "1344:768 768:1344 1024:1024 1184:864 864:1184 1536:672 832:1248 1248:832 896:1152 1152:896")
GEMINI3_PRO_RATIOS = (*GEMINI25_RATIOS, *sizes(
    "2048:2048 1696:2528 2528:1696 1792:2400 2400:1792 1856:2304 2304:1856 1536:2752 2752:1536 "
    "3168:1344 4096:4096 3392:5056 5056:3392 3584:4800 4800:3584 3712:4608 4608:3712 3072:5504 "
    "5504:3072 6336:2688"))
NANO_BANANA_RATIOS = (*GEMINI_LITE_RATIOS, *sizes(
    "512:2064 2064:512 352:2928 2928:352 2048:2048 1696:2528 2528:1696 1792:2400 2400:1792 "
    "1856:2304 2304:1856 1536:2752 2752:1536 3168:1344 1024:4128 4128:1024 704:5856 5856:704 "
    "4096:4096 3392:5056 5056:3392 3584:4800 4800:3584 3712:4608 4608:3712 3072:5504 5504:3072 "
    "6336:2688 2048:8256 8256:2048 1408:11712 11712:1408"))
MUSE_RATIOS = sizes("2352:1008 2016:1152 1920:1280 1792:1344 1600:1600 1344:1792 1280:1920 "
                    "1152:2016 auto")
SEEDREAM_PRO_RATIOS = sizes(
    "1024:1024 1184:896 896:1184 1376:768 768:1376 1296:864 864:1296 2048:2048 2304:1728 "
    "1728:2304 2720:1530 1530:2720 2496:1664 1664:2496 auto_1k auto_2k")
SEEDREAM_LITE_RATIOS = sizes(
    "2048:2048 2304:1728 1728:2304 2848:1600 1600:2848 2496:1664 1664:2496 3136:1344 3072:3072 "
    "3456:2592 2592:3456 4096:2304 2304:4096 3744:2496 2496:3744 4704:2016")
SEEDREAM_FLASH_RATIOS = sizes(
    "1024:1024 1184:896 896:1184 1376:768 768:1376 1248:832 832:1248 1568:672 2048:2048 "
    "2304:1728 1728:2304 2848:1600 1600:2848 2496:1664 1664:2496 3136:1344 auto_1k auto_2k")
GROK_IMAGE_RATIOS = sizes(
    "1024:1024 1280:720 720:1280 1152:864 864:1152 1248:832 832:1248 1248:576 576:1248 1280:576 "
    "576:1280 1408:704 704:1408 2048:2048 2816:1584 1584:2816 2368:1776 1776:2368 2496:1664 "
    "1664:2496 2912:1344 1344:2912 3200:1440 1440:3200 2912:1456 1456:2912 auto_1k auto_2k")
_GROK_2K = (*GROK_IMAGE_RATIOS[13:26], "auto_2k")
BRIA_RATIOS = sizes(
    "1024:1024 768:1152 1152:768 768:1024 1024:768 768:960 960:768 576:1024 1024:576 2048:2048 "
    "1536:2304 2304:1536 1536:2048 2048:1536 1536:1920 1920:1536 1152:2048 2048:1152")
BRIA_EDIT_RATIOS = (*BRIA_RATIOS[:9], "auto")
IDEOGRAM40_RATIOS = sizes("2048:2048 2560:1440 1440:2560 2304:1728 1728:2304 2496:1664 "
                          "1664:2496 3072:1280 1280:3072")
IDEOGRAM45_RATIOS = sizes(
    "1024:1024 1280:720 720:1280 1152:864 864:1152 1248:832 832:1248 1120:896 896:1120 1440:720 "
    "720:1440 2048:2048 2560:1440 1440:2560 2304:1728 1728:2304 2496:1664 1664:2496 2240:1792 "
    "1792:2240 2880:1440 1440:2880 1024:576 576:1024 1408:704 704:1408 auto")
RECRAFT_RATIOS = sizes("1024:1024 1536:768 768:1536 1280:832 832:1280 1216:896 896:1216 "
                       "1152:896 896:1152 832:1344 1280:896 896:1280 1344:768 768:1344")
RECRAFT_VECTOR_RATIOS = sizes("1024:1024 1216:896 896:1216 1344:768 768:1344")


def _big(sizes_: tuple[str, ...], over: int = 8_000_000) -> tuple[str, ...]:
    """The 4K-class sizes of a list (more than ``over`` pixels)."""
    return tuple(s for s in sizes_ if pixels(s) > over)


def _image(ext: str = "png", size: str = "1024:1024", formats: tuple[str, ...] = (),
           counted: bool = True) -> Output:
    fmts = {f: ("image", f) for f in formats}
    return Output("image", ext, default_size=size, seconds_field=None, default_seconds=0,
                  count_field="outputCount" if counted else None,
                  format_field="outputFormat" if formats else None, formats=fmts)


PNG = _image(counted=False)
PNG_OR_JPEG = ("png", "jpeg")
TEXT = prompt(4000)

_GEMINI_SUBJECT_RULES = (R.max_where("referenceImages", "subject", "human", 5, "object"),
                         R.max_where("referenceImages", "subject", "object", 9, "object"))


def _gemini(model: str, sizes_: tuple[str, ...], price: Price, latency: float) -> ModelRow:
    return ModelRow(
        model,
        {
            "promptText": req(prompt(5500)),
            "ratio": req(ratios(*sizes_)),
            "outputCount": opt(Enum((1, 4))),
            "referenceImages": opt(Arr(TAGGED_SUBJECT_IMAGE, 0, 14)),
        },
        _image(size="1024:1024"), price, latency=latency, rules=_GEMINI_SUBJECT_RULES,
    )


def _gpt25(model: str, backgrounds: tuple[str, ...]) -> ModelRow:
    return ModelRow(
        model,
        {
            "promptText": req(prompt(32000)),
            "ratio": req(ratios(*GPT_RATIOS)),
            "background": opt(Enum(backgrounds)),
            "outputCount": opt(Int(1, 10)),
            "quality": opt(Enum(("low", "medium", "high", "xhigh", "max"))),
            "referenceImages": opt(Arr(REFERENCE_IMAGE, 0, 16)),
        },
        _image(size="1920:1920"),
        Price("output", 22, by=(("quality", "low", 2), ("quality", "medium", 6),
                                ("quality", "xhigh", 35), ("quality", "max", 50)),
              per_item=(("referenceImages", 1, True),)),
        latency=30, rules=(R.unique_values("referenceImages", "tag"),),
    )


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
            Price("output", 5, by=(("ratio", _GEN4_1080P, 8),), source="skills"),
            latency=20,
        ),
        ModelRow(
            "gpt_image_2",
            {
                "promptText": req(prompt(32000)),
                "ratio": req(ratios(*GPT_RATIOS)),
                "background": opt(Enum(("transparent", "opaque", "auto"))),
                "outputCount": opt(Int(1, 10)),
                "quality": opt(Enum(("low", "medium", "high", "auto"))),
                "referenceImages": opt(Arr(REFERENCE_IMAGE, 0, 16)),
            },
            _image(size="1920:1920"),
            Price("output", 20, by=(
                (when(quality="low", ratio=_GPT_4K), 2), (when(quality="low"), 1),
                (when(quality="medium", ratio=_GPT_4K), 11), (when(quality="medium"), 5),
                (when(ratio=_GPT_4K), 41),
            ), source="3p"),
            latency=30, rules=(R.unique_values("referenceImages", "tag"),),
        ),
        _gemini("gemini_image3.1_flash", GEMINI_FLASH_RATIOS,
                Price("output", 10, by=(("ratio", _big(GEMINI_FLASH_RATIOS), 20),)), 15),
        ModelRow(
            "muse_image",
            {
                "promptText": req(TEXT),
                "ratio": req(ratios(*MUSE_RATIOS)),
                "outputCount": opt(Int(1, 4)),
                "outputFormat": opt(Enum(("webp", "png", "jpeg"))),
                "referenceImages": opt(Arr(URI_ITEM, 0, 10)),
            },
            _image(size="1600:1600", formats=("webp", "png", "jpeg")),
            Price("output", 1, source="sdk"), latency=10,
        ),
        ModelRow(
            "seedream5_pro",
            {
                "promptText": req(TEXT),
                "ratio": req(ratios(*SEEDREAM_PRO_RATIOS)),
                "grounding": opt(Bool(doc="Let the model search the web for context.")),
                "outputCount": opt(Int(1, 4)),
                "outputFormat": opt(Enum(PNG_OR_JPEG)),
                "referenceImages": opt(Arr(URI_ITEM, 0, 10)),
            },
            _image(formats=PNG_OR_JPEG), Price("output", 6), latency=20,
        ),
        ModelRow(
            "seedream5_lite",
            {
                "promptText": req(TEXT),
                "ratio": req(AnyOf((ratios(*SEEDREAM_LITE_RATIOS),
                                    Str(pattern=r"[1-9][0-9]*:[1-9][0-9]*",
                                        doc="Any W:H of 3,686,400-16,777,216 pixels.")))),
                "grounding": opt(Bool(doc="Let the model search the web for context.")),
                "outputCount": opt(Int(1, 4)),
                "outputFormat": opt(Enum(PNG_OR_JPEG)),
                "referenceImages": opt(Arr(URI_ITEM, 0, 14)),
            },
            _image(size="2048:2048", formats=PNG_OR_JPEG), Price("output", 4), latency=15,
            rules=(R.pixel_area("ratio", 3_686_400, 16_777_216),),
        ),
        ModelRow(
            "grok_imagine_image_2",
            {
                "promptText": req(TEXT),
                "ratio": req(ratios(*GROK_IMAGE_RATIOS)),
                "edit": opt(Bool(doc="Edit the reference image(s) directly.")),
                "outputCount": opt(Int(1, 4)),
                "quality": opt(Enum(("low", "medium"))),
                "referenceImages": opt(Arr(URI_ITEM, 0, 3)),
            },
            _image(),
            Price("output", 5, add=((when(quality="low"), -2), (when(ratio=_GROK_2K), 2)),
                  per_item=(("referenceImages", 1, False),)),
            latency=12,
            rules=(R.min_items_if("referenceImages", 1, when(edit=True),
                                  "edit needs at least one reference image"),),
        ),
        _gemini("gemini_image3.1_flash_lite", GEMINI_LITE_RATIOS, Price("output", 3), 8),
        _gemini("gemini_image3_pro", GEMINI3_PRO_RATIOS,
                Price("output", 20, by=(("ratio", _big(GEMINI3_PRO_RATIOS), 40),), source="3p"),
                25),
        _gpt25("gpt_image_2_5_flare", ("opaque", "auto")),
        _gpt25("gpt_image_2_5_sunburst", ("transparent", "opaque", "auto")),
        ModelRow(
            "bria_fibo_1_5",
            {
                "promptText": req(TEXT),
                "ratio": req(ratios(*BRIA_RATIOS)),
                "outputFormat": opt(Enum(PNG_OR_JPEG)),
                "referenceImages": opt(Arr(URI_ITEM, 0, 1)),
                "seed": opt(SEED),
            },
            _image(formats=PNG_OR_JPEG, counted=False),
            Price("output", 5, by=(("ratio", BRIA_RATIOS[9:], 10),), source="sdk"), latency=12,
        ),
        ModelRow(
            "bria_fibo_edit_1_5",
            {
                "promptText": req(TEXT),
                "outputFormat": opt(Enum(PNG_OR_JPEG)),
                "ratio": opt(ratios(*BRIA_EDIT_RATIOS)),
                # SDK: "1 to 4 images to edit", optional; the bounds apply when given.
                "referenceImages": opt(Arr(URI_ITEM, 1, 4)),
                "seed": opt(SEED),
            },
            _image(formats=PNG_OR_JPEG, counted=False), Price("output", 6), latency=12,
            # SDK ratio docstring: "Choosing a size requires at least 2 reference images".
            rules=(R.min_items_if("referenceImages", 2, when(ratio=Not("auto")),
                                  "Choosing a ratio needs at least 2 reference images; a "
                                  "single image keeps its own framing"),),
        ),
        ModelRow(
            "ideogram_4_0",
            {
                "promptText": req(TEXT),
                "outputCount": opt(Int(1, 4)),
                "quality": opt(Enum(("low", "medium", "high"))),
                "ratio": opt(ratios(*IDEOGRAM40_RATIOS)),
                "referenceImages": opt(Arr(URI_ITEM, 0, 1)),
            },
            _image(size="2048:2048"),
            Price("output", 11, by=(("quality", "low", 4), ("quality", "medium", 7)),
                  source="sdk"),
            latency=15,
        ),
        ModelRow(
            "ideogram_4_5",
            {
                "promptText": req(TEXT),
                "maskUri": opt(IMAGE),
                "outputCount": opt(Int(1, 4)),
                "preciseEdit": opt(Bool(doc="Edit the first reference image in place.")),
                "quality": opt(Enum(("very_low", "low", "medium", "high"))),
                "ratio": opt(ratios(*IDEOGRAM45_RATIOS)),
                "referenceImages": opt(Arr(URI_ITEM, 0, 5)),
            },
            _image(),
            Price("output", 25, by=(("quality", "very_low", 1), ("quality", "low", 4),
                                    ("quality", "medium", 8), ("quality", "high", 25),
                                    ("referenceImages", PRESENT, 8)), source="sdk"),
            latency=15,
            rules=(
                R.min_items_if("referenceImages", 1, when(maskUri=PRESENT),
                               "maskUri edits the first reference image: give one"),
                R.min_items_if("referenceImages", 1, when(preciseEdit=True),
                               "preciseEdit needs at least one reference image"),
                R.min_items_if("referenceImages", 1, when(quality="very_low"),
                               "quality 'very_low' needs reference images"),
                R.forbidden_if("quality", when(quality="very_low", preciseEdit=True),
                               "quality 'very_low' is not available with preciseEdit"),
                R.forbidden_if("ratio", when(maskUri=PRESENT),
                               "ratio is not available with maskUri (the edited image keeps "
                               "its size)"),
                R.forbidden_if("ratio", when(preciseEdit=True, maskUri=ABSENT),
                               "ratio is not available with preciseEdit (the edited image "
                               "keeps its size)"),
            ),
        ),
        ModelRow(
            "seedream5_flash",
            {
                "promptText": req(TEXT),
                "ratio": req(ratios(*SEEDREAM_FLASH_RATIOS)),
                "outputCount": opt(Int(1, 4)),
                "outputFormat": opt(Enum(PNG_OR_JPEG)),
                "referenceImages": opt(Arr(URI_ITEM, 0, 10)),
            },
            _image(formats=PNG_OR_JPEG), Price("output", 3), latency=10,
        ),
        ModelRow(
            "nano_banana_2.1",
            {
                "promptText": req(prompt(5500)),
                "ratio": req(ratios(*NANO_BANANA_RATIOS)),
                "outputCount": opt(Int(1, 4)),
                "referenceImages": opt(Arr(REFERENCE_IMAGE, 0, 14)),
                "thinkingLevel": opt(Enum(("minimal", "medium", "high"))),
            },
            _image(), Price("output", 8, by=(("ratio", _big(NANO_BANANA_RATIOS), 16),)),
            latency=15,
        ),
        ModelRow(
            "recraft_v4_1_flash",
            {
                "promptText": req(TEXT),
                "ratio": req(ratios(*RECRAFT_RATIOS)),
                "backgroundColor": opt(HEX_COLOR),
                "colors": opt(Arr(HEX_COLOR, 0, 10)),
                "outputCount": opt(Int(1, 4)),
                "outputFormat": opt(Enum(("webp", "png"))),
                "seed": opt(SEED),
            },
            _image(ext="webp", formats=("webp", "png")), Price("output", 4), latency=10,
        ),
        ModelRow(
            "recraft_v4_1_vector",
            {
                "promptText": req(TEXT),
                "backgroundColor": opt(HEX_COLOR),
                "colors": opt(Arr(HEX_COLOR, 0, 10)),
                "ratio": opt(ratios(*RECRAFT_VECTOR_RATIOS)),
            },
            _image(ext="svg", counted=False), Price("output", 8), latency=15,
        ),
        ModelRow(
            "gemini_2.5_flash",
            {
                "promptText": req(prompt(5500)),
                "ratio": req(ratios(*GEMINI25_RATIOS)),
                "referenceImages": opt(Arr(REFERENCE_IMAGE, 0, 3)),
            },
            PNG, Price("output", 5, source="skills"), latency=10,
        ),
    ),
)

IMAGE_UPSCALE = Endpoint(
    "image_upscale", "/v1/image_upscale",
    "Start a task that upscales an image.",
    rows(
        ModelRow(
            "magnific_precision_upscaler_v2",
            {
                "imageUri": req(IMAGE),
                "flavor": opt(Enum(("sublime", "photo", "photo_denoiser"))),
                "scaleFactor": opt(Enum((2, 4, 8, 16))),
                "sharpen": opt(Int(0, 100)),
                "smartGrain": opt(Int(0, 100)),
                "ultraDetail": opt(Int(0, 100)),
            },
            # The input size is unknown: assume 1024 px, capped at the 25.3 MP output limit.
            Output("image", "png", default_size="2048:2048", seconds_field=None,
                   default_seconds=0, size_by={"scaleFactor": {
                       2: "2048:2048", 4: "4096:4096", 8: "5024:5024", 16: "5024:5024"}}),
            Price("output", 10, by=(("scaleFactor", 4, 20), ("scaleFactor", 8, 40),
                                    ("scaleFactor", 16, 80))),
            latency=25, defaults={"scaleFactor": 2},
        ),
    ),
)

__all__ = ["GEN4_IMAGE_RATIOS", "IMAGE_UPSCALE", "TEXT_TO_IMAGE", "Endpoint"]
