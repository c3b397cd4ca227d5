"""The task contracts as plain functions of an ``Api``, so they run anywhere.

``contracts/test_tasks.py`` runs them as contract tests on the chosen target; the kit's
own tests run them against deliberately broken emulators to show they fail.
"""

from __future__ import annotations

from typing import Any

from hypothesis import find
from runway_mock.contracts import checks, machine, strategies
from runway_mock.contracts.session import run_machine
from runway_mock.contracts.targets import Api

FAILURE_CODE = "SAFETY.INPUT.TEXT"


class NotServed(Exception):
    """The target does not serve an endpoint the scenario needs (the test skips)."""


def cheapest_row() -> tuple[str, str]:
    """The cheapest row of the catalog (the same on every target)."""
    return min(strategies.cheapest_rows(), key=lambda p: strategies.cheapest_estimate(*p))


def create_cheap_task(api: Api, endpoint: str, model: str) -> tuple[str, int]:
    """Create the simplest cheap request of a row; (task id, estimated credits)."""
    body = find(strategies.valid_body(endpoint, model, cheap=True), lambda _b: True)
    reply = api.create(endpoint, body, model=model)
    task_id = checks.check_task_created(reply)
    return task_id, reply.body["estimatedCost"]["credits"]


def lifecycle(api: Api, **settings: Any) -> None:
    """The state machine: random create/poll/cancel/advance runs keep every invariant.

    ``settings`` override the run's Hypothesis settings (e.g. more examples, no shrinking).
    """
    run_machine(machine.lifecycle_machine(api), **settings)


def runs_to_the_end(api: Api) -> None:
    """A task moves along the documented path to SUCCEEDED, costs what the books say,
    and once deleted is 404 (and so is a second DELETE)."""
    before = api.balance()
    task_id, estimate = create_cheap_task(api, *cheapest_row())
    seen = api.wait(task_id)
    previous: str | None = None
    progress: float | None = None
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
    cost = final["cost"]["credits"]
    checks.check_credits_reconcile(before - api.balance(), cost, cost)
    checks.check_deleted(api.cancel(task_id))
    checks.check_not_found(api.task(task_id))
    checks.check_not_found(api.cancel(task_id))


def failed_task_is_refunded(api: Api) -> None:
    """A task that fails has ``failure`` and ``failureCode``, costs 0 and is refunded."""
    endpoint, model = cheapest_row()
    key = f"{endpoint}:{model}"
    api.set_policy(key, outcome={"status": "FAILED", "failureCode": FAILURE_CODE})
    try:
        before = api.balance()
        task_id, _ = create_cheap_task(api, endpoint, model)
        final = api.wait(task_id)[-1]
    finally:
        api.clear_policy(key)
    assert checks.check_task_shape(final, task_id) == "FAILED", f"status: {final['status']}"
    code = final.get("failureCode")
    assert code == FAILURE_CODE, f"failureCode: expected {FAILURE_CODE}, got {code}"
    cost = final["cost"]["credits"]
    assert cost == 0, f"cost.credits: a failed task costs 0, got {cost}"
    checks.check_credits_reconcile(before - api.balance(), 0, 0)


def throttled_task_is_refunded_on_cancel(api: Api) -> None:
    """A THROTTLED task reports its estimate; cancelling it refunds it and it is 404."""
    endpoint, model = cheapest_row()
    key = f"{endpoint}:{model}"
    api.set_policy(key, transition={"kind": "hold", "status": "THROTTLED"})
    try:
        before = api.balance()
        task_id, estimate = create_cheap_task(api, endpoint, model)
        api.advance(60)
        task = api.task(task_id).body
        assert checks.check_task_shape(task, task_id) == "THROTTLED", f"status: {task['status']}"
        checks.check_cost_within_estimate(task, estimate)
        checks.check_deleted(api.cancel(task_id))
    finally:
        api.clear_policy(key)
    checks.check_not_found(api.task(task_id))
    checks.check_credits_reconcile(before - api.balance(), 0, 0)


def credits_match_usage(api: Api) -> None:
    """What a finished task cost shows on the balance and, net, in the usage report."""
    start_usage = machine.usage_total(api)
    if start_usage is None:
        raise NotServed("POST /v1/organization/usage is not served by this target")
    before = api.balance()
    task_id, _ = create_cheap_task(api, *cheapest_row())
    final = api.wait(task_id)[-1]
    spent = before - api.balance()
    cost = final["cost"]["credits"]
    checks.check_credits_reconcile(spent, cost, cost)
    now = machine.usage_total(api)
    assert now is not None, "POST /v1/organization/usage: disappeared during the test"
    checks.check_credits_reconcile(now - start_usage, spent, spent, what="usage (net usedCredits)")


__all__ = ["NotServed", "cheapest_row", "create_cheap_task", "credits_match_usage",
           "failed_task_is_refunded", "lifecycle", "runs_to_the_end",
           "throttled_task_is_refunded_on_cancel"]
