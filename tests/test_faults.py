"""Fault injection as real clients see it (requests and the official SDK over waitress),
plus rule matching, budgets, seeded determinism, the per-request header and rule files."""

from __future__ import annotations

import json
import time

import pytest
import requests
from runway_mock import create_app
from runway_mock.clock import fake_clock
from runway_mock.domain import faults, journal
from runway_mock.testing import runtime_of, serve

from tests.conftest import API_KEY, auth

runwayml = pytest.importorskip("runwayml")

I2V = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}
SDK_I2V = {"model": "gen4_turbo", "prompt_image": "https://example.com/a.jpg",
           "ratio": "1280:720", "duration": 5}


@pytest.fixture(scope="module")
def live():
    """One emulator on waitress for the module: (url, app, clock, recorded sleeps)."""
    clock = fake_clock()
    app = create_app({"seed": 11, "initial_credits": 10**6}, clock=clock)
    slept: list[float] = []
    runtime_of(app).sleep = slept.append
    with serve(app, threads=4) as url:
        yield url, app, clock, slept


@pytest.fixture
def server(live):
    url, app, _clock, slept = live
    requests.post(f"{url}/_mock/reset", json={}, timeout=5).raise_for_status()
    slept.clear()
    runtime_of(app).sleep = slept.append
    return live


def add_rule(url, **rule):
    r = requests.post(f"{url}/_mock/faults", json=rule, timeout=5)
    assert r.status_code == 200, r.json()
    return r.json()["rules"][-1]


def rules(url):
    return {r["id"]: r for r in requests.get(f"{url}/_mock/faults", timeout=5).json()["rules"]}


def sdk(url, retries=0, timeout=5.0):
    return runwayml.RunwayML(api_key=API_KEY, base_url=url, max_retries=retries,
                             timeout=timeout)


def journal_of(url, **query):
    return requests.get(f"{url}/_mock/journal", params=query, timeout=5).json()["entries"]


# ---------------------------------------------------------------------------
# Each effect as a real client sees it


def test_sdk_retries_a_429_honouring_retry_after_ms(server):
    """The SDK waits retry-after-ms, not its own backoff, between two 429s."""
    url, *_ = server
    add_rule(url, id="busy", match={"method": "POST", "path": "/v1/image_to_video"},
             effect={"type": "status", "status": 429, "retryAfterMs": 200}, times=2)
    client = sdk(url, retries=2)
    t0 = time.monotonic()
    task = client.image_to_video.create(**SDK_I2V)
    elapsed = time.monotonic() - t0
    client.close()
    assert task.id
    assert elapsed >= 0.4  # two waits of 200 ms, as the header asked
    assert elapsed < 0.9  # not the SDK's own backoff (0.375-0.5 s, then 0.75-1 s)
    calls = journal_of(url, path="/v1/image_to_video")
    assert [c["status"] for c in calls] == [429, 429, 200]
    assert [c.get("retryCount") for c in calls] == [0, 1, 2]
    assert [c.get("fault", {}).get("rule") for c in calls] == ["busy", "busy", None]
    assert calls[0]["retryAfter"] == pytest.approx(0.2)
    assert rules(url)["busy"]["exhausted"] is True


@pytest.mark.parametrize(("effect", "header", "value"), [
    ({"retryAfter": 1}, "Retry-After", "1"),
    ({"retryAfter": 0.25}, "Retry-After", "0.25"),
    ({"retryAfterMs": 150}, "retry-after-ms", "150"),
    ({}, None, None),
])
def test_429_headers_as_configured(server, effect, header, value):
    """A 429 rule sends exactly the Retry-After / retry-after-ms header it was given, or none."""
    url, *_ = server
    add_rule(url, effect={"type": "status", "status": 429, **effect}, times=1)
    r = requests.get(f"{url}/v1/organization", headers=auth(), timeout=5)
    assert r.status_code == 429
    assert r.json() == {"error": "Too many requests. Please slow down and retry later."}
    present = {h for h in ("Retry-After", "retry-after-ms") if h in r.headers}
    assert present == ({header} if header else set())
    if header:
        assert r.headers[header] == value


