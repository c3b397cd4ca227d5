"""The official runwayml SDK (5.24.0, strict response validation) against the resource endpoints.

A live emulator on a free port with a fake clock: the test moves emulator time, the
SDK sees avatars, voices and sessions progress. Every response must parse in strict
mode; auto-paginating iterators must walk every page; deleted ids raise NotFoundError.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests

runwayml = pytest.importorskip("runwayml")

from runway_mock import create_app  # noqa: E402
from runway_mock.clock import fake_clock  # noqa: E402
from runway_mock.testing import serve  # noqa: E402


def live(app):
    """Serve ``app`` on a free loopback port (the shared test server helper)."""
    return serve(app, threads=4)


def sdk(url: str, key: str = "key_sdk_resources"):
    """A strict SDK client with no retries."""
    return runwayml.RunwayML(api_key=key, base_url=url, _strict_response_validation=True,
                             max_retries=0)


@pytest.fixture(scope="module")
def env():
    clock = fake_clock()
    app = create_app({"seed": 11}, clock=clock)
    with live(app) as url:
        client = sdk(url)
        yield client, clock, url
        client.close()


def test_documents_round_trip_and_iterator(env) -> None:
    """SDK documents create, page with a cursor, iterate, update, sort by updatedAt and delete."""
    client, _, _ = env
    made = [client.documents.create(name=f"Doc {i}", content=f"# Notes {i}") for i in range(5)]
    assert made[0].content == "# Notes 0" and made[0].used_by == []
    page = client.documents.list(limit=2, sort="createdAt", order="asc")
    assert len(page.data) == 2 and page.next_cursor
    walked = [d.id for d in client.documents.list(limit=2, sort="createdAt", order="asc")]
    assert walked[-5:] == [d.id for d in made]
    client.documents.update(made[1].id, content="changed")
    assert client.documents.retrieve(made[1].id).content == "changed"
    newest = client.documents.list(limit=1, sort="updatedAt", order="desc").data[0]
    assert newest.id == made[1].id
    client.documents.delete(made[1].id)
    with pytest.raises(runwayml.NotFoundError):
        client.documents.retrieve(made[1].id)
    with pytest.raises(runwayml.NotFoundError):
        client.documents.delete(made[1].id)


def test_voices_and_avatars_progress_with_emulator_time(env) -> None:
    """SDK voices and avatars turn READY with emulator time, serve media and track usage."""
    client, clock, _ = env
    voice = client.voices.create(name="Narrator", description="deep",
                                 from_={"type": "text", "model": "eleven_ttv_v3",
                                        "prompt": "A calm, deep narrator with a warm tone."})
    assert client.voices.retrieve(voice.id).status == "PROCESSING"
    doc = client.documents.create(name="Facts", content="Facts about the product.")
    avatar = client.avatars.create(name="Guide", personality="Helpful guide.",
                                   reference_image="https://example.com/face.png",
                                   voice={"type": "custom", "id": voice.id},
                                   document_ids=[doc.id], start_script="Hi!")
    assert avatar.status == "PROCESSING" and avatar.document_ids == [doc.id]
    clock.advance(120)
    ready = client.voices.retrieve(voice.id)
    assert ready.status == "READY"
    audio = requests.get(ready.preview_url, timeout=10)
    assert audio.status_code == 200 and audio.headers["Content-Type"] == "audio/mpeg"
    got = client.avatars.retrieve(avatar.id)
    assert got.status == "READY" and got.voice.type == "custom" and got.voice.name == "Narrator"
    assert requests.get(got.processed_image_uri, timeout=10).headers["Content-Type"] == \
        "image/png"
    assert [u.id for u in client.documents.retrieve(doc.id).used_by] == [avatar.id]
    updated = client.avatars.update(avatar.id, name="Guide 2", start_script=None)
    assert updated.name == "Guide 2" and updated.start_script is None
    renamed = client.voices.update(voice.id, name="Narrator 2")
    assert renamed.name == "Narrator 2"
    preview = client.voices.preview(model="eleven_multilingual_ttv_v2",
                                    prompt="A bright, quick voice for adverts.")
    assert preview.duration_secs > 0
    assert requests.get(preview.url, timeout=10).status_code == 200
    assert avatar.id in [a.id for a in client.avatars.list(limit=1)]
    assert voice.id in [v.id for v in client.voices.list(limit=1)]
    client.voices.delete(voice.id)
    assert client.avatars.retrieve(avatar.id).voice.deleted is True
    with pytest.raises(runwayml.NotFoundError):
        client.voices.retrieve(voice.id)
    client.avatars.delete(avatar.id)
    with pytest.raises(runwayml.NotFoundError):
        client.avatars.retrieve(avatar.id)


def test_realtime_session_conversation_and_usage(env) -> None:
    """An SDK realtime session is consumed, completes, and shows as a conversation and in usage."""
    client, clock, url = env
    session = client.realtime_sessions.create(
        model="gwm1_avatars", avatar={"type": "runway-preset", "preset_id": "influencer"},
        max_duration=60, tools=[{"type": "client_event", "name": "show_card",
                                 "description": "Show a product card"}])
    assert client.realtime_sessions.retrieve(session.id).status == "NOT_READY"
    clock.advance(5)
    ready = client.realtime_sessions.retrieve(session.id)
    assert ready.status == "READY" and ready.session_key
    call = requests.post(f"{url}/v1/realtime_sessions/{session.id}/consume", json={},
                         headers={"Authorization": f"Bearer {ready.session_key}"}, timeout=10)
    assert call.status_code == 200 and set(call.json()) == {"url", "token", "roomName"}
    assert client.realtime_sessions.retrieve(session.id).status == "RUNNING"
    listed = [c for c in client.avatar_conversations.list(limit=5) if c.id == session.id]
    assert listed and listed[0].status == "in_progress" and listed[0].has_tools
    live_call = client.avatar_conversations.retrieve(session.id)
    assert live_call.status == "in_progress" and live_call.tools[0].name == "show_card"
    clock.advance(120)
    done = client.realtime_sessions.retrieve(session.id)
    assert done.status == "COMPLETED" and 0 < done.duration <= 60
    conversation = client.avatar_conversations.retrieve(session.id)
    assert conversation.status == "ended" and conversation.transcript
    assert conversation.recording_url
    now = datetime.fromtimestamp(clock.now(), tz=timezone.utc)
    report = client.avatars.get_usage(start_date=now - timedelta(days=1),
                                      end_date=now + timedelta(hours=1))
    assert report.total_sessions >= 1 and report.total_seconds >= done.duration
    client.avatar_conversations.delete(session.id)
    with pytest.raises(runwayml.NotFoundError):
        client.avatar_conversations.retrieve(session.id)
    other = client.realtime_sessions.create(model="gwm1_avatars",
                                            avatar={"type": "runway-preset",
                                                    "preset_id": "cat-character"})
    client.realtime_sessions.delete(other.id)
    assert client.realtime_sessions.retrieve(other.id).status == "CANCELLED"


def test_routers_generate_and_request_log(env) -> None:
    """SDK routers version settings changes, generate all modalities and log each request."""
    client, _, _ = env
    router = client.routers.create(slug="sdk-video", name="SDK video",
                                   settings={"optimize_for": "latency"})
    assert router.version == 1 and router.settings.schema_version == 1
    same = client.routers.update(router.id, settings={"optimize_for": "latency"})
    assert same.version == 1
    bumped = client.routers.update(router.id, settings={"max_credits_per_generation":
                                                        {"video": 500}})
    assert bumped.version == 2 and bumped.settings.optimize_for == "latency"
    video = client.generate.video.create(config_id="sdk-video",
                                         input={"prompt_text": "a lighthouse at dusk",
                                                "duration": 5, "aspect_ratio": "16:9"})
    assert video.routing.resolved_settings.optimize_for == "latency"
    assert video.routing.resolved_input.duration == 5
    assert client.tasks.retrieve(video.id).id == video.id
    image = client.generate.image.create(config_id="sdk-video",
                                         input={"prompt_text": "a fox", "output_count": 2})
    audio = client.generate.audio.create(config_id="sdk-video",
                                         input={"type": "speech", "prompt_text": "Hello!",
                                                "voice": {"type": "preset",
                                                          "preset_id": "Maya"}})
    assert audio.routing.resolved_input.voice == "preset"
    log = list(client.routers.list_requests(router.id, limit=1))
    assert [e.task_id for e in log] == [audio.id, image.id, video.id]
    assert all(e.status == "routed" for e in log)
    assert router.id in [r.id for r in client.routers.list(limit=1)]
    with pytest.raises(runwayml.BadRequestError):
        client.generate.video.create(config_id="sdk-video", input={"resolution": "4k",
                                                                   "duration": 30})
    client.routers.delete(router.id)
    with pytest.raises(runwayml.NotFoundError):
        client.routers.retrieve(router.id)
    with pytest.raises(runwayml.NotFoundError):
        client.generate.image.create(config_id="sdk-video", input={"prompt_text": "x"})


def test_workflows_and_organization_reports(env) -> None:
    """SDK workflows run with node outputs to SUCCEEDED; usage and webapp reports answer."""
    client, clock, _ = env
    listed = client.workflows.list()
    assert {w.name for w in listed.data} >= {"Product shot", "Podcast intro", "Storyboard"}
    newest = next(w for w in listed.data if w.name == "Product shot").versions[0]
    workflow = client.workflows.retrieve(newest.id)
    prompt_node = workflow.graph.nodes[0]["id"]
    run = client.workflows.run(newest.id, node_outputs={
        prompt_node: {"text": {"type": "primitive", "value": "a red chair"}}})
    assert client.workflow_invocations.retrieve(run.id).status in ("PENDING", "RUNNING")
    clock.advance(600)
    done = client.workflow_invocations.retrieve(run.id)
    assert done.status == "SUCCEEDED" and done.cost.credits > 0
    for urls in done.output.values():
        assert requests.get(urls[0], timeout=10).status_code == 200
    today = datetime.fromtimestamp(clock.now(), tz=timezone.utc).date()
    report = client.organization.retrieve_usage(start_date=today - timedelta(days=2),
                                                before_date=today + timedelta(days=1))
    assert "gen4_turbo" in report.models
    assert client.organization.webapp.list_usage(limit=5, from_="2026-01-01",
                                                 to="2026-01-02").data == []
    assert list(client.organization.webapp.audit_logs.list(limit=5)) == []
    with pytest.raises(runwayml.NotFoundError):
        client.organization.webapp.audit_logs.retrieve("evt_1")
    with pytest.raises(runwayml.NotFoundError):
        client.workflows.retrieve("00000000-0000-4000-8000-000000000000")


def test_other_tenant_sees_nothing(env) -> None:
    """Another tenant's SDK client cannot retrieve or list this tenant's documents."""
    client, _, url = env
    doc = client.documents.create(name="Private", content="secret")
    stranger = sdk(url, key="key_someone_else")
    try:
        with pytest.raises(runwayml.NotFoundError):
            stranger.documents.retrieve(doc.id)
        listed = stranger.documents.list(limit=100, sort="createdAt", order="desc")
        assert doc.id not in [d.id for d in listed]
    finally:
        stranger.close()
