"""The catalog against the official SDK 5.24.0 types, and the outputs and prices it plans.

The SDK's TypedDicts are read at test time, so a model, field, required flag or enum
value the SDK has and the catalog lacks fails here. Minimal request bodies are built
from the SDK's own required fields, not from the catalog.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

import pytest
from runway_mock.catalog import ENDPOINTS, all_models, estimate_credits, planned_outputs
from runway_mock.catalog.routing import aspect_of, offers, resolution_of
from runway_mock.catalog.tiers import MODEL_CLASS
from runway_mock.schema import Enum, validate
from typing_extensions import NotRequired, Required, is_typeddict

from tests.conftest import auth

IMG = "https://example.com/frame.png"
VID = "https://example.com/clip.mp4"
AUD = "https://example.com/voice.mp3"
TEXT = "A lighthouse on a cliff at dusk"

SDK_MODULES = {
    "image_to_video": "image_to_video_create_params",
    "text_to_video": "text_to_video_create_params",
    "video_to_video": "video_to_video_create_params",
    "text_to_image": "text_to_image_create_params",
    "video_upscale": "video_upscale_create_params",
    "sound_effect": "sound_effect_create_params",
    "character_performance": "character_performance_create_params",
    "text_to_speech": "text_to_speech_create_params",
    "voice_isolation": "voice_isolation_create_params",
    "voice_dubbing": "voice_dubbing_create_params",
    "speech_to_speech": "speech_to_speech_create_params",
    "image_upscale": "image_upscale_create_params",
    "video_to_hdr": "video_to_hdr_create_params",
    "video_to_audio": "video_to_audio_create_params",
    "avatar_videos": "avatar_video_create_params",
    **{f"recipe_{r}": f"recipe_{r}_params" for r in (
        "ad_localization", "marketing_stock_image", "multi_shot_video", "product_ad",
        "product_campaign_image", "product_swap", "product_ugc")},
}

# ---------------------------------------------------------------------------
# Reading the SDK's TypedDicts


def _unwrap(tp: Any) -> tuple[Any, str | None, bool]:
    """(inner type, JSON alias, required) of one TypedDict annotation."""
    alias, required = None, False
    while True:
        origin = get_origin(tp)
        if origin in (Required, NotRequired):
            required = origin is Required
            tp = get_args(tp)[0]
        elif origin is Annotated:
            alias = next((m.alias for m in tp.__metadata__ if getattr(m, "alias", None)), alias)
            tp = get_args(tp)[0]
        else:
            return tp, alias, required


def literals(tp: Any) -> list[Any]:
    """Every Literal value inside a type (unions included)."""
    if get_origin(tp) is Literal:
        return list(get_args(tp))
    return [v for arg in get_args(tp) for v in literals(arg)]


def sdk_fields(td: type) -> dict[str, tuple[bool, Any]]:
    """JSON field name -> (required, type) of one SDK TypedDict."""
    out = {}
    for name, tp in get_type_hints(td, include_extras=True).items():
        inner, alias, required = _unwrap(tp)
        out[alias or name] = (required, inner)
    return out


def sdk_variants(endpoint: str) -> list[type]:
    """The request TypedDicts (union members) the SDK defines for an endpoint."""
    mod = importlib.import_module(f"runwayml.types.{SDK_MODULES[endpoint]}")
    top = next(getattr(mod, n) for n in mod.__all__ if n.endswith("Params"))
    return [top] if is_typeddict(top) else list(get_args(top))


def variant_key(endpoint: str, td: type) -> str:
    """The model id (or, for recipes, the mode) a variant stands for."""
    fields = sdk_fields(td)
    for key in ("model", "mode"):
        if key in fields:
            return literals(fields[key][1])[0]
    return ENDPOINTS[endpoint].single_row().model


SDK_CASES = [(ep, td) for ep in SDK_MODULES for td in sdk_variants(ep)]
SDK_IDS = [f"{ep}:{variant_key(ep, td)}" for ep, td in SDK_CASES]

# ---------------------------------------------------------------------------
# Minimal bodies from the SDK's required fields

VALUES: dict[str, Any] = {
    "promptImage": IMG, "promptText": TEXT, "promptVideo": VID, "videoUri": VID,
    "imageUri": IMG, "audioUri": AUD, "duration": 5, "prompt": TEXT,
    "referenceImages": [{"uri": IMG}],
    "voice": {"type": "runway-preset", "presetId": "Maya"},
    "character": {"type": "image", "uri": IMG},
    "reference": {"type": "video", "uri": VID},
    "media": {"type": "audio", "uri": AUD},
    "avatar": {"type": "runway-preset", "presetId": "influencer"},
    "speech": {"type": "text", "text": "Hello and welcome."},
    "referenceImage": {"uri": IMG}, "image": {"uri": IMG}, "productImages": [{"uri": IMG}],
    "newProductImages": [{"uri": IMG}], "originalProductImage": {"uri": IMG},
    "referenceVideo": {"uri": VID}, "characterImage": {"uri": IMG}, "productImage": {"uri": IMG},
    "shots": [{"prompt": "Wide opening shot", "duration": 4},
              {"prompt": "Close-up of the face", "duration": 3},
              {"prompt": "Pull back to reveal", "duration": 3}],
}
# None: a body of the SDK's required fields alone is always valid (issue 12 removed the
# rules that demanded more, e.g. promptText on Kling 3.0/O3 text_to_video).
EXTRA: dict[tuple[str, str], dict[str, Any]] = {}
LEGACY_BODIES = {
    ("image_to_video", "gen3a_turbo"): {"promptImage": IMG, "promptText": TEXT},
    ("image_to_video", "veo3"): {"promptImage": IMG, "ratio": "1280:720"},
    ("text_to_video", "veo3"): {"promptText": TEXT, "ratio": "1280:720"},
    ("video_to_video", "gen4_aleph"): {"videoUri": VID, "promptText": TEXT},
    ("video_upscale", "upscale_v1"): {"videoUri": VID},
}


def sdk_minimal_body(endpoint: str, td: type) -> dict[str, Any]:
    """A body with exactly the fields the SDK marks required (plus rule-needed extras)."""
    body = {}
    for name, (required, tp) in sdk_fields(td).items():
        if not required:
            continue
        values = literals(tp)
        body[name] = values[0] if values and name not in VALUES else VALUES[name]
    key = body.get("model") or ENDPOINTS[endpoint].single_row().model
    return {**body, **EXTRA.get((endpoint, key), {})}


def minimal_body(endpoint: str, model: str) -> dict[str, Any]:
    """A valid minimal body for any row (legacy rows included)."""
    table = ENDPOINTS[endpoint]
    if (endpoint, model) in LEGACY_BODIES:
        return {"model": model, **LEGACY_BODIES[(endpoint, model)]}
    for ep, td in SDK_CASES:
        if ep == endpoint and (variant_key(ep, td) == model or table.discriminator is None):
            return sdk_minimal_body(ep, td)
    raise KeyError((endpoint, model))


def post(client, endpoint: str, body: Any):
    """POST a body to an endpoint of the catalog."""
    return client.post(ENDPOINTS[endpoint].path, json=body, headers=auth())


# ---------------------------------------------------------------------------
# Coverage of the SDK


@pytest.mark.parametrize("endpoint", [e for e in SDK_MODULES if not e.startswith("recipe_")])
def test_every_sdk_model_id_has_a_row(endpoint):
    """Each endpoint's non-legacy model ids are exactly the SDK's model literals."""
    table = ENDPOINTS[endpoint]
    sdk = {literals(sdk_fields(td)["model"][1])[0] for td in sdk_variants(endpoint)}
    assert set(table.models(include_legacy=False)) == sdk


def test_endpoint_model_counts():
    """The catalog has the expected number of models per endpoint and seven recipes."""
    counts = {name: len(t.models(include_legacy=False)) for name, t in ENDPOINTS.items()}
    assert counts["image_to_video"] == 25
    assert counts["text_to_video"] == 24
    assert counts["video_to_video"] == 12
    assert counts["text_to_image"] == 21
    assert counts["video_upscale"] == 2
    assert counts["text_to_speech"] == 4
    assert sum(1 for n in ENDPOINTS if n.startswith("recipe_")) == 7


@pytest.mark.parametrize(("endpoint", "td"), SDK_CASES, ids=SDK_IDS)
def test_row_fields_match_the_sdk(endpoint, td):
    """Each row's fields, required flags and enum values equal the SDK TypedDict's."""
    fields = sdk_fields(td)
    table = ENDPOINTS[endpoint]
    key = variant_key(endpoint, td)
    row = table.single_row() if table.discriminator is None else table.rows[key]
    props = dict(row.props)
    if row.variant_key:
        props.update(row.variants[key])
    own = set(props) | {k for k in (row.discriminator, row.variant_key) if k}
    assert set(fields) == own
    for name, (required, tp) in fields.items():
        if name in props:
            assert props[name].required == required, name
            values = literals(tp) if get_origin(tp) is Literal else []
            if values:
                assert isinstance(props[name].spec, Enum), name
                # typing caches Literal by value set, so compare sets, not order.
                assert set(props[name].spec.values) == set(values), name


@pytest.mark.parametrize(("endpoint", "td"), SDK_CASES, ids=SDK_IDS)
def test_minimal_sdk_body_is_accepted(client, endpoint, td):
    """A body of only the SDK's required fields is accepted, with the right reply keys."""
    r = post(client, endpoint, sdk_minimal_body(endpoint, td))
    assert r.status_code == 200, r.json
    if ENDPOINTS[endpoint].returns_cost:
        assert set(r.json) == {"id", "estimatedCost"}
        assert isinstance(r.json["estimatedCost"]["credits"], int)
    else:
        assert set(r.json) == {"id"}


