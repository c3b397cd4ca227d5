"""The task state machine: create, poll, cancel/delete and advance time, checking invariants.

Hypothesis drives random sequences of calls against a target and after every step the
documented lifecycle must hold: status only moves forward along the graph, terminal
states stay terminal, progress stays in 0..1 and never goes down, ``output`` appears only
on SUCCEEDED, a deleted task is 404 (and so is a second DELETE), and the credits spent
are what the tasks seen account for, on ``/v1/organization`` and (when the endpoint
exists) ``POST /v1/organization/usage``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, precondition, rule
from runway_mock.catalog import ENDPOINTS
from runway_mock.contracts import checks, strategies
from runway_mock.contracts.targets import LIVE_POLL_SECONDS, Api

ADVANCE_SECONDS = (0.1, 0.5, 2.0, 5.0, 30.0, 600.0)
# Small steps to watch a task run (emulated latencies are seconds at the default scale).
WATCH_SECONDS = (0.05, 0.1, 0.2, 0.4)
# Rows the machine draws from on the live API: the few cheapest of all.
LIVE_ROWS = 3


@dataclass
class TaskView:
    """What the machine has seen of one task."""

    id: str
    endpoint: str
    model: str
    estimate: int
    status: str | None = None
    progress: float | None = None
    cost: int | None = None
    deleted: bool = False
    deleted_while: str | None = None


def usage_total(api: Api) -> int | None:
    """Net credits the usage report shows (None when the endpoint is absent)."""
    reply = api.usage()
    if reply.status == 404:
        return None
    assert reply.status == 200, f"POST /v1/organization/usage: {reply.status} {reply.text[:300]}"
    return checks.check_usage_shape(reply.body)


def machine_rows(api: Api) -> list[tuple[str, str]]:
    """The rows tasks are drawn from: every row, or the cheapest few on the live API."""
    if not api.costs_money:
        return strategies.task_rows()
    rows = sorted(strategies.cheapest_rows(), key=lambda p: strategies.cheapest_estimate(*p))
    return rows[:LIVE_ROWS]


class TaskLifecycle(RuleBasedStateMachine):
    """Random create/poll/cancel/advance sequences with the lifecycle invariants."""

    tasks = Bundle("tasks")

    def __init__(self, api: Api) -> None:
        super().__init__()
        self.api = api
        if api.can("reset"):
            # Each run starts clean, so Hypothesis re-running a failing case sees it again.
            api.reset()
        self.rows = machine_rows(api)
        self.views: dict[str, TaskView] = {}
        self.start_balance = checks.check_organization_shape(api.organization().body)
        self.start_usage = usage_total(api)

    # -- rules -------------------------------------------------------------------

    @rule(target=tasks, data=st.data())
    def create(self, data: st.DataObject) -> str:
        """Create a task from a valid request of any row."""
        endpoint, model, body = data.draw(
            strategies.valid_request(self.rows, cheap=self.api.costs_money), label="request")
        reply = self.api.create(endpoint, body, model=model)
        returns_cost = ENDPOINTS[endpoint].returns_cost
        task_id = checks.check_task_created(reply, returns_cost=returns_cost)
        # Endpoints that do not return the estimate are bounded by the price table's.
        estimate = (reply.body["estimatedCost"]["credits"] if returns_cost
                    else strategies.estimate(endpoint, model, body))
        self.views[task_id] = TaskView(task_id, endpoint, model, estimate)
        return task_id

    @rule(task_id=tasks)
    def poll(self, task_id: str) -> None:
        """Read a task: its shape and its move since the last read must be documented."""
        self._poll(self.views[task_id])

    @rule(task_id=tasks)
    def cancel(self, task_id: str) -> None:
        """DELETE a task: 204 the first time, 404 after; GET is 404 once deleted."""
        view = self.views[task_id]
        if view.deleted:
            checks.check_not_found(self.api.cancel(task_id))
            return
        self._poll(view)
        checks.check_deleted(self.api.cancel(task_id))
        view.deleted = True
        view.deleted_while = view.status
        checks.check_not_found(self.api.task(task_id))

    @precondition(lambda self: self.api.can("time"))
    @rule(seconds=st.sampled_from(ADVANCE_SECONDS))
    def advance(self, seconds: float) -> None:
        """Move the emulator's clock (targets that can)."""
        self.api.advance(seconds)

    @precondition(lambda self: self.api.can("time"))
    @rule(task_id=tasks, seconds=st.sampled_from(WATCH_SECONDS), times=st.integers(1, 4))
    def watch(self, task_id: str, seconds: float, times: int) -> None:
        """Move the clock a little and read the task, a few times (sees progress move)."""
        for _ in range(times):
            self.api.advance(seconds)
            self._poll(self.views[task_id])

    @rule()
    def reconcile(self) -> None:
        """Credits spent so far are what the tasks seen account for."""
        self._reconcile()

    def teardown(self) -> None:
        """Check the books a last time, then delete every task left.

        Deleting settles each task for good (a running one is not refunded), so tasks of
        this example cannot move the balance the next example starts from; on the live
        API it also stops what still runs.
        """
        try:
            self._reconcile(usage=True)
        finally:
            for view in self.views.values():
                if not view.deleted:
                    reply = self.api.cancel(view.id)
                    assert reply.status in (204, 404), f"DELETE in teardown: {reply.status}"

    # -- helpers -----------------------------------------------------------------

    def _poll(self, view: TaskView) -> None:
        if self.api.costs_money:
            self.api.target.sleep(LIVE_POLL_SECONDS)
        reply = self.api.task(view.id)
        if view.deleted:
            checks.check_not_found(reply)
            return
        assert reply.status == 200, f"status: GET of a live task gave {reply.status}: {reply.text}"
        task = reply.body
        status = checks.check_task_shape(task, view.id)
        checks.check_transition(view.status, status)
        progress = task.get("progress") if status == "RUNNING" else None
        checks.check_progress(view.progress if view.status == "RUNNING" else None, progress)
        checks.check_cost_within_estimate(task, view.estimate)
        view.status = status
        view.progress = progress if progress is not None else view.progress
        if status in checks.TERMINAL:
            view.cost = task["cost"]["credits"]

    def bounds(self) -> tuple[int, int]:
        """The least and most credits the tasks seen may have cost by now."""
        low = high = 0
        for v in self.views.values():
            if v.cost is not None:
                # Finished (and maybe deleted since): its cost is final; deleting never refunds.
                low += v.cost
                high += v.cost
            elif v.deleted and v.deleted_while == "RUNNING":
                # Cancelled while seen RUNNING: no refund.
                low += v.estimate
                high += v.estimate
            else:
                # Running or cancelled before it ran: anything up to the estimate.
                high += v.estimate
        return low, high

    def _reconcile(self, usage: bool = False) -> None:
        balance = checks.check_organization_shape(self.api.organization().body)
        spent = self.start_balance - balance
        low, high = self.bounds()
        checks.check_credits_reconcile(spent, low, high)
        if usage and self.start_usage is not None:
            now = usage_total(self.api)
            assert now is not None, "POST /v1/organization/usage: disappeared during the run"
            checks.check_credits_reconcile(now - self.start_usage, spent, spent,
                                           what="usage (net usedCredits)")


def lifecycle_machine(api: Api) -> Any:
    """A factory of ``TaskLifecycle`` machines bound to ``api`` (for ``run_machine``)."""

    def factory() -> TaskLifecycle:
        return TaskLifecycle(api)

    return factory


__all__ = ["TaskLifecycle", "TaskView", "lifecycle_machine", "machine_rows", "usage_total"]
