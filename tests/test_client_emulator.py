"""The client against the emulator in-process (WSGI adapter), one test per resource.

A resource the emulator does not serve yet is skipped with a reason naming its path;
``test_client_covers_every_operation_the_emulator_serves`` keeps the two in step.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from runway_mock import create_app
from runway_mock.client import (
    OPERATIONS,
    AuthenticationError,
    BadRequestError,
    NewTask,
    NotFoundError,
    OutputExpiredError,
    Page,
    PendingTask,
    RunwayClient,
    SucceededTask,
)
from runway_mock.client.testing import wsgi_session
from runway_mock.clock import fake_clock
from runway_mock.http.routes import api_operations

IMG = "https://example.com/a.jpg"
VID = "https://example.com/in.mp4"
AUD = "https://example.com/speech.mp3"
# Emulator routes that no SDK method calls (the client reaches them with ``request``).
NOT_IN_SDK = {("POST", "/v1/realtime_sessions/{}/consume")}


class Recorder:
    """WSGI middleware noting (method, path, Authorization) of every request."""

    def __init__(self, app):
        self.app = app
        self.seen: list[tuple[str, str, str | None]] = []

    def __call__(self, environ, start_response):
        self.seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"],
                          environ.get("HTTP_AUTHORIZATION")))
        return self.app(environ, start_response)


class Env:
    """An emulator app on a fake clock and a client wired to it."""

    def __init__(self, key="key-client-a"):
        self.clock = fake_clock()
        self.app = create_app({"seed": 5}, clock=self.clock)
        self.recorder = Recorder(self.app)
        self.client = self.make_client(key)
        self.served = {(m, re.sub(r"{\w+}", "{}", p)) for m, p in api_operations(self.app)}

    def make_client(self, key):
        return RunwayClient(key, base_url="http://runway.test",
                            session=wsgi_session(self.recorder), sleep=self.clock.advance,
                            monotonic=self.clock.now, seed=1)

    def need(self, method, path):
        """Skip the test unless the emulator serves ``method path`` (params as {})."""
        if (method, path) not in self.served:
            pytest.skip(f"the emulator does not serve {method} {path} yet")

    def policy(self, **body):
        r = self.app.test_client().post("/_mock/policies", json={"key": "*", **body})
        assert r.status_code == 200, r.json


@pytest.fixture
def env():
    return Env()


def _norm(path):
    return re.sub(r"{\w+}", "{}", path)


def test_client_covers_every_operation_the_emulator_serves(env):
    """The client has a method for each of the emulator's 66 operations but the non-SDK ones."""
    ours = {(op.method, _norm(op.path)) for op in OPERATIONS}
    assert len(ours) == len(OPERATIONS) == 66
    missing = env.served - ours - NOT_IN_SDK
    assert not missing, f"the client has no method for {sorted(missing)}"


def test_every_served_operation_is_called_in_this_module(env):
    """A static check: each served operation appears as a call in these tests."""
    from pathlib import Path

    source = Path(__file__).read_text()
    for op in OPERATIONS:
        if (op.method, _norm(op.path)) not in env.served:
            continue
        if op.returns in (NewTask,) and op.resource != "uploads":
            key = op.resource if op.name == "create" else op.qualname
            if key in TASK_CASES:
                continue
        call = f"{op.resource.rsplit('.', 1)[-1]}.{op.name}("
        special = {"uploads.create_ephemeral": "client.upload("}
        assert call in source or special.get(op.qualname, "\0") in source, op.qualname


def test_names_match_the_official_sdk():
    """Every client operation exists, callable, under the same name in the official SDK."""
    runwayml = pytest.importorskip("runwayml")
    sdk = runwayml.RunwayML(api_key="key-x", base_url="http://runway.test")
    for op in OPERATIONS:
        node = sdk
        for part in op.resource.split("."):
            node = getattr(node, part)
        assert callable(getattr(node, op.name)), op.qualname
    sdk.close()


# -- tasks -----------------------------------------------------------------------------------