@pytest.mark.parametrize(("endpoint", "model"), list(LEGACY_BODIES))
def test_legacy_models_are_still_accepted(client, endpoint, model):
    """Legacy model rows are marked legacy and still accept a minimal body."""
    assert ENDPOINTS[endpoint].rows[model].legacy
    r = post(client, endpoint, minimal_body(endpoint, model))
    assert r.status_code == 200, r.json


def test_every_billed_model_id_has_a_tier_class():
    """Every model id the catalog bills has a tier class for limits."""
    assert set(all_models()) <= set(MODEL_CLASS)


# ---------------------------------------------------------------------------
# Planned outputs


def plan(endpoint: str, model: str, **fields: Any) -> list[tuple[str, str, int, int]]:
    """(kind, ext, width, height) of each planned output of a minimal body plus fields."""
    table = ENDPOINTS[endpoint]
    row = table.rows[model]
    body = {**minimal_body(endpoint, model), **fields}
    assert validate(row.body_spec(), body) == []
    return [(p.kind, p.ext, p.width, p.height) for p in planned_outputs(row, body)]


OUTPUT_CASES = [
    ("text_to_image", "gpt_image_2", {"outputCount": 3, "ratio": "1920:1088"},
     [("image", "png", 1920, 1088)] * 3),
    ("text_to_image", "gpt_image_2", {"background": "transparent"}, [("image", "png")]),
    ("text_to_image", "recraft_v4_1_vector", {"ratio": "1344:768"}, [("image", "svg", 1344, 768)]),
    ("text_to_image", "recraft_v4_1_flash", {}, [("image", "webp")]),
    ("text_to_image", "muse_image", {"outputFormat": "jpeg", "outputCount": 2},
     [("image", "jpeg")] * 2),
    ("text_to_image", "gemini_image3.1_flash", {"outputCount": 4}, [("image", "png")] * 4),
    ("text_to_image", "bria_fibo_1_5", {"outputFormat": "jpeg"}, [("image", "jpeg")]),
    ("recipe_marketing_stock_image", "marketing_stock_image", {}, [("image", "png")] * 4),
    ("recipe_marketing_stock_image", "marketing_stock_image", {"outputCount": 2},
     [("image", "png")] * 2),
    ("recipe_product_campaign_image", "product_campaign_image", {}, [("image", "png")] * 4),
    ("recipe_ad_localization", "ad_localization", {}, [("image", "png")]),
    ("image_to_video", "gen4.5", {"outputFormat": "png_sequence"}, [("archive", "zip")]),
    ("image_to_video", "gen4.5", {"outputFormat": "hdr_exr_sequence"}, [("archive", "zip")]),
    ("image_to_video", "gen4.5", {"outputFormat": "prores"}, [("video", "mov")]),
    ("text_to_video", "gen4.5", {"outputFormat": "hdr10"}, [("video", "mp4")]),
    ("image_to_video", "seedance2_5", {"outputFormat": "mov"}, [("video", "mov")]),
    ("video_to_video", "aleph2", {"outputFormat": "png_sequence"}, [("archive", "zip")]),
    ("video_to_hdr", "ruby", {}, [("video", "mp4")]),
    ("video_to_hdr", "ruby", {"outputFormat": "hdr_prores"}, [("video", "mov")]),
    ("video_to_hdr", "ruby", {"outputFormat": "hdr_exr_acescg_sequence_2_0"},
     [("archive", "zip")]),
    ("sound_effect", "mirelo_sfx_2_0", {"numVariants": 3, "format": "wav"},
     [("audio", "wav")] * 3),
    ("video_to_audio", "mirelo_sfx_2_0", {"numVariants": 2, "format": "flac"},
     [("audio", "flac")] * 2),
    ("sound_effect", "seed_audio", {"outputFormat": "ogg_opus"}, [("audio", "ogg")]),
    ("text_to_speech", "seed_audio", {}, [("audio", "wav")]),
    ("text_to_speech", "eleven_v3", {}, [("audio", "mp3")]),
    ("voice_dubbing", "eleven_voice_dubbing", {}, [("audio", "mp3")]),
    ("image_upscale", "magnific_precision_upscaler_v2", {"scaleFactor": 4},
     [("image", "png", 4096, 4096)]),
    ("text_to_video", "hailuo3", {"ratio": "16:9", "resolution": "2k"},
     [("video", "mp4", 2560, 1440)]),
    ("image_to_video", "kling_4", {"ratio": "auto_1080p"}, [("video", "mp4", 1920, 1080)]),
    ("recipe_product_swap", "product_swap", {"resolution": "1080p"},
     [("video", "mp4", 1920, 1080)]),
    ("recipe_product_ugc", "product_ugc", {}, [("video", "mp4", 720, 1280)]),
    ("avatar_videos", "gwm1_avatars", {}, [("video", "mp4")]),
]


