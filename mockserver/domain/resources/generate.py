"""The Model Router: ``POST /v1/generate/{video,image,audio}`` picks a model, then makes a task.

The router config named by ``configId`` (its slug) decides among the catalog's current
models for the modality (``mockserver.catalog.routing.offers``). The inputs choose the
endpoint family (a source video: video_to_video; a first/last frame: image_to_video;
otherwise text_to_video; audio by ``input.type``); then five filters run in order, each
logged with the models that survive it:

* ``capability``: the model renders the requested aspect ratio, resolution, duration,
  output count, audio and loop;
* ``prompt_length``: the prompt fits the model's limit;
* ``input_support``: the model takes the given reference images, videos, audio, voice,
  and the request body built for it validates against its catalog row;
* ``allow_deny``: the router's ``models`` allowlist or denylist;
* ``price``: the estimated credits per output are within ``maxCreditsPerGeneration``.

The survivors are ranked by ``optimizeFor`` (cost: lowest estimate; latency: the row's
typical latency; quality: highest price, the emulator's stand-in for quality). With
``fallback.onCapacity`` a model whose concurrency limit is full is skipped for the next
best (all full: the best is used and queues). The winner's request goes through
``tasks.create`` like any task (credits, quotas, THROTTLED), and every decision is
logged to the router's requests list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runway_mock.catalog import planned_outputs
from runway_mock.catalog.base import NAMED_SIZES
from runway_mock.catalog.routing import (
    IMAGE_ASPECTS,
    IMAGE_RESOLUTIONS,
    VIDEO_ASPECTS,
    VIDEO_RESOLUTIONS,
    Offer,
    aspect_of,
    offers,
    resolution_of,
)
from runway_mock.catalog.shapes import PRESET_VOICES
from runway_mock.config import Runtime
from runway_mock.domain import lifecycle, limits, pricing, tasks, validation
from runway_mock.domain.resources import routers
from runway_mock.domain.resources.routers import FILTERS, SLUG
from runway_mock.errors import ApiError, BadRequest, NotFound, ValidationFailed
from runway_mock.schema import (
    UINT32_MAX,
    AnyOf,
    Arr,
    Bool,
    Const,
    Enum,
    Int,
    Issue,
    Media,
    Num,
    Obj,
    Path,
    Spec,
    Str,
    Tagged,
    issue,
    opt,
    req,
    tagged_obj,
    validate,
)

MODALITIES = ("video", "image", "audio")
# Who runs each model family (the emulator's assumption from public model names).
PROVIDERS: tuple[tuple[str, str], ...] = (
    ("gen", "runway"), ("aleph", "runway"), ("act_two", "runway"), ("upscale", "runway"),
    ("ruby", "runway"), ("enhance", "runway"), ("muse", "runway"), ("veo", "google"),
    ("gemini", "google"), ("nano_banana", "google"), ("kling", "kuaishou"),
    ("seed", "bytedance"), ("hailuo", "minimax"), ("h3", "minimax"), ("wan", "alibaba"),
    ("happyhorse", "alibaba"), ("grok", "xai"), ("gpt_image", "openai"), ("bria", "bria"),
    ("ideogram", "ideogram"), ("recraft", "recraft"), ("eleven", "elevenlabs"),
    ("mirelo", "mirelo"), ("magnific", "magnific"),
)
DEFAULT_ASPECT = {"video": "16:9", "image": "1:1"}
# Preferred when the request names none (any resolution is used if the model lacks it).
DEFAULT_RESOLUTION = {"video": "720p", "image": "1k"}
DEFAULT_DURATION = 5
JS_MAX_SAFE = 9007199254740991

# ---------------------------------------------------------------------------
# Request specs (runway-api.md section (b) 18-20; SDK 5.24.0 generate params)

_CM = Obj({"publicFigureThreshold": opt(Enum(("auto", "low")))})
_RANGE = Obj({"start_seconds": req(Int(0, JS_MAX_SAFE)),
              "end_seconds": req(Int(1, JS_MAX_SAFE))})
_SEED = Int(0, UINT32_MAX)


def _at_most_one(field_name: str, key: str, values: tuple[str, ...]) -> Callable[..., Any]:
    def rule(body: Mapping[str, Any], path: Path) -> list[Issue]:
        items = body.get(field_name) or []
        out = []
        for value in values:
            if sum(1 for i in items if i.get(key) == value) > 1:
                out.append(issue("custom", (*path, field_name),
                                 f"At most one item may have {key} '{value}'"))
        return out

    return rule


def _keyframes_need_source(body: Mapping[str, Any], path: Path) -> list[Issue]:
    if body.get("keyframes") and not any(v.get("role") == "source"
                                         for v in body.get("referenceVideos") or []):
        return [issue("custom", (*path, "keyframes"),
                      "keyframes need a referenceVideos item with role 'source'")]
    return []


VIDEO_INPUT = Obj({
    "promptText": opt(Str(1, 6000)), "negativePrompt": opt(Str(0, 1000)),
    "referenceImages": opt(Arr(Obj({"uri": req(Media(("image",))),
                                    "role": req(Enum(("first", "last", "reference")))}),
                               max_items=4)),
    "referenceVideos": opt(Arr(Obj({"uri": req(Media(("video",))),
                                    "role": req(Enum(("source", "reference")))}),
                               max_items=2)),
    "referenceAudio": opt(Arr(Obj({"uri": req(Media(("audio",)))}), max_items=1)),
    "keyframes": opt(Arr(AnyOf((
        Obj({"uri": req(Media(("image",))), "seconds": req(Num(0, 30)), "range": opt(_RANGE)}),
        Obj({"uri": req(Media(("image",))), "at": req(Num(0, 1)), "range": opt(_RANGE)}),
    )), max_items=5)),
    "duration": opt(Int(2, 30)), "aspectRatio": opt(Enum(VIDEO_ASPECTS)),
    "resolution": opt(Enum(VIDEO_RESOLUTIONS)), "audio": opt(Bool()), "seed": opt(_SEED),
    "contentModeration": opt(_CM),
}, rules=(_at_most_one("referenceImages", "role", ("first", "last")),
          _at_most_one("referenceVideos", "role", ("source",)), _keyframes_need_source),
   doc="What to generate; every field is optional.")
IMAGE_INPUT = Obj({
    "promptText": req(Str(1, 32_000)),
    "referenceImages": opt(Arr(Obj({"uri": req(Media(("image",)))}), max_items=16)),
    "aspectRatio": opt(Enum(IMAGE_ASPECTS)), "resolution": opt(Enum(IMAGE_RESOLUTIONS)),
    "outputCount": opt(Int(1, 10)), "seed": opt(_SEED), "contentModeration": opt(_CM),
}, doc="What to generate.")
AUDIO_VOICE = Tagged("type", {
    "preset": tagged_obj("type", "preset", {"presetId": req(Enum(PRESET_VOICES))}),
    "reference-audio": tagged_obj("type", "reference-audio",
                                  {"audioUri": req(Media(("audio",)))}),
})
AUDIO_INPUT = Obj({
    "type": req(Enum(("speech", "audio"))), "promptText": req(Str(1, 5000)),
    "voice": opt(AUDIO_VOICE),
    "referenceAudios": opt(Arr(Obj({"uri": req(Media(("audio",)))}), max_items=3)),
    "duration": opt(Num(0.5, 30)), "loop": opt(Bool()),
}, doc="What to generate: speech or other audio.")
INPUTS = {"video": VIDEO_INPUT, "image": IMAGE_INPUT, "audio": AUDIO_INPUT}
REQUESTS = {m: Obj({"configId": req(SLUG), "input": req(spec)},
                   doc=f"Route a {m} generation through a Model Router.")
            for m, spec in INPUTS.items()}
_RESOLVED = {
    "video": Obj({"duration": req(Num()), "ratio": req(Str()), "resolution": req(Str())}),
    "image": Obj({"aspectRatio": req(Str()), "ratio": req(Str()), "resolution": req(Str())}),
    "audio": Obj({"type": req(Enum(("speech", "audio"))),
                  "voice": req(Enum(("preset", "reference-audio", "default", "none")))}),
}
RESPONSES = {m: Obj({"id": req(Str()), "routing": req(Obj({
    "model": req(Str()), "provider": req(Str()), "configId": req(Str()),
    "resolvedSettings": req(Obj({"optimizeFor": req(Enum(routers.OPTIMIZE)),
                                 "priceCeiling": req(Num(nullable=True))})),
    "resolvedInput": req(_RESOLVED[m]),
    "estimatedCost": req(Obj({"credits": req(Num())})),
    "capacityFallback": opt(Obj({"skipped": req(Arr(Str())), "allExhausted": req(Bool())})),
}))}, doc="The task created and how it was routed.") for m in MODALITIES}
NO_ELIGIBLE = Obj({"error": req(Str()), "code": req(Const("no_eligible_model")),
                   "pipeline": req(Arr(routers.PIPELINE_STEP)),
                   "emptiedBy": req(Arr(Enum(FILTERS)))})
NOT_FOUND = Obj({"error": req(Str()), "code": req(Const("router_config_not_found"))})


class NoEligibleModel(BadRequest):
    """400: every model was filtered out."""


class RouterConfigNotFound(NotFound):
    """404: no router with this slug."""


# ---------------------------------------------------------------------------
# Building one model's request from the universal input


@dataclass
class Candidate:
    """One offer, the request built for it and the first filter it fails (if any)."""

    offer: Offer
    body: dict[str, Any] = field(default_factory=dict)
    resolved: dict[str, Any] = field(default_factory=dict)
    problems: set[str] = field(default_factory=set)
    estimate: int = 0
    outputs: int = 1

    @property
    def per_output(self) -> float:
        """Estimated credits per generated output."""
        return self.estimate / max(1, self.outputs)

    def first_failure(self) -> str | None:
        """The first filter, in pipeline order, this candidate fails."""
        return next((f for f in FILTERS if f in self.problems), None)


def _arr(spec: Spec | None) -> Arr | None:
    if isinstance(spec, Arr):
        return spec
    if isinstance(spec, AnyOf):
        return next((v for v in spec.variants if isinstance(v, Arr)), None)
    return None


def _item(offer: Offer, name: str, uri: str) -> Any:
    """One reference item shaped as the row's ``name`` array wants it."""
    arr = _arr(offer.row.props[name].spec)
    item = arr.item if arr else None
    if isinstance(item, Obj):
        out: dict[str, Any] = {"uri": uri}
        for key, prop in item.props.items():
            if prop.required and isinstance(prop.spec, Const):
                out[key] = prop.spec.value
        return out
    return uri


