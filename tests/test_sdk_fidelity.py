"""Every request the SDK 5.24.0 documents as valid is accepted (issue 12).

Bodies are built by walking the SDK's own TypedDicts (``typing.get_type_hints`` with
extras; unions of TypedDicts by their discriminator), not the catalog: one body of the
``Required[...]`` keys only, one with every key the types allow, for every model (or
variant) of every create endpoint. Values are ones the SDK's docstrings allow (table
``VALUES`` by field name, media URLs of the kind the field takes). Where two documented
fields cannot be combined, ``FULL_CHOICES`` picks compatible values and quotes the
docstring that says so; nothing there drops a field to get a 200.
"""

from __future__ import annotations

import collections.abc as cabc
import importlib
import types
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest
from runway_mock import create_app
from runway_mock.catalog import ENDPOINTS
from runway_mock.catalog.base import RULE_SOURCES
from runway_mock.clock import fake_clock
from typing_extensions import is_typeddict

from tests.conftest import auth
from tests.test_catalog import SDK_MODULES, _unwrap

IMG = "https://example.com/frame.png"
VID = "https://example.com/clip.mp4"
AUD = "https://example.com/voice.mp3"
TEXT = "A lighthouse on a cliff at dusk, waves below"

# Resource creates: endpoint path -> SDK params module.
RESOURCE_MODULES = {
    "/v1/avatars": "avatar_create_params",
    "/v1/voices": "voice_create_params",
    "/v1/documents": "document_create_params",
    "/v1/realtime_sessions": "realtime_session_create_params",
    "/v1/routers": "router_create_params",
}

# Scalar values by field name, each within what the field's docstring allows.
VALUES: dict[str, Any] = {
    "seed": 42, "duration": 5, "outputCount": 1, "numVariants": 1, "numSpeakers": 1,
    "creativity": 50, "sharpen": 50, "smartGrain": 50, "ultraDetail": 50,
    "expressionIntensity": 3, "loudnessRate": 0, "pitchRate": 0, "speechRate": 0,
    "maxDuration": 300, "start_seconds": 0, "end_seconds": 3, "seconds": 1.0, "at": 0.5,
    "cfgScale": 0.5, "similarityBoost": 0.5, "stability": 0.5, "style": 0.5, "speed": 1.0,
    "tag": "fox_one", "languageCode": "en", "backgroundColor": "#FF8800", "colors": "#00FF00",
    "ratio": "2500:2500", "name": "lighthouse_keeper", "slug": "lighthouse-router",
    "personality": "Calm and friendly, speaks briefly.", "content": "Opening hours: 9 to 5.",
    "description": "A short description.",
    "signedUrl": "wss://api.elevenlabs.io/v1/convai/conversation?token=abc",
    "url": "wss://demo.livekit.cloud", "ids": "gen4_image",
    # Multi-shot custom: "Shot list for custom mode (3-5 shots)", "Per-shot durations must
    # sum to duration" (default 10).
    "shots": [{"prompt": "Wide opening shot", "duration": 4},
              {"prompt": "Close-up of the face", "duration": 3},
              {"prompt": "Pull back to reveal", "duration": 3}],
}
TEXT_FIELDS = {"promptText", "prompt", "text", "negativePrompt", "nextText", "previousText",
               "productInfo", "userConcept", "startScript"}


def _kind(names: tuple[str, ...], siblings: dict[str, Any]) -> str:
    """The media kind a string field takes: from a sibling ``type`` literal or the names."""
    tp = siblings.get("type")
    if tp is not None and get_origin(tp) is Literal and get_args(tp)[0] in ("video", "audio"):
        return get_args(tp)[0]
    for name in reversed(names):
        low = name.lower()
        if "video" in low:
            return "video"
        if "audio" in low:
            return "audio"
    return "image"


def _media(kind: str) -> str:
    return {"image": IMG, "video": VID, "audio": AUD}[kind]


def _is_media(name: str) -> bool:
    return (name.lower().endswith("uri") or name in (
        "promptImage", "promptVideo", "referenceImage", "audio", "referenceAudios", "uri",
        "image"))


def _options(tp: Any) -> list[Any]:
    args = [a for a in get_args(tp) if a is not type(None)]
    return args


