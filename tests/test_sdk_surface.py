"""Every resource method of the official runwayml 5.24.0 SDK, in strict mode, succeeds.

One live emulator on a fake clock; the SDK is unmodified (only its base URL points at
the emulator) with ``_strict_response_validation=True``, so every response must parse
into the SDK's own types. ``test_every_sdk_method_is_exercised`` fails if the SDK
exposes a method this module does not call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
import requests

runwayml = pytest.importorskip("runwayml")
from runway_mock import create_app  # noqa: E402
from runway_mock.clock import fake_clock, iso  # noqa: E402
from runway_mock.testing import serve  # noqa: E402
from runwayml._resource import SyncAPIResource  # noqa: E402

IMG = "https://example.com/still.png"
VID = "https://example.com/clip.mp4"
AUD = "https://example.com/voice.mp3"
CALLED: set[str] = set()


def sdk_methods() -> set[str]:
    """Dotted names of every public resource method the SDK client exposes."""
    found: set[str] = set()

    def walk(obj: Any, prefix: str) -> None:
        for name in dir(type(obj)):
            if name.startswith("_") or name.startswith("with_"):
                continue
            attr = inspect.getattr_static(type(obj), name)
            if isinstance(attr, property) or hasattr(attr, "func"):
                value = getattr(obj, name)
                if isinstance(value, SyncAPIResource):
                    walk(value, f"{prefix}{name}.")
            elif inspect.isfunction(attr):
                found.add(prefix + name)

    client = runwayml.RunwayML(api_key="k", base_url="http://127.0.0.1:9")
    for name in dir(client):
        if not name.startswith("_"):
            value = getattr(client, name, None)
            if isinstance(value, SyncAPIResource):
                walk(value, f"{name}.")
    return found


class Recorder:
    """Wraps the SDK client and records each dotted method called through it."""

    def __init__(self, target: Any, prefix: str = "") -> None:
        self._target = target
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if isinstance(value, SyncAPIResource):
            return Recorder(value, f"{self._prefix}{name}.")
        if callable(value):
            def call(*args: Any, **kwargs: Any) -> Any:
                CALLED.add(self._prefix + name)
                return value(*args, **kwargs)
            return call
        return value


@pytest.fixture(scope="module")
def env():
    clock = fake_clock()
    app = create_app({"seed": 21, "initial_credits": 1_000_000, "tier": 5}, clock=clock)
    with serve(app) as url:
        client = runwayml.RunwayML(api_key="key_surface", base_url=url, max_retries=0,
                                   _strict_response_validation=True)
        yield Recorder(client), clock
        client.close()


def finish(sdk: Any, clock: Any, task_id: str) -> Any:
    """Advance emulator time until the task is terminal; the final task."""
    for _ in range(200):
        task = sdk.tasks.retrieve(task_id)
        if task.status in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return task
        clock.advance(30)
    raise AssertionError(f"task {task_id} never finished")


CREATES: list[tuple[str, Callable[[Any], Any]]] = [
    ("image_to_video.create", lambda s: s.image_to_video.create(
        model="gen4.5", prompt_image=IMG, prompt_text="waves", ratio="1280:720", duration=5)),
    ("text_to_video.create", lambda s: s.text_to_video.create(
        model="veo3.1_fast", prompt_text="a forest", ratio="720:1280", duration=4)),
    ("video_to_video.create", lambda s: s.video_to_video.create(
        model="aleph2", video_uri=VID, prompt_text="make it snow")),
    ("text_to_image.create", lambda s: s.text_to_image.create(
        model="gen4_image_turbo", prompt_text="a fox", ratio="1024:1024",
        reference_images=[{"uri": IMG}])),
    ("character_performance.create", lambda s: s.character_performance.create(
        model="act_two", character={"type": "image", "uri": IMG},
        reference={"type": "video", "uri": VID})),
    ("text_to_speech.create", lambda s: s.text_to_speech.create(
        model="eleven_multilingual_v2", prompt_text="Hello there",
        voice={"type": "runway-preset", "preset_id": "Maya"})),
    ("sound_effect.create", lambda s: s.sound_effect.create(
        model="eleven_text_to_sound_v2", prompt_text="rain on a roof")),
    ("voice_isolation.create", lambda s: s.voice_isolation.create(
        model="eleven_voice_isolation", audio_uri=AUD)),
    ("voice_dubbing.create", lambda s: s.voice_dubbing.create(
        model="eleven_voice_dubbing", audio_uri=AUD, target_lang="fr")),
    ("speech_to_speech.create", lambda s: s.speech_to_speech.create(
        model="eleven_multilingual_sts_v2", media={"type": "audio", "uri": AUD},
        voice={"type": "runway-preset", "preset_id": "Bernard"})),
    ("image_upscale.create", lambda s: s.image_upscale.create(
        model="magnific_precision_upscaler_v2", image_uri=IMG, scale_factor=2)),
    ("video_upscale.create", lambda s: s.video_upscale.create(
        model="enhance_frame_rate", video_uri=VID, target_framerate="60")),
    ("video_to_hdr.create", lambda s: s.video_to_hdr.create(model="ruby", video_uri=VID)),
    ("video_to_audio.create", lambda s: s.video_to_audio.create(
        model="mirelo_sfx_2_0", video_uri=VID, duration=4.0)),
    ("avatar_videos.create", lambda s: s.avatar_videos.create(
        model="gwm1_avatars", avatar={"type": "runway-preset", "preset_id": "cat-character"},
        speech={"type": "text", "text": "Hello!"})),
    ("recipes.ad_localization", lambda s: s.recipes.ad_localization(
        version="2026-06", reference_image={"uri": IMG}, target_language="de")),
    ("recipes.marketing_stock_image", lambda s: s.recipes.marketing_stock_image(
        version="2026-06", prompt="a cosy cafe", output_count=2)),
    ("recipes.multi_shot_video", lambda s: s.recipes.multi_shot_video(
        version="2026-06", mode="auto", prompt="a day at the beach")),
    ("recipes.product_ad", lambda s: s.recipes.product_ad(
        version="2026-06", product_images=[{"uri": IMG}])),
    ("recipes.product_campaign_image", lambda s: s.recipes.product_campaign_image(
        version="2026-06", image={"uri": IMG}, prompt="summer sale")),
    ("recipes.product_swap", lambda s: s.recipes.product_swap(
        version="2026-06", new_product_images=[{"uri": IMG}],
        original_product_image={"uri": IMG}, reference_video={"uri": VID})),
    ("recipes.product_ugc", lambda s: s.recipes.product_ugc(
        version="2026-06", character_image={"uri": IMG}, product_image={"uri": IMG})),
]


@pytest.mark.parametrize("name,call", CREATES, ids=[c[0] for c in CREATES])
def test_task_creates_run_to_success(env, name, call):
    """Each SDK task create parses strictly, runs to SUCCEEDED, and 404s once deleted."""
    sdk, clock = env
    created = call(sdk)
    assert created.id
    if name != "avatar_videos.create":  # Runway returns only {id} there
        assert created.estimated_cost.credits >= 0
    task = finish(sdk, clock, created.id)
    assert task.status == "SUCCEEDED", task
    assert task.output and all(u.startswith("http://127.0.0.1:") for u in task.output)
    sdk.tasks.delete(created.id)
    with pytest.raises(runwayml.NotFoundError):
        sdk.tasks.retrieve(created.id)


def test_uploads_and_organization(env, tmp_path):
    """SDK uploads give a usable runway:// URI; organization and usage show the spend."""
    sdk, clock = env
    path = tmp_path / "frame.png"
    from runway_mock import media

    path.write_bytes(media.render("image", "png", 640, 360, 0, 1)[0])
    uri = sdk.uploads.create_ephemeral(file=path)
    assert uri.uri.startswith("runway://")
    created = sdk.image_to_video.create(model="gen4_turbo", prompt_image=uri.uri,
                                        ratio="1280:720")
    assert created.id
    org = sdk.organization.retrieve()
    assert org.credit_balance < 1_000_000
    from datetime import date, timedelta

    today = date.fromisoformat(iso(clock.now())[:10])
    usage = sdk.organization.retrieve_usage(start_date=today, before_date=today + timedelta(1))
    assert "gen4_turbo" in usage.models
    spent = {u.model: u.amount for r in usage.results for u in r.used_credits}
    assert spent["gen4_turbo"] > 0


