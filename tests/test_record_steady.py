"""Recording Steady (an OpenAPI mock server from npm) serving Runway's public spec.

Steady answers from the spec alone, so it is an upstream this emulator had no part in.
The spec is read where CI keeps it, beside the clone (``<repo>/../shared/reference/
runway-openapi.json``, or the file ``RUNWAY_OPENAPI_SPEC`` names; never copied into the
repository); Steady comes from
``npm install --prefix tests/steady`` (done by ``.ci/run``). Either missing: the tests
skip and say which.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from runway_mock import cassettes, create_app
from runway_mock.contracts import drift
from runway_mock.proxy import Proxy
from runway_mock.replay import build
from runway_mock.testing import stop_process

from tests.test_record_replay import _without_links, node_session, sdk_session, served

REPO = Path(__file__).resolve().parents[1]
SPEC = Path(os.environ.get("RUNWAY_OPENAPI_SPEC")
            or REPO.parent / "shared" / "reference" / "runway-openapi.json")
STEADY = REPO / "tests" / "steady" / "node_modules" / ".bin" / "steady"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def steady() -> Iterator[str]:
    if not SPEC.is_file():
        pytest.skip("Runway's public spec is not beside the clone (../shared/reference/"
                    "runway-openapi.json) and RUNWAY_OPENAPI_SPEC does not name it")
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed, so Steady cannot run")
    if not STEADY.exists():
        pytest.skip("Steady is not installed: run npm install --prefix tests/steady")
    port = _free_port()
    proc = subprocess.Popen([str(STEADY), "--host", "127.0.0.1", "--port", str(port), "--quiet",
                             "--no-color", str(SPEC)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"Steady exited: {proc.stdout.read() if proc.stdout else ''}")
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("Steady did not start listening within 30 s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)


@pytest.mark.node
@pytest.mark.slow
def test_sdk_sessions_against_steady_replay_identically(steady, tmp_path):
    """Python and Node SDK sessions recorded from Steady replay identically without it."""
    root = tmp_path / "steady"
    proxy = Proxy(steady, root, name="steady")
    with served(proxy) as proxy_url:
        py = sdk_session(proxy_url, "a fox")
        node = node_session(proxy_url, "a heron", polls=3)
    assert py["created"]["id"] and py["states"], py
    assert node["created"]["id"] and node["states"], node
    assert not cassettes.lint(root)
    assert "Bearer [scrubbed]" in proxy.path.read_text()
    # Steady is gone: the replay answers alone, with the bodies Steady gave.
    with served(build(root, create_app())) as replay_url:
        py_again = sdk_session(replay_url, "a fox")
        node_again = node_session(replay_url, "a heron", polls=3)
    assert py_again["created"] == py["created"]
    assert _without_links(py_again["states"]) == _without_links(py["states"])
    assert node_again["created"] == node["created"]
    assert _without_links(node_again["states"]) == _without_links(node["states"])
    # Drift reads the recording: Steady's generated answers are compared by shape.
    report = drift.drift([root])
    assert report.cassettes == 1
    assert "POST /v1/text_to_image" in report.endpoints