TASK_CASES = {
    "image_to_video": {"model": "gen4_turbo", "prompt_image": IMG, "ratio": "1280:720",
                       "duration": 5},
    "text_to_video": {"model": "veo3.1", "prompt_text": "a forest", "ratio": "1280:720",
                      "duration": 4},
    "video_to_video": {"model": "aleph2", "video_uri": VID, "prompt_text": "make it snow"},
    "text_to_image": {"model": "gen4_image", "prompt_text": "a red fox", "ratio": "1920:1080"},
    "character_performance": {"model": "act_two", "character": {"type": "image", "uri": IMG},
                              "reference": {"type": "video", "uri": VID}},
    "text_to_speech": {"model": "eleven_multilingual_v2", "prompt_text": "Hello there",
                       "voice": {"type": "runway-preset", "presetId": "Maya"}},
    "sound_effect": {"model": "eleven_text_to_sound_v2", "prompt_text": "thunder",
                     "duration": 3},
    "voice_isolation": {"model": "eleven_voice_isolation", "audio_uri": AUD},
    "voice_dubbing": {"model": "eleven_voice_dubbing", "audio_uri": AUD, "target_lang": "fr"},
    "speech_to_speech": {"model": "eleven_multilingual_sts_v2",
                         "media": {"type": "audio", "uri": AUD},
                         "voice": {"type": "runway-preset", "presetId": "Maya"}},
    "image_upscale": {"model": "magnific_precision_upscaler_v2", "image_uri": IMG},
    "video_upscale": {"model": "magnific_video_upscaler_creative", "video_uri": VID},
    "video_to_hdr": {"model": "ruby", "video_uri": VID},
    "video_to_audio": {"model": "mirelo_sfx_2_0", "video_uri": VID, "duration": 4.0},
    "avatar_videos": {"model": "gwm1_avatars",
                      "avatar": {"type": "runway-preset", "presetId": "game-character"},
                      "speech": {"type": "text", "text": "Hello there"}},
    "recipes.ad_localization": {"version": "2026-06", "reference_image": {"uri": IMG},
                                "target_language": "fr"},
    "recipes.marketing_stock_image": {"version": "2026-06", "prompt": "a cup on a desk"},
    "recipes.multi_shot_video": {"version": "2026-06", "mode": "auto",
                                 "prompt": "a day at the beach"},
    "recipes.product_ad": {"version": "2026-06", "product_images": [{"uri": IMG}]},
    "recipes.product_campaign_image": {"version": "2026-06", "image": {"uri": IMG},
                                       "prompt": "summer sale"},
    "recipes.product_swap": {"version": "2026-06", "new_product_images": [{"uri": IMG}],
                             "original_product_image": {"uri": IMG},
                             "reference_video": {"uri": VID}},
    "recipes.product_ugc": {"version": "2026-06", "character_image": {"uri": IMG},
                            "product_image": {"uri": IMG}},
}


def _method(client, dotted):
    *resource, name = dotted.split(".")
    node = client
    for part in resource or [name]:
        node = getattr(node, part)
    return getattr(node, "create" if not resource else name)


def test_every_task_endpoint_has_a_case():
    """Every task-creating endpoint but generate.* has a case in TASK_CASES."""
    from runway_mock.client.operations import TASK_CREATORS

    assert set(TASK_CREATORS) - {"generate.video", "generate.image", "generate.audio"} == set(
        TASK_CASES)


@pytest.mark.parametrize("endpoint", sorted(TASK_CASES))
def test_task_endpoint_lifecycle(env, endpoint):
    """Each task endpoint creates, retrieves and waits to SUCCEEDED with outputs and cost."""
    path = "/v1/" + endpoint.replace(".", "/")
    env.need("POST", path)
    created = _method(env.client, endpoint)(**TASK_CASES[endpoint])
    assert isinstance(created, NewTask)
    if endpoint != "avatar_videos":  # the one task endpoint that answers only {id}
        assert created.estimated_cost.credits >= 0
    seen = env.client.tasks.retrieve(created.id)
    assert seen.id == created.id
    done = created.wait(poll_interval=5, timeout=3600)
    assert isinstance(done, SucceededTask)
    assert done.output and all(u.startswith("http://runway.test/") for u in done.output)
    assert isinstance(done.cost.credits, int)


