"""Audio endpoints: sound_effect (and, later, speech and voice endpoints).

Content from runway-api.md section (b) 10 and prices from section (d).
"""

from __future__ import annotations

from mockserver.catalog.base import (
    AUDIO,
    SEED,
    Arr,
    Bool,
    Endpoint,
    Enum,
    Int,
    ModelRow,
    Output,
    Price,
    opt,
    prompt,
    req,
    rows,
)
from mockserver.schema import Num

SAMPLE_RATES = (8000, 16000, 24000, 32000, 44100, 48000)
SEED_AUDIO_FORMATS = {"wav": ("audio", "wav"), "mp3": ("audio", "mp3"),
                      "ogg_opus": ("audio", "ogg")}
SEED_AUDIO_COMMON = {
    "loudnessRate": opt(Int(-50, 100)),
    "outputFormat": opt(Enum(tuple(SEED_AUDIO_FORMATS))),
    "pitchRate": opt(Int(-12, 12)),
    "sampleRate": opt(Enum(SAMPLE_RATES)),
    "speechRate": opt(Int(-50, 100)),
}

SOUND_EFFECT = Endpoint(
    "sound_effect", "/v1/sound_effect",
    "Start a task that generates a sound effect or audio scene from text.",
    rows(
        ModelRow(
            "eleven_text_to_sound_v2",
            {
                "promptText": req(prompt(3000)),
                "duration": opt(Num(0.5, 30)),
                "loop": opt(Bool(doc="Make the sound loop seamlessly.")),
            },
            Output("audio", "mp3", default_seconds=5),
            Price("generation", 2, source="skills"), latency=8,
        ),
        ModelRow(
            "seed_audio",
            {
                "promptText": req(prompt(2048)),
                "referenceAudios": opt(Arr(AUDIO, 1, 3)),
                **SEED_AUDIO_COMMON,
            },
            Output("audio", "wav", default_seconds=10, seconds_field=None,
                   format_field="outputFormat", formats=SEED_AUDIO_FORMATS),
            Price("generation", 2), latency=10,
        ),
        ModelRow(
            "mirelo_sfx_2_0",
            {
                "promptText": req(prompt(1000)),
                "duration": req(Num(1, 30)),
                "format": opt(Enum(("mp3", "wav", "flac"))),
                "negativePrompt": opt(prompt(1000)),
                "numVariants": opt(Int(1, 4)),
                "seed": opt(SEED),
            },
            Output("audio", "mp3", count_field="numVariants", format_field="format",
                   formats={"mp3": ("audio", "mp3"), "wav": ("audio", "wav"),
                            "flac": ("audio", "flac")}),
            Price("second", 1), latency=10,
        ),
    ),
)

__all__ = ["SAMPLE_RATES", "SEED_AUDIO_COMMON", "SEED_AUDIO_FORMATS", "SOUND_EFFECT"]