def _raw_ratio(offer: Offer, size: str) -> str | None:
    """The row's own ``ratio`` value for a normalised size."""
    spec = offer.row.props["ratio"].spec if "ratio" in offer.row.props else None
    values = spec.values if isinstance(spec, Enum) else ()
    return next((str(v) for v in values if NAMED_SIZES.get(str(v), str(v)) == size), None)


def _size(offer: Offer, aspect: str | None, resolution: str | None) -> str | None:
    """The size to render: matching aspect and resolution if possible, else aspect only."""
    modality = offer.modality
    names = IMAGE_ASPECTS if modality == "image" else VIDEO_ASPECTS
    fits = [s for s in offer.sizes if aspect is None or aspect_of(s, names) == aspect]
    best = [s for s in fits if resolution is None or resolution_of(s, modality) == resolution]
    return (best or fits or [None])[0]


def _resolution_value(offer: Offer, resolution: str) -> str | None:
    """The row's own ``resolution`` value in a router resolution class."""
    from runway_mock.catalog.base import RESOLUTION_SHORT_SIDE

    spec = offer.row.props["resolution"].spec
    for value in spec.values if isinstance(spec, Enum) else ():
        short = RESOLUTION_SHORT_SIDE.get(str(value).lower())
        if short and resolution_of(f"{short * 16 // 9}:{short}", "video") == resolution:
            return str(value)
    return None


