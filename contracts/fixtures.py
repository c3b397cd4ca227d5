"""The emulator behind the plugin's ``runway_mock`` fixture: real HTTP, control helpers.

``EmulatorServer`` runs ``mockserver.create_app(config)`` with waitress on a free
loopback port in a thread and wraps the control API (``/_mock/*``) in plain methods,
so a user's tests need nothing of ours beyond the fixture.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

API_VERSION = "2024-11-06"
DEFAULT_KEY = "runway-mock-test-key"


class ControlError(AssertionError):
    """A control API call was refused (e.g. an unknown policy or fault shape)."""


class EmulatorServer:
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

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call ``/_mock{path}``; returns the decoded JSON (ControlError on 4xx/5xx)."""
        resp = self.session.request(method, f"{self.url}/_mock{path}", json=body, timeout=30)
        if resp.status_code >= 400:
            raise ControlError(f"{method} /_mock{path}: {resp.status_code} {resp.text[:500]}")
        return resp.json() if resp.content else None

    # -- control helpers -----------------------------------------------------------

    def reset(self) -> None:
        """Forget every key's tasks, credits, limits, policies and faults."""
        self.control("POST", "/reset", {})

    def advance(self, seconds: float) -> Any:
        """Move the emulator's clock forward by ``seconds``."""
        return self.control("POST", "/clock", {"advance": seconds})

    def freeze(self, frozen: bool = True) -> Any:
        """Stop (or restart) the emulator's clock."""
        return self.control("POST", "/clock", {"freeze": frozen})

    def set_clock(self, when: float | str) -> Any:
        """Jump the clock to ``when`` (epoch seconds or ISO-8601; forward only)."""
        return self.control("POST", "/clock", {"set": when})

    def set_policy(self, key: str = "*", *, transition: Mapping[str, Any] | None = None,
                   outcome: Mapping[str, Any] | None = None) -> Any:
        """How tasks of ``key`` (``*``, endpoint, model, ``endpoint:model``) move and end."""
        body: dict[str, Any] = {"key": key}
        if transition is not None:
            body["transition"] = dict(transition)
        if outcome is not None:
            body["outcome"] = dict(outcome)
        return self.control("POST", "/policies", body)

    def clear_policy(self, key: str) -> Any:
        """Remove the policy for ``key``."""
        return self.control("DELETE", f"/policies/{key}")

    def add_fault(self, **rule: Any) -> Any:
        """Add a fault rule (``POST /_mock/faults``; see the emulator's fault docs)."""
        return self.control("POST", "/faults", rule)

    def clear_faults(self) -> Any:
        """Remove every fault rule."""
        return self.control("DELETE", "/faults")

    def release(self, task_id: str, api_key: str | None = None) -> Any:
        """Let a task held by a ``hold`` policy continue."""
        return self.control("POST", f"/tasks/{task_id}/release",
                            {"apiKey": api_key or self.api_key})

    def journal(self, **params: Any) -> Any:
        """The emulator's request journal (``GET /_mock/journal``), filtered by ``params``."""
        resp = self.session.get(f"{self.url}/_mock/journal", params=params, timeout=30)
        if resp.status_code >= 400:
            raise ControlError(f"GET /_mock/journal: {resp.status_code} {resp.text[:500]}")
        return resp.json()

    def close(self) -> None:
        """Stop the server."""
        self.session.close()
        self._serving.__exit__(None, None, None)


__all__ = ["ControlError", "EmulatorServer"]
