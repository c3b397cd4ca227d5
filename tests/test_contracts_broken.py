"""The contracts catch a broken emulator: each test breaks one behaviour and shows a contract fail.

The breakages sit outside the catalog (the contracts read the catalog, so a wrong table
would fool both sides): a WSGI middleware that rewrites responses, or a patched
validation or ledger function. Each test first shows the same contract passing on the
unbroken emulator, so the failure is the breakage's doing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import Phase, find
from runway_mock.contracts import checks, scenarios, strategies
from runway_mock.contracts.session import stable_constants
from runway_mock.contracts.targets import Api, inprocess_target

failed_task_contract = scenarios.failed_task_is_refunded
# Finding is enough here: no shrinking (each shrink step replays HTTP calls), a fixed
# seed so the proof is the same every run, and one error reported, not a group.
HUNT = {"max_examples": 60, "phases": (Phase.explicit, Phase.generate), "derandomize": True,
        "database": None, "report_multiple_bugs": False}


def lifecycle_contract(api: Api) -> None:
    """The state machine contract, hunting harder than a normal run (the same draws in any
    session: see contracts.session.stable_constants)."""
    with stable_constants():
        scenarios.lifecycle(api, **HUNT)

Rewrite = Callable[[str, str, int, Any], tuple[int, Any]]


def _api(rewrite: Rewrite | None = None) -> Api:
    """An API helper on a fresh in-process emulator, its responses passed through ``rewrite``."""
    target = inprocess_target(seed=3)
    if rewrite is not None:
        target.app.wsgi_app = _middleware(target.app.wsgi_app, rewrite)
    return target.api("broken-emulator-key")


def _middleware(inner: Any, rewrite: Rewrite) -> Any:
    """Hand every JSON response to ``rewrite(method, path, status, body)``."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        data = b"".join(inner(environ, capture))
        code = int(captured["status"].split()[0])
        body = json.loads(data) if data.strip().startswith(b"{") else None
        code, body = rewrite(environ["REQUEST_METHOD"], environ["PATH_INFO"], code, body)
        out = json.dumps(body).encode() if body is not None else data
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(f"{code} X", [*headers, ("Content-Length", str(len(out)))])
        return [out]

    return app


def _cheap_task(api: Api) -> tuple[str, str, str]:
    endpoint, model = min(strategies.cheapest_rows(),
                          key=lambda p: strategies.cheapest_estimate(*p))
    body = find(strategies.valid_body(endpoint, model, cheap=True), lambda _b: True)
    return endpoint, model, checks.check_task_created(api.create(endpoint, body, model=model))


def _succeeded_goes_back_to_running() -> Rewrite:
    # Keyed by id and creation time: a reset emulator hands out the same ids again.
    finished: set[tuple[str, str]] = set()

    def rewrite(method: str, path: str, code: int, body: Any) -> tuple[int, Any]:
        if method == "GET" and path.startswith("/v1/tasks/") and isinstance(body, dict):
            key = (body.get("id"), body.get("createdAt"))
            if body.get("status") == "SUCCEEDED" and key in finished:
                return 200, {"id": body["id"], "status": "RUNNING", "createdAt": body["createdAt"],
                             "progress": 1.0, "estimatedCost": body["cost"]}
            if body.get("status") == "SUCCEEDED":
                finished.add(key)
        return code, body

    return rewrite


def test_a_task_that_goes_back_from_succeeded_to_running_breaks_the_lifecycle():
    """check_transition fails when a SUCCEEDED task is later read as RUNNING."""
    healthy = _api()
    _, _, task_id = _cheap_task(healthy)
    final = healthy.wait(task_id)[-1]
    checks.check_transition(final["status"], checks.check_task_shape(healthy.task(task_id).body))

    broken = _api(_succeeded_goes_back_to_running())
    _, _, task_id = _cheap_task(broken)
    final = broken.wait(task_id)[-1]
    assert final["status"] == "SUCCEEDED"
    again = checks.check_task_shape(broken.task(task_id).body)
    with pytest.raises(AssertionError, match="SUCCEEDED is terminal but became RUNNING"):
        checks.check_transition(final["status"], again)


def test_the_state_machine_finds_a_task_going_back_to_running():
    """The lifecycle state machine catches a terminal task becoming RUNNING again."""
    with pytest.raises(AssertionError, match="terminal but became RUNNING"):
        lifecycle_contract(_api(_succeeded_goes_back_to_running()))


def test_the_state_machine_finds_progress_going_down():
    """The lifecycle state machine catches progress going down."""
    def rewrite(method: str, path: str, code: int, body: Any) -> tuple[int, Any]:
        if isinstance(body, dict) and body.get("status") == "RUNNING":
            body = {**body, "progress": round(1 - body["progress"], 4)}
        return code, body

    with pytest.raises(AssertionError, match="progress: went down"):
        lifecycle_contract(_api(rewrite))


def test_the_state_machine_finds_a_deleted_task_that_is_still_readable():
    """The lifecycle state machine catches a deleted task that is still readable."""
    deleted: dict[str, Any] = {}

    def rewrite(method: str, path: str, code: int, body: Any) -> tuple[int, Any]:
        task_id = path.rsplit("/", 1)[-1]
        if method == "GET" and path.startswith("/v1/tasks/"):
            if code == 200:
                deleted.setdefault(task_id, body)
            elif code == 404 and task_id in deleted:
                return 200, deleted[task_id]
        return code, body

    with pytest.raises(AssertionError, match="status: expected 404"):
        lifecycle_contract(_api(rewrite))


def test_accepting_an_invalid_ratio_is_caught(monkeypatch):
    """check_rejected_naming fails when an invalid ratio is accepted with 200."""
    endpoint, model = next(
        (e, m) for e, m in strategies.task_rows()
        if "ratio" in getattr(strategies.body_spec(e, m), "props", {})
        and isinstance(strategies.row_of(e, m).props["ratio"].spec, strategies.Enum))
    spec = strategies.body_spec(endpoint, model)
    body = find(strategies.valid_body(endpoint, model), lambda _b: True)
    broken = next(m for m in strategies.mutations(spec, body)
                  if m.path == ("ratio",) and m.kind == "not_in_enum")

    checks.check_rejected_naming(_api().create(endpoint, broken.body, model=model), broken.path)

    from runway_mock.domain import validation

    strict = validation.check

    def lenient(rt: Any, tenant: str, spec: Any, value: Any) -> None:
        fixed = {**value, "ratio": body["ratio"]} if isinstance(value, dict) else value
        strict(rt, tenant, spec, fixed)

    monkeypatch.setattr(validation, "check", lenient)
    reply = _api().create(endpoint, broken.body, model=model)
    with pytest.raises(AssertionError, match="ratio: expected 400 for the broken field, got 200"):
        checks.check_rejected_naming(reply, broken.path)


def test_a_failed_task_that_is_not_refunded_is_caught(monkeypatch):
    """The failed-task contract catches a failure that is not refunded."""
    failed_task_contract(_api())

    from runway_mock.domain import ledger

    # A settle commits the refund ``refund_writes`` describes: describe none.
    monkeypatch.setattr(ledger, "refund", lambda *a, **k: None)
    monkeypatch.setattr(ledger, "refund_writes", lambda *a, **k: ledger.NOTHING)
    with pytest.raises(AssertionError, match=r"creditBalance: \d+ credits spent, but the tasks"):
        failed_task_contract(_api())
