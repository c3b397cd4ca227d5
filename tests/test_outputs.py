"""Outputs are real files behind signed links that expire in emulator time."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import auth

CASES = [
    ("/v1/image_to_video", {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
                            "ratio": "720:1280", "duration": 5}, "video/mp4", 720 / 1280),
    ("/v1/text_to_image", {"model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"},
     "image/png", 1920 / 1080),
    ("/v1/sound_effect", {"model": "eleven_text_to_sound_v2", "promptText": "rain"},
     "audio/mpeg", None),
]


def finished(client, clock, path, body):
    task_id = client.post(path, json=body, headers=auth()).json["id"]
    clock.advance(600)
    task = client.get(f"/v1/tasks/{task_id}", headers=auth()).json
    assert task["status"] == "SUCCEEDED"
    return task


def fetch(client, url):
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("path,body,content_type,aspect", CASES)
def test_output_is_a_real_file_of_the_right_kind(client, clock, path, body, content_type,
                                                  aspect):
    """Each output link serves a real file of the right content type and aspect."""
    task = finished(client, clock, path, body)
    r = fetch(client, task["output"][0])
    assert r.status_code == 200
    assert r.headers["Content-Type"] == content_type
    data = r.data
    if content_type == "image/png":
        w, h = png_size(data)
        assert abs(w / h - aspect) < 0.02
    elif content_type == "video/mp4":
        assert data[4:8] == b"ftyp"
    else:
        assert data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def test_outputs_are_deterministic_per_task(client, clock):
    """The same output link serves the same bytes each time."""
    task = finished(client, clock, *CASES[1][:2])
    assert fetch(client, task["output"][0]).data == fetch(client, task["output"][0]).data


def test_links_expire_and_a_fresh_read_gives_fresh_links(client, clock):
    """Output links work for 24 h then are 403 expired; a new read gives fresh links."""
    task = finished(client, clock, *CASES[1][:2])
    old = task["output"][0]
    clock.advance(23 * 3600)
    assert fetch(client, old).status_code == 200
    clock.advance(3600 + 1)
    expired = fetch(client, old)
    assert expired.status_code == 403
    assert "expired" in expired.json["error"]
    fresh = client.get(f"/v1/tasks/{task['id']}", headers=auth()).json["output"][0]
    assert fresh != old
    assert fetch(client, fresh).status_code == 200


def test_output_ttl_is_configurable(clock):
    """output_ttl sets how long output links stay valid."""
    from runway_mock import create_app

    client = create_app({"output_ttl": 60}, clock=clock).test_client()
    task = finished(client, clock, *CASES[1][:2])
    clock.advance(61)
    assert fetch(client, task["output"][0]).status_code == 403


def test_tampered_or_foreign_links_are_refused(client, clock):
    """Tampered, unsigned or other tasks' tokens are refused with 403."""
    task = finished(client, clock, *CASES[1][:2])
    url = task["output"][0]
    path, _, query = url.partition("?")
    forged = query[:-3] + ("AAA" if not query.endswith("AAA") else "BBB")
    assert fetch(client, f"{path}?{forged}").status_code == 403
    assert fetch(client, path).status_code == 403
    other = finished(client, clock, *CASES[1][:2])
    # A valid token for another task does not open this one.
    assert fetch(client, f"{urlsplit(other['output'][0]).path}?{query}").status_code == 403


def test_deleted_tasks_outputs_are_gone(client, clock):
    """A deleted task's output links are 404s."""
    task = finished(client, clock, *CASES[1][:2])
    client.delete(f"/v1/tasks/{task['id']}", headers=auth())
    assert fetch(client, task["output"][0]).status_code == 404


def test_public_url_is_used_for_links(clock):
    """Output links start with the configured public_url."""
    from runway_mock import create_app

    client = create_app({"public_url": "https://mock.example.test"}, clock=clock).test_client()
    task = finished(client, clock, *CASES[1][:2])
    assert task["output"][0].startswith("https://mock.example.test/_artifacts/")