def test_task_shapes_and_delete(env):
    """A new task reads back PENDING with createdAt and cost; deleted it is NotFoundError twice."""
    created = env.client.image_to_video.create(**TASK_CASES["image_to_video"])
    task = env.client.tasks.retrieve(created.id)
    assert isinstance(task, PendingTask)
    assert task.created_at == "2026-01-01T00:00:00.000Z"
    assert task.estimated_cost.credits == 25
    assert env.client.tasks.delete(created.id) is None
    with pytest.raises(NotFoundError):
        env.client.tasks.retrieve(created.id)
    with pytest.raises(NotFoundError):
        env.client.tasks.delete(created.id)


def test_validation_errors_come_back_with_issues(env):
    """A 400 from the emulator becomes BadRequestError carrying the issue paths."""
    with pytest.raises(BadRequestError) as info:
        env.client.image_to_video.create(model="gen4_turbo", prompt_image=IMG, ratio="1:1")
    paths = [issue["path"] for issue in info.value.issues]
    assert ["ratio"] in paths
    assert "ratio" in info.value.message or "ratio" in str(info.value.issues)


def test_a_wrong_key_shape_is_a_clear_error(env):
    """An empty bearer token gives AuthenticationError mentioning the API key."""
    client = env.make_client("key-client-a")
    client.api_key = " "  # the emulator sees an empty bearer token
    with pytest.raises(AuthenticationError, match="API key"):
        client.organization.retrieve()


# -- outputs ------------------------------------------------------------------------------------

def test_download_streams_the_output_without_the_api_key(env, tmp_path):
    """download writes the output to a file or folder, leaves no .part, sends no key."""
    created = env.client.text_to_image.create(**TASK_CASES["text_to_image"])
    done = env.client.wait_for_task(created.id)
    target = env.client.download(done.output[0], tmp_path / "fox.png")
    assert target == tmp_path / "fox.png"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob("*.part"))
    into_dir = env.client.download(done.output[0], tmp_path)
    assert into_dir.parent == tmp_path and into_dir.suffix == ".png"
    fetches = [s for s in env.recorder.seen if s[1].startswith("/_artifacts/")]
    assert fetches and all(auth is None for _, _, auth in fetches)


def test_an_expired_output_link_is_a_clear_error(env, tmp_path):
    """An expired output link raises OutputExpiredError (403) and writes nothing."""
    created = env.client.text_to_image.create(**TASK_CASES["text_to_image"])
    url = env.client.wait_for_task(created.id).output[0]
    env.clock.advance(3 * 24 * 3600)
    with pytest.raises(OutputExpiredError, match="expired") as info:
        env.client.download(url, tmp_path / "late.png")
    assert info.value.status_code == 403
    assert not (tmp_path / "late.png").exists()
    fresh = env.client.tasks.retrieve(created.id).output[0]
    assert env.client.download(fresh, tmp_path / "fresh.png").stat().st_size > 0


# -- uploads ------------------------------------------------------------------------------------

def test_upload_two_steps_and_use_the_uri(env, tmp_path):
    """upload gets a slot with the key, posts the form without it, and the URI feeds a task."""
    env.need("POST", "/v1/uploads")
    photo = tmp_path / "portrait.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(4096))
    uri = env.client.upload(photo)
    assert uri.startswith("runway://")
    slot_calls = [s for s in env.recorder.seen if s[1] == "/v1/uploads"]
    assert len(slot_calls) == 1 and slot_calls[0][0] == "POST" and slot_calls[0][2]
    form_posts = [s for s in env.recorder.seen if s[0] == "POST" and not s[1].startswith("/v1/")]
    assert len(form_posts) == 1
    assert form_posts[0][2] is None  # storage gets no Authorization header
    created = env.client.image_to_video.create(model="gen4_turbo", prompt_image=uri,
                                               ratio="1280:720", duration=5)
    assert env.client.wait_for_task(created.id).status == "SUCCEEDED"
    upload = env.client.uploads.create_ephemeral(b"RIFF" + bytes(2048), filename="clip.wav",
                                                 metadata={"source": "test"})
    assert upload.uri.startswith("runway://")


# -- organization -------------------------------------------------------------------------------

