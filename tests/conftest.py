"""Fixtures for the emulator's own tests: a fresh app per test on a fake clock."""

from __future__ import annotations

import pytest
from runway_mock import create_app
from runway_mock.clock import Clock, fake_clock

API_KEY = "test-key-alpha"
OTHER_KEY = "test-key-beta"


def auth(key: str = API_KEY) -> dict[str, str]:
    """The headers every /v1 call needs."""
    return {"Authorization": f"Bearer {key}", "X-Runway-Version": "2024-11-06"}


@pytest.fixture
def clock() -> Clock:
    return fake_clock()


@pytest.fixture
def app(clock: Clock):
    return create_app({"seed": 7}, clock=clock)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def headers() -> dict[str, str]:
    return auth()
