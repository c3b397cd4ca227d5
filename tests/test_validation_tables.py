"""Bad requests to every task endpoint: each gets a 400 whose issues name the bad field.

Each case is a valid minimal body (built from the SDK's required fields) with changes
applied, and the issue paths the emulator must report; ``DROP`` removes a field.
"""

from __future__ import annotations

from typing import Any

import pytest
from runway_mock.catalog import ENDPOINTS

from tests.test_catalog import AUD, IMG, TEXT, VID, minimal_body, post

DROP = object()
UUID = "4f6b1c2e-8a3d-4e5f-9b7a-1c2d3e4f5a6b"


def make(endpoint: str, model: str, changes: dict[str, Any]) -> dict[str, Any]:
    """A minimal body for ``model`` with ``changes`` applied."""
    body = minimal_body(endpoint, model)
    for key, value in changes.items():
        if value is DROP:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def frames(*positions: str) -> list[dict[str, str]]:
    """Keyframe items at the given positions."""
    return [{"uri": IMG, "position": p} for p in positions]


def long(n: int) -> str:
    """A string of ``n`` characters."""
    return "x" * n


I2V, T2V, V2V, T2I = "image_to_video", "text_to_video", "video_to_video", "text_to_image"

CASES: list[tuple[str, str, dict[str, Any], list[list[Any]]]] = [
    # -- image_to_video: required, types, ranges, enums, extras, media
    (I2V, "gen4_turbo", {"promptImage": DROP}, [["promptImage"]]),
    (I2V, "gen4_turbo", {"ratio": 1280}, [["ratio"]]),
    (I2V, "gen4_turbo", {"duration": "5"}, [["duration"]]),
    (I2V, "gen4_turbo", {"duration": 5.5}, [["duration"]]),
    (I2V, "gen4.5", {"duration": 11}, [["duration"]]),
    (I2V, "gen4.5", {"promptText": long(1001)}, [["promptText"]]),
    (I2V, "gen4.5", {"promptText": ""}, [["promptText"]]),
    (I2V, "gen4.5", {"seed": -1}, [["seed"]]),
    (I2V, "gen4.5", {"seed": 2**32}, [["seed"]]),
    (I2V, "veo3.1", {"ratio": "1:1"}, [["ratio"]]),
    (I2V, "veo3.1", {"duration": 5}, [["duration"]]),
    (I2V, "veo3.1", {"bogus": True}, [["bogus"]]),
    (I2V, "gen4_turbo", {"promptImage": "http://example.com/a.png"}, [["promptImage"]]),
    (I2V, "gen4_turbo", {"promptImage": "https://10.0.0.1/a.png"}, [["promptImage"]]),
    (I2V, "gen4_turbo", {"promptImage": "data:video/mp4;base64,AAAA"}, [["promptImage"]]),
    (I2V, "gen4_turbo", {"promptImage": "ftp://example.com/a.png"}, [["promptImage"]]),
    (I2V, "gen4_turbo", {"contentModeration": {"publicFigureThreshold": "high"}},
     [["contentModeration", "publicFigureThreshold"]]),
    # -- image_to_video: keyframes and cross-field rules
    (I2V, "veo3.1", {"promptImage": frames("last")}, [["promptImage"]]),
    (I2V, "veo3.1", {"promptImage": frames("first", "first")}, [["promptImage"]]),
    (I2V, "gen4.5", {"promptImage": frames("last")}, [["promptImage", 0, "position"]]),
    (I2V, "gen4_turbo", {"promptImage": frames("first", "first")}, [["promptImage"]]),
    (I2V, "h3_max", {"promptImage": frames("last")}, [["promptImage"]]),
    (I2V, "kling3.0_pro", {"promptImage": frames("last")}, [["promptImage"]]),
    (I2V, "gemini_omni_flash_1.1", {"promptImage": frames("last")}, [["promptImage"]]),
    (I2V, "hailuo3", {"promptImage": [{"uri": IMG, "position": "first"}, {"uri": IMG}]},
     [["promptImage"]]),
    (I2V, "seedance2", {"promptImage": [{"uri": IMG}, {"uri": IMG, "position": "last"}]},
     [["promptImage"]]),
    (I2V, "seedance2", {"duration": "soon"}, [["duration"]]),
    (I2V, "seedance2", {"duration": 3}, [["duration"]]),
    (I2V, "seedance2", {"referenceAudio": [{"type": "video", "uri": AUD}]},
     [["referenceAudio", 0, "type"]]),
    (I2V, "seedance2_5", {"draft": True, "outputFormat": "mov"}, [["outputFormat"]]),
    (I2V, "seedance2_fast", {"ratio": "1920:1080"}, [["ratio"]]),
    (I2V, "wan3", {"promptImage": frames("first"), "ratio": "1280:720"}, [["ratio"]]),
    (I2V, "klingO3_pro", {"providerSettings": {"multiPrompt": [
        {"prompt": "a", "duration": 10}, {"prompt": "b", "duration": 10}]}},
     [["providerSettings", "multiPrompt"]]),
    (I2V, "klingO3_pro", {"providerSettings": {"shotType": "intelligence"}},
     [["promptText"]]),
    (I2V, "klingO3_pro", {"providerSettings": {"keepOriginalSound": True}},
     [["providerSettings", "keepOriginalSound"]]),
    (I2V, "klingO3_standard", {"references": [{"uri": IMG}] * 8}, [["references"]]),
    (I2V, "kling3.0_4k", {"cfgScale": 1.5}, [["cfgScale"]]),
    (I2V, "kling2.5_turbo_pro", {"ratio": "1280:720"}, [["ratio"]]),
    (I2V, "kling_4", {"promptImage": frames("first", "middle", "last"),
                      "references": [{"uri": IMG}] * 8}, [["references"]]),
    (I2V, "happyhorse_1_0", {"resolution": "4k"}, [["resolution"]]),
    (I2V, "grok_imagine_1_5_lite", {"ratio": "1280:720"}, [["ratio"]]),
    (I2V, "gen3a_turbo", {"promptText": DROP}, [["promptText"]]),
    # -- text_to_video
    (T2V, "gen4.5", {"ratio": "1104:832"}, [["ratio"]]),
    (T2V, "veo3.1", {"promptText": DROP}, [["promptText"]]),
    (T2V, "kling3.0_pro", {"ratio": DROP}, [["ratio"]]),
    (T2V, "klingO3_standard", {"providerSettings": {"shotType": "intelligence"}},
     [["promptText"]]),
    (T2V, "seedance2_5", {"promptText": ""}, [["promptText"]]),
    (T2V, "seedance2_5", {"draftTaskId": UUID, "promptText": TEXT}, [["promptText"]]),
    (T2V, "seedance2_5", {"draftTaskId": UUID}, [["draftTaskId"]]),
    (T2V, "seedance2_5", {"draftTaskId": "not-a-task"}, [["draftTaskId"]]),
    (T2V, "hailuo3", {"ratio": "adaptive"}, [["ratio"]]),
    (T2V, "hailuo3", {"references": [{"uri": IMG}] * 10}, [["references"]]),
    (T2V, "grok_imagine_1_5", {"referenceAudio": [{"type": "audio", "uri": AUD}]},
     [["references"]]),
    (T2V, "happyhorse_1_0", {"promptText": "x"}, [["promptText"]]),
    (T2V, "wan3", {"referenceVideos": [{"type": "video", "uri": IMG},
                                       {"type": "video", "uri": "data:image/png;base64,AA"}]},
     [["referenceVideos", 1, "uri"]]),
    (T2V, "gemini_omni_flash", {"duration": 11}, [["duration"]]),
    (T2V, "kling_4", {"referenceVideos": [{"uri": VID}] * 6}, [["referenceVideos"]]),
    (I2V, "kling_4", {"promptImage": [{"uri": IMG}] * 4}, [["promptImage"]]),
    # -- video_to_video
    (V2V, "aleph2", {"videoUri": DROP}, [["videoUri"]]),
    (V2V, "aleph2", {"videoUri": IMG.replace("https", "http")}, [["videoUri"]]),
    (V2V, "aleph2", {"keyframes": [{"uri": IMG, "seconds": 1},
                                   {"uri": IMG, "seconds": 2, "range": {
                                       "start_seconds": 1, "end_seconds": 3}}]},
     [["keyframes"]]),
    (V2V, "aleph2", {"keyframes": [{"uri": IMG, "seconds": 2, "range": {
        "start_seconds": 3, "end_seconds": 3}}]}, [["keyframes", 0, "range", "end_seconds"]]),
    (V2V, "aleph2", {"keyframes": [{"uri": IMG, "seconds": 5, "range": {
        "start_seconds": 0, "end_seconds": 4}}]}, [["keyframes", 0, "seconds"]]),
    (V2V, "aleph2", {"keyframes": [{"uri": IMG}]}, [["keyframes", 0, "seconds"]]),
    (V2V, "aleph2", {"keyframes": [{"uri": IMG, "at": 1.5}]}, [["keyframes", 0, "at"]]),
    (V2V, "aleph2", {"keyframes": [{"uri": IMG, "at": 0.5, "seconds": 1}]},
     [["keyframes", 0, "at"]]),
    (V2V, "aleph2", {"keyframes": [{"uri": IMG, "at": 0.5}] * 6}, [["keyframes"]]),
    (V2V, "aleph2", {"proresProfile": "4444"}, [["proresProfile"]]),
    (V2V, "aleph2", {"targetAspectRatio": "5:4"}, [["targetAspectRatio"]]),
    (V2V, "klingO3_pro", {"promptVideo": DROP}, [["promptVideo"]]),
    (V2V, "klingO3_pro", {"references": [{"uri": IMG}] * 5}, [["references"]]),
    (V2V, "seedance2_5", {"mode": "extend"}, [["promptText"]]),
    (V2V, "seedance2_5", {"mode": "extend", "promptText": TEXT, "ratio": "1280:720"},
     [["ratio"]]),
    (V2V, "seedance2_5", {"mode": "edit", "promptText": TEXT}, [["duration"]]),
    (V2V, "seedance2_5", {"mode": "edit", "promptText": TEXT, "duration": 5}, [["duration"]]),
    (V2V, "gemini_omni_flash_1.1", {"mode": "remix"}, [["mode"]]),
    (V2V, "kling_4", {"ratio": "1280:720"}, [["ratio"]]),
    # -- text_to_image
    (T2I, "gen4_image_turbo", {"referenceImages": []}, [["referenceImages"]]),
    (T2I, "gen4_image_turbo", {"referenceImages": [{"uri": IMG, "tag": "1ab"}]},
     [["referenceImages", 0, "tag"]]),
    (T2I, "gen4_image", {"referenceImages": [{"uri": IMG}] * 4}, [["referenceImages"]]),
    (T2I, "gpt_image_2", {"referenceImages": [{"uri": IMG, "tag": "cat"},
                                              {"uri": IMG, "tag": "cat"}]},
     [["referenceImages", 1, "tag"]]),
    (T2I, "gpt_image_2", {"outputCount": 11}, [["outputCount"]]),
    (T2I, "gpt_image_2_5_flare", {"background": "transparent"}, [["background"]]),
    (T2I, "gpt_image_2_5_sunburst", {"quality": "auto"}, [["quality"]]),
    (T2I, "gemini_image3.1_flash", {"outputCount": 2}, [["outputCount"]]),
    (T2I, "gemini_image3.1_flash", {"referenceImages": [{"uri": IMG, "subject": "human"}] * 6},
     [["referenceImages"]]),
    (T2I, "gemini_image3_pro", {"referenceImages": [{"uri": IMG}] * 10}, [["referenceImages"]]),
    (T2I, "gemini_image3.1_flash_lite", {"referenceImages": [{"uri": IMG, "subject": "pet"}]},
     [["referenceImages", 0, "subject"]]),
    (T2I, "bria_fibo_edit_1_5", {"referenceImages": []}, [["referenceImages"]]),
    (T2I, "bria_fibo_edit_1_5", {"referenceImages": [{"uri": IMG}] * 5}, [["referenceImages"]]),
    (T2I, "bria_fibo_edit_1_5", {"ratio": "1024:1024"}, [["referenceImages"]]),
    (T2I, "bria_fibo_1_5", {"referenceImages": [{"uri": IMG}] * 2}, [["referenceImages"]]),
    (T2I, "grok_imagine_image_2", {"edit": True}, [["referenceImages"]]),
    (T2I, "ideogram_4_5", {"maskUri": IMG}, [["referenceImages"]]),
    (T2I, "ideogram_4_5", {"preciseEdit": True, "referenceImages": [{"uri": IMG}],
                           "ratio": "1024:1024"}, [["ratio"]]),
    (T2I, "ideogram_4_5", {"quality": "very_low"}, [["referenceImages"]]),
    (T2I, "ideogram_4_5", {"quality": "very_low", "preciseEdit": True,
                           "referenceImages": [{"uri": IMG}]}, [["quality"]]),
    (T2I, "ideogram_4_0", {"referenceImages": [{"uri": IMG}] * 2}, [["referenceImages"]]),
    (T2I, "seedream5_lite", {"ratio": "1000:1000"}, [["ratio"]]),
    (T2I, "seedream5_lite", {"ratio": "big"}, [["ratio"]]),
    (T2I, "seedream5_pro", {"outputCount": 5}, [["outputCount"]]),
    (T2I, "recraft_v4_1_flash", {"colors": ["red"]}, [["colors", 0]]),
    (T2I, "recraft_v4_1_vector", {"ratio": "1536:768"}, [["ratio"]]),
    (T2I, "nano_banana_2.1", {"thinkingLevel": "max"}, [["thinkingLevel"]]),
    (T2I, "muse_image", {"outputFormat": "gif"}, [["outputFormat"]]),
    # -- the other task endpoints
    ("character_performance", "act_two", {"character": {"type": "audio", "uri": AUD}},
     [["character", "type"]]),
    ("character_performance", "act_two", {"reference": {"type": "image", "uri": IMG}},
     [["reference", "type"]]),
    ("character_performance", "act_two", {"expressionIntensity": 6}, [["expressionIntensity"]]),
    ("character_performance", "act_two", {"character": {"type": "video", "uri": IMG}},
     []),  # an https URL's media kind is only known once fetched
    ("text_to_speech", "eleven_v3", {"voice": {"type": "runway-preset", "presetId": "maya"}},
     [["voice", "presetId"]]),
    ("text_to_speech", "eleven_v3", {"voice": DROP}, [["voice"]]),
    ("text_to_speech", "eleven_v3", {"speed": 1.5}, [["speed"]]),
    ("text_to_speech", "eleven_v3", {"languageCode": "e"}, [["languageCode"]]),
    ("text_to_speech", "eleven_v4", {"stability": -0.1}, [["stability"]]),
    ("text_to_speech", "eleven_multilingual_v2", {"promptText": long(1001)}, [["promptText"]]),
    ("text_to_speech", "seed_audio", {"voice": {"type": "runway-preset", "presetId": "Maya"}},
     [["voice", "type"], ["voice", "audioUri"], ["voice", "presetId"]]),
    ("text_to_speech", "seed_audio", {"sampleRate": 22050}, [["sampleRate"]]),
    ("sound_effect", "eleven_text_to_sound_v2", {"duration": 31}, [["duration"]]),
    ("sound_effect", "seed_audio", {"referenceAudios": [AUD] * 4}, [["referenceAudios"]]),
    ("sound_effect", "mirelo_sfx_2_0", {"duration": DROP}, [["duration"]]),
    ("sound_effect", "mirelo_sfx_2_0", {"duration": 0}, [["duration"]]),
    ("sound_effect", "eleven_text_to_sound_v2", {"duration": 0.4}, [["duration"]]),
    ("voice_isolation", "eleven_voice_isolation", {"audioUri": DROP}, [["audioUri"]]),
    ("voice_isolation", "eleven_voice_isolation", {"audioUri": "data:image/png;base64,AA"},
     [["audioUri"]]),
    ("voice_dubbing", "eleven_voice_dubbing", {"targetLang": "xx"}, [["targetLang"]]),
    ("voice_dubbing", "eleven_voice_dubbing", {"numSpeakers": 0}, [["numSpeakers"]]),
    ("speech_to_speech", "eleven_multilingual_sts_v2", {"media": {"type": "image", "uri": IMG}},
     [["media", "type"]]),
    ("image_upscale", "magnific_precision_upscaler_v2", {"scaleFactor": 3}, [["scaleFactor"]]),
    ("image_upscale", "magnific_precision_upscaler_v2", {"sharpen": 101}, [["sharpen"]]),
    ("video_upscale", "enhance_frame_rate", {"targetFramerate": 24}, [["targetFramerate"]]),
    ("video_upscale", "magnific_video_upscaler_creative", {"resolution": "8k"}, [["resolution"]]),
    ("video_to_hdr", "ruby", {"proresProfile": "422"}, [["proresProfile"]]),
    ("video_to_hdr", "ruby", {"outputFormat": "hdr_prores", "proresProfile": "422 LT"},
     [["proresProfile"]]),
    ("video_to_audio", "mirelo_sfx_2_0", {"duration": DROP}, [["duration"]]),
    ("video_to_audio", "mirelo_sfx_2_0", {"numVariants": 5}, [["numVariants"]]),
    ("avatar_videos", "gwm1_avatars", {"avatar": {"type": "custom", "avatarId": "abc"}},
     [["avatar", "avatarId"]]),
    ("avatar_videos", "gwm1_avatars", {"avatar": {"type": "runway-preset", "presetId": "cat"}},
     [["avatar", "presetId"]]),
    ("avatar_videos", "gwm1_avatars", {"speech": {"type": "text", "text": "Hi", "voice": {
        "type": "preset", "presetId": "Maya"}}}, [["speech", "voice", "presetId"]]),
    ("avatar_videos", "gwm1_avatars", {"speech": {"type": "video", "uri": VID}},
     [["speech", "type"]]),
    ("avatar_videos", "gwm1_avatars", {"speech": {"type": "text", "text": ""}},
     [["speech", "text"]]),
    # -- recipes
    ("recipe_ad_localization", "ad_localization", {"version": "2025-01"}, [["version"]]),
    ("recipe_ad_localization", "ad_localization", {"targetLanguage": "xx"},
     [["targetLanguage"]]),
    ("recipe_ad_localization", "ad_localization", {"model": "ad_localization"}, [["model"]]),
    ("recipe_marketing_stock_image", "marketing_stock_image", {"outputCount": 5},
     [["outputCount"]]),
    ("recipe_marketing_stock_image", "marketing_stock_image", {"referenceImage": IMG},
     [["referenceImage"]]),
    ("recipe_multi_shot_video", "multi_shot_video", {"mode": DROP}, [["mode"]]),
    ("recipe_multi_shot_video", "multi_shot_video", {"mode": "custom", "prompt": DROP,
                                                     "shots": [{"prompt": "abc", "duration": 3}]
                                                     * 3},
     [["shots"]]),
    ("recipe_multi_shot_video", "multi_shot_video", {"mode": "custom", "prompt": DROP,
                                                     "shots": [{"prompt": "abc", "duration": 5}]
                                                     * 2},
     [["shots"]]),
    ("recipe_multi_shot_video", "multi_shot_video", {"shots": []}, [["shots"]]),
    ("recipe_multi_shot_video", "multi_shot_video", {"duration": 12}, [["duration"]]),
    ("recipe_product_ad", "product_ad", {"productImages": []}, [["productImages"]]),
    ("recipe_product_ad", "product_ad", {"styleImages": [{"uri": IMG}] * 5}, [["styleImages"]]),
    ("recipe_product_campaign_image", "product_campaign_image", {"image": DROP}, [["image"]]),
    ("recipe_product_swap", "product_swap",
     {"newProductImages": [{"uri": IMG, "view": "top"}]}, [["newProductImages", 0, "view"]]),
    ("recipe_product_swap", "product_swap", {"referenceVideo": {"uri": "data:image/png;base64,A"}},
     [["referenceVideo", "uri"]]),
    ("recipe_product_ugc", "product_ugc", {"ratio": "1280:720"}, [["ratio"]]),
    ("recipe_product_ugc", "product_ugc", {"duration": 3}, [["duration"]]),
]


