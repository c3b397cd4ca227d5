"""The live target's money guard, exercised against the emulator standing in for the real API.

Live runs need ``--live``, a token and a budget; the guard counts every task created at
its price-table estimate and refuses the one that would cross the budget; the summary
reports what the balance says was really spent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from runway_mock.contracts import scenarios, strategies
from runway_mock.contracts.targets import Budget, BudgetExhausted, ContractUsageError, live_target
from runway_mock.testing import serve

REPO = Path(__file__).resolve().parents[1]
TOKEN = "standin-live-key"


def _journal_v1(url: str) -> list[dict]:
    entries = requests.get(f"{url}/_mock/journal", timeout=10).json()["entries"]
    return [e for e in entries if e["path"].startswith("/v1/")]


def test_live_refuses_without_the_flag_a_token_and_a_budget():
    """The live target needs --live, a token and a positive budget, and says which is missing."""
    with pytest.raises(ContractUsageError) as err:
        live_target(None, None, enabled=False, budget=None)
    text = str(err.value)
    assert "--live" in text and "RUNWAYML_API_SECRET" in text and "--live-budget" in text
    with pytest.raises(ContractUsageError, match="budget"):
        live_target(None, TOKEN, enabled=True, budget=0)
    target = live_target(None, TOKEN, enabled=True, budget=50)
    assert target.base_url == "https://api.dev.runwayml.com"
    assert target.caps == frozenset({"money"})


def test_the_budget_counts_estimates_and_refuses_what_would_cross_it():
    """Budget counts committed estimates, refuses the one that would cross it, and reports."""
    budget = Budget(10)
    budget.reserve(4, "a")
    budget.commit(4, "a")
    budget.reserve(6, "b")
    budget.commit(6, "b")
    with pytest.raises(BudgetExhausted, match="c is estimated at 1 credits and 10 of 10"):
        budget.reserve(1, "c")
    budget.start_balance, budget.end_balance = 100, 96
    report = budget.report()
    assert "2 tasks created, estimated at 10 credits" in report
    assert "100 -> 96: 4 credits actually spent" in report
    assert "1 task(s) not created" in report


def test_the_guard_stops_creating_tasks_at_the_budget_against_a_standin_server():
    """The guard stops at the budget against a stand-in server; the refused create is unsent."""
    endpoint, model = next(p for p in strategies.cheapest_rows()
                           if strategies.cheapest_estimate(*p) >= 3)
    with serve(config={"seed": 2}) as url:
        # Hold tasks PENDING: on a loaded machine a timed task may reach RUNNING before
        # the cancel, and a RUNNING cancel is (rightly) not refunded.
        held = requests.post(f"{url}/_mock/policies", timeout=5, json={
            "key": "*", "transition": {"kind": "hold", "status": "PENDING"}})
        assert held.status_code == 200
        target = live_target(url, TOKEN, enabled=True, budget=10)
        api = target.api(TOKEN)
        start = api.balance()
        created, estimates = [], []
        with pytest.raises(BudgetExhausted):
            for _ in range(50):
                task_id, estimate = scenarios.create_cheap_task(api, endpoint, model)
                created.append(task_id)
                estimates.append(estimate)
        assert target.budget is not None
        assert target.budget.committed == sum(estimates) <= 10
        assert target.budget.committed + estimates[0] > 10
        creates = [e for e in _journal_v1(url) if e["method"] == "POST"]
        assert len(creates) == len(created)  # the refused task was never sent
        assert start - api.balance() == sum(estimates)
        for task_id in created:  # cancelled while pending: refunded
            assert api.cancel(task_id).status == 204
        assert api.balance() == start


def _pytest(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    full = {**os.environ, "PYTHONPATH": path, **env}
    for name in ("RUNWAY_CONTRACT_TARGET", "RUNWAY_CONTRACT_LIVE", "RUNWAY_CONTRACT_BUDGET"):
        if name not in env:
            full.pop(name, None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=REPO, env=full, capture_output=True, text=True, timeout=120,
                          check=False)


def test_a_live_run_without_opting_in_sends_nothing():
    """A live contract run without opting in exits 4 naming the flags and sends nothing."""
    with serve(config={"seed": 2}) as url:
        run = _pytest(["contracts/test_errors.py", "--target", "live", "-q"],
                      {"RUNWAYML_BASE_URL": url, "RUNWAYML_API_SECRET": TOKEN})
        assert run.returncode == 4, run.stdout + run.stderr
        out = run.stdout + run.stderr
        assert "--live (or RUNWAY_CONTRACT_LIVE=1)" in out and "--live-budget" in out
        assert "Nothing was sent" in out
        assert _journal_v1(url) == []


def test_a_live_run_spends_within_its_budget_and_reports_it():
    """A live run spends within its budget, reports it, and cancels all it created."""
    with serve(config={"seed": 2}) as url:
        run = _pytest(["contracts/test_requests.py", "-q", "-k", "valid_request", "--target",
                       "live", "--live-budget", "12", "-rs"],
                      {"RUNWAYML_BASE_URL": url, "RUNWAYML_API_SECRET": TOKEN,
                       "RUNWAY_CONTRACT_LIVE": "1"})
        out = run.stdout + run.stderr
        assert run.returncode == 0, out
        assert "live budget: 12 credits;" in out
        assert "credits actually spent" in out
        assert "live budget reached" in out
        assert "only the cheapest model of each endpoint" in out
        creates = [e for e in _journal_v1(url)
                   if e["method"] == "POST" and e["status"] == 200]
        assert creates, out
        deletes = [e for e in _journal_v1(url) if e["method"] == "DELETE"]
        assert len(deletes) == len(creates)  # everything it created it cancelled
