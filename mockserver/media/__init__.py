"""Small, valid, deterministic media files for task outputs, made with the standard library only.

Encoders live in ``image``, ``video`` and ``audio`` (shared helpers in ``shared``);
``render`` and ``fit_size`` are the entry points.
"""

from __future__ import annotations

import functools
import math

from runway_mock.media.audio import _flac, _mp3, _ogg_opus, _wav
from runway_mock.media.image import IMAGE_LIMIT, _render_image, _zip_frames
from runway_mock.media.shared import AUDIO_RATE, fit_size
from runway_mock.media.video import _mp4

__all__ = ["AUDIO_RATE", "CONTENT_TYPES", "EXTENSIONS", "IMAGE_LIMIT", "KINDS", "fit_size",
           "render"]

CONTENT_TYPES: dict[str, str] = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "zip": "application/zip",
}
EXTENSIONS: frozenset[str] = frozenset(CONTENT_TYPES)
KINDS: dict[str, frozenset[str]] = {
    "image": frozenset({"png", "jpeg", "jpg", "webp", "svg"}),
    "video": frozenset({"mp4", "mov"}),
    "audio": frozenset({"wav", "mp3", "flac", "ogg"}),
    "archive": frozenset({"zip"}),
}
VIDEO_LIMIT = 64
MAX_SECONDS = 600.0
MAX_SIDE = 65535
ASPECT_TOLERANCE = 0.02


@functools.lru_cache(maxsize=256)


def render(kind: str, ext: str, width: int, height: int, seconds: float,
           seed: int, audio: bool = False) -> tuple[bytes, str]:
    """Return (file bytes, content type) for a ``kind``/``ext`` artifact of that size and length.

    ``audio`` gives a video a PCM sound track as long as the picture.
    """
    kind = str(kind).lower()
    ext = str(ext).lower().lstrip(".")
    if kind not in KINDS:
        raise ValueError(f"unknown media kind {kind!r}; expected one of {sorted(KINDS)}")
    if ext not in KINDS[kind]:
        raise ValueError(f"unsupported {kind} extension {ext!r}; expected one of "
                         f"{sorted(KINDS[kind])}")
    seed = int(seed)
    if kind in ("image", "video", "archive"):
        _check_size(width, height)
    if kind in ("video", "audio", "archive"):
        seconds = _check_seconds(seconds)
    if kind == "image":
        data = _render_image(ext, int(width), int(height), seed)
    elif kind == "video":
        w, h = fit_size(int(width), int(height), VIDEO_LIMIT, even=True)
        data = _mp4(w, h, seconds, seed, quicktime=ext == "mov", audio=bool(audio))
    elif kind == "audio":
        data = {"wav": _wav, "mp3": _mp3, "flac": _flac, "ogg": _ogg_opus}[ext](seconds, seed)
    else:
        data = _zip_frames(int(width), int(height), seconds, seed)
    return data, CONTENT_TYPES[ext]


def _check_size(width: object, height: object) -> None:
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIDE:
            raise ValueError(f"{name} must be an integer from 1 to {MAX_SIDE}, got {value!r}")


def _check_seconds(seconds: object) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ValueError(f"seconds must be a number, got {seconds!r}")
    value = float(seconds)
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise ValueError(f"seconds must be in (0, {MAX_SECONDS:g}], got {seconds!r}")
    return value
