"""Contracts for the task lifecycle: the state machine, runs to the end, failures, refunds.

The contracts themselves live in ``contracts.scenarios``; here they run on the target.
"""

from __future__ import annotations

import pytest
from runway_mock.contracts import scenarios


@pytest.mark.runway_frozen_clock
def test_task_lifecycle_state_machine(runway_api):
    """Random create/poll/cancel/advance runs keep every lifecycle invariant."""
    scenarios.lifecycle(runway_api)


@pytest.mark.runway_frozen_clock
def test_task_runs_to_the_end_along_the_documented_path(runway_api):
    """A task moves along the documented path to SUCCEEDED, costs what the books say, then 404s."""
    scenarios.runs_to_the_end(runway_api)


@pytest.mark.runway_needs("time", "outcomes")
def test_failed_task_has_failure_and_is_refunded(runway_api):
    """A failed task has failure and failureCode, costs 0 and is refunded."""
    scenarios.failed_task_is_refunded(runway_api)


@pytest.mark.runway_needs("time", "outcomes")
def test_throttled_task_reports_its_estimate_and_cancels_with_a_refund(runway_api):
    """A THROTTLED task reports its estimate; cancelling it refunds it and it is 404."""
    scenarios.throttled_task_is_refunded_on_cancel(runway_api)


@pytest.mark.runway_frozen_clock
def test_credits_reconcile_with_the_usage_report(runway_api):
    """A finished task's cost shows on the balance and, net, in the usage report."""
    try:
        scenarios.credits_match_usage(runway_api)
    except scenarios.NotServed as exc:
        pytest.skip(str(exc))