def _geometry(c: Candidate, inp: Mapping[str, Any]) -> str:
    """Choose ratio/resolution fields; returns the size rendered."""
    offer, modality = c.offer, c.offer.modality
    aspect, resolution = inp.get("aspectRatio"), inp.get("resolution")
    if aspect and aspect not in offer.aspect_ratios:
        c.problems.add("capability")
    if resolution and resolution not in offer.resolutions:
        c.problems.add("capability")
    size = _size(offer, aspect or DEFAULT_ASPECT[modality],
                 resolution or DEFAULT_RESOLUTION[modality]) or \
        _size(offer, aspect, resolution) or offer.row.output.default_size
    if "ratio" in offer.fields:
        raw = _raw_ratio(offer, size)
        if raw is not None:
            c.body["ratio"] = raw
    if resolution and "resolution" in offer.fields:
        value = _resolution_value(offer, resolution)
        if value is not None:
            c.body["resolution"] = value
    return size


def _common(c: Candidate, inp: Mapping[str, Any], soft: tuple[str, ...]) -> None:
    """Prompt (required support) and optional extras the model may ignore."""
    if "promptText" in inp:
        if "promptText" in c.offer.fields:
            c.body["promptText"] = inp["promptText"]
        else:
            c.problems.add("capability")
    for name in soft:
        if name in inp and name in c.offer.fields:
            c.body[name] = inp[name]


