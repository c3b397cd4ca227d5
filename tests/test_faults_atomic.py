"""Fault rules change atomically on every store: racing control calls lose no rule, and a
rule with a budget fires exactly that many times however many requests race for it."""

from __future__ import annotations

import pytest
from runway_mock import create_app
from runway_mock.domain import faults
from runway_mock.store import store_from_url
from runway_mock.testing import runtime_of

from tests.test_store_contract import race

pytestmark = pytest.mark.backends


@pytest.fixture(params=["memory", "sqlite", "redis"])
def rt(request: pytest.FixtureRequest):
    """The runtime of an app on each store backend."""
    if request.param == "redis":
        url = f"{request.getfixturevalue('redis_url')}?private=1"
    else:
        url = "sqlite:" if request.param == "sqlite" else "memory"
    store = store_from_url(url)
    yield runtime_of(create_app({"seed": 1}, store=store))
    store.close()


def _rule(rule_id: str | None = None, times: int | str = "forever") -> dict:
    rule = {"match": {"path": "/v1/tasks/*"}, "effect": {"type": "status", "status": 503},
            "times": times}
    return {**rule, "id": rule_id} if rule_id else rule


def test_concurrent_adds_keep_every_rule(rt):
    race(8, lambda i: [faults.add(rt, [_rule(f"r{i}-{j}")]) for j in range(4)])
    race(8, lambda _i: [faults.add(rt, [_rule()]) for _ in range(3)])
    ids = [r["id"] for r in faults.rules(rt)]
    assert len(ids) == 56 and len(set(ids)) == 56


def test_an_id_is_taken_once_and_a_batch_is_all_or_nothing(rt):
    won = race(6, lambda i: _try_add(rt, [_rule(f"batch-{i}"), _rule("same")]))
    assert won.count(True) == 1
    assert len(faults.rules(rt)) == 2


def _try_add(rt, rules) -> bool:
    try:
        faults.add(rt, rules)
    except faults.FaultRuleError:
        return False
    return True


def test_concurrent_deletes_and_adds_lose_nothing_else(rt):
    faults.add(rt, [_rule(f"old-{i}") for i in range(8)])
    race(8, lambda i: (faults.delete(rt, f"old-{i}"), faults.add(rt, [_rule(f"new-{i}")])))
    assert sorted(r["id"] for r in faults.rules(rt)) == sorted(f"new-{i}" for i in range(8))


def test_a_budget_is_consumed_exactly(rt):
    faults.add(rt, [_rule("five", times=5)])
    call = faults.Call("GET", "/v1/tasks/x")
    fired = race(8, lambda _i: sum(faults.decide(rt, call) is not None for _ in range(5)))
    assert sum(fired) == 5
    state = faults.report(rt)[0]
    assert (state["calls"], state["fired"], state["remaining"]) == (40, 5, 0)
    # Added again under the same id, the rule starts from a fresh budget.
    faults.delete(rt, "five")
    faults.add(rt, [_rule("five", times=2)])
    assert faults.report(rt)[0]["remaining"] == 2
    assert faults.decide(rt, call) is not None
