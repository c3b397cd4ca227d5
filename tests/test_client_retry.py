"""The client's retry rules, error table and create safety, against a scripted session."""

from __future__ import annotations

import http.client
import socket
from datetime import datetime, timezone

import pytest
import requests
import urllib3.exceptions
from runway_mock.client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CreateTimeoutError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RunwayClient,
    UnprocessableEntityError,
)
from runway_mock.client import retry as rules
from runway_mock.client.testing import ScriptedSession

ORG = (200, {"creditBalance": 10, "tier": {"maxMonthlyCreditSpend": 1, "models": {}},
             "usage": {"models": {}}})
CREATED = (200, {"id": "t-1", "estimatedCost": {"credits": 25}})
I2V = {"model": "gen4_turbo", "prompt_image": "https://example.com/a.jpg", "ratio": "1280:720"}


def make(*effects, **options):
    """A client over a scripted session; returns (client, session, sleeps)."""
    session = ScriptedSession(*effects)
    sleeps: list[float] = []
    options = {"seed": 1, **options}
    client = RunwayClient("key-test", base_url="http://runway.test", session=session,
                          sleep=sleeps.append, monotonic=lambda: 0.0, **options)
    return client, session, sleeps


def err(status, message="boom", headers=None):
    return (status, {"error": message}, headers or {})


# -- which statuses retry --------------------------------------------------------------

@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(status):
    """408, 409, 429 and 5xx are retried once after a sleep and then succeed."""
    client, session, sleeps = make(err(status), ORG)
    assert client.organization.retrieve().credit_balance == 10
    assert len(session.calls) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize(("status", "cls"), [
    (400, BadRequestError), (401, AuthenticationError), (403, PermissionDeniedError),
    (404, NotFoundError), (405, APIStatusError), (413, APIStatusError),
    (422, UnprocessableEntityError),
])
def test_other_4xx_are_never_retried(status, cls):
    """Other 4xx raise their own error class at once with the server's message, no sleep."""
    client, session, sleeps = make(err(status, "nope"), ORG)
    with pytest.raises(cls) as info:
        client.organization.retrieve()
    assert type(info.value) is cls
    assert info.value.status_code == status
    assert info.value.message == "nope"
    assert len(session.calls) == 1
    assert sleeps == []
    assert session.unused == [ORG]


def test_status_table_for_retryable_errors_once_exhausted():
    """Retryable statuses raise their error class after three attempts by default."""
    for status, cls in [(409, ConflictError), (429, RateLimitError), (500, InternalServerError),
                        (503, InternalServerError)]:
        client, session, _ = make(err(status), err(status), err(status))
        with pytest.raises(cls):
            client.organization.retrieve()
        assert len(session.calls) == 3  # max_retries=2 by default: three attempts


def test_max_retries_bounds_the_attempts():
    """max_retries sets the number of retries and sleeps; 0 means one attempt."""
    client, session, sleeps = make(*[err(500)] * 6, max_retries=4)
    with pytest.raises(InternalServerError, match="500 boom"):
        client.organization.retrieve()
    assert len(session.calls) == 5
    assert len(sleeps) == 4
    client, session, sleeps = make(err(500), max_retries=0)
    with pytest.raises(InternalServerError):
        client.organization.retrieve()
    assert (len(session.calls), sleeps) == (1, [])


def test_x_should_retry_overrides_the_status_rule():
    """x-should-retry false stops a retryable status; true retries a 400."""
    client, session, _ = make(err(503, headers={"x-should-retry": "false"}), ORG)
    with pytest.raises(InternalServerError):
        client.organization.retrieve()
    assert len(session.calls) == 1
    client, session, _ = make(err(400, headers={"X-Should-Retry": "true"}), ORG)
    client.organization.retrieve()
    assert len(session.calls) == 2


# -- how long to wait ------------------------------------------------------------------

@pytest.mark.parametrize(("headers", "expected"), [
    ({"retry-after-ms": "250", "Retry-After": "7"}, 0.25),  # ms wins over seconds
    ({"Retry-After": "3"}, 3.0),
    ({"Retry-After": "1.5"}, 1.5),
    ({"retry-after-ms": "junk", "Retry-After": "2"}, 2.0),  # unusable ms: fall through
    ({"Retry-After": "Wed, 21 Oct 2026 07:28:09 GMT",
      "Date": "Wed, 21 Oct 2026 07:28:05 GMT"}, 4.0),  # a date, measured from Date
    ({"retry-after-ms": "0"}, 0.0),
])
def test_retry_header_precedence(headers, expected):
    """retry-after-ms beats Retry-After; seconds, fractions and HTTP dates are read."""
    client, _, sleeps = make(err(429, headers=headers), ORG)
    client.organization.retrieve()
    assert sleeps == [pytest.approx(expected)]


