"""Credits: charges at creation, the documented refunds, price overrides, the spend cap,
and conservation (balance = funded - charged + refunded) over random histories."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)
from runway_mock import create_app
from runway_mock.clock import fake_clock
from runway_mock.config import tenant_of
from runway_mock.domain import ledger
from runway_mock.testing import runtime_of

from tests.conftest import API_KEY, auth

I2V = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}
T2I = {"model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"}
AUTO = {"model": "seedance2", "promptText": "a cat", "duration": "auto"}
TENANT = tenant_of(API_KEY)


def control(client, path, body, expect=200):
    r = client.post(f"/_mock/{path}", json=body)
    assert r.status_code == expect, r.json
    return r.json


def create(client, body=I2V, path="/v1/image_to_video"):
    r = client.post(path, json=body, headers=auth())
    assert r.status_code == 200, r.json
    return r.json


def get(client, task_id):
    return client.get(f"/v1/tasks/{task_id}", headers=auth()).json


def balance(client):
    return client.get("/v1/organization", headers=auth()).json["creditBalance"]


def per_task(app) -> dict[str, int]:
    """Net credits the ledger moved per task (charges minus refunds)."""
    net: dict[str, int] = defaultdict(int)
    for e in ledger.entries(runtime_of(app), TENANT, limit=10**6):
        if e["taskId"]:
            net[e["taskId"]] += e["credits"] if e["kind"] == "charge" else -e["credits"]
    return net


# ---------------------------------------------------------------------------
# The documented rules


def test_success_costs_the_estimate(client, clock):
    """A succeeded task costs exactly its estimate, charged at creation."""
    start = balance(client)
    task = create(client)
    assert task["estimatedCost"] == {"credits": 25}  # 5 credits/s x 5 s
    clock.advance(600)
    assert get(client, task["id"])["cost"] == {"credits": 25}
    assert balance(client) == start - 25


def test_failed_generation_is_refunded_in_full(client, clock):
    """A failed generation is refunded in full: cost 0 and the balance restored."""
    control(client, "policies", {"key": "*", "outcome": {"status": "FAILED",
                                                         "failureCode": "INTERNAL"}})
    start = balance(client)
    task = create(client)
    assert balance(client) == start - 25
    clock.advance(600)
    assert get(client, task["id"])["cost"] == {"credits": 0}
    assert balance(client) == start
    assert per_task(client.application)[task["id"]] == 0


def test_failure_without_refund_when_the_policy_says_so(client, clock):
    # The reference conflicts on SAFETY.INPUT refunds; the emulator can play either side.
    """A FAILED policy with refund false keeps the charge."""
    control(client, "policies", {"key": "*", "outcome": {
        "status": "FAILED", "failureCode": "SAFETY.INPUT.IMAGE", "refund": False}})
    start = balance(client)
    task = create(client)
    clock.advance(600)
    assert get(client, task["id"])["cost"] == {"credits": 25}
    assert balance(client) == start - 25


def test_auto_duration_refunds_the_remainder(client, clock):
    """An auto-duration task is charged for the longest duration and refunded the rest."""
    start = balance(client)
    task = create(client, AUTO, "/v1/text_to_video")
    # Billed at the longest duration (15 s x 36 credits/s) up front...
    assert task["estimatedCost"] == {"credits": 540}
    assert balance(client) == start - 540
    clock.advance(3600)
    done = get(client, task["id"])
    # ...and the 5 s actually produced cost 180; the rest comes back.
    assert done["status"] == "SUCCEEDED"
    assert done["cost"] == {"credits": 180}
    assert balance(client) == start - 180
    reasons = [e["reason"] for e in ledger.entries(runtime_of(client.application), TENANT)]
    assert reasons == ["task created", "task succeeded"]


@pytest.mark.parametrize(("advance", "refunded"), [(0.0, True), (1.5, False)])
def test_cancel_refunds_only_before_running(client, clock, advance, refunded):
    """Deleting a task refunds it only while PENDING, not once RUNNING."""
    start = balance(client)
    task = create(client)
    clock.advance(advance)
    assert client.delete(f"/v1/tasks/{task['id']}", headers=auth()).status_code == 204
    assert balance(client) == (start if refunded else start - 25)


def test_not_enough_credits_is_refused_and_nothing_changes(client):
    """A create beyond the balance is a 400 with Runway's message; nothing is stored."""
    control(client, "credits", {"apiKey": API_KEY, "set": 24})
    app = client.application
    before = ledger.totals(runtime_of(app), TENANT)
    r = client.post("/v1/image_to_video", json=I2V, headers=auth())
    assert r.status_code == 400
    # Runway's words (public captures and runwayml/sdk-node#28): no figures.
    assert r.json == {"error": "You do not have enough credits to run this task.",
                      "docUrl": "https://docs.dev.runwayml.com/api"}
    assert ledger.totals(runtime_of(app), TENANT) == before
    assert runtime_of(app).store.count(TENANT, "task") == 0
    org = client.get("/v1/organization", headers=auth()).json
    assert org["creditBalance"] == 24 and org["usage"]["models"] == {}


