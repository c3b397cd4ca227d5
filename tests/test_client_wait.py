"""``wait_for_task`` on a fake clock: cadence, terminal statuses, deadline, long lifecycles."""

from __future__ import annotations

import itertools
import time

import pytest
from runway_mock import create_app
from runway_mock.client import (
    FailedTask,
    NotFoundError,
    RunningTask,
    RunwayClient,
    SucceededTask,
    TaskFailedError,
    TaskTimeoutError,
)
from runway_mock.client.testing import ScriptedSession, wsgi_session
from runway_mock.clock import fake_clock


def task(status, **extra):
    return (200, {"id": "t-1", "status": status, "createdAt": "2026-01-01T00:00:00.000Z",
                  **extra})


PENDING = task("PENDING", estimatedCost={"credits": 25})


def running(p):
    return task("RUNNING", progress=p, estimatedCost={"credits": 25})


SUCCEEDED = task("SUCCEEDED", output=["https://cdn.example/a.mp4"], cost={"credits": 25})


class TimedSession(ScriptedSession):
    """A scripted session that notes the fake time of each request (and may take time)."""

    def __init__(self, clock, *effects, latency=0.0):
        super().__init__(*effects)
        self.clock = clock
        self.latency = latency
        self.times: list[float] = []

    def request(self, method, url, **kwargs):
        self.times.append(self.clock.now())
        self.clock.advance(self.latency)
        return super().request(method, url, **kwargs)


def scripted(*effects, latency=0.0):
    clock = fake_clock()
    session = TimedSession(clock, *effects, latency=latency)
    client = RunwayClient("key-test", base_url="http://runway.test", session=session,
                          sleep=clock.advance, monotonic=clock.now, seed=1)
    return client, session, clock


def gaps(times):
    return [round(b - a, 6) for a, b in itertools.pairwise(times)]


def test_polls_at_once_then_every_interval_and_reports_progress():
    """wait_for_task polls at once, then every interval, reporting each status and progress."""
    client, session, _ = scripted(PENDING, running(0.2), running(0.7), SUCCEEDED)
    seen = []
    done = client.wait_for_task("t-1", poll_interval=5,
                                on_progress=lambda s, p: seen.append((s, p)))
    assert isinstance(done, SucceededTask)
    assert done.output == ["https://cdn.example/a.mp4"]
    assert seen == [("PENDING", None), ("RUNNING", 0.2), ("RUNNING", 0.7), ("SUCCEEDED", None)]
    assert gaps(session.times) == [5.0, 5.0, 5.0]
    assert all(c["url"] == "http://runway.test/v1/tasks/t-1" for c in session.calls)


def test_interval_counts_from_the_start_of_each_poll():
    # A poll that itself takes 2 s is followed by a 3 s pause, not a 5 s one.
    """The poll interval counts from the start of a poll, so slow polls shorten the pause."""
    client, session, _ = scripted(PENDING, running(0.5), SUCCEEDED, latency=2.0)
    client.wait_for_task("t-1", poll_interval=5)
    assert gaps(session.times) == [5.0, 5.0]


def test_never_polls_faster_than_the_interval_even_with_short_timeouts():
    """Polls are never closer together than poll_interval, whatever the timeout."""
    client, session, _ = scripted(*[running(0.1)] * 10)
    with pytest.raises(TaskTimeoutError):
        client.wait_for_task("t-1", poll_interval=7, timeout=30)
    assert all(g >= 7 for g in gaps(session.times))


def test_failed_raises_with_failure_and_code():
    """A FAILED task raises TaskFailedError carrying the failure, code and task."""
    client, _, _ = scripted(PENDING, task("FAILED", failure="Flagged by moderation.",
                                          failureCode="SAFETY.INPUT.TEXT", cost={"credits": 0}))
    with pytest.raises(TaskFailedError, match=r"SAFETY\.INPUT\.TEXT") as info:
        client.wait_for_task("t-1")
    assert info.value.failure == "Flagged by moderation."
    assert info.value.failure_code == "SAFETY.INPUT.TEXT"
    assert isinstance(info.value.task, FailedTask)


def test_failed_without_a_code():
    """A FAILED task without a failureCode raises with failure_code None."""
    client, _, _ = scripted(task("FAILED", failure="It broke.", cost={"credits": 0}))
    with pytest.raises(TaskFailedError) as info:
        client.wait_for_task("t-1")
    assert info.value.failure_code is None
    assert info.value.task.failure_code is None


def test_cancelled_is_a_failure_not_an_endless_wait():
    """A CANCELLED task raises TaskFailedError instead of waiting forever."""
    client, session, _ = scripted(running(0.3), task("CANCELLED", cost={"credits": 0}))
    with pytest.raises(TaskFailedError, match="CANCELLED"):
        client.wait_for_task("t-1", timeout=None)
    assert len(session.calls) == 2