def _duration(c: Candidate, inp: Mapping[str, Any]) -> None:
    offer, wanted = c.offer, inp.get("duration")
    if wanted is not None:
        low_high = offer.duration_range
        if "duration" not in offer.fields or \
                (offer.durations and wanted not in offer.durations) or \
                (low_high and not low_high[0] <= wanted <= low_high[1]):
            c.problems.add("capability")
        else:
            c.body["duration"] = wanted
    elif "duration" in offer.required:
        if offer.durations:
            c.body["duration"] = DEFAULT_DURATION if DEFAULT_DURATION in offer.durations \
                else offer.durations[0]
        elif offer.duration_range:
            c.body["duration"] = max(offer.duration_range[0],
                                     min(DEFAULT_DURATION, offer.duration_range[1]))


def _flag(c: Candidate, inp: Mapping[str, Any], name: str) -> None:
    if name not in inp:
        return
    if name in c.offer.fields:
        c.body[name] = inp[name]
    elif inp[name]:
        c.problems.add("capability")


def _refs(c: Candidate, name: str, uris: list[str]) -> None:
    if not uris:
        return
    if name in c.offer.fields:
        c.body[name] = [_item(c.offer, name, u) for u in uris]
    else:
        c.problems.add("input_support")


def _video(c: Candidate, inp: Mapping[str, Any]) -> None:
    size = _geometry(c, inp)
    _common(c, inp, ("negativePrompt", "seed", "contentModeration"))
    _duration(c, inp)
    _flag(c, inp, "audio")
    images = inp.get("referenceImages") or []
    frames = {i["role"]: i["uri"] for i in images if i["role"] in ("first", "last")}
    if frames:
        if "promptImage" not in c.offer.fields or any(p not in c.offer.keyframes
                                                      for p in frames):
            c.problems.add("input_support")
        elif list(frames) == ["first"] and isinstance(c.offer.row.props["promptImage"].spec,
                                                      AnyOf):
            c.body["promptImage"] = frames["first"]
        else:
            c.body["promptImage"] = [{"uri": frames[p], "position": p}
                                     for p in ("first", "last") if p in frames]
    _refs(c, "references", [i["uri"] for i in images if i["role"] == "reference"])
    videos = inp.get("referenceVideos") or []
    source = [v["uri"] for v in videos if v["role"] == "source"]
    if source:
        target = next((n for n in ("videoUri", "promptVideo") if n in c.offer.fields), None)
        if target is None:
            c.problems.add("input_support")
        else:
            c.body[target] = source[0]
    _refs(c, "referenceVideos", [v["uri"] for v in videos if v["role"] == "reference"])
    _refs(c, "referenceAudio", [a["uri"] for a in inp.get("referenceAudio") or []])
    if inp.get("keyframes"):
        if "keyframes" in c.offer.fields:
            c.body["keyframes"] = inp["keyframes"]
        else:
            c.problems.add("input_support")
    plans = planned_outputs(c.offer.row, c.body)
    seconds = plans[0].seconds if plans else float(c.body.get("duration", DEFAULT_DURATION))
    c.resolved = {"duration": seconds, "ratio": size,
                  "resolution": inp.get("resolution") or resolution_of(size, "video") or ""}


