"""Audio endpoints: sound_effect, text_to_speech, voice_isolation, voice_dubbing,
speech_to_speech and video_to_audio.

Fields from the SDK 5.24.0 param types and runway-api.md section (b) 9-13 and 17 (string
limits the public OpenAPI spec states for seed_audio and the ElevenLabs models).
Prices from section (d): eleven_text_to_sound_v2 (2 credits a generation),
eleven_multilingual_v2 (1 credit per 50 characters), voice isolation (1 credit per 6 s of
audio), dubbing (per 2 s) and speech-to-speech (per 3 s) come from Runway's skills; the
rest are the emulator's assumptions.
"""

from __future__ import annotations

from runway_mock.catalog.base import (
    AUDIO,
    SEED,
    VIDEO,
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
from runway_mock.catalog.shapes import PRESET_VOICE, REFERENCE_AUDIO_VOICE, SPEECH_MEDIA
from runway_mock.schema import Num, Str

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
SEED_AUDIO_OUTPUT = Output("audio", "wav", default_seconds=10, seconds_field=None,
                           format_field="outputFormat", formats=SEED_AUDIO_FORMATS)
MIRELO_FORMATS = {"mp3": ("audio", "mp3"), "wav": ("audio", "wav"), "flac": ("audio", "flac")}
MIRELO_COMMON = {
    # Positive seconds: the SDK documents no minimum (the spec's example is 0.1); the
    # 30 s maximum is assumed, as for the other sound-effect model.
    "duration": req(Num(0, 30, exclusive_minimum=True)),
    "format": opt(Enum(tuple(MIRELO_FORMATS))),
    "negativePrompt": opt(prompt(1000)),
    "numVariants": opt(Int(1, 4)),
    "seed": opt(SEED),
}
MIRELO_OUTPUT = Output("audio", "mp3", count_field="numVariants", format_field="format",
                       formats=MIRELO_FORMATS)
MP3 = Output("audio", "mp3", seconds_field=None, default_seconds=10)
# Voice settings of the ElevenLabs v3/v4 models (ranges from the SDK's v3 docstrings).
ELEVEN_SETTINGS = {
    "seed": opt(SEED),
    "similarityBoost": opt(Num(0, 1)),
    "speed": opt(Num(0.7, 1.2)),
    "stability": opt(Num(0, 1)),
    "style": opt(Num(0, 1)),
    "useSpeakerBoost": opt(Bool()),
}
DUBBING_LANGUAGES = (
    "en", "hi", "pt", "zh", "es", "fr", "de", "ja", "ar", "ru", "ko", "id", "it", "nl", "tr",
    "pl", "sv", "fil", "ms", "ro", "uk", "el", "cs", "da", "fi", "bg", "hr", "sk", "ta",
)

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
            SEED_AUDIO_OUTPUT, Price("generation", 2), latency=10,
        ),
        ModelRow(
            "mirelo_sfx_2_0",
            {"promptText": req(prompt(1000)), **MIRELO_COMMON},
            MIRELO_OUTPUT, Price("second", 1), latency=10,
        ),
    ),
)

TEXT_TO_SPEECH = Endpoint(
    "text_to_speech", "/v1/text_to_speech",
    "Start a task that speaks a text with a preset (or cloned) voice.",
    rows(
        ModelRow(
            "seed_audio",
            {
                "promptText": req(prompt(2048, doc="The words to speak.")),
                "voice": opt(REFERENCE_AUDIO_VOICE),
                **SEED_AUDIO_COMMON,
            },
            SEED_AUDIO_OUTPUT, Price("chars", 1, per=100), latency=8,
        ),
        ModelRow(
            "eleven_v4",
            {
                "promptText": req(prompt(5000, doc="The script; tags like [laughs] allowed.")),
                "voice": req(PRESET_VOICE),
                "languageCode": opt(Str(2, 8)),
                "nextText": opt(Str(0, 5000)),
                "previousText": opt(Str(0, 5000)),
                **ELEVEN_SETTINGS,
            },
            MP3, Price("chars", 1, per=30), latency=8,
        ),
        ModelRow(
            "eleven_multilingual_v2",
            {"promptText": req(prompt(1000)), "voice": req(PRESET_VOICE)},
            MP3, Price("chars", 1, per=50, source="skills"), latency=6,
        ),
        ModelRow(
            "eleven_v3",
            {
                "promptText": req(prompt(5000, doc="The script; tags like [laughs] allowed.")),
                "voice": req(PRESET_VOICE),
                "applyTextNormalization": opt(Enum(("auto", "on", "off"))),
                "languageCode": opt(Str(2, 5)),
                **ELEVEN_SETTINGS,
            },
            MP3, Price("chars", 1, per=40), latency=8,
        ),
    ),
)

VOICE_ISOLATION = Endpoint(
    "voice_isolation", "/v1/voice_isolation",
    "Start a task that removes background noise and keeps the voice of a recording.",
    rows(
        ModelRow(
            "eleven_voice_isolation",
            {"audioUri": req(AUDIO)},
            MP3, Price("input_second", 1, per=6, source="skills"), latency=10,
            notes="The audio must be longer than 4.6 s and shorter than an hour.",
        ),
    ),
)

VOICE_DUBBING = Endpoint(
    "voice_dubbing", "/v1/voice_dubbing",
    "Start a task that dubs a recording into another language.",
    rows(
        ModelRow(
            "eleven_voice_dubbing",
            {
                "audioUri": req(AUDIO),
                "targetLang": req(Enum(DUBBING_LANGUAGES)),
                "disableVoiceCloning": opt(Bool()),
                "dropBackgroundAudio": opt(Bool()),
                "numSpeakers": opt(Int(1)),
            },
            MP3, Price("input_second", 1, per=2, source="skills"), latency=15,
        ),
    ),
)

SPEECH_TO_SPEECH = Endpoint(
    "speech_to_speech", "/v1/speech_to_speech",
    "Start a task that re-voices speech with a preset voice.",
    rows(
        ModelRow(
            "eleven_multilingual_sts_v2",
            {
                "media": req(SPEECH_MEDIA),
                "voice": req(PRESET_VOICE),
                "removeBackgroundNoise": opt(Bool()),
            },
            MP3, Price("input_second", 1, per=3, source="skills"), latency=10,
        ),
    ),
)

VIDEO_TO_AUDIO = Endpoint(
    "video_to_audio", "/v1/video_to_audio",
    "Start a task that generates a soundtrack for a video.",
    rows(
        ModelRow(
            "mirelo_sfx_2_0",
            {
                "videoUri": req(VIDEO),
                "preserveSpeech": opt(Bool(doc="Keep the video's dialogue.")),
                "promptText": opt(prompt(1000)),
                **MIRELO_COMMON,
            },
            MIRELO_OUTPUT, Price("second", 1), latency=12,
        ),
    ),
)

__all__ = ["SAMPLE_RATES", "SEED_AUDIO_COMMON", "SEED_AUDIO_FORMATS", "SOUND_EFFECT",
           "SPEECH_TO_SPEECH", "TEXT_TO_SPEECH", "VIDEO_TO_AUDIO", "VOICE_DUBBING",
           "VOICE_ISOLATION"]