def test_documents_avatars_conversations_and_sessions(env):
    """SDK documents, avatars, realtime sessions and conversations all work in strict mode."""
    sdk, clock = env
    base = str(sdk._target.base_url).rstrip("/")
    doc = sdk.documents.create(name="FAQ", content="# Opening hours\nNine to five.")
    assert sdk.documents.retrieve(doc.id).content.startswith("# Opening")
    sdk.documents.update(doc.id, name="FAQ v2")
    assert [d.id for d in sdk.documents.list(limit=10, sort="createdAt", order="desc")] == [doc.id]
    avatar = sdk.avatars.create(name="Ada", personality="Friendly guide.",
                                reference_image=IMG, document_ids=[doc.id],
                                voice={"type": "runway-live-preset", "preset_id": "clara"})
    clock.advance(600)
    assert sdk.avatars.retrieve(avatar.id).status == "READY"
    assert sdk.avatars.update(avatar.id, name="Ada 2").name == "Ada 2"
    assert avatar.id in [a.id for a in sdk.avatars.list(limit=5)]
    session = sdk.realtime_sessions.create(model="gwm1_avatars",
                                           avatar={"type": "custom", "avatar_id": avatar.id})
    clock.advance(60)
    ready = sdk.realtime_sessions.retrieve(session.id)
    assert ready.status == "READY"
    # Joining the call (Runway's /consume handshake, with the session key) starts it.
    joined = requests.post(f"{base}/v1/realtime_sessions/{session.id}/consume", json={},
                           headers={"Authorization": f"Bearer {ready.session_key}",
                                    "X-Runway-Version": "2024-11-06"}, timeout=10)
    assert joined.status_code == 200, joined.text
    clock.advance(3600)
    assert sdk.realtime_sessions.retrieve(session.id).status == "COMPLETED"
    conversations = list(sdk.avatar_conversations.list(limit=5))
    assert conversations
    for conversation in conversations:
        assert sdk.avatar_conversations.retrieve(conversation.id).id == conversation.id
        sdk.avatar_conversations.delete(conversation.id)
    sdk.realtime_sessions.delete(session.id)
    now = clock.now()
    from datetime import datetime, timedelta, timezone

    end = datetime.fromtimestamp(now, tz=timezone.utc) + timedelta(days=1)
    usage = sdk.avatars.get_usage(start_date=end - timedelta(days=7), end_date=end)
    assert usage.total_sessions >= 0
    sdk.avatars.delete(avatar.id)
    sdk.documents.delete(doc.id)
    with pytest.raises(runwayml.NotFoundError):
        sdk.documents.retrieve(doc.id)