def _image(c: Candidate, inp: Mapping[str, Any]) -> None:
    size = _geometry(c, inp)
    _common(c, inp, ("seed", "contentModeration"))
    count = int(inp.get("outputCount", 1))
    count_field = c.offer.row.output.count_field
    if count > 1:
        if count_field is None or count_field not in c.offer.fields or \
                count > c.offer.max_outputs:
            c.problems.add("capability")
        else:
            c.body[count_field] = count
    _refs(c, "referenceImages", [i["uri"] for i in inp.get("referenceImages") or []])
    c.resolved = {"aspectRatio": inp.get("aspectRatio") or aspect_of(size, IMAGE_ASPECTS)
                  or DEFAULT_ASPECT["image"], "ratio": size,
                  "resolution": inp.get("resolution") or resolution_of(size, "image") or ""}


def _preset_default(spec: Spec | None) -> str | None:
    variants: tuple[Spec, ...] = ()
    if isinstance(spec, Tagged):
        variants = tuple(spec.variants.values())
    elif isinstance(spec, AnyOf):
        variants = spec.variants
    elif spec is not None:
        variants = (spec,)
    for variant in variants:
        if isinstance(variant, Obj) and "presetId" in variant.props:
            values = getattr(variant.props["presetId"].spec, "values", ())
            if values:
                return str(values[0])
    return None


def _audio(c: Candidate, inp: Mapping[str, Any]) -> None:
    _common(c, inp, ())
    _duration(c, inp)
    _flag(c, inp, "loop")
    voice = inp.get("voice")
    kind = "none"
    if inp["type"] == "speech":
        spec = c.offer.row.props["voice"].spec if "voice" in c.offer.fields else None
        if voice is None:
            kind = "default"
            preset = _preset_default(spec)
            if "voice" in c.offer.required and preset:
                c.body["voice"] = {"type": "runway-preset", "presetId": preset}
        elif "voice" not in c.offer.fields:
            c.problems.add("input_support")
        elif voice["type"] == "preset":
            kind = "preset"
            c.body["voice"] = {"type": "runway-preset", "presetId": voice["presetId"]}
        else:
            kind = "reference-audio"
            c.body["voice"] = {"type": "reference-audio", "audioUri": voice["audioUri"]}
    elif voice is not None:
        c.problems.add("input_support")
    _refs(c, "referenceAudios", [a["uri"] for a in inp.get("referenceAudios") or []])
    c.resolved = {"type": inp["type"], "voice": kind}


BUILDERS: dict[str, Callable[[Candidate, Mapping[str, Any]], None]] = {
    "video": _video, "image": _image, "audio": _audio,
}


def family(modality: str, inp: Mapping[str, Any]) -> str:
    """The endpoint the inputs call for."""
    if modality == "image":
        return "text_to_image"
    if modality == "audio":
        return "text_to_speech" if inp["type"] == "speech" else "sound_effect"
    if any(v["role"] == "source" for v in inp.get("referenceVideos") or []):
        return "video_to_video"
    if any(i["role"] in ("first", "last") for i in inp.get("referenceImages") or []):
        return "image_to_video"
    return "text_to_video"


def _check_body(c: Candidate) -> None:
    """The built request must pass the model's own validation (media URIs were checked)."""
    if c.problems:
        return
    issues = validate(c.offer.row.body_spec(), c.body)
    if not issues:
        return
    fields = {i["path"][0] for i in issues if i.get("path")}
    c.problems.add("prompt_length" if fields == {"promptText"} else "input_support")


