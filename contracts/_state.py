"""The contract options the pytest plugin parsed, kept where importing costs nothing."""

from __future__ import annotations

from typing import Any

# Filled by contracts.plugin at pytest_configure; read by contracts.session.
OPTIONS: dict[str, Any] = {}