def test_retry_after_date_without_a_date_header_uses_now():
    """A Retry-After date is measured from now; junk or negative values are no hint."""
    now = datetime(2026, 10, 21, 7, 28, 0, tzinfo=timezone.utc)
    hint = rules.retry_after({"Retry-After": "Wed, 21 Oct 2026 07:28:10 GMT"}, now=now)
    assert hint == pytest.approx(10.0)
    assert rules.retry_after({"Retry-After": "soon"}) is None
    assert rules.retry_after({"Retry-After": "-3"}) is None
    assert rules.retry_after({}) is None


def test_unusable_hints_fall_back_to_backoff():
    """An unreadable Retry-After falls back to the first backoff step."""
    client, _, sleeps = make(err(429, headers={"Retry-After": "whenever"}), ORG)
    client.organization.retrieve()
    assert 0.375 <= sleeps[0] <= 0.5


def test_backoff_is_exponential_with_bounded_jitter():
    """Backoff doubles from 0.5 s to an 8 s cap, with at most 25% jitter down."""
    client, _, sleeps = make(*[err(503)] * 9, max_retries=8, max_retry_wait=1000)
    with pytest.raises(InternalServerError):
        client.organization.retrieve()
    assert len(sleeps) == 8
    for n, delay in enumerate(sleeps):
        base = min(0.5 * 2 ** n, 8.0)
        assert 0.75 * base <= delay <= base, (n, delay)
    assert sleeps[-1] >= 6.0  # capped at 8 s minus jitter


def test_backoff_jitter_comes_from_the_seed():
    """The jitter of backoff sleeps is reproducible from the client's seed."""
    def delays(seed):
        client, _, sleeps = make(*[err(503)] * 5, max_retries=4, seed=seed)
        with pytest.raises(InternalServerError):
            client.organization.retrieve()
        return sleeps

    assert delays(5) == delays(5)
    assert delays(5) != delays(6)


def test_total_wait_is_capped():
    # Backoff sleeps stop before their sum would pass the cap.
    """Backoff stops before the sum of sleeps would pass max_retry_wait."""
    client, session, sleeps = make(*[err(503)] * 11, max_retries=10, max_retry_wait=3.0)
    with pytest.raises(InternalServerError):
        client.organization.retrieve()
    assert sum(sleeps) <= 3.0
    assert len(sleeps) == 3  # with this seed a fourth (~3 s) would pass the cap
    assert len(session.calls) == len(sleeps) + 1


def test_a_server_hint_beyond_the_cap_is_reported_not_slept():
    """A Retry-After beyond the cap raises at once, carrying retry_after and the message."""
    client, session, sleeps = make(err(429, "slow down", {"Retry-After": "120"}), ORG)
    with pytest.raises(RateLimitError) as info:
        client.organization.retrieve()
    assert sleeps == []
    assert len(session.calls) == 1
    assert info.value.retry_after == 120.0
    assert info.value.message == "slow down"


# -- creates are never silently duplicated ----------------------------------------------

@pytest.mark.parametrize("failure", [
    requests.ReadTimeout("read timed out"),
    requests.ConnectionError(urllib3.exceptions.ProtocolError(
        "Connection aborted.", http.client.RemoteDisconnected("closed"))),
])
def test_a_create_without_an_answer_is_reported_not_resent(failure):
    """A create whose request may have arrived raises CreateTimeoutError and is not resent."""
    client, session, sleeps = make(failure, CREATED)
    with pytest.raises(CreateTimeoutError, match="not sent again"):
        client.image_to_video.create(**I2V)
    assert len(session.calls) == 1
    assert sleeps == []
    assert session.unused == [CREATED]


def test_create_timeout_is_a_timeout_error():
    """CreateTimeoutError is an APITimeoutError, which is an APIConnectionError."""
    assert issubclass(CreateTimeoutError, APITimeoutError)
    assert issubclass(APITimeoutError, APIConnectionError)


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_a_create_refused_with_a_status_is_retried(status):
    """A create answered with a retryable status is resent with the same body."""
    client, session, _ = make(err(status), CREATED)
    task = client.image_to_video.create(**I2V)
    assert task.id == "t-1"
    assert len(session.calls) == 2
    assert session.calls[0]["data"] == session.calls[1]["data"]