def _allowed(model: str, settings: Mapping[str, Any]) -> bool:
    models = settings.get("models")
    if not models:
        return True
    ids = set(models.get("ids") or ())
    return model in ids if models.get("mode") == "allowlist_only" else model not in ids


def provider(model: str) -> str:
    """The provider reported for a model."""
    return next((p for prefix, p in PROVIDERS if model.startswith(prefix)), "runway")


@dataclass
class Decision:
    """The outcome of the filter pipeline and ranking."""

    pipeline: list[dict[str, Any]]
    emptied_by: list[str]
    chosen: Candidate | None = None
    rank_outcome: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    capacity: dict[str, Any] | None = None


RANK_KEYS: dict[str, Callable[[Candidate], tuple[Any, ...]]] = {
    "cost": lambda c: (c.per_output, c.offer.latency, c.offer.model),
    "latency": lambda c: (c.offer.latency, c.per_output, c.offer.model),
    "quality": lambda c: (-c.per_output, c.offer.latency, c.offer.model),
}
REASON_CODES = {"cost": "lowest_cost", "latency": "best_latency", "quality": "best_quality"}


def busy(rt: Runtime, tenant: str, model: str) -> bool:
    """Whether the tenant's generations of ``model`` fill its concurrency limit right now.

    Reads the tenant's active tasks only (never every stored task).
    """
    concurrent = limits.limits_of(rt, tenant, model)[0]
    if concurrent is None:
        return False
    now, running = rt.clock.now(), 0
    for task_id in rt.store.set_members(tenant, tasks.ACTIVE_SET):
        task = rt.store.get(tenant, tasks.KIND, task_id)
        if task is None or task["billedAs"] != model:
            continue
        status = lifecycle.evaluate(tasks.LIFECYCLE, task, now)[0]
        if status == "THROTTLED":
            return True
        running += status in ("PENDING", "RUNNING")
    return running >= concurrent


def decide(rt: Runtime, tenant: str, modality: str, inp: Mapping[str, Any],
           settings: Mapping[str, Any]) -> Decision:
    """Run the filters, the capacity check (if ``fallback.onCapacity``) and the ranking."""
    endpoint = family(modality, inp)
    cap = (settings.get("maxCreditsPerGeneration") or {}).get(modality)
    candidates = []
    for offer in offers(modality):
        if offer.endpoint != endpoint:
            continue
        c = Candidate(offer=offer, body={"model": offer.model})
        BUILDERS[modality](c, inp)
        _check_body(c)
        if not _allowed(offer.model, settings):
            c.problems.add("allow_deny")
        if not c.problems:
            c.estimate = pricing.quote(rt, endpoint, offer.row, c.body).estimated
            c.outputs = len(planned_outputs(offer.row, c.body))
            if cap is not None and c.per_output > cap:
                c.problems.add("price")
        candidates.append(c)
    pipeline, emptied = [], []
    for position, name in enumerate(FILTERS):
        alive = [c for c in candidates
                 if (f := c.first_failure()) is None or FILTERS.index(f) > position]
        pipeline.append({"type": "filter", "filter": name,
                         "models": list(dict.fromkeys(c.offer.model for c in alive))})
        if not alive and not emptied:
            emptied.append(name)
    eligible = [c for c in candidates if not c.problems]
    if not eligible:
        return Decision(pipeline, emptied)
    optimize = settings.get("optimizeFor", "cost")
    ranked = sorted(eligible, key=RANK_KEYS[optimize])
    chosen, capacity = ranked[0], None
    if (settings.get("fallback") or {}).get("onCapacity"):
        skipped = []
        for c in ranked:
            if not busy(rt, tenant, c.offer.row.billed_as):
                chosen = c
                break
            skipped.append(c.offer.model)
        capacity = {"skipped": skipped if len(skipped) < len(ranked) else [],
                    "allExhausted": len(skipped) == len(ranked)}
        pipeline.append({"type": "capacity", **capacity})
    if len(eligible) == 1:
        outcome, code = "single_candidate", "only_eligible_model"
        reason = f"{chosen.offer.model} was the only eligible model."
    elif capacity and capacity["skipped"]:
        outcome, code = "fallback", REASON_CODES[optimize]
        reason = (f"{chosen.offer.model} is the best of {len(eligible)} eligible models by "
                  f"{optimize} with capacity now; skipped at their limit: "
                  + ", ".join(capacity["skipped"]) + ".")
    else:
        outcome = "cost" if optimize == "cost" else "selected"
        code = REASON_CODES[optimize]
        reason = (f"{chosen.offer.model} ranked first by {optimize} among "
                  f"{len(eligible)} eligible models.")
    pipeline.append({"type": "rank", "outcome": outcome})
    return Decision(pipeline, [], chosen, outcome, code, reason, capacity)