def test_sdk_gives_up_with_rate_limit_error_when_retries_run_out(server):
    """A rule that always 429s makes the SDK raise RateLimitError after max_retries + 1 calls."""
    url, *_ = server
    add_rule(url, effect={"type": "status", "status": 429, "retryAfterMs": 10})
    client = sdk(url, retries=1)
    with pytest.raises(runwayml.RateLimitError) as err:
        client.organization.retrieve()
    client.close()
    assert err.value.status_code == 429
    assert len(journal_of(url, path="/v1/organization")) == 2


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_reaches_the_sdk_as_internal_server_error(server, status):
    """Each injected 5xx reaches the SDK as InternalServerError with its status and error body."""
    url, *_ = server
    add_rule(url, effect={"type": "status", "status": status, "error": "boom"})
    client = sdk(url)
    with pytest.raises(runwayml.InternalServerError) as err:
        client.tasks.retrieve("00000000-0000-4000-8000-000000000000")
    client.close()
    assert err.value.status_code == status
    assert err.value.body == {"error": "boom"}


def test_should_retry_header_stops_the_sdk_retrying(server):
    """A 503 rule with shouldRetry false sends x-should-retry: false and the SDK calls once."""
    url, *_ = server
    add_rule(url, effect={"type": "status", "status": 503, "shouldRetry": False})
    client = sdk(url, retries=2)
    with pytest.raises(runwayml.InternalServerError):
        client.organization.retrieve()
    client.close()
    assert len(journal_of(url, path="/v1/organization")) == 1


def test_dropped_connection_is_a_connection_error(server):
    """A drop rule closes the socket (ConnectionError / APIConnectionError) and is journalled."""
    url, *_ = server
    add_rule(url, id="cut", match={"path": "/v1/organization"}, effect="drop", times=2)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/v1/organization", headers=auth(), timeout=5)
    client = sdk(url)
    with pytest.raises(runwayml.APIConnectionError):
        client.organization.retrieve()
    client.close()
    entries = journal_of(url, path="/v1/organization")
    assert [e["status"] for e in entries] == [journal.DROPPED] * 2
    assert all(e["fault"] == {"rule": "cut", "type": "drop", "call": n}
               for n, e in enumerate(entries, 1))


def test_sdk_retries_through_a_dropped_connection(server):
    """One dropped connection is retried by the SDK and the second call succeeds."""
    url, *_ = server
    add_rule(url, match={"path": "/v1/organization"}, effect="drop", times=1)
    client = sdk(url, retries=1)
    assert client.organization.retrieve().credit_balance == 10**6
    client.close()


def test_drop_after_processing_still_creates_the_task(server):
    """A drop with after=true cuts the reply but the task is already stored and journalled."""
    url, app, *_ = server
    add_rule(url, match={"method": "POST"}, effect={"type": "drop", "after": True}, times=1)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{url}/v1/image_to_video", json=I2V, headers=auth(), timeout=5)
    [entry] = journal_of(url)
    assert entry["status"] == journal.DROPPED and entry["created"] is True
    assert runtime_of(app).store.get(entry["tenant"], "task", entry["taskId"]) is not None


def test_truncated_body(server):
    """A truncate rule cuts the body short, for requests and the SDK alike."""
    url, *_ = server
    add_rule(url, match={"path": "/v1/organization"}, effect={"type": "truncate", "bytes": 10},
             times=2)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{url}/v1/organization", headers=auth(), timeout=5)
    client = sdk(url)
    with pytest.raises(runwayml.APIConnectionError):
        client.organization.retrieve()
    client.close()