def test_balance_can_reach_exactly_zero_but_never_below(client):
    """Creates may spend the balance to exactly 0; the next one is refused."""
    control(client, "credits", {"apiKey": API_KEY, "set": 50})
    create(client)
    create(client)
    assert balance(client) == 0
    assert client.post("/v1/image_to_video", json=I2V, headers=auth()).status_code == 400
    assert balance(client) == 0


def test_credits_are_per_tenant(client):
    """One tenant at zero credits does not stop another tenant creating."""
    control(client, "credits", {"apiKey": "other", "set": 0})
    assert client.post("/v1/image_to_video", json=I2V, headers=auth("other")).status_code == 400
    create(client)


# ---------------------------------------------------------------------------
# Prices


def test_price_override_per_model_and_per_endpoint_model(client, clock):
    """Price overrides per model and per endpoint:model change estimates; deleting restores."""
    control(client, "prices", {"model": "gen4_turbo", "unit": "second", "rate": 7})
    assert create(client)["estimatedCost"] == {"credits": 35}
    control(client, "prices", {"model": "image_to_video:gen4_turbo", "unit": "generation",
                               "rate": 3})
    assert create(client)["estimatedCost"] == {"credits": 3}
    r = client.get("/_mock/prices?endpoint=image_to_video&model=gen4_turbo")
    assert r.json["effective"]["unit"] == "generation"
    assert r.json["effective"]["source"] == "override"
    assert client.delete("/_mock/prices/image_to_video:gen4_turbo").status_code == 200
    assert client.delete("/_mock/prices/gen4_turbo").json == {"overrides": {}}
    assert create(client)["estimatedCost"] == {"credits": 25}
    clock.advance(600)
    # The catalog's own price says where it came from.
    r = client.get("/_mock/prices?endpoint=image_to_video&model=gen4_turbo")
    assert r.json["effective"]["source"] == "skills"


@pytest.mark.parametrize("body", [
    {"model": "gen4_turbo", "unit": "minute", "rate": 1},
    {"model": "gen4_turbo", "unit": "second", "rate": -1},
    {"model": "gen4_turbo", "unit": "second", "rate": "5"},
    {"model": "gen4_turbo", "unit": "chars", "rate": 1, "per": 0},
    {"model": "gen4_turbo", "unit": "second", "rate": 1, "by": [["audio", True]]},
    {"model": "gen4_turbo", "unit": "second", "rate": 1, "color": "red"},
    {"unit": "second", "rate": 1},
])
def test_bad_price_overrides_are_400(client, body):
    """Bad units, rates, divisors, conditions, stray fields or no model are 400s."""
    r = client.post("/_mock/prices", json=body)
    assert r.status_code == 400 and r.json["error"]


