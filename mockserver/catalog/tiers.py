"""Usage tiers and the organization's model ids.

Sources: runway-api.md section (d): the tier table from Runway's skills (April 2026),
given there as ranges per model class; the emulator picks the low end for video and
realtime and the high end for image and audio (a third-party breakdown of tier 1 says
1 video / 2 image concurrent, 50 video / 200 image daily). The model ids are the
organization enum of SDK 5.24.0 (76 ids).
"""

from __future__ import annotations

# class -> (maxConcurrentGenerations, maxDailyGenerations) per tier, and the tier's
# monthly spend cap in credits (1 credit = US$0.01).
TIERS: dict[int, dict[str, object]] = {
    1: {"maxMonthlyCreditSpend": 10_000,
        "limits": {"video": (1, 50), "image": (2, 200), "audio": (2, 200), "realtime": (1, 50)}},
    2: {"maxMonthlyCreditSpend": 50_000,
        "limits": {"video": (3, 500), "image": (3, 1000), "audio": (3, 1000), "realtime": (3, 500)}},
    3: {"maxMonthlyCreditSpend": 200_000,
        "limits": {"video": (5, 1000), "image": (5, 2000), "audio": (5, 2000),
                   "realtime": (5, 1000)}},
    4: {"maxMonthlyCreditSpend": 2_000_000,
        "limits": {"video": (10, 5000), "image": (10, 10000), "audio": (10, 10000),
                   "realtime": (10, 5000)}},
    5: {"maxMonthlyCreditSpend": 10_000_000,
        "limits": {"video": (20, 25000), "image": (20, 30000), "audio": (20, 30000),
                   "realtime": (20, 25000)}},
}

_VIDEO = ["gen4.5", "gen3a_turbo", "gen4_turbo", "act_two", "gen4_aleph", "veo3", "veo3.1", "veo3.1_fast", "gemini_omni_flash", "gemini_omni_flash_1.1", "gwm1_avatar_async_audio_to_video", "gwm1_avatar_async_text_to_video", "seedance2", "seedance2_5", "seedance2_fast", "seedance2_mini", "hailuo3", "h3_max", "wan3", "wan3_prime", "grok_imagine_1_5", "grok_imagine_1_5_lite", "magnific_video_upscaler_creative", "ruby", "enhance_frame_rate", "kling2.5_turbo_pro", "kling_4", "kling3.0_pro", "kling3.0_4k", "kling3.0_standard", "klingO3_pro", "klingO3_standard", "klingO3_4k", "happyhorse_1_0", "aleph2", "product_swap", "product_ad", "multi_shot_video", "product_ugc", "ad_localization"]
_IMAGE = ["recraft_v4_1_vector", "gen4_image", "gen4_image_turbo", "gpt_image_2", "gpt_image_2_5_flare", "gpt_image_2_5_sunburst", "gemini_2.5_flash", "gemini_image3_pro", "gemini_image3.1_flash", "gemini_image3.1_flash_lite", "nano_banana_2.1", "recraft_v4_1_flash", "seedream5_pro", "seedream5_flash", "seedream5_lite", "grok_imagine_image_2", "muse_image", "bria_fibo_1_5", "bria_fibo_edit_1_5", "ideogram_4_0", "ideogram_4_5", "magnific_precision_upscaler_v2", "marketing_stock_image", "product_campaign_image"]
_AUDIO = ["eleven_multilingual_v2", "seed_audio", "eleven_v3", "eleven_v4", "eleven_text_to_sound_v2", "mirelo_sfx_2_0", "eleven_voice_isolation", "eleven_voice_dubbing", "eleven_multilingual_sts_v2", "eleven_scribe_v2", "voice_processing"]
_REALTIME = ("gwm1_avatars",)

MODEL_CLASS: dict[str, str] = {
    **dict.fromkeys(_VIDEO, "video"), **dict.fromkeys(_IMAGE, "image"),
    **dict.fromkeys(_AUDIO, "audio"), **dict.fromkeys(_REALTIME, "realtime"),
}
# Legacy quick-start models the emulator accepts but the current enum has dropped.
LEGACY_IDS = ("upscale_v1",)
MODEL_CLASS["upscale_v1"] = "video"
ORGANIZATION_MODELS: tuple[str, ...] = tuple(m for m in MODEL_CLASS if m not in LEGACY_IDS)


def limits_for(tier: int, model: str) -> tuple[int | None, int | None]:
    """(maxConcurrentGenerations, maxDailyGenerations) of ``model`` at ``tier``."""
    table = TIERS[tier]["limits"]
    assert isinstance(table, dict)
    return table[MODEL_CLASS.get(model, "video")]