class Builder:
    """Builds a JSON body from an SDK type: required keys only, or every key."""

    def __init__(self, full: bool, ids: dict[str, str] | None = None) -> None:
        self.full = full
        self.ids = ids or {}  # field name -> id of a resource the test created

    def body(self, td: type) -> dict[str, Any]:
        return self.obj(td, ())

    def obj(self, td: type, names: tuple[str, ...]) -> dict[str, Any]:
        hints = get_type_hints(td, include_extras=True)
        fields = {}
        for key, tp in hints.items():
            # Every SDK TypedDict is total=False: required means wrapped in Required[...].
            inner, alias, required = _unwrap(tp)
            fields[alias or key] = (required, inner)
        siblings = {k: v for k, (_, v) in fields.items()}
        out = {}
        for name, (required, tp) in fields.items():
            if required or self.full:
                out[name] = self.value(tp, (*names, name), siblings)
        return out

    def value(self, tp: Any, names: tuple[str, ...], siblings: dict[str, Any]) -> Any:
        name = names[-1]
        origin = get_origin(tp)
        if name in self.ids:
            return [self.ids[name]] if origin in _LISTS else self.ids[name]
        if name == "shots":
            return VALUES["shots"]
        if origin is Literal:
            return get_args(tp)[0]
        if origin in (Union, types.UnionType):
            options = _options(tp)
            if self.full:
                # The structured form exercises more of the schema than a bare string.
                structured = [o for o in options if get_origin(o) in _LISTS or is_typeddict(o)]
                if structured:
                    return self.value(structured[0], names, siblings)
            return self.value(options[0], names, siblings)
        if origin in _LISTS:
            return [self.value(get_args(tp)[0], names, siblings)]
        if is_typeddict(tp):
            return self.obj(tp, names)
        if tp is object:  # untyped items (kling_4 frames and reference videos)
            return {"uri": _media(_kind(names, siblings))}
        if tp is bool:
            return True
        if tp in (int, float):
            value = VALUES.get(name, 1)
            return float(value) if tp is float else value
        if tp is str:
            if name in VALUES:
                return VALUES[name]
            if name in TEXT_FIELDS:
                return TEXT
            if _is_media(name):
                return _media(_kind(names, siblings))
            return TEXT
        raise TypeError(f"no value for {names}: {tp!r}")


_LISTS = (cabc.Iterable, cabc.Sequence, list)

# Documented combinations a body of every field must respect: (endpoint, key) -> field ->
# value, each quoting the SDK docstring that forbids the naive combination. These choose
# values; none removes a field.
FULL_CHOICES: dict[tuple[str, str], dict[str, Any]] = {
    # "Only valid when outputFormat is prores or hdr_prores".
    **{(ep, "gen4.5"): {"outputFormat": "prores"} for ep in ("image_to_video",
                                                             "text_to_video")},
    ("video_to_video", "aleph2"): {"outputFormat": "prores"},
    ("video_to_hdr", "ruby"): {"outputFormat": "hdr_prores"},
    # "Draft mode only supports mp4".
    **{(ep, "seedance2_5"): {"outputFormat": "mp4"} for ep in ("image_to_video",
                                                               "video_to_video")},
    # mode "reference" (the default) "accepts duration and ratio".
    ("video_to_video", "seedance2_5"): {"outputFormat": "mp4", "mode": "reference"},
    ("video_to_video", "gemini_omni_flash_1.1"): {"mode": "reference"},
    # Ideogram 4.5: ratio is "not available with maskUri or preciseEdit"; very_low "is not
    # available with preciseEdit": the full body keeps ratio at "auto".
    ("text_to_image", "ideogram_4_5"): {"ratio": "auto", "quality": "low"},
    # Bria edit: "Choosing a size requires at least 2 reference images".
    ("text_to_image", "bria_fibo_edit_1_5"): {"ratio": "auto"},
    # Hailuo: "Use adaptive only when image or video references are provided" (they are).
    # Wan: "Keyframe image-to-video requests must use auto_480p, auto_720p, or auto_1080p".
    **{("image_to_video", m): {"ratio": "auto_720p"} for m in ("wan3", "wan3_prime")},
    # Multi-shot custom: "3-5 shots", "Per-shot durations must sum to duration".
    ("recipe_multi_shot_video", "custom"): {
        "duration": 15, "shots": [{"prompt": "Wide opening shot", "duration": 5},
                                  {"prompt": "Close-up of the face", "duration": 5},
                                  {"prompt": "Pull back to reveal", "duration": 5}]},
}


# Fields the SDK documents as mutually exclusive: each group is sent in a body of its
# own (with everything else), never together.
ALTERNATIVES: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    # draftTaskId: "no other generation fields may be provided" (test_draft_task_id_alone).
    ("text_to_video", "seedance2_5"): (("draftTaskId",),),
    # ratio: "Not available with maskUri or preciseEdit".
    ("text_to_image", "ideogram_4_5"): (("ratio",), ("maskUri", "preciseEdit")),
}


def _variants(module: str) -> list[type]:
    mod = importlib.import_module(f"runwayml.types.{module}")
    top = next(getattr(mod, n) for n in mod.__all__ if n.endswith("Params"))
    return [top] if is_typeddict(top) else list(get_args(top))


def _key(endpoint: str, td: type) -> str:
    hints = get_type_hints(td, include_extras=True)
    for field in ("model", "mode"):
        if field in hints:
            return get_args(_unwrap(hints[field])[0])[0]
    return td.__name__


