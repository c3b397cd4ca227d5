"""Recipes: multi-step workflows at /v1/recipes/<name>, each returning one task.

A recipe body has no ``model``: it is pinned by ``version``. Each recipe is a single-row
endpoint (``discriminator=None``) whose row id is the recipe id, which is also the model
id its spend is reported under. Fields from the SDK 5.24.0 ``recipe_*_params.py`` types
and runway-api.md section (b) 50-56 (string limits from the public OpenAPI spec). Prices
are the emulator's assumptions: Runway publishes none for recipes.
"""

from __future__ import annotations

from runway_mock.catalog import rules as R
from runway_mock.catalog.base import (
    IMAGE,
    URI_ITEM,
    Arr,
    Bool,
    Endpoint,
    Enum,
    Int,
    ModelRow,
    Obj,
    Output,
    Price,
    opt,
    ratios,
    req,
    sizes,
    when,
)
from runway_mock.catalog.shapes import KLING_PRO, KLING_STANDARD, VIDEO_URI_ITEM
from runway_mock.schema import Str

VERSIONS = ("2026-06", "unsafe-latest")
PRODUCT_AD_VERSIONS = ("2026-06", "2026-07", "unsafe-latest")
AD_LANGUAGES = sizes("ar zh zh-Hant nl en fr de hi id it ja ko pl pt ru es sv th tr uk vi el")
MULTI_SHOT_RATIOS = (*KLING_STANDARD, *KLING_PRO)
PRODUCT_AD_RATIOS = sizes("1280:720 720:1280 960:960 834:1112 1920:1080 1080:1920 1440:1440 "
                          "1248:1664")
PRODUCT_VIEW_IMAGE = Obj({"uri": req(IMAGE), "view": opt(Enum(("front", "side", "back")))})


def _version(values: tuple[str, ...] = VERSIONS) -> dict:
    return {"version": req(Enum(values, doc="A dated version, or unsafe-latest to track "
                                            "the newest (may change without notice)."))}


def _video(size: str, seconds: float) -> Output:
    # Audio as asked; the defaults (the public spec's) are set per recipe below.
    return Output("video", "mp4", default_size=size, default_seconds=seconds,
                  audio=when(audio=True))


def _recipe(row: ModelRow, summary: str) -> Endpoint:
    return Endpoint(f"recipe_{row.model}", f"/v1/recipes/{row.model}", summary,
                    {row.model: row}, discriminator=None)


AD_LOCALIZATION = _recipe(ModelRow(
    "ad_localization",
    {**_version(), "referenceImage": req(URI_ITEM), "targetLanguage": req(Enum(AD_LANGUAGES))},
    Output("image", "png", default_size="1080:1080", seconds_field=None, default_seconds=0),
    Price("output", 25), latency=30, discriminator=None,
), "Run the ad localization recipe: translate an ad image into another language.")

MARKETING_STOCK_IMAGE = _recipe(ModelRow(
    "marketing_stock_image",
    {
        **_version(),
        "prompt": req(Str(1, 3500)),
        "outputCount": opt(Int(1, 4)),
        "quality": opt(Enum(("low", "medium", "high"))),
        "referenceImage": opt(URI_ITEM),
    },
    Output("image", "png", default_size="1536:1024", seconds_field=None, default_seconds=0,
           count_field="outputCount"),
    Price("output", 22, by=(("quality", "low", 3), ("quality", "medium", 7))),
    latency=30, discriminator=None, defaults={"outputCount": 4, "quality": "high"},
), "Run the marketing stock image recipe (GPT Image 2 underneath).")

MULTI_SHOT_VIDEO = _recipe(ModelRow(
    "multi_shot_video",
    {
        **_version(),
        "audio": opt(Bool()),
        "duration": opt(Enum((5, 10, 15))),
        "firstFrame": opt(URI_ITEM),
        "ratio": opt(ratios(*MULTI_SHOT_RATIOS)),
    },
    _video("1280:720", 10),
    Price("second", 15, by=(("ratio", KLING_PRO, 25),)),
    latency=120, discriminator=None, defaults={"duration": 10, "audio": True},
    variant_key="mode",
    variants={
        "auto": {"prompt": req(Str(1, 2500, doc="A story the recipe splits into 5 shots."))},
        "custom": {"shots": req(Arr(Obj({"prompt": req(Str(3, 512)),
                                         "duration": req(Int(1, 15))}), 3, 5))},
    },
    rules=(R.sum_equals("shots", "duration", "duration", 10),),
), "Run the multi-shot video recipe: a story prompt (auto) or a shot list (custom).")

PRODUCT_AD = _recipe(ModelRow(
    "product_ad",
    {
        **_version(PRODUCT_AD_VERSIONS),
        "productImages": req(Arr(URI_ITEM, 1, 10)),
        "audio": opt(Bool()),
        "duration": opt(Int(4, 15)),
        "productInfo": opt(Str(0, 2500)),
        "ratio": opt(ratios(*PRODUCT_AD_RATIOS)),
        "styleImages": opt(Arr(URI_ITEM, 0, 4)),
        "userConcept": opt(Str(0, 3500)),
    },
    _video("1280:720", 10), Price("second", 20), latency=120, discriminator=None,
    defaults={"duration": 10, "audio": False},
), "Run the product ad recipe: a video ad from product images.")

PRODUCT_CAMPAIGN_IMAGE = _recipe(ModelRow(
    "product_campaign_image",
    {**_version(), "image": req(URI_ITEM), "prompt": req(Str(1, 3500))},
    Output("image", "png", default_size="1024:1536", seconds_field=None, default_seconds=0,
           default_count=4),
    Price("output", 20), latency=30, discriminator=None,
), "Run the product campaign image recipe: four campaign images of one product.")

PRODUCT_SWAP = _recipe(ModelRow(
    "product_swap",
    {
        **_version(),
        "newProductImages": req(Arr(PRODUCT_VIEW_IMAGE, 1, 10)),
        "originalProductImage": req(URI_ITEM),
        "referenceVideo": req(VIDEO_URI_ITEM),
        "audio": opt(Bool()),
        "duration": opt(Int(4, 15)),
        "resolution": opt(Enum(("720p", "1080p"))),
    },
    _video("1280:720", 10), Price("second", 25, by=(("resolution", "1080p", 35),)),
    latency=120, discriminator=None, defaults={"duration": 10, "audio": True},
), "Run the product swap recipe: replace a product in a reference video.")

PRODUCT_UGC = _recipe(ModelRow(
    "product_ugc",
    {
        **_version(),
        "characterImage": req(URI_ITEM),
        "productImage": req(URI_ITEM),
        "audio": opt(Bool()),
        "duration": opt(Int(4, 15)),
        "productInfo": opt(Str(0, 2500)),
        "ratio": opt(ratios("720:1280", "1080:1920")),
        "userConcept": opt(Str(0, 3500)),
    },
    _video("720:1280", 15), Price("second", 20), latency=120, discriminator=None,
    defaults={"duration": 15, "audio": True},
), "Run the product UGC recipe: a creator-style video of a character with a product.")

RECIPES = (AD_LOCALIZATION, MARKETING_STOCK_IMAGE, MULTI_SHOT_VIDEO, PRODUCT_AD,
           PRODUCT_CAMPAIGN_IMAGE, PRODUCT_SWAP, PRODUCT_UGC)

__all__ = ["RECIPES"]
