"""Contracts for the task lifecycle: the state machine, runs to the end, failures, refunds.

The contracts themselves live in ``contracts.scenarios``; here they run on the target.
"""

from __future__ import annotations

import pytest
from runway_mock.contracts import scenarios


@pytest.mark.runway_frozen_clock
def test_task_lifecycle_state_machine(runway_api):
    scenarios.lifecycle(runway_api)


@pytest.mark.runway_frozen_clock
def test_task_runs_to_the_end_along_the_documented_path(runway_api):
    scenarios.runs_to_the_end(runway_api)


@pytest.mark.runway_needs("time", "outcomes")
def test_failed_task_has_failure_and_is_refunded(runway_api):
    scenarios.failed_task_is_refunded(runway_api)


@pytest.mark.runway_needs("time", "outcomes")
def test_throttled_task_reports_its_estimate_and_cancels_with_a_refund(runway_api):
    scenarios.throttled_task_is_refunded_on_cancel(runway_api)


@pytest.mark.runway_frozen_clock
def test_credits_reconcile_with_the_usage_report(runway_api):
    try:
        scenarios.credits_match_usage(runway_api)
    except scenarios.NotServed as exc:
        pytest.skip(str(exc))
