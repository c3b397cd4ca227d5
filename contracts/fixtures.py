"""The emulator behind the plugin's ``runway_mock`` fixture: real HTTP, control helpers.

``EmulatorServer`` runs ``mockserver.create_app(config)`` with waitress on a free
loopback port in a thread and wraps the control API (``/_mock/*``) in plain methods,
so a user's tests need nothing of ours beyond the fixture.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from runway_mock.contracts.control import ControlAPI, ControlError, Reply
from runway_mock.version import API_VERSION

DEFAULT_KEY = "runway-mock-test-key"


class EmulatorServer(ControlAPI):
    """A running emulator: ``url``, ``api_key``, ``app``, control helpers and the journal."""

    def __init__(self, config: Mapping[str, Any] | None = None, *,
                 api_key: str = DEFAULT_KEY) -> None:
        from runway_mock import create_app
        from runway_mock.testing import serve

        self.app = create_app(dict(config or {}))
        self._serving = serve(self.app)
        self.url: str = self._serving.__enter__()
        self.api_key = api_key
        self.session = requests.Session()

    # -- plain HTTP ----------------------------------------------------------------

    def headers(self, api_key: str | None = None) -> dict[str, str]:
        """The headers a /v1 call needs."""
        return {"Authorization": f"Bearer {api_key or self.api_key}",
                "X-Runway-Version": API_VERSION}

    def request(self, method: str, path: str, json: Any = None,
                api_key: str | None = None) -> requests.Response:
        """Call the API (``path`` starts with /v1/) as ``api_key`` (default ``api_key``)."""
        return self.session.request(method, self.url + path, json=json,
                                    headers=self.headers(api_key), timeout=30)

    # -- the control API (the named calls come from ControlAPI) ---------------------

    def send_control(self, method: str, path: str, body: Any = None) -> Reply:
        """``method /_mock{path}`` over this server's session."""
        return Reply.of(self.session.request(method, f"{self.url}/_mock{path}", json=body,
                                             timeout=30))

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call ``/_mock{path}``; returns the decoded JSON (ControlError on 4xx/5xx)."""
        return self.control_ok(method, path, body)

    def release(self, task_id: str, api_key: str | None = None) -> Any:
        """Let a task held by a ``hold`` policy continue (default: the fixture's key)."""
        return super().release(task_id, api_key or self.api_key)

    def close(self) -> None:
        """Stop the server."""
        self.session.close()
        self._serving.__exit__(None, None, None)


__all__ = ["ControlError", "EmulatorServer"]