def test_organization_and_usage(env):
    """The organization shows the spend and daily count of a task; usage reports the model."""
    before = env.client.organization.retrieve()
    assert before.credit_balance > 0
    assert before.tier.max_monthly_credit_spend > 0
    created = env.client.image_to_video.create(**TASK_CASES["image_to_video"])
    env.client.wait_for_task(created.id)
    after = env.client.organization.retrieve()
    assert after.credit_balance == before.credit_balance - 25
    assert after.usage.models["gen4_turbo"].daily_generations == 1
    env.need("POST", "/v1/organization/usage")
    report = env.client.organization.retrieve_usage(start_date=date(2025, 12, 20))
    assert "gen4_turbo" in report.models
    assert any(u.model == "gen4_turbo" for day in report.results for u in day.used_credits)


def test_webapp_usage_and_audit_logs(env):
    """Webapp usage and audit logs list as pages; an unknown event is NotFoundError."""
    env.need("GET", "/v1/organization/webapp/usage")
    page = env.client.organization.webapp.list_usage(limit=5, from_="2025-12-01",
                                                     to="2026-01-02")
    assert isinstance(page, Page)
    assert isinstance(page.data, list)
    query_paths = [s for s in env.recorder.seen if s[1] == "/v1/organization/webapp/usage"]
    assert query_paths
    env.need("GET", "/v1/organization/webapp/audit_logs")
    logs = env.client.organization.webapp.audit_logs.list(limit=5)
    assert isinstance(logs.data, list)
    if logs.data:
        entry = env.client.organization.webapp.audit_logs.retrieve(logs.data[0].event_id)
        assert entry.event_id == logs.data[0].event_id
    with pytest.raises(NotFoundError):
        env.client.organization.webapp.audit_logs.retrieve("no-such-event")


# -- CRUD resources -------------------------------------------------------------------------------

def test_documents_crud_and_pagination(env):
    """Documents create, read, update, list across pages and delete through the client."""
    env.need("POST", "/v1/documents")
    docs = [env.client.documents.create(name=f"doc {i}", content=f"# Fact {i}\nText.")
            for i in range(5)]
    first = env.client.documents.retrieve(docs[0].id)
    assert first.name == "doc 0" and "Fact 0" in first.content
    assert env.client.documents.update(docs[0].id, name="renamed") is None
    assert env.client.documents.retrieve(docs[0].id).name == "renamed"
    page = env.client.documents.list(limit=2)
    assert len(page.data) == 2 and page.has_more and page.next_cursor
    assert sorted(d.id for d in page) == sorted(d.id for d in docs)  # walks every page
    assert len(list(page.iter_pages())) == 3
    env.client.documents.delete(docs[1].id)
    with pytest.raises(NotFoundError):
        env.client.documents.retrieve(docs[1].id)


def test_voices_crud_and_preview(env):
    """Voices create, read, update, list, preview and delete through the client."""
    env.need("POST", "/v1/voices")
    created = env.client.voices.create(
        name="Narrator", from_={"type": "text", "model": "eleven_multilingual_ttv_v2",
                                "prompt": "A warm, calm narrator with a slight rasp."})
    voice = env.client.voices.retrieve(created.id)
    assert voice.name == "Narrator" and voice.status in ("PROCESSING", "READY", "FAILED")
    updated = env.client.voices.update(created.id, description="for documentaries")
    assert updated.description == "for documentaries"
    assert created.id in [v.id for v in env.client.voices.list(limit=10)]
    preview = env.client.voices.preview(prompt="A bright, cheerful young voice, clear.",
                                        model="eleven_multilingual_ttv_v2")
    assert preview.url and preview.duration_secs > 0
    env.client.voices.delete(created.id)
    with pytest.raises(NotFoundError):
        env.client.voices.retrieve(created.id)


