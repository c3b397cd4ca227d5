"""Wire parity with the official SDK: the same calls put the same requests on the wire.

The official ``runwayml`` SDK is what Runway's real API is used with; if our client
sends byte-for-byte equivalent requests (method, path, query, JSON body, auth and version
headers), it behaves the same against the real API. Answers do not matter here, so
operations the emulator does not serve yet still count.
"""

from __future__ import annotations

import contextlib
import io
import json
from urllib.parse import parse_qs

import pytest
from runway_mock import create_app
from runway_mock.client import APIStatusError, RunwayClient
from runway_mock.testing import serve

runwayml = pytest.importorskip("runwayml")

IMG = "https://example.com/a.jpg"
KEY = "key-parity"

# (resource path, method, args, SDK kwargs, our kwargs): nested keys differ only where the
# SDK's typed dicts take snake_case and ours are written as on the wire.
CASES = [
    ("image_to_video", "create", (),
     {"model": "gen4_turbo", "prompt_image": IMG, "ratio": "1280:720", "duration": 5,
      "content_moderation": {"public_figure_threshold": "low"}},
     {"model": "gen4_turbo", "prompt_image": IMG, "ratio": "1280:720", "duration": 5,
      "content_moderation": {"publicFigureThreshold": "low"}}),
    ("text_to_speech", "create", (),
     {"model": "eleven_multilingual_v2", "prompt_text": "Hi",
      "voice": {"type": "runway-preset", "preset_id": "Maya"}},
     {"model": "eleven_multilingual_v2", "prompt_text": "Hi",
      "voice": {"type": "runway-preset", "presetId": "Maya"}}),
    ("tasks", "retrieve", ("0b8e6a57-7c1e-4b8e-9a57-7c1e4b8e9a57",), {}, {}),
    ("tasks", "delete", ("0b8e6a57-7c1e-4b8e-9a57-7c1e4b8e9a57",), {}, {}),
    ("organization", "retrieve", (), {}, {}),
    ("organization", "retrieve_usage", (),
     {"start_date": "2026-01-01", "before_date": "2026-01-15"},
     {"start_date": "2026-01-01", "before_date": "2026-01-15"}),
    ("organization.webapp.audit_logs", "list", (),
     {"limit": 5, "from_": "2026-01-01T00:00:00Z", "actor_emails": "a@x.io"},
     {"limit": 5, "from_": "2026-01-01T00:00:00Z", "actor_emails": "a@x.io"}),
    ("documents", "list", (), {"limit": 10, "sort": "createdAt", "order": "desc"},
     {"limit": 10, "sort": "createdAt", "order": "desc"}),
    ("voices", "create", (),
     {"name": "N", "from_": {"type": "text", "prompt": "A calm, warm narrator voice.",
                             "model": "eleven_multilingual_ttv_v2"}},
     {"name": "N", "from_": {"type": "text", "prompt": "A calm, warm narrator voice.",
                             "model": "eleven_multilingual_ttv_v2"}}),
    ("avatars", "update", ("0b8e6a57-7c1e-4b8e-9a57-7c1e4b8e9a57",),
     {"name": "Guide", "start_script": None}, {"name": "Guide", "start_script": None}),
    ("avatars", "get_usage", (),
     {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-01-02T00:00:00Z"},
     {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-01-02T00:00:00Z"}),
    ("generate.video", "create", (),
     {"config_id": "cheap", "input": {"prompt_text": "waves", "aspect_ratio": "16:9"}},
     {"config_id": "cheap", "input": {"promptText": "waves", "aspectRatio": "16:9"}}),
    ("workflows", "run", ("0b8e6a57-7c1e-4b8e-9a57-7c1e4b8e9a57",),
     {"node_outputs": {"n-1": {"prompt": {"type": "primitive", "value": "hi"}}}},
     {"node_outputs": {"n-1": {"prompt": {"type": "primitive", "value": "hi"}}}}),
    ("recipes", "product_ad", (),
     {"version": "2026-06", "product_images": [{"uri": IMG}], "duration": 10},
     {"version": "2026-06", "product_images": [{"uri": IMG}], "duration": 10}),
]


class Recorder:
    """WSGI middleware keeping what reached the server of each request."""

    def __init__(self, app):
        self.app = app
        self.seen: list[dict] = []

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        self.seen.append({
            "method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"],
            "query": parse_qs(environ.get("QUERY_STRING", "")),
            "body": json.loads(raw) if raw else None,
            "auth": environ.get("HTTP_AUTHORIZATION"),
            "version": environ.get("HTTP_X_RUNWAY_VERSION"),
        })
        return self.app(environ, start_response)


def _resolve(root, dotted, name):
    node = root
    for part in dotted.split("."):
        node = getattr(node, part)
    return getattr(node, name)


@pytest.fixture(scope="module")
def wire():
    recorder = Recorder(create_app({"seed": 4}))
    with serve(recorder) as url:
        sdk = runwayml.RunwayML(api_key=KEY, base_url=url, max_retries=0)
        ours = RunwayClient(KEY, base_url=url, max_retries=0)
        yield recorder, sdk, ours
        sdk.close()
        ours.close()


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_same_request_as_the_official_sdk(wire, case):
    """Our client and the official SDK send the same method, path, query, body and headers."""
    recorder, sdk, ours = wire
    resource, name, args, sdk_kwargs, our_kwargs = case
    recorder.seen.clear()
    with contextlib.suppress(runwayml.APIStatusError):  # the answer is beside the point
        _resolve(sdk, resource, name)(*args, **sdk_kwargs)
    with contextlib.suppress(APIStatusError):
        _resolve(ours, resource, name)(*args, **our_kwargs)
    assert len(recorder.seen) == 2, recorder.seen
    theirs, mine = recorder.seen
    assert mine == theirs
    assert mine["auth"] == f"Bearer {KEY}" and mine["version"] == "2024-11-06"
