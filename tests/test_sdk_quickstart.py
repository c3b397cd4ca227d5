"""The official runwayml SDK (5.24.0), unmodified, against the emulator.

Only RUNWAYML_BASE_URL-style configuration changes. The SDK's own
``wait_for_task_output`` sleeps 4.5-7.5 s before each poll, so the tasks run side by
side in threads and the whole test takes one polling interval.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

runwayml = pytest.importorskip("runwayml")

from runway_mock.testing import serve  # noqa: E402

CASES = [
    ("image_to_video", {"model": "gen4_turbo", "prompt_image": "https://example.com/a.jpg",
                        "ratio": "1280:720", "duration": 5, "prompt_text": "clouds"}, "video/mp4"),
    ("text_to_video", {"model": "veo3.1", "prompt_text": "a forest", "ratio": "1280:720",
                       "duration": 4}, "video/mp4"),
    ("video_to_video", {"model": "aleph2", "video_uri": "https://example.com/in.mp4",
                        "prompt_text": "make it snow"}, "video/mp4"),
    ("text_to_image", {"model": "gen4_image", "prompt_text": "a red fox",
                       "ratio": "1920:1080"}, "image/png"),
    ("video_upscale", {"model": "magnific_video_upscaler_creative",
                       "video_uri": "https://example.com/in.mp4"}, "video/mp4"),
    ("sound_effect", {"model": "eleven_text_to_sound_v2", "prompt_text": "thunder",
                      "duration": 3}, "audio/mpeg"),
]


@pytest.fixture(scope="module")
def sdk():
    with serve(config={"seed": 3, "time_scale": 0.02}) as url:
        client = runwayml.RunwayML(api_key="key_sdk_test", base_url=url,
                                   _strict_response_validation=True, max_retries=0)
        yield client
        client.close()


def lifecycle(sdk, resource: str, params: dict, content_type: str) -> None:
    created = getattr(sdk, resource).create(**params)
    assert created.id
    assert created.estimated_cost.credits > 0
    retrieved = sdk.tasks.retrieve(created.id)
    assert retrieved.id == created.id
    assert retrieved.status in ("PENDING", "RUNNING", "SUCCEEDED")
    done = created.wait_for_task_output(timeout=60)
    assert done.status == "SUCCEEDED"
    assert done.cost.credits == created.estimated_cost.credits
    r = requests.get(done.output[0], timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == content_type
    assert len(r.content) > 16
    sdk.tasks.delete(created.id)
    with pytest.raises(runwayml.NotFoundError):
        sdk.tasks.retrieve(created.id)
    with pytest.raises(runwayml.NotFoundError):
        sdk.tasks.delete(created.id)


@pytest.mark.slow
def test_sdk_quickstart_endpoints(sdk):
    """The unmodified SDK runs every quick-start endpoint to the end; balance and usage follow."""
    start = sdk.organization.retrieve().credit_balance
    with ThreadPoolExecutor(len(CASES)) as pool:
        futures = [pool.submit(lifecycle, sdk, *case) for case in CASES]
        for f in futures:
            f.result()
    org = sdk.organization.retrieve()
    assert org.credit_balance < start
    assert org.tier.models["gen4_turbo"].max_concurrent_generations >= 1
    assert org.usage.models["gen4_turbo"].daily_generations == 1


def test_sdk_sees_validation_errors_as_bad_request(sdk):
    """The SDK sees an http promptImage as BadRequestError naming promptImage."""
    with pytest.raises(runwayml.BadRequestError) as info:
        sdk.image_to_video.create(model="gen4_turbo", prompt_image="http://example.com/a.jpg",
                                  ratio="1280:720")
    body = info.value.body
    assert body["issues"][0]["path"] == ["promptImage"]


def test_sdk_authentication_error():
    """The SDK with an empty Authorization header gets AuthenticationError."""
    with serve() as url:
        client = runwayml.RunwayML(api_key="k", base_url=url, max_retries=0,
                                   default_headers={"Authorization": ""})
        with pytest.raises(runwayml.AuthenticationError):
            client.organization.retrieve()
