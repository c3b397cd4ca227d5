"""The etiquette report judges clients from the journal: a deliberately rude client (on
requests, over waitress) trips each check, a polite one and the official SDK do not."""

from __future__ import annotations

import time

import pytest
import requests
from runway_mock import create_app
from runway_mock.clock import fake_clock
from runway_mock.domain import etiquette
from runway_mock.testing import runtime_of, serve

I2V = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}


@pytest.fixture(scope="module")
def live():
    clock = fake_clock()
    app = create_app({"seed": 4, "initial_credits": 10**6}, clock=clock)
    with serve(app, threads=4) as url:
        yield url, app, clock


class Client:
    """A bare client on requests; each test gives it its own key (its own tenant)."""

    def __init__(self, url: str, key: str) -> None:
        self.url = url
        self.key = key
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {key}",
                                     "X-Runway-Version": "2024-11-06"})

    def create(self, body=I2V, timeout=5.0):
        return self.session.post(f"{self.url}/v1/image_to_video", json=body, timeout=timeout)

    def task(self, task_id):
        return self.session.get(f"{self.url}/v1/tasks/{task_id}", timeout=5)

    def delete(self, task_id):
        return self.session.delete(f"{self.url}/v1/tasks/{task_id}", timeout=5)

    def org(self):
        return self.session.get(f"{self.url}/v1/organization", timeout=5)

    def fault(self, **rule):
        rule.setdefault("match", {})["apiKey"] = self.key
        r = requests.post(f"{self.url}/_mock/faults", json=rule, timeout=5)
        assert r.status_code == 200, r.json()

    def report(self):
        r = requests.get(f"{self.url}/_mock/etiquette", params={"apiKey": self.key}, timeout=5)
        assert r.status_code == 200
        return r.json()


def counts(report):
    return {name: check["count"] for name, check in report["checks"].items()}


def only(report, *names):
    """The checks that failed are exactly ``names``."""
    assert report["findings"] == [n for n in etiquette.CHECKS if n in names], counts(report)


def test_rude_poller(live):
    """Polling faster than the recommended interval trips poll_too_often only."""
    url, _app, clock = live
    rude = Client(url, "rude-poller")
    task_id = rude.create().json()["id"]
    for _ in range(3):
        rude.task(task_id)
        clock.advance(1)
    rude.delete(task_id)
    report = rude.report()
    only(report, "poll_too_often")
    assert report["checks"]["poll_too_often"]["count"] == 2
    assert report["checks"]["poll_too_often"]["examples"][0]["interval"] == 1.0


def test_rude_retry_before_retry_after(live):
    """Retrying before Retry-After has passed trips retry_before_retry_after."""
    url, *_ = live
    rude = Client(url, "rude-impatient")
    rude.fault(effect={"type": "status", "status": 429, "retryAfter": 2}, times=1)
    assert rude.org().status_code == 429
    assert rude.org().status_code == 200  # at once, not 2 s later
    report = rude.report()
    only(report, "retry_before_retry_after")
    [example] = report["checks"]["retry_before_retry_after"]["examples"]
    assert example["retryAfter"] == 2 and example["waited"] < 2


def test_rude_retry_after_a_client_error(live):
    """Resending a request refused with 400 trips retry_after_client_error."""
    url, *_ = live
    rude = Client(url, "rude-stubborn")
    for _ in range(3):
        assert rude.create({"model": "gen4_turbo"}).status_code == 400
    report = rude.report()
    only(report, "retry_after_client_error")
    assert report["checks"]["retry_after_client_error"]["count"] == 2


def test_rude_duplicate_after_a_dropped_connection(live):
    """Blindly resending a create whose reply was dropped trips duplicate_create."""
    url, *_ = live
    rude = Client(url, "rude-duplicator")
    rude.fault(match={"method": "POST"}, effect={"type": "drop", "after": True}, times=1)
    with pytest.raises(requests.ConnectionError):
        rude.create()
    task_id = rude.create().json()["id"]  # blind retry: the first task exists already
    report = rude.report()
    assert "duplicate_create" in report["findings"]
    [dup] = report["checks"]["duplicate_create"]["examples"]
    assert dup["duplicate"] == task_id and dup["first"] != task_id