# ---------------------------------------------------------------------------
# The endpoint


def _issues(rt: Runtime, tenant: str, modality: str, body: Any) -> list[Issue]:
    return validate(REQUESTS[modality], body, validation.context(rt, tenant))


def generate(rt: Runtime, tenant: str, modality: str, body: Any, *,
             created: Callable[[dict[str, Any]], None] | None = None,
             override: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST /v1/generate/{modality}: route, create the task, log; returns the response.

    ``created`` is told the task record once it exists (the HTTP layer journals it);
    ``override`` is the request's task-policy override (see ``tasks.create``).
    """
    slug = body.get("configId") if isinstance(body, dict) else None
    router = routers.by_slug(rt, tenant, slug) if isinstance(slug, str) else None
    issues = _issues(rt, tenant, modality, body)
    if issues:
        if router is not None:
            routers.log_request(rt, tenant, router["id"], {
                "status": "invalid_request", "reason": ValidationFailed(issues).message,
                "pipeline": [], "emptiedBy": []})
        raise ValidationFailed(issues)
    if router is None:
        raise RouterConfigNotFound(f"No Model Router with configId '{slug}' exists.",
                                   code="router_config_not_found")
    settings = router["settings"]
    decision = decide(rt, tenant, modality, body["input"], settings)
    if decision.chosen is None:
        message = (f"No eligible model for this request: the '{decision.emptied_by[0]}' "
                   "filter removed every candidate.")
        routers.log_request(rt, tenant, router["id"], {
            "status": "no_eligible_model", "reason": message, "pipeline": decision.pipeline,
            "emptiedBy": decision.emptied_by})
        raise NoEligibleModel(message, code="no_eligible_model", pipeline=decision.pipeline,
                              emptiedBy=decision.emptied_by)
    chosen = decision.chosen
    offer = chosen.offer
    entry = {"model": offer.model, "provider": provider(offer.model),
             "estimatedCredits": chosen.estimate, "pipeline": decision.pipeline,
             "emptiedBy": [], "reasonCode": decision.reason_code}
    try:
        task = tasks.create(rt, tenant, endpoint=offer.endpoint, row=offer.row,
                            body=chosen.body, override=override)
    except ApiError as exc:
        routers.log_request(rt, tenant, router["id"], {**entry, "status": "error",
                                                       "reason": exc.message})
        raise
    if created is not None:
        created(task)
    routers.log_request(rt, tenant, router["id"], {**entry, "status": "routed",
                                                   "reason": decision.reason,
                                                   "taskId": task["id"]})
    cap = (settings.get("maxCreditsPerGeneration") or {}).get(modality)
    routing: dict[str, Any] = {
        "model": offer.model, "provider": provider(offer.model), "configId": router["slug"],
        "resolvedSettings": {"optimizeFor": settings.get("optimizeFor", "cost"),
                             "priceCeiling": cap},
        "resolvedInput": chosen.resolved,
        "estimatedCost": {"credits": task["estimated"]},
    }
    if decision.capacity is not None:
        routing["capacityFallback"] = decision.capacity
    return {"id": task["id"], "routing": routing}
