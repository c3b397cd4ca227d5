"""Every example of the quick-start page, sent as written with only the base URL changed.

The page (Runway's API quick-start skill) uses curl with `$RUNWAY_TOKEN`; these tests run
the same curl commands against a live emulator (falling back to requests without curl).
Its older models (gen3a_turbo, veo3, gen4_aleph, upscale_v1) are accepted as legacy models.
The one example today's API rejects is gen4_image_turbo with an empty referenceImages list.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import requests
from runway_mock.testing import serve

TOKEN = "key_" + "ab" * 64
VERSION = "2024-11-06"

EXAMPLES = {
    "image_to_video": {"model": "gen4_turbo", "promptImage": "https://example.com/your-image.jpg",
                       "promptText": "A timelapse of clouds moving across the sky",
                       "ratio": "1280:720", "duration": 5},
    "text_to_video": {"model": "veo3.1",
                      "promptText": "A serene forest with sunlight filtering through the trees",
                      "ratio": "1280:720", "duration": 6},
    "video_to_video": {"model": "gen4_aleph", "videoUri": "https://example.com/source-video.mp4",
                       "promptText": "Add magical sparkles and fairy dust effects",
                       "ratio": "1280:720"},
    "video_upscale": {"model": "upscale_v1", "videoUri": "https://example.com/low-res-video.mp4"},
    "sound_effect": {"model": "eleven_text_to_sound_v2",
                     "promptText": "Thunder rumbling in the distance"},
}
TEXT_TO_IMAGE = {"model": "gen4_image_turbo", "promptText": "A futuristic cityscape at sunset",
                 "ratio": "1920:1080", "referenceImages": []}


@pytest.fixture(scope="module")
def base():
    with serve(config={"seed": 1, "time_scale": 0.01}) as url:
        yield f"{url}/v1"


def send(method: str, url: str, body: dict | None = None) -> tuple[int, dict | None]:
    """Send like the page does: curl with its exact headers, else requests."""
    headers = [f"Authorization: Bearer {TOKEN}", f"X-Runway-Version: {VERSION}"]
    if body is not None:
        headers.append("Content-Type: application/json")
    if shutil.which("curl"):
        cmd = ["curl", "-s", "-X", method, url, "-w", "\n%{http_code}"]
        for h in headers:
            cmd += ["--header", h]
        if body is not None:
            cmd += ["-d", json.dumps(body)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=30).stdout
        text, _, code = out.rpartition("\n")
        return int(code), (json.loads(text) if text.strip() else None)
    hdrs = dict(h.split(": ", 1) for h in headers)
    r = requests.request(method, url, headers=hdrs, data=json.dumps(body) if body else None,
                         timeout=30)
    return r.status_code, (r.json() if r.content else None)


def test_check_organization_credits(base):
    """The quick-start's organization call answers 200 with an integer creditBalance."""
    status, body = send("GET", f"{base}/organization")
    assert status == 200
    assert isinstance(body["creditBalance"], int)


@pytest.mark.parametrize("endpoint", list(EXAMPLES))
def test_create_poll_and_cancel_examples(base, endpoint):
    """Each quick-start create example is accepted, pollable, deletable with 204, then 404."""
    status, created = send("POST", f"{base}/{endpoint}", EXAMPLES[endpoint])
    assert status == 200, created
    assert set(created) == {"id", "estimatedCost"}
    status, task = send("GET", f"{base}/tasks/{created['id']}")
    assert status == 200
    assert task["status"] in ("PENDING", "RUNNING", "SUCCEEDED")
    status, body = send("DELETE", f"{base}/tasks/{created['id']}")
    assert (status, body) == (204, None)
    status, _ = send("GET", f"{base}/tasks/{created['id']}")
    assert status == 404


def test_polled_example_completes_with_output(base):
    """The quick-start's polled image_to_video example reaches SUCCEEDED with an output link."""
    import time

    _, created = send("POST", f"{base}/image_to_video", EXAMPLES["image_to_video"])
    deadline = time.monotonic() + 20
    while True:
        _, task = send("GET", f"{base}/tasks/{created['id']}")
        if task["status"] == "SUCCEEDED" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert task["status"] == "SUCCEEDED"
    assert task["output"][0].startswith("http://127.0.0.1:")


def test_text_to_image_example_is_rejected_as_the_real_api_would(base):
    """The quick-start's text_to_image example lacks referenceImages and is a 400, as on Runway."""
    status, body = send("POST", f"{base}/text_to_image", TEXT_TO_IMAGE)
    assert status == 400
    assert [i["path"] for i in body["issues"]] == [["referenceImages"]]
    assert body["error"] == "Validation of body failed"
    fixed = {**TEXT_TO_IMAGE, "referenceImages": [{"uri": "https://example.com/ref.png"}]}
    status, body = send("POST", f"{base}/text_to_image", fixed)
    assert status == 200, body