def test_timeout_at_the_deadline_with_the_last_state():
    """The wait raises TaskTimeoutError exactly at the deadline with the last task seen."""
    client, session, clock = scripted(*[running(0.4)] * 10)
    start = clock.now()
    with pytest.raises(TaskTimeoutError) as info:
        client.wait_for_task("t-1", poll_interval=5, timeout=20)
    assert gaps(session.times) == [5.0, 5.0, 5.0, 5.0]  # polls at 0, 5, 10, 15, 20
    assert clock.now() - start == 20
    assert isinstance(info.value.task, RunningTask)
    assert info.value.task.progress == 0.4
    assert len(session.unused) == 5


def test_zero_timeout_polls_once():
    """timeout=0 polls once and then raises TaskTimeoutError."""
    client, session, _ = scripted(PENDING)
    with pytest.raises(TaskTimeoutError):
        client.wait_for_task("t-1", timeout=0)
    assert len(session.calls) == 1


def test_http_errors_while_polling_propagate():
    """An HTTP error during polling propagates as its own error class."""
    client, _, _ = scripted(PENDING, (404, {"error": "Task not found."}))
    with pytest.raises(NotFoundError, match="Task not found"):
        client.wait_for_task("t-1")


def test_workflow_invocations_wait_the_same_way():
    """wait_for_invocation polls workflow invocations the same way to SUCCEEDED."""
    inv = {"id": "i-1", "createdAt": "2026-01-01T00:00:00.000Z"}
    client, session, _ = scripted(
        (200, {**inv, "status": "RUNNING", "progress": 0.5, "output": {}}),
        (200, {**inv, "status": "SUCCEEDED", "output": {"n1": ["https://cdn.example/x.png"]}}))
    done = client.wait_for_invocation("i-1", poll_interval=5)
    assert done.output["n1"] == ["https://cdn.example/x.png"]
    assert session.calls[0]["url"].endswith("/v1/workflow_invocations/i-1")


# -- against the emulator, on its fake clock ------------------------------------------------

@pytest.fixture
def emulator():
    clock = fake_clock()
    app = create_app({"seed": 11}, clock=clock)
    client = RunwayClient("key-wait", base_url="http://runway.test", session=wsgi_session(app),
                          sleep=clock.advance, monotonic=clock.now, seed=1)
    return app, client, clock


def policy(app, **body):
    r = app.test_client().post("/_mock/policies", json={"key": "*", **body})
    assert r.status_code == 200, r.json


I2V = {"model": "gen4_turbo", "prompt_image": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}


def test_a_ten_minute_lifecycle_takes_no_real_time(emulator):
    """A ten-minute emulated task is waited out on the fake clock in under 5 real seconds."""
    app, client, clock = emulator
    policy(app, transition={"kind": "timed", "seconds": 600})
    created = client.image_to_video.create(**I2V)
    seen = []
    started_real, started_fake = time.monotonic(), clock.now()
    done = created.wait(poll_interval=5, timeout=900, on_progress=lambda *a: seen.append(a))
    assert time.monotonic() - started_real < 5
    assert 600 <= clock.now() - started_fake <= 605
    assert done.status == "SUCCEEDED"
    assert done.cost.credits == created.estimated_cost.credits == 25
    statuses = [s for s, _ in seen]
    assert statuses[0] == "PENDING" and statuses[-1] == "SUCCEEDED"
    assert "RUNNING" in statuses
    assert 120 <= len(seen) <= 122  # one poll every 5 s for 10 minutes
    progress = [p for s, p in seen if s == "RUNNING"]
    assert progress == sorted(progress) and 0 <= progress[0] < progress[-1] <= 1


def test_emulated_failure_reaches_task_failed(emulator):
    """An emulator FAILED policy reaches the client as TaskFailedError with the code."""
    app, client, _ = emulator
    policy(app, outcome={"status": "FAILED", "failureCode": "SAFETY.OUTPUT.VIDEO"})
    created = client.image_to_video.create(**I2V)
    with pytest.raises(TaskFailedError) as info:
        client.wait_for_task(created.id)
    assert info.value.failure_code == "SAFETY.OUTPUT.VIDEO"
    assert info.value.failure
    assert info.value.task.cost.credits >= 0


def test_emulated_held_task_times_out(emulator):
    """A held emulated task makes the wait time out exactly at its deadline."""
    app, client, clock = emulator
    policy(app, transition={"kind": "hold", "status": "RUNNING"})
    created = client.image_to_video.create(**I2V)
    start = clock.now()
    with pytest.raises(TaskTimeoutError) as info:
        client.wait_for_task(created.id, poll_interval=10, timeout=600)
    assert clock.now() - start == 600
    assert info.value.task.status == "RUNNING"