def test_voices(env):
    """SDK voices create, become READY, update, list, preview and delete in strict mode."""
    sdk, clock = env
    voice = sdk.voices.create(name="Narrator", from_={
        "type": "text", "prompt": "A warm, calm narrator with a low voice", "model":
        "eleven_multilingual_ttv_v2"})
    clock.advance(600)
    assert sdk.voices.retrieve(voice.id).status == "READY"
    assert sdk.voices.update(voice.id, name="Narrator 2").name == "Narrator 2"
    assert voice.id in [v.id for v in sdk.voices.list(limit=5)]
    preview = sdk.voices.preview(prompt="A bright, cheerful voice for adverts",
                                 model="eleven_multilingual_ttv_v2")
    assert preview.url.startswith("http://127.0.0.1:")
    sdk.voices.delete(voice.id)
    with pytest.raises(runwayml.NotFoundError):
        sdk.voices.retrieve(voice.id)


def test_routers_and_generate(env):
    """SDK routers CRUD and generate video/image/audio through a router, logged as requests."""
    sdk, clock = env
    router = sdk.routers.create(slug="surface-router")
    assert sdk.routers.retrieve(router.id).slug == "surface-router"
    assert sdk.routers.update(router.id, name="Surface").name == "Surface"
    assert router.id in [r.id for r in sdk.routers.list(limit=5)]
    video = sdk.generate.video.create(config_id="surface-router",
                                      input={"prompt_text": "a calm sea"})
    image = sdk.generate.image.create(config_id="surface-router",
                                      input={"prompt_text": "a lighthouse"})
    audio = sdk.generate.audio.create(config_id="surface-router",
                                      input={"type": "audio", "prompt_text": "gulls"})
    for routed in (video, image, audio):
        assert finish(sdk, clock, routed.id).status == "SUCCEEDED"
    assert len(list(sdk.routers.list_requests(router.id, limit=10))) == 3
    sdk.routers.delete(router.id)
    with pytest.raises(runwayml.NotFoundError):
        sdk.routers.retrieve(router.id)


def test_workflows_and_web_workspace(env):
    """SDK workflows run to SUCCEEDED; webapp usage and audit logs answer empty; detail 404s."""
    sdk, clock = env
    workflows = sdk.workflows.list()
    assert workflows.data
    workflow_id = workflows.data[0].versions[0].id
    assert sdk.workflows.retrieve(workflow_id).id == workflow_id
    invocation = sdk.workflows.run(workflow_id)
    clock.advance(3600)
    assert sdk.workflow_invocations.retrieve(invocation.id).status == "SUCCEEDED"
    from datetime import datetime, timedelta, timezone

    now = datetime.fromtimestamp(clock.now(), tz=timezone.utc)
    page = sdk.organization.webapp.list_usage(limit=10, from_=now - timedelta(days=7), to=now)
    assert page.data == []
    assert sdk.organization.webapp.audit_logs.list(limit=10).data == []
    with pytest.raises(runwayml.NotFoundError):
        sdk.organization.webapp.audit_logs.retrieve("00000000-0000-4000-8000-000000000000")


def test_every_sdk_method_is_exercised():
    # Runs last in this module (pytest keeps file order), after every call above.
    """Every one of the SDK's 66 resource methods was called by this module."""
    methods = sdk_methods()
    assert len(methods) == 66
    missing = sorted(methods - CALLED)
    assert not missing, f"SDK methods never called against the emulator: {missing}"