@pytest.mark.parametrize("failure", [
    requests.ConnectTimeout("connect timed out"),
    requests.ConnectionError(urllib3.exceptions.MaxRetryError(
        None, "/v1/image_to_video",
        urllib3.exceptions.NewConnectionError(None, "Connection refused"))),
])
def test_a_create_that_never_left_is_retried(failure):
    """A create that failed to connect (never sent) is retried."""
    client, session, _ = make(failure, CREATED)
    assert client.image_to_video.create(**I2V).id == "t-1"
    assert len(session.calls) == 2


def test_retry_creates_opts_in_to_resending():
    """retry_creates=True resends a create after a read timeout."""
    client, session, _ = make(requests.ReadTimeout(), CREATED, retry_creates=True)
    assert client.image_to_video.create(**I2V).id == "t-1"
    assert len(session.calls) == 2


@pytest.mark.parametrize("call", [
    lambda c: c.avatars.create(name="a"), lambda c: c.workflows.run("w-1"),
    lambda c: c.generate.video.create(config_id="r"), lambda c: c.recipes.product_ad(),
    lambda c: c.voices.create(name="v"), lambda c: c.realtime_sessions.create(model="m"),
])
def test_every_creating_post_is_protected(call):
    """Every resource's creating POST raises CreateTimeoutError on a read timeout."""
    client, session, _ = make(requests.ReadTimeout(), CREATED)
    with pytest.raises(CreateTimeoutError):
        call(client)
    assert len(session.calls) == 1


def test_reads_are_retried_after_a_timeout():
    """GETs and read-only POSTs are retried after a read timeout; exhaustion is APITimeoutError."""
    client, session, _ = make(requests.ReadTimeout(), ORG)
    assert client.organization.retrieve().credit_balance == 10
    client, session, _ = make(requests.ReadTimeout(), (200, {"models": [], "results": []}))
    client.organization.retrieve_usage(start_date="2026-01-01")  # a POST that only reads
    assert len(session.calls) == 2
    client, _, _ = make(*[requests.ReadTimeout()] * 3)
    with pytest.raises(APITimeoutError) as info:
        client.tasks.retrieve("t-1")
    assert not isinstance(info.value, CreateTimeoutError)


def test_a_refused_connection_on_a_real_socket():
    """A refused connection on a real closed port is retried and raises APIConnectionError."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    sleeps: list[float] = []
    client = RunwayClient("key-test", base_url=f"http://127.0.0.1:{port}", timeout=2,
                          sleep=sleeps.append, seed=1)
    with client, pytest.raises(APIConnectionError) as info:
        client.image_to_video.create(**I2V)
    assert not isinstance(info.value, CreateTimeoutError)  # never sent: safe, so retried
    assert len(sleeps) == 2


# -- error bodies ------------------------------------------------------------------------

def test_bad_request_carries_issues_and_the_server_text():
    """BadRequestError carries the server's issues, body and message text."""
    issues = [{"code": "invalid_enum_value", "path": ["ratio"], "message": "Invalid enum"}]
    client, _, _ = make((400, {"error": "Invalid parameter 'ratio'", "issues": issues}))
    with pytest.raises(BadRequestError) as info:
        client.image_to_video.create(**I2V)
    assert info.value.issues == issues
    assert str(info.value) == "400 Invalid parameter 'ratio'"
    assert info.value.body["issues"] == issues


def test_non_json_error_bodies_still_make_clear_errors():
    """A non-JSON error body still gives an error with its text; missing issues is []."""
    client, _, _ = make((502, "<html>Bad Gateway</html>"), max_retries=0)
    with pytest.raises(InternalServerError, match="Bad Gateway"):
        client.organization.retrieve()
    client, _, _ = make((400, {"error": "x"}))
    with pytest.raises(BadRequestError) as info:
        client.organization.retrieve()
    assert info.value.issues == []


def test_every_request_names_the_key_and_version():
    """Every request sends the bearer key and X-Runway-Version; bodies are JSON."""
    client, session, _ = make(ORG, CREATED)
    client.organization.retrieve()
    client.image_to_video.create(**I2V)
    for call in session.calls:
        assert call["headers"]["Authorization"] == "Bearer key-test"
        assert call["headers"]["X-Runway-Version"] == "2024-11-06"
    assert session.calls[1]["headers"]["Content-Type"] == "application/json"
