"""The Model Router: filters, ranking, the task it creates, errors and the request log."""

from __future__ import annotations

import pytest
from runway_mock import create_app
from runway_mock.catalog.routing import offers
from runway_mock.config import tenant_of
from runway_mock.domain import tasks
from runway_mock.domain.resources.routers import FILTERS
from runway_mock.testing import runtime_of

from tests.conftest import API_KEY, OTHER_KEY, auth


def router(client, slug: str = "main", settings: dict | None = None, key: str | None = None
           ) -> str:
    body = {"slug": slug, **({"settings": settings} if settings is not None else {})}
    resp = client.post("/v1/routers", json=body, headers=auth(key) if key else auth())
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["id"]


def generate(client, modality: str, inp: dict, slug: str = "main", key: str | None = None):
    return client.post(f"/v1/generate/{modality}", json={"configId": slug, "input": inp},
                       headers=auth(key) if key else auth())


def routed(client, modality: str, inp: dict, slug: str = "main") -> dict:
    resp = generate(client, modality, inp, slug)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def log(client, router_id: str) -> list[dict]:
    return client.get(f"/v1/routers/{router_id}/requests?limit=100",
                      headers=auth()).get_json()["data"]


def latency(modality: str, model: str) -> float:
    return next(o.latency for o in offers(modality) if o.model == model)


def test_routes_and_creates_a_real_task(app, client) -> None:
    """generate/video answers routing details and creates a real, pollable task for the pick."""
    router(client)
    body = routed(client, "video", {"promptText": "a lighthouse", "duration": 5,
                                    "aspectRatio": "16:9", "resolution": "720p"})
    routing = body["routing"]
    assert set(routing) == {"model", "provider", "configId", "resolvedSettings",
                            "resolvedInput", "estimatedCost"}
    assert routing["configId"] == "main"
    assert routing["resolvedSettings"] == {"optimizeFor": "cost", "priceCeiling": None}
    assert routing["resolvedInput"]["duration"] == 5
    assert routing["resolvedInput"]["resolution"] == "720p"
    task = runtime_of(app).store.get(tenant_of(API_KEY), tasks.KIND, body["id"])
    assert task["model"] == routing["model"] and task["input"]["promptText"] == "a lighthouse"
    assert task["estimated"] == routing["estimatedCost"]["credits"]
    got = client.get(f"/v1/tasks/{body['id']}", headers=auth())
    assert got.status_code == 200


@pytest.mark.parametrize("modality,inp", [
    ("video", {"promptText": "a cat"}),
    ("image", {"promptText": "a cat"}),
    ("audio", {"type": "speech", "promptText": "Hello there"}),
])
def test_optimize_for_changes_the_pick(client, modality, inp) -> None:
    """optimizeFor cost picks the cheapest model and latency the fastest, per modality."""
    picks = {}
    for goal in ("cost", "latency", "quality"):
        router(client, goal, {"optimizeFor": goal})
        picks[goal] = routed(client, modality, inp, goal)["routing"]
    cheapest = picks["cost"]["estimatedCost"]["credits"]
    assert cheapest <= picks["latency"]["estimatedCost"]["credits"]
    assert cheapest <= picks["quality"]["estimatedCost"]["credits"]
    assert latency(modality, picks["latency"]["model"]) <= \
        latency(modality, picks["cost"]["model"])
    assert picks["quality"]["resolvedSettings"]["optimizeFor"] == "quality"


def test_allowlist_and_denylist(client) -> None:
    """allowlist_only restricts the pick to its ids; allow_new_except excludes its ids."""
    router(client, "only-veo", {"models": {"mode": "allowlist_only", "ids": ["veo3.1"]}})
    assert routed(client, "video", {"promptText": "x"}, "only-veo")["routing"]["model"] == \
        "veo3.1"
    router(client, "plain")
    winner = routed(client, "video", {"promptText": "x"}, "plain")["routing"]["model"]
    assert winner != "veo3.1"
    router(client, "not-it", {"models": {"mode": "allow_new_except", "ids": [winner]}})
    assert routed(client, "video", {"promptText": "x"}, "not-it")["routing"]["model"] != winner


def test_price_cap_filters_and_is_reported(client) -> None:
    """maxCreditsPerGeneration keeps the pick under the cap and reports it as priceCeiling."""
    router(client, "cheap", {"maxCreditsPerGeneration": {"video": 30}})
    body = routed(client, "video", {"promptText": "x", "duration": 5}, "cheap")
    assert body["routing"]["estimatedCost"]["credits"] <= 30
    assert body["routing"]["resolvedSettings"]["priceCeiling"] == 30


