"""Contracts for the task lifecycle: the state machine, runs to the end, failures, refunds."""

from __future__ import annotations

import pytest

from contracts import checks, machine, strategies
from contracts.session import run_machine


def _cheapest(api):
    """The cheapest row of the catalog (the same on every target)."""
    return min(strategies.cheapest_rows(), key=lambda p: strategies.cheapest_estimate(*p))


def _create(api, endpoint, model):
    from hypothesis import find

    body = find(strategies.valid_body(endpoint, model, cheap=True), lambda _b: True)
    reply = api.create(endpoint, body, model=model)
    task_id = checks.check_task_created(reply)
    return task_id, reply.body["estimatedCost"]["credits"]


@pytest.mark.runway_frozen_clock
def test_task_lifecycle_state_machine(runway_api):
    run_machine(machine.lifecycle_machine(runway_api))


@pytest.mark.runway_needs("time")
def test_task_runs_to_the_end_along_the_documented_path(runway_api):
    api = runway_api
    before = api.balance()
    endpoint, model = _cheapest(api)
    task_id, estimate = _create(api, endpoint, model)
    seen = api.wait(task_id)
    previous = progress = None
    for task in seen:
        status = checks.check_task_shape(task, task_id)
        checks.check_transition(previous, status)
        if status == "RUNNING":
            checks.check_progress(progress, task["progress"])
            progress = task["progress"]
        checks.check_cost_within_estimate(task, estimate)
        previous = status
    final = seen[-1]
    assert final["status"] == "SUCCEEDED", f"status: expected SUCCEEDED, got {final['status']}"
    checks.check_credits_reconcile(before - api.balance(), final["cost"]["credits"],
                                   final["cost"]["credits"])
    checks.check_deleted(api.cancel(task_id))
    checks.check_not_found(api.task(task_id))
    checks.check_not_found(api.cancel(task_id))


@pytest.mark.runway_needs("time", "outcomes")
def test_failed_task_has_failure_and_is_refunded(runway_api):
    api = runway_api
    endpoint, model = _cheapest(api)
    key = f"{endpoint}:{model}"
    api.set_policy(key, outcome={"status": "FAILED", "failureCode": "SAFETY.INPUT.TEXT"})
    try:
        before = api.balance()
        task_id, _ = _create(api, endpoint, model)
        final = api.wait(task_id)[-1]
    finally:
        api.clear_policy(key)
    assert checks.check_task_shape(final, task_id) == "FAILED", f"status: {final['status']}"
    code = final.get("failureCode")
    assert code == "SAFETY.INPUT.TEXT", f"failureCode: expected SAFETY.INPUT.TEXT, got {code}"
    cost = final["cost"]["credits"]
    assert cost == 0, f"cost.credits: a failed task costs 0, got {cost}"
    checks.check_credits_reconcile(before - api.balance(), 0, 0)


@pytest.mark.runway_needs("time", "outcomes")
def test_throttled_task_reports_its_estimate_and_cancels_with_a_refund(runway_api):
    api = runway_api
    endpoint, model = _cheapest(api)
    key = f"{endpoint}:{model}"
    api.set_policy(key, transition={"kind": "hold", "status": "THROTTLED"})
    try:
        before = api.balance()
        task_id, estimate = _create(api, endpoint, model)
        api.advance(60)
        task = api.task(task_id).body
        assert checks.check_task_shape(task, task_id) == "THROTTLED", f"status: {task['status']}"
        checks.check_cost_within_estimate(task, estimate)
        checks.check_deleted(api.cancel(task_id))
    finally:
        api.clear_policy(key)
    checks.check_not_found(api.task(task_id))
    checks.check_credits_reconcile(before - api.balance(), 0, 0)


@pytest.mark.runway_needs("time")
def test_credits_reconcile_with_the_usage_report(runway_api):
    api = runway_api
    start_usage = machine.usage_total(api)
    if start_usage is None:
        pytest.skip("POST /v1/organization/usage is not served by this target")
    before = api.balance()
    endpoint, model = _cheapest(api)
    task_id, _ = _create(api, endpoint, model)
    final = api.wait(task_id)[-1]
    spent = before - api.balance()
    checks.check_credits_reconcile(spent, final["cost"]["credits"], final["cost"]["credits"])
    checks.check_credits_reconcile(machine.usage_total(api) - start_usage, spent, spent,
                                   what="usage (net usedCredits)")
