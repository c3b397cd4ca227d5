"""The emulator's control API (``/_mock/*``) as named calls: the one wrapper of it.

Both helpers of the kit speak it through ``ControlAPI``: the contracts' ``Api`` (over a
target's session, so the calls are recorded in cassettes) and the plugin's
``EmulatorServer`` (over a plain session to a server it started). Each supplies one
transport, ``send_control(method, path, body)`` returning a ``Reply``; everything else
is here.
The reference of the endpoints is docs/control-api.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests


@dataclass
class Reply:
    """An HTTP reply: status, lower-cased headers, decoded JSON body (or None) and text."""

    status: int
    headers: dict[str, str]
    body: Any
    text: str

    @classmethod
    def of(cls, resp: requests.Response) -> Reply:
        """Wrap a ``requests`` response."""
        text = resp.content.decode("utf-8", errors="replace")
        try:
            body = json.loads(text) if text.strip() else None
        except ValueError:
            body = None
        return cls(resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, body, text)

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.text[:200]!r})"


class ControlError(AssertionError):
    """A control API call was refused (e.g. an unknown policy or fault shape)."""


class ControlAPI:
    """Named control calls over the subclass's ``control`` transport."""

    def send_control(self, method: str, path: str, body: Any = None) -> Reply:
        """Send ``method /_mock{path}`` with a JSON ``body``: the subclass's transport."""
        raise NotImplementedError

    def control_ok(self, method: str, path: str, body: Any = None) -> Any:
        """Call ``/_mock{path}``; the decoded JSON (None when empty), ControlError on 4xx/5xx."""
        reply = self.send_control(method, path, body)
        if reply.status >= 400:
            raise ControlError(f"{method} /_mock{path}: {reply.status} {reply.text[:500]}")
        return reply.body

    # -- time ------------------------------------------------------------------------

    def advance(self, seconds: float) -> Any:
        """Move the emulator's clock forward by ``seconds``."""
        return self.control_ok("POST", "/clock", {"advance": seconds})

    def freeze(self, frozen: bool = True) -> Any:
        """Stop (or restart) the emulator's clock."""
        return self.control_ok("POST", "/clock", {"freeze": frozen})

    def set_clock(self, when: float | str) -> Any:
        """Jump the clock to ``when`` (epoch seconds or ISO-8601; forward only)."""
        return self.control_ok("POST", "/clock", {"set": when})

    # -- state -----------------------------------------------------------------------

    def reset(self, api_key: str | None = None) -> Any:
        """Forget one key's tasks, credits and limits, or (no key) every key's state."""
        return self.control_ok("POST", "/reset", {"apiKey": api_key} if api_key else {})

    def release(self, task_id: str, api_key: str) -> Any:
        """Let a task held by a ``hold`` policy continue."""
        return self.control_ok("POST", f"/tasks/{task_id}/release", {"apiKey": api_key})

    # -- policies and faults ---------------------------------------------------------

    def set_policy(self, key: str = "*", *, transition: Mapping[str, Any] | None = None,
                   outcome: Mapping[str, Any] | None = None, **more: Any) -> Any:
        """How tasks of ``key`` (``*``, endpoint, model, ``endpoint:model``) move and end."""
        body: dict[str, Any] = {"key": key}
        if transition is not None:
            body["transition"] = dict(transition)
        if outcome is not None:
            body["outcome"] = dict(outcome)
        return self.control_ok("POST", "/policies", {**body, **more})

    def clear_policy(self, key: str) -> Any:
        """Remove the policy for ``key``."""
        return self.control_ok("DELETE", f"/policies/{key}")

    def add_fault(self, **rule: Any) -> Any:
        """Add a fault rule (``POST /_mock/faults``; see the emulator's fault docs)."""
        return self.control_ok("POST", "/faults", rule)

    def clear_faults(self) -> Any:
        """Remove every fault rule."""
        return self.control_ok("DELETE", "/faults")

    # -- the journal -----------------------------------------------------------------

    def journal(self, **params: Any) -> Any:
        """The emulator's request journal (``GET /_mock/journal``), filtered by ``params``."""
        query = f"?{urlencode(params)}" if params else ""
        return self.control_ok("GET", f"/journal{query}")


__all__ = ["ControlAPI", "ControlError", "Reply"]
