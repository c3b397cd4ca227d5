"""In-repo runs: load the runway_mock plugin here unless its entry point already did."""

from __future__ import annotations

from typing import Any


def pytest_addoption(parser: Any, pluginmanager: Any) -> None:
    """Register ``contracts.plugin`` once (the installed entry point may have done it)."""
    from runway_mock.contracts import plugin

    if pluginmanager.has_plugin("runway_mock") or pluginmanager.is_registered(plugin):
        return
    pluginmanager.register(plugin, "runway_mock")
