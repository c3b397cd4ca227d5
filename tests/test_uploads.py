"""Ephemeral uploads end to end: the signed form, size limits, and runway:// URIs as inputs."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from runway_mock import create_app
from runway_mock.clock import fake_clock

from tests.conftest import OTHER_KEY, auth

PNG = b"\x89PNG\r\n\x1a\n" + bytes(1024)


def start(client, filename: str = "photo.png", key: str | None = None) -> dict:
    resp = client.post("/v1/uploads", json={"filename": filename, "type": "ephemeral"},
                       headers=auth(key) if key else auth())
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def send(client, started: dict, data: bytes = PNG, *, fields: dict | None = None,
         filename: str = "photo.png"):
    form = dict(started["fields"] if fields is None else fields)
    form["file"] = (io.BytesIO(data), filename)
    return client.post(urlsplit(started["uploadUrl"]).path, data=form,
                       content_type="multipart/form-data")


def uploaded(client, filename: str = "photo.png", data: bytes = PNG, key: str | None = None
             ) -> str:
    started = start(client, filename, key)
    assert send(client, started, data, filename=filename).status_code == 204
    return started["runwayUri"]


def image_task(client, uri: str, key: str | None = None):
    return client.post("/v1/image_to_video", headers=auth(key) if key else auth(), json={
        "model": "gen4_turbo", "promptImage": uri, "ratio": "1280:720", "promptText": "go"})


def test_start_returns_signed_form_pointing_back_at_the_emulator(client) -> None:
    """Starting an upload returns a signed form posting to the emulator and a runway:// URI."""
    body = start(client)
    assert set(body) == {"uploadUrl", "fields", "runwayUri"}
    assert body["uploadUrl"].startswith("http://localhost/_uploads/")
    assert set(body["fields"]) == {"key", "policy", "signature"}
    assert body["runwayUri"].startswith("runway://") and body["runwayUri"].endswith("photo.png")


@pytest.mark.parametrize(("body", "field"), [
    ({"filename": "a", "type": "ephemeral"}, "filename"),
    ({"filename": "notes.txt", "type": "ephemeral"}, "filename"),
    ({"filename": "noextension", "type": "ephemeral"}, "filename"),
    ({"filename": "a.png", "type": "permanent"}, "type"),
    ({"type": "ephemeral"}, "filename"),
    ({"filename": "a.png", "type": "ephemeral", "extra": 1}, "extra"),
])
def test_start_rejects_bad_requests(client, headers, body, field) -> None:
    """Bad filenames, extensions, types or extra fields are a 400 naming that one field."""
    resp = client.post("/v1/uploads", json=body, headers=headers)
    assert resp.status_code == 400
    assert [i["path"] for i in resp.get_json()["issues"]] == [[field]]


def test_start_needs_an_api_key(client) -> None:
    """Starting an upload without an API key is a 401."""
    resp = client.post("/v1/uploads", json={"filename": "a.png", "type": "ephemeral"})
    assert resp.status_code == 401


def test_form_is_accepted_without_credentials_and_answers_204(client) -> None:
    """The signed form is accepted without an API key and answers an empty 204."""
    started = start(client)
    resp = send(client, started)
    assert resp.status_code == 204 and resp.data == b""


@pytest.mark.parametrize("tamper", ["signature", "policy", "key", "missing"])
def test_forged_or_incomplete_forms_are_403(client, tamper) -> None:
    """A tampered signature, policy or key, or a missing field, is a 403 with an error."""
    started = start(client)
    fields = dict(started["fields"])
    if tamper == "missing":
        del fields["signature"]
    elif tamper == "policy":
        fields["policy"] = fields["policy"][:-4] + "AAAA"
    else:
        fields[tamper] = fields[tamper] + "x"
    resp = send(client, started, fields=fields)
    assert resp.status_code == 403
    assert "error" in resp.get_json()


def test_form_of_one_upload_cannot_fill_another(client) -> None:
    """The signed fields of one upload are refused (403) at another upload's URL."""
    first, second = start(client), start(client)
    resp = client.post(urlsplit(second["uploadUrl"]).path,
                       data={**first["fields"], "file": (io.BytesIO(PNG), "photo.png")},
                       content_type="multipart/form-data")
    assert resp.status_code == 403


def test_size_limits(clock) -> None:
    """Files under the minimum are a 400 and over the maximum a 413; the bounds themselves pass."""
    app = create_app({"seed": 1, "upload_min_bytes": 512, "upload_max_bytes": 4096},
                     clock=clock)
    client = app.test_client()
    small = send(client, start(client), b"x" * 511)
    assert small.status_code == 400 and "at least 512" in small.get_json()["error"]
    big = send(client, start(client), b"x" * 4097)
    assert big.status_code == 413 and "at most 4096" in big.get_json()["error"]
    huge = send(client, start(client), b"x" * 200_000)
    assert huge.status_code == 413
    assert send(client, start(client), b"x" * 4096).status_code == 204
    assert send(client, start(client), b"x" * 512).status_code == 204