@pytest.mark.parametrize(("endpoint", "model", "fields", "expected"), OUTPUT_CASES,
                         ids=[f"{c[0]}:{c[1]}:{i}" for i, c in enumerate(OUTPUT_CASES)])
def test_planned_outputs(endpoint, model, fields, expected):
    """Each case plans the expected number, kind, format and size of outputs."""
    got = plan(endpoint, model, **fields)
    assert len(got) == len(expected)
    assert [g[:len(e)] for g, e in zip(got, expected, strict=True)] == expected


def test_multi_output_task_serves_every_artifact(client, clock):
    """A multi-image task serves one URL per image; an EXR sequence one zip."""
    body = {**minimal_body("text_to_image", "gpt_image_2"), "outputCount": 3}
    task_id = post(client, "text_to_image", body).json["id"]
    hdr = {**minimal_body("video_to_hdr", "ruby"), "outputFormat": "hdr_exr_sequence"}
    hdr_id = post(client, "video_to_hdr", hdr).json["id"]
    clock.advance(3600)
    images = client.get(f"/v1/tasks/{task_id}", headers=auth()).json
    archive = client.get(f"/v1/tasks/{hdr_id}", headers=auth()).json
    assert images["status"] == archive["status"] == "SUCCEEDED"
    assert len(images["output"]) == 3
    assert all(".png?" in url for url in images["output"])
    assert len(archive["output"]) == 1 and ".zip?" in archive["output"][0]