def test_price_override_with_a_conditional_rate(client):
    """A conditional "by" rate applies when the input matches it."""
    control(client, "prices", {"model": "veo3.1", "unit": "second", "rate": 2,
                               "by": [["audio", True, 3]]})
    body = {"model": "veo3.1", "promptText": "x", "ratio": "1280:720", "duration": 4,
            "audio": False}
    assert create(client, body, "/v1/text_to_video")["estimatedCost"] == {"credits": 8}
    body["audio"] = True
    assert create(client, body, "/v1/text_to_video")["estimatedCost"] == {"credits": 12}


# ---------------------------------------------------------------------------
# Funding and the monthly spend cap


def test_set_add_and_purchase_credits(client, clock):
    """Credits can be set, added and purchased up to the tier's 30-day spend cap."""
    view = control(client, "credits", {"apiKey": API_KEY, "set": 100})
    assert view["balance"] == 100
    view = control(client, "credits", {"apiKey": API_KEY, "add": 50})
    assert view["balance"] == 150
    # Tier 1 caps purchases at 10,000 credits ($100) per 30 days.
    view = control(client, "credits", {"apiKey": API_KEY, "purchase": 6000})
    assert view["balance"] == 6150 and view["purchased30d"] == 6000
    r = client.post("/_mock/credits", json={"apiKey": API_KEY, "purchase": 5000})
    assert r.status_code == 400 and "maximum monthly credit spend" in r.json["error"]
    assert balance(client) == 6150
    clock.advance(31 * 86400)
    assert control(client, "credits", {"apiKey": API_KEY, "purchase": 5000})["balance"] == 11150
    # Generation itself is never capped by the spend cap.
    control(client, "tier", {"apiKey": API_KEY, "limits": {"gen4_turbo": {
        "maxDailyGenerations": None}}})
    control(client, "policies", {"key": "*", "transition": {"kind": "immediate"}})
    for _ in range(440):
        create(client)
    assert balance(client) == 11150 - 440 * 25


def test_ledger_entries_name_their_rule(client, clock):
    """Each ledger entry names its kind, credits and rule, and the books balance."""
    control(client, "credits", {"apiKey": API_KEY, "set": 1000})
    task = create(client)
    client.delete(f"/v1/tasks/{task['id']}", headers=auth())
    view = client.get(f"/_mock/credits?apiKey={API_KEY}").json
    assert [(e["kind"], e["credits"], e["reason"]) for e in view["ledger"]] == [
        ("fund", 1000 - 10_000, "balance set over the control API"),
        ("charge", 25, "task created"),
        ("refund", 25, "task cancelled before it started"),
    ]
    assert view["balance"] == view["funded"] - view["charged"] + view["refunded"] == 1000


def test_usage_by_day_nets_charges_and_refunds_on_the_day_they_happen(client, clock):
    """Daily usage counts charges and refunds on the day each happened."""
    rt = runtime_of(client.application)
    control(client, "policies", {"key": "*", "outcome": {"status": "FAILED"}})
    create(client)
    assert ledger.used_by_day(rt, TENANT, "2026-01-01", "gen4_turbo") == 25
    clock.advance(86400)
    get(client, ledger.entries(rt, TENANT)[0]["taskId"])  # settles: refund dated today
    assert ledger.used_by_day(rt, TENANT, "2026-01-02", "gen4_turbo") == -25


# ---------------------------------------------------------------------------
# Conservation over random histories


