"""Ids a task request names must exist for the caller: avatars, voices, draft tasks."""

from __future__ import annotations

import pytest

from tests.conftest import OTHER_KEY, auth

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def avatar_video(avatar, voice=None):
    speech = {"type": "text", "text": "Hello"}
    if voice:
        speech["voice"] = voice
    return {"model": "gwm1_avatars", "avatar": avatar, "speech": speech}


@pytest.mark.parametrize("body,path", [
    (avatar_video({"type": "custom", "avatarId": UNKNOWN}), ["avatar", "avatarId"]),
    (avatar_video({"type": "runway-preset", "presetId": "influencer"},
                  {"type": "custom", "id": UNKNOWN}), ["speech", "voice", "id"]),
])
def test_unknown_custom_ids_are_400(client, body, path):
    """An unknown custom avatar or voice id in an avatar video is a 400 naming its path."""
    r = client.post("/v1/avatar_videos", json=body, headers=auth())
    assert r.status_code == 400
    assert [i["path"] for i in r.json["issues"]] == [path]


def test_own_avatar_is_accepted_and_another_tenants_is_not(client, clock):
    """A tenant's own custom avatar is accepted; another tenant using it gets 400."""
    avatar = client.post("/v1/avatars", headers=auth(), json={
        "name": "Ada", "personality": "Kind.", "referenceImage": "https://example.com/a.png",
        "voice": {"type": "runway-live-preset", "presetId": "clara"}}).json
    body = avatar_video({"type": "custom", "avatarId": avatar["id"]})
    assert client.post("/v1/avatar_videos", json=body, headers=auth()).status_code == 200
    assert client.post("/v1/avatar_videos", json=body, headers=auth(OTHER_KEY)).status_code == 400


def test_seedance_draft_must_be_a_succeeded_draft_of_the_caller(client, clock):
    """draftTaskId must be the caller's own succeeded, unexpired seedance2_5 draft."""
    enhance = {"model": "seedance2_5", "draftTaskId": UNKNOWN}
    r = client.post("/v1/text_to_video", json=enhance, headers=auth())
    assert r.status_code == 400 and r.json["issues"][0]["path"] == ["draftTaskId"]
    draft = client.post("/v1/text_to_video", headers=auth(), json={
        "model": "seedance2_5", "promptText": "a fox", "draft": True}).json["id"]
    enhance["draftTaskId"] = draft
    pending = client.post("/v1/text_to_video", json=enhance, headers=auth())
    assert pending.status_code == 400
    assert "not succeeded" in pending.json["issues"][0]["message"]
    clock.advance(3600)
    assert client.post("/v1/text_to_video", json=enhance, headers=auth()).status_code == 200
    assert client.post("/v1/text_to_video", json=enhance,
                       headers=auth(OTHER_KEY)).status_code == 400
    clock.advance(8 * 86400)
    assert client.post("/v1/text_to_video", json=enhance, headers=auth()).status_code == 400
