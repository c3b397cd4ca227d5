"""The kit's one control-API wrapper: the requests each named call sends."""

from __future__ import annotations

from typing import Any

import pytest
from runway_mock.contracts.control import ControlAPI, ControlError, Reply


class Recorder(ControlAPI):
    """A transport that records each call and answers with a scripted status."""

    def __init__(self, status: int = 200) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.status = status

    def send_control(self, method: str, path: str, body: Any = None) -> Reply:
        self.calls.append((method, path, body))
        return Reply(self.status, {}, {"ok": True}, '{"ok":true}')


@pytest.mark.parametrize(("call", "sent"), [
    (lambda c: c.advance(5), ("POST", "/clock", {"advance": 5})),
    (lambda c: c.freeze(False), ("POST", "/clock", {"freeze": False})),
    (lambda c: c.set_clock("2026-01-02T00:00:00Z"),
     ("POST", "/clock", {"set": "2026-01-02T00:00:00Z"})),
    (lambda c: c.reset(), ("POST", "/reset", {})),
    (lambda c: c.reset("k"), ("POST", "/reset", {"apiKey": "k"})),
    (lambda c: c.release("t1", "k"), ("POST", "/tasks/t1/release", {"apiKey": "k"})),
    (lambda c: c.set_policy("gen4_turbo", outcome={"status": "FAILED"}),
     ("POST", "/policies", {"key": "gen4_turbo", "outcome": {"status": "FAILED"}})),
    (lambda c: c.clear_policy("*"), ("DELETE", "/policies/*", None)),
    (lambda c: c.add_fault(match={"path": "/v1/x"}, effect="drop"),
     ("POST", "/faults", {"match": {"path": "/v1/x"}, "effect": "drop"})),
    (lambda c: c.clear_faults(), ("DELETE", "/faults", None)),
    (lambda c: c.journal(method="POST", limit=2), ("GET", "/journal?method=POST&limit=2", None)),
    (lambda c: c.journal(), ("GET", "/journal", None)),
])
def test_each_named_call_sends_its_request(call, sent):
    """Each named call of the control wrapper sends its one method, path and body."""
    control = Recorder()
    assert call(control) == {"ok": True}
    assert control.calls == [sent]


def test_a_refused_call_raises_control_error_naming_it():
    """A control call answered 4xx raises ControlError naming the method, path and status."""
    with pytest.raises(ControlError, match=r"POST /_mock/clock: 400"):
        Recorder(400).advance(-1)
