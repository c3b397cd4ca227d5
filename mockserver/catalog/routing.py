"""What the Model Router (``/v1/generate/*``) may choose from, derived from the catalog.

For each modality (video, image, audio) ``offers`` lists every current generation model
on the endpoints that serve it, with the sizes it renders, the named aspect ratios and
resolution classes those sizes fall in, the durations it accepts, the fields it takes
and its price, so a router can filter, rank and build a request body for one. Nothing
here is a new table: it is read from the endpoint rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runway_mock.catalog.audio import SOUND_EFFECT, TEXT_TO_SPEECH
from runway_mock.catalog.base import (
    NAMED_SIZES,
    RESOLUTION_SHORT_SIDE,
    Endpoint,
    ModelRow,
    Price,
    estimate_credits,
    parse_size,
    pixels,
)
from runway_mock.catalog.image import TEXT_TO_IMAGE
from runway_mock.catalog.video import IMAGE_TO_VIDEO, TEXT_TO_VIDEO, VIDEO_TO_VIDEO
from runway_mock.schema import AnyOf, Arr, Enum, Int, Num, Obj, Spec

# The aspect ratios the router's inputs name (runway-api.md section (b) 18-20).
VIDEO_ASPECTS = ("16:9", "9:16", "1:1", "4:3", "3:4", "21:9")
IMAGE_ASPECTS = (*VIDEO_ASPECTS, "2:3", "3:2", "4:5", "5:4")
VIDEO_RESOLUTIONS = ("480p", "720p", "1080p", "4k")
IMAGE_RESOLUTIONS = ("1k", "2k", "4k")
ASPECT_TOLERANCE = 0.04

MODALITY_ENDPOINTS: dict[str, tuple[Endpoint, ...]] = {
    "video": (TEXT_TO_VIDEO, IMAGE_TO_VIDEO, VIDEO_TO_VIDEO),
    "image": (TEXT_TO_IMAGE,),
    "audio": (TEXT_TO_SPEECH, SOUND_EFFECT),
}
# Audio endpoints by the router's ``input.type``.
AUDIO_TYPES = {TEXT_TO_SPEECH.name: "speech", SOUND_EFFECT.name: "audio"}


@dataclass(frozen=True)
class Offer:
    """One model the router may pick, on one endpoint."""

    modality: str
    endpoint: str
    model: str
    sizes: tuple[str, ...]
    aspect_ratios: tuple[str, ...]
    resolutions: tuple[str, ...]
    durations: tuple[int, ...]
    duration_range: tuple[float, float] | None
    fields: frozenset[str]
    required: frozenset[str]
    keyframes: tuple[str, ...]
    max_outputs: int
    audio_type: str | None
    price: Price
    latency: float
    row: ModelRow

    def estimate(self, body: Mapping[str, Any], input_seconds: float = 10.0) -> int:
        """The credits a request ``body`` for this offer would be estimated at."""
        return estimate_credits(self.row, body, input_seconds=lambda _b: input_seconds)

    def size_for(self, aspect_ratio: str | None, resolution: str | None) -> str | None:
        """The first listed size matching a named aspect ratio and resolution class."""
        for size in self.sizes:
            if aspect_ratio and aspect_of(size, self._aspects()) != aspect_ratio:
                continue
            if resolution and resolution_of(size, self.modality) != resolution:
                continue
            return size
        return None

    def _aspects(self) -> tuple[str, ...]:
        return IMAGE_ASPECTS if self.modality == "image" else VIDEO_ASPECTS


def aspect_of(size: str, names: tuple[str, ...] = IMAGE_ASPECTS) -> str | None:
    """The named aspect ratio (``"16:9"``) a ``W:H`` size is within 4% of, if any."""
    w, h = parse_size(size, "0:0") if pixels(size) else (0, 0)
    if not w:
        return None
    for name in names:
        a, _, b = name.partition(":")
        if abs((w / h) / (int(a) / int(b)) - 1) <= ASPECT_TOLERANCE:
            return name
    return None


def resolution_of(size: str, modality: str) -> str | None:
    """The router resolution class of a ``W:H`` size (by short side or by pixel count)."""
    area = pixels(size)
    if not area:
        return None
    w, h = parse_size(size, "0:0")
    if modality == "image":
        return "1k" if area <= 2_500_000 else "2k" if area <= 7_000_000 else "4k"
    short = min(w, h)
    return "480p" if short < 600 else "720p" if short < 900 else "1080p" if short < 1800 \
        else "4k"


def _enum_values(spec: Spec | None) -> tuple[Any, ...]:
    if isinstance(spec, Enum):
        return spec.values
    if isinstance(spec, AnyOf):
        return tuple(v for s in spec.variants for v in _enum_values(s))
    return ()


def _ints(spec: Spec | None) -> tuple[tuple[int, ...], tuple[float, float] | None]:
    if isinstance(spec, Int) and spec.minimum is not None and spec.maximum is not None:
        return tuple(range(spec.minimum, spec.maximum + 1)), (spec.minimum, spec.maximum)
    if isinstance(spec, Enum):
        ints = tuple(v for v in spec.values if isinstance(v, int))
        return ints, ((min(ints), max(ints)) if ints else None)
    if isinstance(spec, Num) and spec.minimum is not None and spec.maximum is not None:
        return (), (spec.minimum, spec.maximum)
    if isinstance(spec, AnyOf):
        for variant in spec.variants:
            found = _ints(variant)
            if found[1]:
                return found
    return (), None


def _positions(spec: Spec | None) -> tuple[str, ...]:
    variants = spec.variants if isinstance(spec, AnyOf) else (spec,)
    for variant in variants:
        if isinstance(variant, Arr) and isinstance(variant.item, Obj):
            pos = variant.item.props.get("position")
            if pos is not None:
                return tuple(str(v) for v in _enum_values(pos.spec))
    return ()


def _offer(modality: str, table: Endpoint, row: ModelRow) -> Offer:
    props = row.props
    spec = props["ratio"].spec if "ratio" in props else None
    raw = [str(v) for v in _enum_values(spec)] or [row.output.default_size]
    sized = [NAMED_SIZES.get(s, s) for s in raw]
    sizes = tuple(dict.fromkeys(s for s in sized if pixels(s)))
    names = IMAGE_ASPECTS if modality == "image" else VIDEO_ASPECTS
    aspects = tuple(dict.fromkeys(a for a in (aspect_of(s, names) for s in sizes) if a))
    resolutions = [resolution_of(s, modality) for s in sizes]
    if "resolution" in props and modality == "video":
        for value in _enum_values(props["resolution"].spec):
            short = RESOLUTION_SHORT_SIDE.get(str(value).lower())
            if short:
                resolutions.append(resolution_of(f"{short * 16 // 9}:{short}", modality))
    durations, span = _ints(props["duration"].spec) if "duration" in props else ((), None)
    count = props.get("outputCount")
    counts = _ints(count.spec)[1] if count else None
    return Offer(
        modality=modality, endpoint=table.name, model=row.model, sizes=sizes,
        aspect_ratios=aspects,
        resolutions=tuple(dict.fromkeys(r for r in resolutions if r)),
        durations=durations, duration_range=span,
        fields=frozenset(props), required=frozenset(k for k, p in props.items() if p.required),
        keyframes=_positions(props["promptImage"].spec) if "promptImage" in props else (),
        max_outputs=int(counts[1]) if counts else 1,
        audio_type=AUDIO_TYPES.get(table.name), price=row.price, latency=row.latency, row=row,
    )


def offers(modality: str) -> list[Offer]:
    """Every current (non-legacy) model the router may pick for ``modality``."""
    return [_offer(modality, table, row)
            for table in MODALITY_ENDPOINTS[modality]
            for row in table.rows.values() if not row.legacy]


__all__ = ["IMAGE_ASPECTS", "IMAGE_RESOLUTIONS", "MODALITY_ENDPOINTS", "VIDEO_ASPECTS",
           "VIDEO_RESOLUTIONS", "Offer", "aspect_of", "offers", "resolution_of"]