# ---------------------------------------------------------------------------
# Prices


def credits(endpoint: str, model: str, **fields: Any) -> int:
    """The estimate for a minimal body plus fields, with 10 s of input media."""
    row = ENDPOINTS[endpoint].rows[model]
    body = {**minimal_body(endpoint, model), **fields}
    assert validate(row.body_spec(), body) == []
    return estimate_credits(row, body, input_seconds=lambda _b: 10.0)


PRICE_CASES = [
    ("image_to_video", "gen4_turbo", {"duration": 5}, 25),
    ("image_to_video", "gen4.5", {"duration": 10, "outputFormat": "prores"}, 170),
    ("image_to_video", "gen4.5", {"duration": 10, "outputFormat": "hdr10"}, 320),
    ("text_to_video", "veo3.1", {"duration": 8}, 320),
    ("text_to_video", "veo3.1", {"duration": 8, "audio": False}, 160),
    ("text_to_video", "veo3.1_fast", {"duration": 4, "audio": False}, 40),
    ("text_to_video", "seedance2", {"duration": "auto"}, 36 * 15),
    ("text_to_video", "seedance2", {"duration": 4}, 144),
    ("image_to_video", "seedance2_5", {"draft": True, "duration": 5}, 40),
    ("text_to_image", "gen4_image", {"ratio": "720:720"}, 5),
    ("text_to_image", "gen4_image", {"ratio": "1920:1080"}, 8),
    ("text_to_image", "gpt_image_2", {"quality": "low", "outputCount": 2}, 2),
    ("text_to_image", "gpt_image_2", {"quality": "medium", "ratio": "3840:2160"}, 11),
    ("text_to_image", "gpt_image_2", {"ratio": "1920:1088"}, 20),
    ("text_to_image", "grok_imagine_image_2", {"ratio": "1024:1024"}, 5),
    ("text_to_image", "grok_imagine_image_2",
     {"quality": "low", "ratio": "2048:2048", "outputCount": 2,
      "referenceImages": [{"uri": IMG}, {"uri": IMG}]}, 12),
    ("text_to_image", "gpt_image_2_5_flare",
     {"outputCount": 3, "referenceImages": [{"uri": IMG, "tag": "cat"}, {"uri": IMG}]}, 72),
    ("text_to_image", "ideogram_4_5", {}, 25),
    ("text_to_image", "ideogram_4_5", {"referenceImages": [{"uri": IMG}]}, 8),
    ("text_to_image", "ideogram_4_5", {"quality": "low", "outputCount": 2}, 8),
    ("text_to_image", "ideogram_4_0", {"quality": "medium"}, 7),
    ("text_to_image", "bria_fibo_1_5", {"ratio": "2048:2048"}, 10),
    ("text_to_image", "muse_image", {"outputCount": 3}, 3),
    ("text_to_speech", "eleven_multilingual_v2", {"promptText": "x" * 120}, 3),
    ("voice_isolation", "eleven_voice_isolation", {}, 2),
    ("voice_dubbing", "eleven_voice_dubbing", {}, 5),
    ("speech_to_speech", "eleven_multilingual_sts_v2", {}, 4),
    ("video_to_hdr", "ruby", {}, 200),
    ("character_performance", "act_two", {}, 50),
    ("sound_effect", "mirelo_sfx_2_0", {"duration": 10, "numVariants": 2}, 20),
    ("sound_effect", "eleven_text_to_sound_v2", {}, 2),
    ("recipe_multi_shot_video", "multi_shot_video",
     {"mode": "auto", "prompt": TEXT, "ratio": "1920:1080", "duration": 15}, 375),
    ("recipe_marketing_stock_image", "marketing_stock_image", {}, 88),
    ("recipe_marketing_stock_image", "marketing_stock_image",
     {"quality": "low", "outputCount": 2}, 6),
    ("recipe_product_campaign_image", "product_campaign_image", {}, 80),
    ("image_upscale", "magnific_precision_upscaler_v2", {"scaleFactor": 16}, 80),
]


