"""The client under the emulator's injected faults over real HTTP, judged by its journal.

The emulator's etiquette report (``/_mock/etiquette``) is an independent referee: it reads
the request journal for duplicate creates, early retries, retried client errors, polling
faster than 5 s and tasks left behind.
"""

from __future__ import annotations

import time

import pytest
import requests
from runway_mock import create_app
from runway_mock.client import BadRequestError, CreateTimeoutError, RunwayClient
from runway_mock.clock import fake_clock
from runway_mock.testing import serve

KEY = "key-faults"
I2V = {"model": "gen4_turbo", "prompt_image": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}


@pytest.fixture
def server():
    clock = fake_clock()
    app = create_app({"seed": 6}, clock=clock)
    with serve(app) as url:
        yield url, clock


def control(url, method, path, **kw):
    r = requests.request(method, url + "/_mock" + path, timeout=10, **kw)
    assert r.status_code == 200, r.text
    return r.json()


def fault(url, path, effect, method="POST", times="once"):
    control(url, "POST", "/faults", json={"match": {"method": method, "path": path},
                                          "effect": effect, "times": times})


def etiquette(url):
    return control(url, "GET", "/etiquette", params={"apiKey": KEY})


def journal(url, path):
    return control(url, "GET", "/journal", params={"apiKey": KEY, "path": path})["entries"]


def generations(client):
    models = client.organization.retrieve().usage.models
    return models["gen4_turbo"].daily_generations if "gen4_turbo" in models else 0


def test_a_lost_create_answer_is_reported_and_not_duplicated(server):
    """A create whose answer was dropped raises CreateTimeoutError and is not sent twice."""
    url, clock = server
    fault(url, "/v1/image_to_video", {"type": "drop", "after": True})
    with RunwayClient(KEY, base_url=url, sleep=clock.advance, seed=1) as client:
        with pytest.raises(CreateTimeoutError):
            client.image_to_video.create(**I2V)
        assert len(journal(url, "/v1/image_to_video")) == 1
        assert generations(client) == 1  # the server did create it: only the answer was lost
    report = etiquette(url)
    assert report["checks"]["duplicate_create"]["ok"], report


def test_retry_creates_accepts_the_duplicate_it_causes(server):
    """With retry_creates a lost create answer is resent, making a duplicate the report flags."""
    url, clock = server
    fault(url, "/v1/image_to_video", {"type": "drop", "after": True})
    with RunwayClient(KEY, base_url=url, sleep=clock.advance, seed=1,
                      retry_creates=True) as client:
        created = client.image_to_video.create(**I2V)
        assert created.id
        assert generations(client) == 2
    assert not etiquette(url)["checks"]["duplicate_create"]["ok"]


def test_a_truncated_create_answer_is_not_resent(server):
    """A create whose answer was truncated raises CreateTimeoutError and is sent once."""
    url, clock = server
    fault(url, "/v1/image_to_video", {"type": "truncate", "bytes": 10})
    client = RunwayClient(KEY, base_url=url, sleep=clock.advance, seed=1)
    with client, pytest.raises(CreateTimeoutError):
        client.image_to_video.create(**I2V)
    assert len(journal(url, "/v1/image_to_video")) == 1


def test_reads_recover_from_drops_and_truncation(server):
    """Reads retry through a dropped connection and a truncated body."""
    url, clock = server
    fault(url, "/v1/organization", {"type": "drop"}, method="GET")
    with RunwayClient(KEY, base_url=url, sleep=clock.advance, seed=1) as client:
        assert client.organization.retrieve().credit_balance > 0
        fault(url, "/v1/organization", {"type": "truncate", "bytes": 5}, method="GET")
        assert client.organization.retrieve().credit_balance > 0
    assert len(journal(url, "/v1/organization")) == 4


def test_retry_after_is_honoured_in_real_time(server):
    """The client waits retry-after-ms in real time between 503s and passes etiquette."""
    url, _ = server
    fault(url, "/v1/image_to_video", {"type": "status", "status": 503, "retryAfterMs": 60},
          times=2)
    started = time.monotonic()
    with RunwayClient(KEY, base_url=url, seed=1) as client:  # real sleep: wall-clock check
        created = client.image_to_video.create(**I2V)
        client.tasks.delete(created.id)
    assert time.monotonic() - started >= 0.12
    calls = journal(url, "/v1/image_to_video")
    assert [c["status"] for c in calls] == [503, 503, 200]
    report = etiquette(url)
    assert report["checks"]["retry_before_retry_after"]["ok"], report
    assert report["checks"]["duplicate_create"]["ok"], report


def test_a_well_behaved_session_passes_every_check(server):
    """A create, wait, delete session (and one 400 not retried) passes every etiquette check."""
    url, clock = server
    with RunwayClient(KEY, base_url=url, sleep=clock.advance, monotonic=clock.now,
                      seed=1) as client:
        with pytest.raises(BadRequestError):
            client.image_to_video.create(model="gen4_turbo", ratio="1280:720")
        created = client.image_to_video.create(**I2V)
        done = client.wait_for_task(created.id, poll_interval=5)
        assert done.status == "SUCCEEDED"
        client.tasks.delete(created.id)
    report = etiquette(url)
    assert report["ok"], report["findings"]
    assert report["requests"] >= 4
