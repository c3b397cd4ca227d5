"""The one lifecycle engine: each stateful kind's declared table drives its status.

Pure evaluations of records at chosen instants (no app), then one settlement race:
the record settles once however many threads read it terminal.
"""

from __future__ import annotations

import threading

import pytest
from runway_mock.clock import fake_clock
from runway_mock.config import Config, Runtime
from runway_mock.domain import lifecycle, tasks
from runway_mock.domain.lifecycle import BY_CALL, At, Lifecycle, Seen
from runway_mock.domain.resources import avatars, realtime, voices, workflows
from runway_mock.store import MemoryStore

KINDS = {"task": tasks.LIFECYCLE, "avatar": avatars.LIFECYCLE, "voice": voices.LIFECYCLE,
         "realtime": realtime.LIFECYCLE, "workflow": workflows.LIFECYCLE}


def timed(**fields):
    return {"id": "r", "state": "ACTIVE", "transition": {"kind": "timed"}, **fields}


TASK = timed(t_pending=10.0, t_running=12.0, t_done=20.0, outcome={"status": "SUCCEEDED"})


@pytest.mark.parametrize(("now", "expected"), [
    (0, ("THROTTLED", None)), (10, ("PENDING", None)), (12, ("RUNNING", 0.0)),
    (16, ("RUNNING", 0.5)), (20, ("SUCCEEDED", None)), (99, ("SUCCEEDED", None)),
])
def test_task_status_follows_its_table_by_the_clock(now, expected):
    assert lifecycle.evaluate(tasks.LIFECYCLE, TASK, now) == expected


def test_the_outcome_edge_fires_only_towards_the_drawn_outcome():
    failed = {**TASK, "outcome": {"status": "FAILED"}}
    assert lifecycle.evaluate(tasks.LIFECYCLE, failed, 20)[0] == "FAILED"
    assert lifecycle.evaluate(workflows.LIFECYCLE, failed, 20)[0] == "FAILED"


def test_hold_keeps_the_held_status_and_after_polls_counts_reads():
    held = {**TASK, "transition": {"kind": "hold", "status": "RUNNING"}}
    assert lifecycle.evaluate(tasks.LIFECYCLE, held, 99) == ("RUNNING", 0.0)
    # A hold names a task status; kinds without it stay in their first status.
    pending = {**held, "transition": {"kind": "hold", "status": "PENDING"}, "failed": False,
               "readyAt": 0.0}
    assert lifecycle.evaluate(avatars.LIFECYCLE, pending, 99) == ("PROCESSING", None)
    polled = {**TASK, "transition": {"kind": "after_polls", "polls": 4}}
    assert [lifecycle.evaluate(tasks.LIFECYCLE, polled, 0, n) for n in (0, 1, 3, 4)] == [
        ("PENDING", None), ("RUNNING", 0.25), ("RUNNING", 0.75), ("SUCCEEDED", None)]


@pytest.mark.parametrize("lc", [avatars.LIFECYCLE, voices.LIFECYCLE])
def test_processing_resources_are_ready_or_failed_at_ready_at(lc):
    record = timed(readyAt=5.0, failed=False)
    assert lifecycle.evaluate(lc, record, 4.9)[0] == "PROCESSING"
    assert lifecycle.evaluate(lc, record, 5.0)[0] == "READY"
    assert lifecycle.evaluate(lc, {**record, "failed": True}, 5.0)[0] == "FAILED"


@pytest.mark.parametrize(("consumed", "now", "status"), [
    (None, 0, "NOT_READY"), (None, 10, "READY"), (None, 310, "COMPLETED"),
    (50.0, 60, "RUNNING"), (50.0, 80, "COMPLETED"),
])
def test_realtime_sessions_follow_their_table(consumed, now, status):
    session = timed(readyAt=10.0, keyExpiresAt=310.0, consumedAt=consumed, talkSeconds=30,
                    failed=False)
    assert lifecycle.evaluate(realtime.LIFECYCLE, session, now)[0] == status


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_declares_a_closed_table(name):
    lc = KINDS[name]
    assert lc.initial in lc.transitions
    assert lc.terminal and all(not lc.transitions[s] for s in lc.terminal)
    named = {to for edges in lc.transitions.values() for to in edges}
    assert named <= set(lc.transitions)


def test_a_table_naming_an_undeclared_status_is_refused():
    with pytest.raises(ValueError, match="undeclared"):
        Lifecycle(kind="k", initial="A", transitions={"A": {"B": At("t")}},
                  outcome=lambda r: "A", polled=("A", "A"))


def test_seen_and_by_call_edges():
    """A Seen edge fires once its field is written; a BY_CALL edge never by evaluation."""
    lc = Lifecycle(kind="k", initial="A",
                   transitions={"A": {"X": BY_CALL, "B": Seen("done")}, "B": {}, "X": {}},
                   outcome=lambda r: "B", polled=("A", "A"))
    assert lifecycle.evaluate(lc, timed(done=None), 0)[0] == "A"
    assert lifecycle.evaluate(lc, timed(done=1), 0)[0] == "B"


def test_settlement_happens_once_under_racing_readers():
    """Many threads read a finished record; exactly one settles it (one on_settle call)."""
    settled = []
    lc = Lifecycle(kind="k", initial="RUN", transitions={"RUN": {"DONE": At("t")}, "DONE": {}},
                   outcome=lambda r: "DONE", polled=("RUN", "RUN"), settles=True,
                   active_set="active", on_settle=lambda rt, t, before, after:
                   settled.append(after["state"]))
    rt = Runtime(Config(), fake_clock(), MemoryStore())
    rt.store.insert("t", "k", "r", timed(t=0.0))
    rt.store.set_add("t", "active", "r")
    gate = threading.Barrier(8)

    def read():
        gate.wait(timeout=10)
        record = rt.store.get("t", "k", "r")
        lifecycle.observe(rt, lc, "t", record)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert settled == ["DONE"]
    assert rt.store.get("t", "k", "r")["state"] == "DONE"
    assert rt.store.set_members("t", "active") == []