@pytest.mark.parametrize(("settings", "modality", "inp", "emptied"), [
    ({"maxCreditsPerGeneration": {"video": 1}}, "video", {"promptText": "x"}, "price"),
    ({"models": {"mode": "allowlist_only", "ids": ["gen4_image"]}}, "video",
     {"promptText": "x"}, "allow_deny"),
    ({}, "video", {"duration": 2, "resolution": "4k"}, "capability"),
    ({}, "audio", {"type": "speech", "promptText": "hi",
                   "referenceAudios": [{"uri": "https://example.com/a.mp3"}]}, "input_support"),
])
def test_no_eligible_model(client, settings, modality, inp, emptied) -> None:
    """When a filter empties the pool the 400 names it, shows the pipeline, and is logged."""
    rid = router(client, "r", settings)
    resp = generate(client, modality, inp, "r")
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["code"] == "no_eligible_model" and body["emptiedBy"] == [emptied]
    assert set(body) == {"error", "code", "pipeline", "emptiedBy", "docUrl"}
    assert [step["filter"] for step in body["pipeline"]] == list(FILTERS)
    emptied_at = FILTERS.index(emptied)
    assert body["pipeline"][emptied_at]["models"] == []
    assert all(step["models"] for step in body["pipeline"][:emptied_at])
    entry = log(client, rid)[0]
    assert entry["status"] == "no_eligible_model" and entry["emptiedBy"] == [emptied]
    assert entry["taskId"] is None and entry["model"] is None


def test_prompt_length_filter_drops_short_limit_models(client) -> None:
    """A 2000-character prompt drops models with shorter prompt limits."""
    rid = router(client)
    routed(client, "video", {"promptText": "x" * 2000})
    pipeline = log(client, rid)[0]["pipeline"]
    capable, fitting = pipeline[0]["models"], pipeline[1]["models"]
    assert "gen4.5" in capable and "gen4.5" not in fitting and fitting
    assert pipeline[-1]["type"] == "rank"


@pytest.mark.parametrize(("modality", "inp", "endpoint"), [
    ("video", {"referenceImages": [{"uri": "https://example.com/a.png", "role": "first"}]},
     "image_to_video"),
    ("video", {"referenceVideos": [{"uri": "https://example.com/a.mp4", "role": "source"}]},
     "video_to_video"),
    ("video", {"promptText": "x"}, "text_to_video"),
    ("audio", {"type": "audio", "promptText": "rain", "duration": 4}, "sound_effect"),
    ("audio", {"type": "speech", "promptText": "hi",
               "voice": {"type": "preset", "presetId": "Maya"}}, "text_to_speech"),
])
def test_inputs_choose_the_endpoint(app, client, modality, inp, endpoint) -> None:
    """The routed input decides the task endpoint (image, video, text, sound, speech)."""
    router(client)
    body = routed(client, modality, inp)
    task = runtime_of(app).store.get(tenant_of(API_KEY), tasks.KIND, body["id"])
    assert task["endpoint"] == endpoint


def test_audio_voice_resolution(client) -> None:
    """Speech routing resolves the voice as preset, default or reference-audio; sfx has none."""
    rid = router(client)
    preset = routed(client, "audio", {"type": "speech", "promptText": "hi",
                                      "voice": {"type": "preset", "presetId": "Rachel"}})
    assert preset["routing"]["resolvedInput"] == {"type": "speech", "voice": "preset"}
    default = routed(client, "audio", {"type": "speech", "promptText": "hi"})
    assert default["routing"]["resolvedInput"]["voice"] == "default"
    clone = routed(client, "audio", {"type": "speech", "promptText": "hi", "voice": {
        "type": "reference-audio", "audioUri": "https://example.com/me.mp3"}})
    assert clone["routing"]["resolvedInput"]["voice"] == "reference-audio"
    assert log(client, rid)[0]["reasonCode"] in ("only_eligible_model", "lowest_cost")
    sfx = routed(client, "audio", {"type": "audio", "promptText": "thunder"})
    assert sfx["routing"]["resolvedInput"] == {"type": "audio", "voice": "none"}


def test_image_output_count_and_geometry(client) -> None:
    """Ten images at 4:5 route to gpt_image_2 with a ratio close to 4:5."""
    router(client)
    body = routed(client, "image", {"promptText": "x", "outputCount": 10, "aspectRatio": "4:5"})
    assert body["routing"]["model"].startswith("gpt_image_2")
    resolved = body["routing"]["resolvedInput"]
    assert resolved["aspectRatio"] == "4:5"
    w, h = (int(v) for v in resolved["ratio"].split(":"))
    assert abs(w / h - 0.8) < 0.05


def test_capacity_fallback_skips_a_model_at_its_concurrency_limit(client) -> None:
    """With onCapacity fallback a busy model is skipped and reported; without, it queues."""
    router(client, "queue")
    router(client, "spill", {"fallback": {"onCapacity": True}})
    first = routed(client, "video", {"promptText": "x"}, "queue")["routing"]
    queued = routed(client, "video", {"promptText": "x"}, "queue")["routing"]
    assert queued["model"] == first["model"] and "capacityFallback" not in queued
    spilled = routed(client, "video", {"promptText": "x"}, "spill")["routing"]
    assert spilled["model"] != first["model"]
    assert spilled["capacityFallback"] == {"skipped": [first["model"]], "allExhausted": False}