@pytest.mark.parametrize(("endpoint", "model", "fields", "expected"), PRICE_CASES,
                         ids=[f"{c[0]}:{c[1]}:{i}" for i, c in enumerate(PRICE_CASES)])
def test_estimates(endpoint, model, fields, expected):
    """Each case's credit estimate equals the documented price."""
    assert credits(endpoint, model, **fields) == expected


def test_estimate_is_reported_on_creation(client):
    """The create reply reports the estimate (video_to_hdr: 200 for 10 s of input)."""
    r = post(client, "video_to_hdr", minimal_body("video_to_hdr", "ruby"))
    assert r.json["estimatedCost"] == {"credits": 200}  # 20/s x the assumed 10 s of input


@pytest.mark.parametrize(("speech", "billed"), [
    ({"type": "audio", "audio": AUD}, "gwm1_avatar_async_audio_to_video"),
    ({"type": "text", "text": "Hi!", "voice": {"type": "preset", "presetId": "luna"}},
     "gwm1_avatar_async_text_to_video"),
])
def test_avatar_videos_are_billed_by_speech_type(client, speech, billed):
    """Avatar videos are billed as audio- or text-driven by their speech type."""
    body = {"model": "gwm1_avatars", "avatar": {"type": "runway-preset",
                                                "presetId": "cooking-teacher"},
            "speech": speech}
    r = post(client, "avatar_videos", body)
    assert r.status_code == 200 and set(r.json) == {"id"}
    row = ENDPOINTS["avatar_videos"].rows["gwm1_avatars"]
    assert row.for_body(body).billed_as == billed
    usage = client.get("/v1/organization", headers=auth()).json["usage"]["models"]
    assert billed in usage


