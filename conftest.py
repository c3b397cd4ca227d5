"""Repository-wide test setup: which store every emulator in the run uses.

``RUNWAY_MOCK_TEST_STORE=sqlite`` (or ``redis``) runs the whole suite with each app on
its own private SQLite file (or Redis namespace, on a ``redis-server`` started for the
run); ``memory``, the default, changes nothing. The ``redis_url`` fixture gives tests a
throwaway Redis server, or skips them saying why none could be had.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest

TEST_STORE = "RUNWAY_MOCK_TEST_STORE"
_servers = contextlib.ExitStack()
_shared: dict[str, str] = {}


def _redis() -> str:
    """The URL of this run's redis-server, started on first use."""
    if "url" not in _shared:
        from runway_mock.testing import redis_server

        _shared["url"] = _servers.enter_context(redis_server())
    return _shared["url"]


def pytest_configure(config: Any) -> None:
    """Point every app this run builds at the chosen store."""
    from runway_mock.store import ENV

    kind = os.environ.get(TEST_STORE, "memory")
    if kind == "memory":
        return
    if kind == "sqlite":
        os.environ[ENV] = "sqlite:"
    elif kind == "redis":
        os.environ[ENV] = f"{_redis()}?private=1"
    else:
        raise pytest.UsageError(f"{TEST_STORE} must be memory, sqlite or redis, not {kind!r}")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Tests that pick their own backends run once, in the memory run."""
    kind = os.environ.get(TEST_STORE, "memory")
    if kind == "memory":
        return
    skip = pytest.mark.skip(reason=f"chooses its own store backends: runs in the memory run, "
                                   f"not again with {TEST_STORE}={kind}")
    for item in items:
        if item.get_closest_marker("backends"):
            item.add_marker(skip)


def pytest_unconfigure(config: Any) -> None:
    """Stop the redis-server, if this run started one."""
    _servers.close()


def pytest_report_header(config: Any) -> str:
    """Say which store the run uses."""
    return f"runway-mock store: {os.environ.get(TEST_STORE, 'memory')}"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server on a free loopback port for the whole run (skips if none)."""
    try:
        yield _redis()
    except FileNotFoundError as exc:
        pytest.skip(f"no Redis store tests: {exc}")