def test_malformed_body(server):
    """A malformed rule sends a 200 JSON-typed body that neither requests nor the SDK parse."""
    url, *_ = server
    add_rule(url, match={"path": "/v1/organization"}, effect="malformed", times=1)
    add_rule(url, match={"path": "/v1/organization"},
             effect={"type": "malformed", "body": "<html>gateway</html>"}, times=1)
    r = requests.get(f"{url}/v1/organization", headers=auth(), timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    with pytest.raises(requests.JSONDecodeError):
        r.json()
    client = sdk(url)
    with pytest.raises(ValueError, match=r"Expecting|Extra data"):
        client.organization.retrieve()
    client.close()


def test_latency_uses_the_runtime_sleep(server):
    """Latency effects (alone or on a status rule) call the runtime's injectable sleep."""
    url, _app, _clock, slept = server
    add_rule(url, effect={"type": "latency", "seconds": 2.5}, times=1)
    add_rule(url, effect={"type": "status", "status": 503, "latency": 1.0}, times=1)
    assert requests.get(f"{url}/v1/organization", headers=auth(), timeout=5).status_code == 200
    assert requests.get(f"{url}/v1/organization", headers=auth(), timeout=5).status_code == 503
    assert slept == [2.5, 1.0]


def test_real_latency_makes_a_client_time_out(server):
    """Real latency longer than the client's timeout makes the SDK raise APITimeoutError."""
    url, app, *_ = server
    runtime_of(app).sleep = time.sleep
    add_rule(url, effect={"type": "latency", "seconds": 0.6}, times=1)
    client = sdk(url, timeout=0.2)
    with pytest.raises(runwayml.APITimeoutError):
        client.organization.retrieve()
    client.close()


def test_fail_effect_forces_the_task_to_failed(server):
    """A fail rule makes only the matched task FAILED with its failureCode and zero cost."""
    url, _app, clock, _ = server
    add_rule(url, match={"model": "gen4_turbo"},
             effect={"type": "fail", "failureCode": "SAFETY.INPUT.IMAGE"}, times=1)
    client = sdk(url)
    failed = client.image_to_video.create(**SDK_I2V)
    fine = client.image_to_video.create(**SDK_I2V)
    clock.advance(3600)
    task = client.tasks.retrieve(failed.id)
    assert task.status == "FAILED"
    assert task.failure_code == "SAFETY.INPUT.IMAGE"
    assert task.cost.credits == 0
    assert client.tasks.retrieve(fine.id).status == "SUCCEEDED"
    client.close()


def test_hold_effect_keeps_the_task_until_released(server):
    """A hold rule keeps the task PENDING however long until it is released."""
    url, _app, clock, _ = server
    add_rule(url, effect={"type": "hold", "status": "PENDING"}, times=1)
    client = sdk(url)
    task = client.image_to_video.create(**SDK_I2V)
    clock.advance(10 * 3600)
    assert client.tasks.retrieve(task.id).status == "PENDING"
    r = requests.post(f"{url}/_mock/tasks/{task.id}/release", json={"apiKey": API_KEY},
                      timeout=5)
    assert r.json()["released"] is True
    clock.advance(600)
    assert client.tasks.retrieve(task.id).status == "SUCCEEDED"
    client.close()


# ---------------------------------------------------------------------------
# Matching, ordering, budgets and determinism (in process)


def call(client, path="/v1/organization", key=API_KEY, method="GET", body=None):
    return client.open(path, method=method, json=body, headers=auth(key)).status_code


@pytest.fixture
def rt(app):
    return runtime_of(app)


def test_first_matching_rule_wins(client, rt):
    """Rules are tried in order and the first that matches decides the response."""
    faults.add(rt, [{"match": {"path": "/v1/organization"}, "effect": {"type": "status",
                                                                      "status": 503}},
                    {"effect": {"type": "status", "status": 500}}])
    assert call(client) == 503
    assert call(client, "/v1/tasks/00000000-0000-4000-8000-000000000000") == 500


@pytest.mark.parametrize(("match", "hits"), [
    ({"method": "post"}, [False, True, False, False]),
    ({"path": "/v1/tasks/*"}, [False, False, True, False]),
    ({"endpoint": "image_to_video"}, [False, True, False, False]),
    ({"endpoint": "get_organization"}, [True, False, False, True]),
    ({"model": "gen4_turbo"}, [False, True, True, False]),
    ({"apiKey": "test-key-beta"}, [False, False, False, True]),
    ({"method": ["GET", "DELETE"], "path": ["/v1/organization", "/nope"]},
     [True, False, False, True]),
])
def test_match_keys(client, rt, match, hits):
    """Each match key (method, path glob, endpoint, model, apiKey, lists) picks its calls."""
    task_id = client.post("/v1/image_to_video", json=I2V, headers=auth()).json["id"]
    faults.add(rt, [{"match": match, "effect": {"type": "status", "status": 418}}])
    seen = [
        call(client) == 418,
        call(client, "/v1/image_to_video", method="POST", body=I2V) == 418,
        call(client, f"/v1/tasks/{task_id}") == 418,
        call(client, key="test-key-beta") == 418,
    ]
    assert seen == hits


def test_budgets_once_n_and_forever_with_consumption_report(client, rt):
    """times once / N / unbounded budgets fire as counted; the report and unconsumed list agree."""
    faults.add(rt, [
        {"id": "once", "match": {"path": "/v1/organization"},
         "effect": {"type": "status", "status": 500}, "times": "once"},
        {"id": "twice", "match": {"path": "/v1/organization"},
         "effect": {"type": "status", "status": 502}, "times": 2},
        {"id": "always", "match": {"path": "/v1/organization"},
         "effect": {"type": "status", "status": 503}},
        {"id": "never", "match": {"path": "/nowhere"}, "effect": "drop", "times": 3},
    ])
    assert [call(client) for _ in range(5)] == [500, 502, 502, 503, 503]
    report = {r["id"]: r for r in faults.report(rt)}
    assert (report["once"]["fired"], report["once"]["remaining"]) == (1, 0)
    assert report["once"]["exhausted"] is True
    assert (report["twice"]["fired"], report["twice"]["remaining"]) == (2, 0)
    assert (report["always"]["fired"], report["always"]["remaining"]) == (2, None)
    assert report["always"]["calls"] == 2
    assert report["never"]["calls"] == 0
    assert [r["id"] for r in client.get("/_mock/faults/unconsumed").json["rules"]] == ["never"]


def test_nth_matching_call(client, rt):
    """match.nth fires only on the listed ordinal matching calls."""
    faults.add(rt, [{"match": {"path": "/v1/organization", "nth": [2, 4]},
                     "effect": {"type": "status", "status": 500}}])
    assert [call(client) for _ in range(5)] == [200, 500, 200, 500, 200]


def pattern(seed, n=40, p=0.3):
    app = create_app({"seed": seed}, clock=fake_clock())
    faults.add(runtime_of(app), [{"id": "flaky", "match": {"probability": p},
                                  "effect": {"type": "status", "status": 503}}])
    client = app.test_client()
    return [call(client) == 503 for _ in range(n)]


def test_probability_is_reproducible_under_a_seed():
    """Probabilistic rules fire in the same pattern under the same seed and differ across seeds."""
    first = pattern(seed=1)
    assert pattern(seed=1) == first
    assert pattern(seed=2) != first
    assert 4 <= sum(first) <= 20  # about 30% of 40


def test_reset_starts_rule_counters_again(client, rt):
    """Reset keeping faults restarts rule counters; a full reset removes the rules."""
    faults.add(rt, [{"id": "n2", "match": {"nth": 2},
                     "effect": {"type": "status", "status": 500}}])
    assert [call(client) for _ in range(3)] == [200, 500, 200]
    r = client.post("/_mock/reset", json={"keep": ["faults"]})
    assert r.status_code == 200
    assert [call(client) for _ in range(3)] == [200, 500, 200]
    client.post("/_mock/reset", json={})
    assert faults.rules(rt) == []
    assert [call(client) for _ in range(3)] == [200, 200, 200]  # no stale rules
    faults.add(rt, [{"id": "n2", "effect": {"type": "status", "status": 502}}])
    assert call(client) == 502


@pytest.mark.parametrize(("rule", "message"), [
    ({"effect": {"type": "explode"}}, "effect.type"),
    ({"effect": {"type": "status", "status": 200}}, "effect.status"),
    ({"effect": {"type": "status", "status": 429, "retryAfter": -1}}, "retryAfter"),
    ({"effect": {"type": "latency"}}, "effect.seconds"),
    ({"effect": {"type": "latency", "seconds": 10_000}}, "effect.seconds"),
    ({"effect": {"type": "hold", "status": "SUCCEEDED"}}, "effect.status"),
    ({"effect": "drop", "times": 0}, "times"),
    ({"effect": "drop", "match": {"nth": 0}}, "match.nth"),
    ({"effect": "drop", "match": {"probability": 1.5}}, "match.probability"),
    ({"effect": "drop", "match": {"color": "red"}}, "unknown match keys"),
    ({"effect": "drop", "when": "now"}, "unknown rule fields"),
    ({"effect": {"type": "drop", "bytes": 3}}, "unknown fields for a drop effect"),
])
def test_bad_rules_are_400_with_a_clear_message(client, rule, message):
    """Each invalid rule is refused with 400 and a message naming the bad field."""
    r = client.post("/_mock/faults", json=rule)
    assert r.status_code == 400
    assert message in r.json["error"]


def test_duplicate_rule_ids_are_refused(client, rt):
    """Adding a rule whose id already exists is a 400 "already exists"."""
    faults.add(rt, [{"id": "a", "effect": "drop"}])
    r = client.post("/_mock/faults", json={"id": "a", "effect": "drop"})
    assert r.status_code == 400 and "already exists" in r.json["error"]


# ---------------------------------------------------------------------------
# The per-request header


HEADER = {"X-Runway-Mock-Fault": json.dumps({"effect": {"type": "status", "status": 502}})}


def test_header_fault_applies_to_that_call_only(client):
    """The fault header faults only its own request; the journal names rule "header"."""
    assert client.get("/v1/organization", headers={**auth(), **HEADER}).status_code == 502
    assert call(client) == 200
    entries = journal.entries(runtime_of(client.application))
    assert entries[0]["fault"] == {"rule": "header", "type": "status", "call": 1}


def test_header_shorthand_is_the_effect(client):
    """A fault header holding a bare effect object is taken as the effect."""
    h = {"X-Runway-Mock-Fault": '{"type": "status", "status": 504}'}
    assert client.get("/v1/organization", headers={**auth(), **h}).status_code == 504


def test_bad_header_is_400(client):
    """An unparsable X-Runway-Mock-Fault header is a 400 naming the header."""
    r = client.get("/v1/organization", headers={**auth(), "X-Runway-Mock-Fault": "{oops"})
    assert r.status_code == 400 and "X-Runway-Mock-Fault" in r.json["error"]


def test_header_needs_the_admin_token_when_one_is_set(clock):
    """With an admin token configured the fault header is 403 unless the token is sent."""
    app = create_app({"admin_token": "s3cret"}, clock=clock)
    client = app.test_client()
    r = client.get("/v1/organization", headers={**auth(), **HEADER})
    assert r.status_code == 403 and "admin token" in r.json["error"]
    ok = {**auth(), **HEADER, "X-Runway-Mock-Admin-Token": "s3cret"}
    assert client.get("/v1/organization", headers=ok).status_code == 502


def test_header_is_refused_when_exposed_without_a_token(clock):
    """An exposed server without an admin token refuses the fault header with 403."""
    client = create_app({"exposed": True}, clock=clock).test_client()
    r = client.get("/v1/organization", headers={**auth(), **HEADER})
    assert r.status_code == 403
    assert client.get("/v1/organization", headers=auth()).status_code == 200


# ---------------------------------------------------------------------------
# Rule files


def test_load_yaml_and_json_files(tmp_path, app):
    """Rule files in YAML and JSON load in order, with default ids and times normalised."""
    yml = tmp_path / "faults.yaml"
    yml.write_text(
        "rules:\n"
        "  - id: slow-create\n"
        "    match: {method: POST, path: /v1/image_to_video}\n"
        "    effect: {type: latency, seconds: 1.5}\n"
        "    times: once\n"
        "  - match: {path: /v1/tasks/*, probability: 0.1}\n"
        "    effect: {type: status, status: 503}\n")
    js = tmp_path / "faults.json"
    js.write_text(json.dumps([{"id": "cut", "effect": "drop", "times": 2}]))
    faults.load_file(app, yml)
    faults.load_file(app, js)
    stored = faults.rules(runtime_of(app))
    assert [r["id"] for r in stored] == ["slow-create", "rule-1", "cut"]
    assert stored[0]["times"] == 1 and stored[1]["times"] is None


def test_bad_rule_file_names_the_problem(tmp_path, app):
    """A bad rule file raises ValueError naming the file, rule index and field."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("- effect: {type: status, status: 99}\n")
    with pytest.raises(ValueError, match=r"bad.yaml: rule 0: effect.status"):
        faults.load_file(app, bad)