# ---------------------------------------------------------------------------
# What the Model Router can pick from


def test_router_offers_cover_every_generation_model():
    """The router's offers cover every non-legacy generation model per modality."""
    video = {(o.endpoint, o.model) for o in offers("video")}
    assert ("text_to_video", "seedance2") in video
    assert ("image_to_video", "veo3.1") in video
    assert not any(m in ("gen3a_turbo", "veo3") for _, m in video)
    assert {o.model for o in offers("image")} == set(
        ENDPOINTS["text_to_image"].models(include_legacy=False))
    types = {(o.model, o.audio_type) for o in offers("audio")}
    assert ("eleven_v3", "speech") in types and ("mirelo_sfx_2_0", "audio") in types


def test_router_offer_details():
    """Router offers know sizes, durations, estimates, keyframes and output limits per model."""
    seedance = next(o for o in offers("video")
                    if o.model == "seedance2" and o.endpoint == "text_to_video")
    assert seedance.size_for("9:16", "1080p") == "1080:1920"
    assert seedance.size_for("16:9", "4k") == "3840:2160"
    assert seedance.durations[0] == 4 and seedance.durations[-1] == 15
    assert seedance.estimate({"promptText": TEXT, "duration": 10}) == 360
    veo = next(o for o in offers("video")
               if o.model == "veo3.1" and o.endpoint == "image_to_video")
    assert veo.keyframes == ("first", "last")
    gpt = next(o for o in offers("image") if o.model == "gpt_image_2")
    assert gpt.max_outputs == 10 and "4k" in gpt.resolutions
    assert aspect_of("1920:1088") == "16:9"
    assert resolution_of("1366:768", "video") == "720p"


# ---------------------------------------------------------------------------
# Robustness: odd values never crash validation, pricing or planning

ODD_VALUES = [None, True, -1, 1.5, 10**12, "", "x", [], [{}], [None], {}, {"uri": 1},
              {"type": "image"}, "data:image/png;base64,AAAA", "http://10.0.0.1/a.png"]


def _all_rows():
    for endpoint, table in ENDPOINTS.items():
        for model, row in table.rows.items():
            yield endpoint, model, row


@pytest.mark.parametrize(("endpoint", "model", "row"), list(_all_rows()),
                         ids=[f"{e}:{m}" for e, m, _ in _all_rows()])
def test_odd_values_never_crash(endpoint, model, row):
    """Odd values in any field never crash validation, planning or pricing."""
    base = minimal_body(endpoint, model)
    spec = row.body_spec()
    names = set(row.props) | {n for v in row.variants.values() for n in v}
    for name in sorted(names):
        for value in ODD_VALUES:
            body = {**base, name: value}
            if not validate(spec, body):
                planned_outputs(row, body)
                estimate_credits(row, body, input_seconds=lambda _b: 10.0)