@pytest.mark.parametrize(("endpoint", "model", "changes", "paths"), CASES,
                         ids=[f"{c[0]}:{c[1]}:{i}" for i, c in enumerate(CASES)])
def test_bad_field_is_named(client, endpoint, model, changes, paths):
    """Each bad body is a 400 whose issue paths are exactly the listed fields (or 200 if none)."""
    r = post(client, endpoint, make(endpoint, model, changes))
    if not paths:
        assert r.status_code == 200, r.json
        return
    assert r.status_code == 400, r.json
    assert r.json["error"]
    assert sorted(i["path"] for i in r.json["issues"]) == sorted(paths), r.json["issues"]


VALID_VARIANTS = [
    (I2V, "veo3.1", {"promptImage": frames("first", "last"), "duration": 4, "audio": False}),
    (I2V, "seedance2", {"promptImage": [{"uri": IMG}, {"uri": IMG}], "duration": "auto"}),
    (I2V, "seedance2_5", {"promptImage": frames("first", "last"), "draft": True}),
    (I2V, "wan3", {"promptImage": frames("first", "last"), "ratio": "auto_720p"}),
    (I2V, "klingO3_4k", {"references": IMG, "providerSettings": {
        "multiPrompt": [{"prompt": "a", "duration": 5}, {"prompt": "b", "duration": 5}]}}),
    (I2V, "kling_4", {"promptImage": frames("first", "middle", "last"),
                      "referenceVideos": [{"uri": VID}]}),
    (I2V, "gen4.5", {"outputFormat": "hdr_prores", "proresProfile": "422 HQ"}),
    (T2V, "kling3.0_pro", {"promptText": DROP, "providerSettings": {
        "multiPrompt": [{"prompt": "a", "duration": 3}]}}),
    (T2V, "hailuo3", {"ratio": "adaptive", "references": [{"uri": IMG}]}),
    (V2V, "aleph2", {"keyframes": [{"uri": IMG, "at": 0.5, "range": {
        "start_seconds": 0, "end_seconds": 2}}], "outputFormat": "prores",
        "proresProfile": "422 LT"}),
    (V2V, "seedance2_5", {"mode": "edit", "promptText": TEXT, "duration": "auto"}),
    (T2I, "seedream5_lite", {"ratio": "2500:2500"}),
    # Issue 12: what the SDK documents as valid, which the emulator once refused.
    (T2V, "klingO3_4k", {"promptText": DROP}),
    (T2V, "kling3.0_standard", {"promptText": DROP, "providerSettings": {
        "shotType": "customize"}}),
    (T2V, "seedance2_5", {"promptText": DROP}),
    (I2V, "kling_4", {"promptImage": [{"uri": IMG}, {"frame": "middle"}],
                      "referenceVideos": [{}, {"video": VID, "note": "untyped"}]}),
    (T2V, "kling_4", {"referenceVideos": [{"clip": VID}] * 5}),
    ("sound_effect", "mirelo_sfx_2_0", {"duration": 0.1}),
    ("video_to_audio", "mirelo_sfx_2_0", {"duration": 0.1}),
    (T2I, "bria_fibo_edit_1_5", {"referenceImages": DROP}),
    (T2I, "bria_fibo_edit_1_5", {"referenceImages": [{"uri": IMG}] * 4, "ratio": "auto"}),
    (T2I, "bria_fibo_edit_1_5", {"ratio": "1024:1024",
                                 "referenceImages": [{"uri": IMG}, {"uri": IMG}]}),
    (T2I, "ideogram_4_5", {"maskUri": IMG, "referenceImages": [{"uri": IMG}]}),
    (T2I, "gemini_image3_pro", {"referenceImages": [{"uri": IMG, "subject": "human"}] * 5
                                + [{"uri": IMG}] * 9}),
    (T2I, "recraft_v4_1_flash", {"colors": ["#FF8800", "00ff00"], "backgroundColor": "FFFFFF"}),
    ("recipe_product_ad", "product_ad", {"version": "2026-07"}),
    ("recipe_multi_shot_video", "multi_shot_video", {
        "mode": "custom", "prompt": DROP, "duration": 15,
        "shots": [{"prompt": "abc", "duration": 5}] * 3}),
]


@pytest.mark.parametrize(("endpoint", "model", "changes"), VALID_VARIANTS,
                         ids=[f"{c[0]}:{c[1]}:{i}" for i, c in enumerate(VALID_VARIANTS)])
def test_valid_variants_are_accepted(client, endpoint, model, changes):
    """Each listed valid variant of a minimal body is accepted."""
    r = post(client, endpoint, make(endpoint, model, changes))
    assert r.status_code == 200, r.json


@pytest.mark.parametrize("endpoint", [e for e, t in ENDPOINTS.items() if t.discriminator])
def test_unknown_or_missing_model_names_the_discriminator(client, endpoint):
    """An unknown, missing or non-string model is a 400 with the single issue path model."""
    for body in ({"model": "no_such_model"}, {}, {"model": 7}):
        r = post(client, endpoint, body)
        assert r.status_code == 400
        assert [i["path"] for i in r.json["issues"]] == [["model"]]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("body", [[], "text", 3, None, {"model": None}, {"version": {}}])
def test_non_object_or_garbage_bodies_are_400(client, endpoint, body):
    """Non-object or garbage bodies are 400s with an error on every endpoint."""
    r = post(client, endpoint, body)
    assert r.status_code == 400, r.json
    assert r.json["error"]
