"""Contracts for task requests, for every endpoint and model of the catalog.

Every valid request is accepted with the documented response shape (and the estimate
the price table gives); every single-field violation gets a 400 in Runway's error shape
naming that field. Rows come from the catalog, so a new model is covered at once.
"""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from runway_mock.catalog import ENDPOINTS
from runway_mock.contracts import checks, strategies
from runway_mock.contracts.session import given_contract

ROWS = strategies.task_rows()
IDS = [f"{endpoint}-{model}" for endpoint, model in ROWS]


def _only_cheap_rows_live(api, endpoint: str, model: str) -> None:
    if api.costs_money and (endpoint, model) not in strategies.cheapest_rows():
        pytest.skip("live: only the cheapest model of each endpoint is exercised")


def _expected_credits(endpoint: str, model: str, body: dict) -> int | None:
    if strategies.row_of(endpoint, model).price.unit == "input_second":
        return None  # the API prices the input's real length, which the contracts cannot know
    return strategies.estimate(endpoint, model, body)


@pytest.mark.parametrize(("endpoint", "model"), ROWS, ids=IDS)
@given_contract(data=st.data())
def test_valid_request_is_accepted(runway_api, endpoint, model, data):
    """A generated valid body for each endpoint and model creates a task with the estimate."""
    api = runway_api
    _only_cheap_rows_live(api, endpoint, model)
    body = data.draw(strategies.valid_body(endpoint, model, cheap=api.costs_money), label="body")
    reply = api.create(endpoint, body, model=model)
    if reply.status == 429:
        # The key's daily task quota, not this request: start the key afresh where the
        # target can, else stop here.
        checks.check_error_shape(reply, 429)
        if not api.can("reset"):
            pytest.skip(f"the key's daily task limit was reached: {reply.body['error']}")
        api.reset()
        reply = api.create(endpoint, body, model=model)
    task_id = checks.check_task_created(
        reply, returns_cost=ENDPOINTS[endpoint].returns_cost,
        expected_credits=_expected_credits(endpoint, model, body))
    # Cancel at once: nothing runs, and on the live API a pending task is refunded.
    checks.check_deleted(api.cancel(task_id))


@pytest.mark.parametrize(("endpoint", "model"), ROWS, ids=IDS)
@given_contract(data=st.data())
def test_single_field_violation_is_rejected_naming_the_field(runway_api, endpoint, model, data):
    """A task body with one field broken is a 400 in Runway's shape naming that field."""
    api = runway_api
    _only_cheap_rows_live(api, endpoint, model)
    broken = data.draw(strategies.invalid_body(endpoint, model, cheap=api.costs_money),
                       label="mutation")
    reserve = strategies.estimate(endpoint, model, broken.valid) or None
    reply = api.create(endpoint, broken.body, model=model, reserve=reserve)
    if reply.status == 200 and isinstance(reply.body, dict) and "id" in reply.body:
        api.cancel(reply.body["id"])  # accepted by mistake: stop it before failing
    checks.check_rejected_naming(reply, broken.path)