def test_avatars_crud_and_usage(env):
    """Avatars create, read, update, list, report usage and delete through the client."""
    env.need("POST", "/v1/avatars")
    avatar = env.client.avatars.create(
        name="Guide", personality="A friendly museum guide.", reference_image=IMG,
        voice={"type": "runway-live-preset", "presetId": "victoria"})
    assert avatar.name == "Guide" and avatar.voice.preset_id == "victoria"
    assert env.client.avatars.retrieve(avatar.id).id == avatar.id
    assert env.client.avatars.update(avatar.id, name="Curator").name == "Curator"
    assert avatar.id in [a.id for a in env.client.avatars.list(limit=10)]
    env.need("GET", "/v1/avatar_usage")
    usage = env.client.avatars.get_usage(start_date="2025-12-01T00:00:00Z",
                                         end_date="2026-01-02T00:00:00Z")
    assert usage.total_sessions >= 0
    env.client.avatars.delete(avatar.id)
    with pytest.raises(NotFoundError):
        env.client.avatars.retrieve(avatar.id)


def test_realtime_sessions_and_conversations(env):
    """A realtime session becomes READY, is consumed with its key and shows as a conversation."""
    env.need("POST", "/v1/realtime_sessions")
    session = env.client.realtime_sessions.create(
        model="gwm1_avatars", avatar={"type": "runway-preset", "presetId": "game-character"})
    seen = env.client.realtime_sessions.retrieve(session.id)
    assert seen.id == session.id and seen.status == "NOT_READY"
    for _ in range(100):
        env.clock.advance(1)
        seen = env.client.realtime_sessions.retrieve(session.id)
        if seen.status != "NOT_READY":
            break
    assert seen.status == "READY" and seen.session_key
    # The call starts with /consume, outside the SDK, authenticated by the session key.
    caller = env.make_client(seen.session_key)
    call = caller.request("POST", f"/v1/realtime_sessions/{session.id}/consume", body={})
    assert call["roomName"] and call["token"]
    env.need("GET", "/v1/avatar_conversations")
    conversations = env.client.avatar_conversations.list(limit=10)
    assert [c.id for c in conversations] == [session.id]
    detail = env.client.avatar_conversations.retrieve(session.id)
    assert detail.id == session.id and detail.status in ("in_progress", "ended", "failed")
    assert env.client.avatar_conversations.delete(session.id) is None
    with pytest.raises(NotFoundError):
        env.client.avatar_conversations.retrieve(session.id)
    env.client.realtime_sessions.delete(session.id)


def test_routers_and_generate(env):
    """Routers CRUD and generate video/image/audio through a router, logged as its requests."""
    env.need("POST", "/v1/routers")
    router = env.client.routers.create(slug="cheap-video", name="Cheap video")
    assert router.slug == "cheap-video" and router.version >= 1
    assert env.client.routers.retrieve(router.id).slug == "cheap-video"
    assert env.client.routers.update(router.id, description="for drafts").description \
        == "for drafts"
    assert router.id in [r.id for r in env.client.routers.list(limit=10)]
    env.need("POST", "/v1/generate/video")
    routed = env.client.generate.video.create(config_id="cheap-video",
                                              input={"promptText": "waves at dusk"})
    assert routed.routing.model
    assert env.client.wait_for_task(routed.id).status == "SUCCEEDED"
    image = env.client.generate.image.create(config_id="cheap-video",
                                             input={"promptText": "a lighthouse"})
    assert image.routing.model
    audio = env.client.generate.audio.create(config_id="cheap-video",
                                             input={"type": "audio", "promptText": "rain"})
    assert audio.routing.model
    requests_page = env.client.routers.list_requests(router.id, limit=10)
    assert len(requests_page.data) >= 3
    env.client.routers.delete(router.id)
    with pytest.raises(NotFoundError):
        env.client.routers.retrieve(router.id)


def test_workflows_and_invocations(env):
    """A listed workflow retrieves, runs and its invocation waits to SUCCEEDED."""
    env.need("GET", "/v1/workflows")
    listing = env.client.workflows.list()
    assert isinstance(listing.data, list)
    if not listing.data:
        pytest.skip("the emulator has no workflows to run")
    version = listing.data[0].versions[0]
    workflow = env.client.workflows.retrieve(version.id)
    assert workflow.id == version.id and workflow.graph.nodes is not None
    run = env.client.workflows.run(version.id)
    done = env.client.wait_for_invocation(run.id, timeout=3600)
    assert done.status == "SUCCEEDED"
    assert env.client.workflow_invocations.retrieve(run.id).id == run.id
    with pytest.raises(NotFoundError):
        env.client.workflows.retrieve("00000000-0000-4000-8000-000000000000")