def test_form_without_file_part_is_400(client) -> None:
    """A form with the signed fields but no file part is a 400 naming file."""
    started = start(client)
    resp = client.post(urlsplit(started["uploadUrl"]).path, data=dict(started["fields"]),
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and "file" in resp.get_json()["error"]


def test_uploaded_uri_works_as_a_media_input(client) -> None:
    """A completed upload's runway:// URI is accepted as a task's image input."""
    uri = uploaded(client)
    resp = image_task(client, uri)
    assert resp.status_code == 200, resp.get_json()


def test_uri_before_the_file_arrives_is_400_naming_the_field(client) -> None:
    """A URI whose file never arrived is a 400 on that field saying "never uploaded"."""
    started = start(client)
    resp = image_task(client, started["runwayUri"])
    assert resp.status_code == 400
    issue = resp.get_json()["issues"][0]
    assert issue["path"] == ["promptImage"] and "never uploaded" in issue["message"]


def test_unknown_uri_is_400(client) -> None:
    """A runway:// URI that was never issued is a 400 on the field using it."""
    resp = image_task(client, "runway://uploads/00000000-0000-4000-8000-000000000000/x.png")
    assert resp.status_code == 400
    assert resp.get_json()["issues"][0]["path"] == ["promptImage"]


def test_uri_of_another_tenant_is_unknown(client) -> None:
    """An upload URI used under another tenant's key is "Unknown" (400)."""
    uri = uploaded(client)
    resp = image_task(client, uri, key=OTHER_KEY)
    assert resp.status_code == 400 and "Unknown" in resp.get_json()["issues"][0]["message"]


def test_uri_expires_after_upload_ttl(clock) -> None:
    """An uploaded URI works until upload_ttl passes, then is a 400 saying expired."""
    app = create_app({"seed": 1, "upload_ttl": 3600}, clock=clock)
    client = app.test_client()
    uri = uploaded(client)
    clock.advance(3599)
    assert image_task(client, uri).status_code == 200
    clock.advance(2)
    resp = image_task(client, uri)
    assert resp.status_code == 400 and "expired" in resp.get_json()["issues"][0]["message"]


def test_form_after_expiry_is_403(clock) -> None:
    """Posting the signed form after its upload expired is a 403."""
    app = create_app({"seed": 1, "upload_ttl": 60}, clock=clock)
    client = app.test_client()
    started = start(client)
    clock.advance(61)
    assert send(client, started).status_code == 403


def test_media_kind_must_fit_the_field(client) -> None:
    """An audio upload is refused for an image field; a video upload fits a video field."""
    audio = uploaded(client, "voice.mp3", b"ID3" + bytes(2048))
    resp = image_task(client, audio)
    assert resp.status_code == 400
    assert "Expected image" in resp.get_json()["issues"][0]["message"]
    video = uploaded(client, "clip.mp4", bytes(4096))
    ok = client.post("/v1/video_to_video", headers=auth(),
                     json={"model": "aleph2", "videoUri": video, "promptText": "snow"})
    assert ok.status_code == 200, ok.get_json()


def test_uri_in_a_nested_field_is_named_by_its_path(client) -> None:
    """A bad URI nested in a list is reported with its full issue path."""
    resp = client.post("/v1/text_to_image", headers=auth(), json={
        "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080",
        "referenceImages": [{"uri": "runway://uploads/nope/x.png"}]})
    assert resp.status_code == 400
    assert resp.get_json()["issues"][0]["path"] == ["referenceImages", 0, "uri"]


def test_uris_work_in_resources_too(client) -> None:
    """Upload URIs are accepted and checked in resource fields such as avatar images."""
    uri = uploaded(client)
    body = {"name": "Ava", "personality": "Kind.", "referenceImage": uri,
            "voice": {"type": "runway-live-preset", "presetId": "mia"}}
    assert client.post("/v1/avatars", json=body, headers=auth()).status_code == 200
    body["referenceImage"] = "runway://uploads/missing/face.png"
    resp = client.post("/v1/avatars", json=body, headers=auth())
    assert resp.status_code == 400 and resp.get_json()["issues"][0]["path"] == ["referenceImage"]


def test_sdk_create_ephemeral_then_use_the_uri(tmp_path) -> None:
    """The official SDK's create_ephemeral uploads a file or handle and its URI works."""
    runwayml = pytest.importorskip("runwayml")
    from tests.test_resources_sdk import live

    app = create_app({"seed": 5}, clock=fake_clock())
    path = tmp_path / "frame.png"
    path.write_bytes(PNG)
    with live(app) as url:
        client = runwayml.RunwayML(api_key="key_upload", base_url=url, max_retries=0,
                                   _strict_response_validation=True)
        try:
            uri = client.uploads.create_ephemeral(file=path).uri
            with open(path, "rb") as handle:
                second = client.uploads.create_ephemeral(file=handle, file_metadata='{"a":1}')
            assert uri.startswith("runway://") and second.uri != uri
            task = client.image_to_video.create(model="gen4_turbo", prompt_image=uri,
                                                ratio="1280:720", prompt_text="pan left")
            assert client.tasks.retrieve(task.id).id == task.id
            with pytest.raises(runwayml.BadRequestError):
                client.image_to_video.create(model="gen4_turbo", ratio="1280:720",
                                             prompt_image=uri.replace("frame", "other"))
            tiny = tmp_path / "tiny.png"
            tiny.write_bytes(b"x" * 10)
            with pytest.raises(runwayml.APIStatusError):
                client.uploads.create_ephemeral(file=tiny)
        finally:
            client.close()
