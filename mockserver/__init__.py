"""runway-mock: an offline, faithful emulator of Runway's developer API.

Installed as ``runway_mock`` (this folder), with the client as ``runway_mock.client`` and
the contract kit as ``runway_mock.contracts``. ``create_app`` is imported on first use, so
``import runway_mock.client`` does not load Flask.
"""

from __future__ import annotations

from typing import Any

from runway_mock.version import PACKAGE_VERSION

__all__ = ["create_app"]
__version__ = PACKAGE_VERSION


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from runway_mock.app import create_app

        return create_app
    raise AttributeError(f"module 'runway_mock' has no attribute {name!r}")