def test_capacity_fallback_with_every_model_busy_uses_the_best(client) -> None:
    """With every allowed model busy the fallback keeps the best and says allExhausted."""
    allow = {"mode": "allowlist_only", "ids": ["veo3.1"]}
    router(client, "one", {"fallback": {"onCapacity": True}, "models": allow})
    first = routed(client, "video", {"promptText": "x"}, "one")["routing"]
    assert first["capacityFallback"] == {"skipped": [], "allExhausted": False}
    second = routed(client, "video", {"promptText": "x"}, "one")["routing"]
    assert second["model"] == "veo3.1"
    assert second["capacityFallback"] == {"skipped": [], "allExhausted": True}


def test_unknown_or_deleted_router_is_404(client) -> None:
    """An unknown, deleted or other tenant's router is a 404 router_config_not_found."""
    resp = generate(client, "image", {"promptText": "x"}, "nope")
    assert resp.status_code == 404
    assert resp.get_json() == {"error": resp.get_json()["error"],
                               "code": "router_config_not_found",
                               "docUrl": "https://docs.dev.runwayml.com/api"}
    rid = router(client, "gone")
    client.delete(f"/v1/routers/{rid}", headers=auth())
    assert generate(client, "image", {"promptText": "x"}, "gone").status_code == 404
    router(client, "mine")
    assert generate(client, "image", {"promptText": "x"}, "mine", key=OTHER_KEY).status_code \
        == 404


@pytest.mark.parametrize(("modality", "body", "path"), [
    ("video", {"configId": "main", "input": {"aspectRatio": "2:1"}}, ["input", "aspectRatio"]),
    ("video", {"configId": "main", "input": {"referenceImages": [
        {"uri": "https://example.com/a.png", "role": "first"},
        {"uri": "https://example.com/b.png", "role": "first"}]}}, ["input", "referenceImages"]),
    ("video", {"configId": "main", "input": {"keyframes": [
        {"uri": "https://example.com/a.png", "seconds": 1}]}}, ["input", "keyframes"]),
    ("image", {"configId": "main", "input": {}}, ["input", "promptText"]),
    ("image", {"configId": "main", "input": {"promptText": "x", "outputCount": 11}},
     ["input", "outputCount"]),
    ("audio", {"configId": "main", "input": {"promptText": "x"}}, ["input", "type"]),
    ("image", {"configId": "main"}, ["input"]),
    ("image", {"configId": "Main", "input": {"promptText": "x"}}, ["configId"]),
    ("image", {"configId": "main", "input": {"promptText": "x",
                                             "referenceImages": [{"uri": "runway://x/y.png"}]}},
     ["input", "referenceImages", 0, "uri"]),
])
def test_invalid_requests_are_400_and_logged(client, modality, body, path) -> None:
    """Invalid generate bodies are 400s naming the path and logged as invalid_request."""
    rid = router(client)
    resp = client.post(f"/v1/generate/{modality}", json=body, headers=auth())
    assert resp.status_code == 400
    assert resp.get_json()["issues"][0]["path"] == path
    if body.get("configId") == "main":
        assert log(client, rid)[0]["status"] == "invalid_request"


def test_task_creation_errors_are_logged(clock) -> None:
    """A routed create refused for credits is a 400 logged as error with no task."""
    app = create_app({"seed": 2, "initial_credits": 0}, clock=clock)
    client = app.test_client()
    rid = router(client)
    resp = generate(client, "video", {"promptText": "x"})
    assert resp.status_code == 400 and "credits" in resp.get_json()["error"]
    entry = log(client, rid)[0]
    assert entry["status"] == "error" and entry["model"] and entry["taskId"] is None


def test_request_log_is_newest_first_and_paginated(client) -> None:
    """The request log lists newest first with details, pages, and is per tenant."""
    rid = router(client)
    made = [routed(client, "image", {"promptText": f"p{i}"})["id"] for i in range(4)]
    generate(client, "image", {"promptText": "x", "outputCount": 99})
    entries = log(client, rid)
    assert [e["status"] for e in entries] == ["invalid_request"] + ["routed"] * 4
    assert [e["taskId"] for e in entries[1:]] == made[::-1]
    first = entries[1]
    assert first["provider"] and first["reason"] and first["estimatedCredits"] > 0
    assert first["requestId"] != first["id"]
    page = client.get(f"/v1/routers/{rid}/requests?limit=2", headers=auth()).get_json()
    assert len(page["data"]) == 2 and page["hasMore"]
    assert client.get(f"/v1/routers/{rid}/requests", headers=auth(OTHER_KEY)).status_code == 404
