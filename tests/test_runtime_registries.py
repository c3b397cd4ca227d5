"""Registries live on the runtime the factory builds: importing a module fills nothing."""

from __future__ import annotations

from runway_mock import create_app
from runway_mock.clock import fake_clock
from runway_mock.config import Config, Runtime
from runway_mock.domain import policies, references, validation
from runway_mock.domain.resources import uploads
from runway_mock.http.wire import EXTENSION
from runway_mock.store import MemoryStore


def test_the_factory_installs_the_checks_on_each_runtime():
    a = create_app(clock=fake_clock()).extensions[EXTENSION]
    b = create_app(clock=fake_clock()).extensions[EXTENSION]
    assert set(a.reference_checks) == set(references.CHECKS)
    assert a.media_resolver is uploads.resolver
    assert a.reference_checks is not b.reference_checks


def test_importing_the_modules_registers_nothing():
    """references and uploads are imported by now; a runtime not built by the factory
    still has empty registries."""
    bare = Runtime(Config(), fake_clock(), MemoryStore())
    assert bare.reference_checks == {} and bare.media_resolver is None
    assert validation.context(bare, "t").media_resolver is None


def test_a_request_override_is_an_argument():
    """The fault's override reaches the policy only through the call that passes it."""
    table = {"*": {"transition": {"kind": "timed", "seconds": 3}}}
    held = {"transition": {"kind": "hold", "status": "PENDING"}}
    assert policies.effective(table, "image_to_video", "gen4_turbo")["transition"] == {
        "kind": "timed", "seconds": 3}
    assert policies.effective(table, "image_to_video", "gen4_turbo", held)["transition"] == {
        "kind": "hold", "status": "PENDING", "seconds": 3}
    assert not hasattr(policies, "REQUEST_OVERRIDE")