CASES = [(ENDPOINTS[ep].path, ep, td) for ep, mod in SDK_MODULES.items()
         for td in _variants(mod)]
CASES += [(path, path, td) for path, mod in RESOURCE_MODULES.items() for td in _variants(mod)]
IDS = [f"{ep.strip('/').replace('v1/', '')}:{_key(ep, td)}" for _, ep, td in CASES]


@pytest.fixture
def rich_client():
    """An app with credits enough for any body (the bill is not what is tested here)."""
    app = create_app({"seed": 7, "initial_credits": 10**9, "tier": 5}, clock=fake_clock())
    return app.test_client()


def _post(client, path: str, body: dict[str, Any]):
    return client.post(path, json=body, headers=auth())


@pytest.mark.parametrize(("path", "endpoint", "td"), CASES, ids=IDS)
def test_required_keys_only_are_accepted(rich_client, path, endpoint, td):
    """A body of only the SDK's Required keys is accepted for every request type."""
    body = Builder(full=False).body(td)
    r = _post(rich_client, path, body)
    assert r.status_code == 200, (body, r.json)


def _full_bodies(client, endpoint: str, td: type) -> list[dict[str, Any]]:
    """Bodies with every field; one per side of each documented exclusion."""
    ids = {}
    if endpoint == "/v1/avatars":  # documentIds must name the caller's documents
        doc = _post(client, "/v1/documents", {"name": "Hours", "content": "9 to 5."})
        ids["documentIds"] = doc.json["id"]
    key = _key(endpoint, td)
    body = Builder(full=True, ids=ids).body(td)
    body.update(FULL_CHOICES.get((endpoint, key), {}))
    groups = ALTERNATIVES.get((endpoint, key), ((),))
    if len(groups) == 1:  # one group sent on its own elsewhere: left out here
        return [{k: v for k, v in body.items() if k not in groups[0]}]
    return [{k: v for k, v in body.items() if k not in other}
            for i, _ in enumerate(groups)
            for other in [{f for j, g in enumerate(groups) if j != i for f in g}]]


@pytest.mark.parametrize(("path", "endpoint", "td"), CASES, ids=IDS)
def test_every_documented_field_is_accepted(rich_client, path, endpoint, td):
    """Bodies using every field the SDK documents are accepted."""
    for body in _full_bodies(rich_client, endpoint, td):
        r = _post(rich_client, path, body)
        assert r.status_code == 200, (body, r.json)


def test_draft_task_id_alone():
    """A seedance2_5 draft task's id alone is enough to create the final video."""
    clock = fake_clock()
    client = create_app({"seed": 7}, clock=clock).test_client()
    draft = _post(client, "/v1/text_to_video", {"model": "seedance2_5", "draft": True})
    assert draft.status_code == 200, draft.json
    clock.advance(3600)
    assert client.get(f"/v1/tasks/{draft.json['id']}", headers=auth()).json["status"] == (
        "SUCCEEDED")
    r = _post(client, "/v1/text_to_video", {"model": "seedance2_5",
                                            "draftTaskId": draft.json["id"]})
    assert r.status_code == 200, r.json


def test_every_catalog_rule_names_its_source():
    """Every extra validation rule in the catalog names a known source."""
    for endpoint in ENDPOINTS.values():
        for row in endpoint.rows.values():
            for rule in row.rules:
                assert getattr(rule, "source", None) in RULE_SOURCES, (endpoint.name, row.model)


# Half-open windows documented with upper limits only: equal bounds are an empty window.
T = "2026-01-01T00:00:00Z"
EMPTY_WINDOWS = [
    ("GET", f"/v1/organization/webapp/audit_logs?from={T}&to={T}", None),
    ("GET", f"/v1/organization/webapp/usage?from={T}&to={T}", None),
    ("GET", f"/v1/avatar_usage?startDate={T}&endDate={T}", None),
    ("POST", "/v1/organization/usage", {"startDate": "2026-01-01", "beforeDate": "2026-01-01"}),
]


@pytest.mark.parametrize(("method", "url", "body"), EMPTY_WINDOWS,
                         ids=[u.split("?")[0] for _, u, _ in EMPTY_WINDOWS])
def test_equal_bounds_are_an_empty_window(client, method, url, body):
    """Usage and report windows whose bounds are equal answer 200 with nothing in them."""
    r = client.open(url, method=method, json=body, headers=auth())
    assert r.status_code == 200, r.json
    data = r.json
    if "byDay" in data:
        assert data["byDay"] == [] and data["totalSeconds"] == 0 and data["totalSessions"] == 0
    elif "results" in data:
        assert data["results"] == [] and data["models"] == []
    else:
        assert data["data"] == []