class LedgerMachine(RuleBasedStateMachine):
    """Random creates, cancels, failures and time; the books must always balance."""

    tasks = Bundle("tasks")

    @initialize()
    def start(self):
        self.clock = fake_clock()
        self.app = create_app({"seed": 5, "initial_credits": 300}, clock=self.clock)
        self.client = self.app.test_client()
        self.rt = runtime_of(self.app)
        self.deleted: dict[str, int] = {}  # task id -> cost it must have had
        control(self.client, "tier", {"apiKey": API_KEY, "tier": 2})

    @rule(target=tasks, kind=st.sampled_from(["video", "image", "auto"]),
          outcome=st.sampled_from(["succeed", "fail", "fail_kept", "maybe"]))
    def create(self, kind, outcome):
        policy = {"succeed": {"status": "SUCCEEDED"},
                  "fail": {"status": "FAILED", "failureCode": "INTERNAL"},
                  "fail_kept": {"status": "FAILED", "refund": False},
                  "maybe": {"status": "FAILED", "probability": 0.5}}[outcome]
        control(self.client, "policies", {"key": "*", "outcome": policy})
        body, path = {"video": (I2V, "/v1/image_to_video"),
                      "image": (T2I, "/v1/text_to_image"),
                      "auto": (AUTO, "/v1/text_to_video")}[kind]
        before = ledger.totals(self.rt, TENANT)
        r = self.client.post(path, json=body, headers=auth())
        if r.status_code != 200:
            assert r.status_code == 400 and "credits" in r.json["error"]
            assert ledger.totals(self.rt, TENANT) == before
            return multiple()
        return r.json["id"]

    @rule(task_id=tasks)
    def delete(self, task_id):
        seen = self.client.get(f"/v1/tasks/{task_id}", headers=auth())
        r = self.client.delete(f"/v1/tasks/{task_id}", headers=auth())
        if seen.status_code == 404:
            assert r.status_code == 404
            return
        assert r.status_code == 204
        task = seen.json
        cost = task["cost"]["credits"] if "cost" in task else (
            task["estimatedCost"]["credits"] if task["status"] == "RUNNING" else 0)
        self.deleted[task_id] = cost

    @rule(task_id=tasks)
    def cancel_visibly(self, task_id):
        r = self.client.post(f"/_mock/tasks/{task_id}/cancel", json={"apiKey": API_KEY})
        assert r.status_code in (200, 404, 409)

    @rule(task_id=tasks)
    def read(self, task_id):
        r = self.client.get(f"/v1/tasks/{task_id}", headers=auth())
        assert r.status_code in (200, 404)

    @rule(seconds=st.floats(0, 20))
    def advance(self, seconds):
        self.clock.advance(seconds)

    @rule(credits=st.integers(1, 400))
    def top_up(self, credits):
        control(self.client, "credits", {"apiKey": API_KEY, "add": credits})

    @invariant()
    def books_balance(self):
        t = ledger.totals(self.rt, TENANT)
        assert t["balance"] == t["funded"] - t["charged"] + t["refunded"]
        assert t["balance"] >= 0
        assert balance(self.client) == ledger.balance(self.rt, TENANT)

    @invariant()
    def each_task_costs_what_the_ledger_says(self):
        net = per_task(self.app)
        for task_id, moved in net.items():
            task = self.rt.store.get(TENANT, "task", task_id)
            if task is None:
                assert moved == self.deleted[task_id]
            elif task["state"] == "ACTIVE":
                assert moved == task["charged"] == task["estimated"]
            else:
                assert moved == task["cost"] <= task["estimated"]

    @invariant()
    def usage_reconciles_with_the_ledger(self):
        t = ledger.totals(self.rt, TENANT)
        values = self.rt.store.dump(TENANT).get(TENANT, {}).get("values", {})
        used = sum(v for k, v in values.items() if k.startswith("used:"))
        assert used == t["charged"] - t["refunded"]
        r = self.client.post("/v1/organization/usage", headers=auth(),
                             json={"startDate": "2026-01-01", "beforeDate": "2026-01-03"})
        assert r.status_code == 200, r.json
        reported = sum(u["amount"] for day in r.json["results"] for u in day["usedCredits"])
        assert reported == t["charged"] - t["refunded"]


TestLedgerConservation = LedgerMachine.TestCase
TestLedgerConservation.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