def test_rude_duplicate_after_a_client_timeout(live):
    """Resending a create after a client timeout, while it is served, trips duplicate_create."""
    url, app, _clock = live
    runtime_of(app).sleep = time.sleep
    rude = Client(url, "rude-timeout")
    rude.fault(match={"method": "POST"}, effect={"type": "latency", "seconds": 0.5}, times=1)
    with pytest.raises(requests.Timeout):
        rude.create(timeout=0.1)
    rude.create()  # retried while the first create is still being served
    time.sleep(0.6)
    assert "duplicate_create" in rude.report()["findings"]


def test_rude_over_concurrency_and_leftovers(live):
    """Creating past the concurrency limit and not deleting trips both checks."""
    url, *_ = live
    rude = Client(url, "rude-greedy")
    for _ in range(3):
        rude.create()
    report = rude.report()
    only(report, "over_concurrency", "undeleted_tasks")
    assert counts(report)["over_concurrency"] == 2  # tier 1: one video at a time
    assert counts(report)["undeleted_tasks"] == 3


def test_polite_client_passes(live):
    """A client that waits, does not repeat a 400, polls slowly and deletes passes."""
    url, _app, clock = live
    polite = Client(url, "polite")
    polite.fault(match={"method": "POST"},
                 effect={"type": "status", "status": 429, "retryAfterMs": 100}, times=1)
    r = polite.create()
    assert r.status_code == 429
    time.sleep(float(r.headers["retry-after-ms"]) / 1000)
    task_id = polite.create().json()["id"]
    assert polite.create({"model": "gen4_turbo"}).status_code == 400  # and not again
    while True:
        clock.advance(5)
        if polite.task(task_id).json()["status"] == "SUCCEEDED":
            break
    assert polite.delete(task_id).status_code == 204
    report = polite.report()
    assert report["ok"] is True, counts(report)
    assert report["requests"] >= 5


def test_the_official_sdk_honours_retry_after(live):
    """The official SDK's retries honour retry-after-ms and pass the report."""
    runwayml = pytest.importorskip("runwayml")
    url, *_ = live
    key = "sdk-client"
    Client(url, key).fault(match={"method": "POST"},
                           effect={"type": "status", "status": 429, "retryAfterMs": 150},
                           times=2)
    sdk = runwayml.RunwayML(api_key=key, base_url=url, max_retries=2, timeout=5)
    task = sdk.image_to_video.create(model="gen4_turbo", prompt_image=I2V["promptImage"],
                                     ratio="1280:720", duration=5)
    sdk.tasks.delete(task.id)
    sdk.close()
    report = Client(url, key).report()
    assert report["ok"] is True, counts(report)


def test_the_sdk_duplicates_a_create_whose_answer_was_lost(live):
    # The SDKs send no idempotency key, so a retried create makes a second task.
    """The SDK resends a create whose reply was lost, which trips duplicate_create."""
    runwayml = pytest.importorskip("runwayml")
    url, *_ = live
    key = "sdk-dup"
    Client(url, key).fault(match={"method": "POST"}, effect={"type": "drop", "after": True},
                           times=1)
    sdk = runwayml.RunwayML(api_key=key, base_url=url, max_retries=1, timeout=5)
    sdk.image_to_video.create(model="gen4_turbo", prompt_image=I2V["promptImage"],
                              ratio="1280:720", duration=5)
    sdk.close()
    assert "duplicate_create" in Client(url, key).report()["findings"]


def test_python_helper_takes_an_app_and_thresholds():
    """etiquette.report takes an app or runtime, an api_key and a poll tolerance."""
    clock = fake_clock()
    app = create_app({}, clock=clock)
    client = app.test_client()
    h = {"Authorization": "Bearer k", "X-Runway-Version": "2024-11-06"}
    task_id = client.post("/v1/image_to_video", json=I2V, headers=h).json["id"]
    for _ in range(2):
        client.get(f"/v1/tasks/{task_id}", headers=h)
        clock.advance(4.6)
    client.delete(f"/v1/tasks/{task_id}", headers=h)
    assert etiquette.report(app, api_key="k")["ok"] is True  # 4.6 s: within the SDK's jitter
    strict = etiquette.report(app, api_key="k", poll_tolerance=0)
    assert strict["findings"] == ["poll_too_often"]
    assert etiquette.report(runtime_of(app), api_key="someone-else")["requests"] == 0
