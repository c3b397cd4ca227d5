"""Where the contracts run: targets, what each can do, the HTTP helper and the budget guard.

A ``Target`` is a base URL plus a ``requests`` session and a set of capabilities:
``time`` (move the clock through ``/_mock/clock``), ``outcomes`` (choose how tasks end
through ``/_mock/policies``), ``faults`` (``/_mock/faults``), ``reset`` (``/_mock/reset``)
and ``money`` (calls cost real credits). Contracts that need a capability skip with a
reason where it is missing. ``Api`` is the thin helper every contract talks through:
plain ``requests``, one API key, JSON replies, and the budget guard on task creation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import unittest
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import requests
from runway_mock.cassettes import key_for_test
from runway_mock.catalog import ENDPOINTS
from runway_mock.client.testing import wsgi_session
from runway_mock.contracts import strategies
from runway_mock.contracts.checks import TERMINAL
from runway_mock.contracts.control import ControlAPI, Reply
from runway_mock.version import API_VERSION

LIVE_URL = "https://api.dev.runwayml.com"
REAL_HOSTS = ("api.dev.runwayml.com", "api.runwayml.com", "api.dev-stage.runwayml.com")
CAPABILITIES: dict[str, str] = {
    "time": "moving the API's clock (POST /_mock/clock)",
    "outcomes": "choosing how tasks end (POST /_mock/policies)",
    "faults": "injecting faults (POST /_mock/faults)",
    "reset": "resetting a key's state (POST /_mock/reset)",
    "money": "spending real credits",
}
TARGETS = ("inprocess", "server", "replay", "live")
# Runway asks clients not to poll more often than every 5 s.
LIVE_POLL_SECONDS = 5.0
# Credits each emulator key starts with when the suite starts the emulator itself.
EMULATOR_CREDITS = 1_000_000_000
REQUEST_TIMEOUT = 30.0


class ContractUsageError(Exception):
    """The target cannot be used as configured (missing token, flag or budget)."""


class BudgetExhausted(unittest.SkipTest):
    """Creating one more task could cross the live credit budget (the test is skipped)."""


# ---------------------------------------------------------------------------
# The budget guard


@dataclass
class Budget:
    """A live run's credit budget: every task created counts at its estimate.

    Refunds are not counted back, so a run never spends more than ``limit`` even if no
    cancellation is refunded; ``report`` gives what the balance says was really spent.
    """

    limit: int
    start_balance: int | None = None
    end_balance: int | None = None
    committed: int = 0
    tasks: list[tuple[str, int]] = field(default_factory=list)
    refused: list[tuple[str, int]] = field(default_factory=list)

    def reserve(self, credits: int, what: str) -> None:
        """Raise BudgetExhausted unless ``credits`` more fit in the budget."""
        if self.committed + credits > self.limit:
            self.refused.append((what, credits))
            raise BudgetExhausted(
                f"live budget reached: {what} is estimated at {credits} credits and "
                f"{self.committed} of {self.limit} are committed")

    def commit(self, credits: int, what: str) -> None:
        """Count a task that was created."""
        self.committed += credits
        self.tasks.append((what, credits))

    def report(self) -> str:
        """A one-paragraph account of the run's spending."""
        lines = [f"live budget: {self.limit} credits; {len(self.tasks)} tasks created, "
                 f"estimated at {self.committed} credits (refunds not counted)"]
        if self.start_balance is not None and self.end_balance is not None:
            lines.append(f"balance {self.start_balance} -> {self.end_balance}: "
                         f"{self.start_balance - self.end_balance} credits actually spent")
        if self.refused:
            lines.append(f"{len(self.refused)} task(s) not created: they would have crossed "
                         "the budget")
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Targets


@dataclass
class Target:
    """One place the contracts run against."""

    name: str
    base_url: str
    caps: frozenset[str] = frozenset()
    make_session: Callable[[], requests.Session] = requests.Session
    sleep: Callable[[float], None] = time.sleep
    budget: Budget | None = None
    token: str | None = None
    admin_token: str | None = None
    # What the recording needs to reproduce ids: the emulator's seed and clock.
    details: dict[str, Any] = field(default_factory=dict)
    closers: list[Callable[[], None]] = field(default_factory=list)
    # The Flask app of the inprocess target (None elsewhere).
    app: Any = None

    def can(self, cap: str) -> bool:
        """True when this target has capability ``cap``."""
        return cap in self.caps

    def token_for(self, nodeid: str) -> str:
        """The API key one test uses (the live key on live, a per-test key elsewhere)."""
        return self.token or key_for_test(nodeid)

    def api(self, token: str, caps: Iterable[str] | None = None,
            session: requests.Session | None = None) -> Api:
        """An HTTP helper for ``token``."""
        return Api(self, token, frozenset(self.caps if caps is None else caps),
                   session or self.make_session())

    def close(self) -> None:
        """Stop what the target started."""
        while self.closers:
            self.closers.pop()()


class Api(ControlAPI):
    """The contracts' HTTP helper: one target, one API key, JSON in and out."""

    def __init__(self, target: Target, token: str, caps: frozenset[str],
                 session: requests.Session) -> None:
        self.target = target
        self.token = token
        self.caps = caps
        self.session = session
        self.base_url = target.base_url.rstrip("/")
        # Sent on every request (recording asks for Connection: close: VCR's connections
        # are not pooled, and a server would otherwise run out of them).
        self.extra_headers: dict[str, str] = {}

    # -- capabilities ------------------------------------------------------------

    def can(self, cap: str) -> bool:
        """True when the target (as recorded, on replay) has ``cap``."""
        return cap in self.caps

    @property
    def costs_money(self) -> bool:
        """True on the live API: use cheap requests and cancel what can be cancelled."""
        return "money" in self.caps

    # -- plain HTTP ---------------------------------------------------------------

    def headers(self, *, auth: bool = True, version: bool = True) -> dict[str, str]:
        """The headers every /v1 call carries."""
        out = {"Accept": "application/json"}
        if auth:
            out["Authorization"] = f"Bearer {self.token}"
        if version:
            out["X-Runway-Version"] = API_VERSION
        return out

    def request(self, method: str, path: str, *, body: Any = None,
                headers: Mapping[str, str | None] | None = None, data: bytes | None = None,
                auth: bool = True, version: bool = True) -> Reply:
        """Send one request; ``headers`` values of None remove a default header."""
        hdrs: dict[str, str] = {**self.extra_headers, **self.headers(auth=auth, version=version)}
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            hdrs["Content-Type"] = "application/json"
        for k, v in (headers or {}).items():
            if v is None:
                hdrs.pop(k, None)
            else:
                hdrs[k] = v
        resp = self.session.request(method, self.base_url + path, data=data, headers=hdrs,
                                    timeout=REQUEST_TIMEOUT)
        return Reply.of(resp)

    def get(self, path: str, **kw: Any) -> Reply:
        """GET ``path``."""
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        """POST ``body`` as JSON to ``path``."""
        return self.request("POST", path, body=body, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        """DELETE ``path``."""
        return self.request("DELETE", path, **kw)

    # -- the API -----------------------------------------------------------------

    def create(self, endpoint: str, body: Any, *, model: str | None = None,
               reserve: int | None = None) -> Reply:
        """POST a task request; on live the budget guard runs first.

        ``model`` names the row (default: the body's discriminator, or the endpoint's
        only row); ``reserve`` overrides the credits the budget sets aside.
        """
        table = ENDPOINTS[endpoint]
        if model is None:
            key = table.discriminator
            picked = body.get(key) if key and isinstance(body, dict) else None
            model = picked if isinstance(picked, str) else next(iter(table.rows))
        budget = self.target.budget
        what = f"{endpoint}:{model}"
        credits = 0
        if budget is not None:
            credits = reserve if reserve is not None else self.estimate(endpoint, model, body)
            budget.reserve(credits, what)
        reply = self.post(table.path, body)
        if budget is not None and reply.status == 200:
            budget.commit(credits, what)
        return reply

    @staticmethod
    def estimate(endpoint: str, model: str, body: Any) -> int:
        """The price table's estimate for a body (for an unpriceable one, the row's dearest
        cheap form: a broken body the API accepted anyway must still fit the budget)."""
        table = ENDPOINTS[endpoint]
        if model in table.rows and isinstance(body, dict):
            got = strategies.estimate(endpoint, model, body)
            if got:
                return got
        return max(strategies.cheapest_estimate(endpoint, m) for m in table.rows)

    def task(self, task_id: str) -> Reply:
        """GET /v1/tasks/{id}."""
        return self.get(f"/v1/tasks/{task_id}")

    def cancel(self, task_id: str) -> Reply:
        """DELETE /v1/tasks/{id}: cancel a running task or delete a finished one."""
        return self.delete(f"/v1/tasks/{task_id}")

    def organization(self) -> Reply:
        """GET /v1/organization."""
        return self.get("/v1/organization")

    def balance(self) -> int:
        """The key's credit balance."""
        reply = self.organization()
        assert reply.status == 200, f"GET /v1/organization: {reply.status} {reply.text[:200]}"
        return int(reply.body["creditBalance"])

    def today(self) -> date:
        """The API's current UTC date (the emulator's clock when it has one)."""
        if self.can("time"):
            state = self.control("GET", "/clock").body or {}
            if isinstance(state.get("iso"), str):
                return date.fromisoformat(state["iso"][:10])
        return datetime.now(timezone.utc).date()

    def usage(self, days: int = 3) -> Reply:
        """POST /v1/organization/usage for the ``days`` around today (the default window
        ends before today, so it would miss what a test just spent)."""
        today = self.today()
        start = today - timedelta(days=days)
        return self.post("/v1/organization/usage",
                         {"startDate": start.isoformat(),
                          "beforeDate": (today + timedelta(days=days)).isoformat()})

    def wait(self, task_id: str, *, max_polls: int = 120) -> list[dict[str, Any]]:
        """Poll until the task is terminal; every body seen, in order."""
        seen: list[dict[str, Any]] = []
        step = 1.0
        for _ in range(max_polls):
            reply = self.task(task_id)
            assert reply.status == 200, f"GET /v1/tasks/{task_id}: {reply.status} {reply.text}"
            seen.append(reply.body)
            if reply.body.get("status") in TERMINAL:
                return seen
            if self.can("time"):
                self.advance(step)
                step = min(step * 2, 60.0)
            else:
                self.target.sleep(LIVE_POLL_SECONDS)
        raise AssertionError(f"task {task_id} was not finished after {max_polls} polls")

    # -- the emulator's control API ------------------------------------------------

    def send_control(self, method: str, path: str, body: Any = None) -> Reply:
        """Call ``/_mock{path}`` (with the admin token when one is configured)."""
        admin = self.target.admin_token
        headers: dict[str, str | None] = {"Authorization": f"Bearer {admin}" if admin else None}
        return self.request(method, f"/_mock{path}", body=body, headers=headers,
                            version=False)

    # The contracts read the reply themselves (its status included).
    control = send_control

    def reset(self, api_key: str | None = None) -> Any:
        """Forget everything about this key (or ``api_key``): tasks, credits, limits."""
        return super().reset(api_key or self.token)

    def release(self, task_id: str, api_key: str | None = None) -> Any:
        """Let a task of this key (or ``api_key``) held by a ``hold`` policy continue."""
        return super().release(task_id, api_key or self.token)


# ---------------------------------------------------------------------------
# Building targets


def _probe(session: requests.Session, base_url: str, admin: str | None) -> frozenset[str]:
    """The control capabilities an emulator at ``base_url`` offers."""
    caps: set[str] = set()
    headers = {"Authorization": f"Bearer {admin}"} if admin else {}

    def ok(path: str) -> bool:
        try:
            r = session.get(base_url + path, headers=headers, timeout=10)
        except requests.RequestException:
            return False
        return r.status_code == 200

    if not ok("/_mock/health"):
        return frozenset()
    if ok("/_mock/clock"):
        caps.update({"time", "reset"})
    if ok("/_mock/policies"):
        caps.add("outcomes")
    if ok("/_mock/faults"):
        caps.add("faults")
    return frozenset(caps)


def inprocess_target(seed: int = 0, config: Mapping[str, Any] | None = None) -> Target:
    """The Flask app in this process on a fake clock: fast, free, every capability."""
    from runway_mock import create_app
    from runway_mock.clock import fake_clock

    cfg = {"seed": seed, "initial_credits": EMULATOR_CREDITS, **(config or {})}
    app = create_app(cfg, clock=fake_clock())
    base = "http://inprocess.invalid"

    def make_session() -> requests.Session:
        return wsgi_session(app)

    caps = _probe(make_session(), base, None)
    target = Target("inprocess", base, caps, make_session, sleep=lambda _s: None)
    target.details = {"seed": seed}
    target.app = app
    return target


def start_emulator(seed: int = 0, *, credits: int = EMULATOR_CREDITS,
                   extra: Iterable[str] = ()) -> tuple[str, subprocess.Popen[str]]:
    """Start ``python -m mockserver serve --port 0`` and return (URL, process)."""
    cmd = [sys.executable, "-m", "runway_mock", "serve", "--port", "0", "--seed", str(seed),
           "--credits", str(credits), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "serving the Runway API at " not in line:
        proc.kill()
        rest = proc.stdout.read()
        proc.wait(timeout=10)
        raise ContractUsageError(f"runway-mock serve did not start: {line}{rest}")
    url = line.rsplit(" ", 1)[1].strip()

    def drain() -> None:
        # Keep reading so the server never blocks on a full pipe.
        for _ in iter(proc.stdout.readline, ""):
            pass

    import threading

    threading.Thread(target=drain, name="runway-mock-stdout", daemon=True).start()
    return url, proc


def _stopper(proc: subprocess.Popen[str]) -> Callable[[], None]:
    def stop() -> None:
        from runway_mock.testing import stop_process

        stop_process(proc)

    return stop


def server_target(base_url: str | None, seed: int = 0, admin_token: str | None = None) -> Target:
    """Any running emulator (``RUNWAYML_BASE_URL``), or one this run starts itself."""
    closers: list[Callable[[], None]] = []
    if base_url:
        host = urlsplit(base_url).hostname or ""
        if host in REAL_HOSTS:
            raise ContractUsageError(
                f"{base_url} is the real Runway API: use --target live (with --live, a token "
                "and --live-budget) so the budget guard protects your credits")
    else:
        base_url, proc = start_emulator(seed)
        closers.append(_stopper(proc))
    session = requests.Session()
    caps = _probe(session, base_url.rstrip("/"), admin_token)
    details: dict[str, Any] = {}
    if caps:
        health = session.get(base_url.rstrip("/") + "/_mock/health", timeout=10).json()
        details["seed"] = health.get("seed")
    session.close()
    return Target("server", base_url.rstrip("/"), caps, requests.Session,
                  admin_token=admin_token, details=details, closers=closers)


def live_target(base_url: str | None, token: str | None, *, enabled: bool,
                budget: int | None) -> Target:
    """The real API: refuses to exist without the flag, a token and a budget."""
    missing = []
    if not enabled:
        missing.append("--live (or RUNWAY_CONTRACT_LIVE=1)")
    if not token:
        missing.append("an API key in RUNWAYML_API_SECRET")
    if budget is None or budget <= 0:
        missing.append("a credit budget: --live-budget CREDITS (or RUNWAY_CONTRACT_BUDGET)")
    if missing:
        raise ContractUsageError(
            "the live target spends real credits, so it needs " + ", ".join(missing)
            + ". Nothing was sent.")
    assert budget is not None
    return Target("live", (base_url or LIVE_URL).rstrip("/"), frozenset({"money"}),
                  requests.Session, sleep=time.sleep, budget=Budget(budget), token=token)


def replay_target() -> Target:
    """Cassettes only: capabilities come from each cassette's metadata; no sleeping."""
    return Target("replay", "http://replay.invalid", frozenset(), requests.Session,
                  sleep=lambda _s: None)


def env_flag(name: str) -> bool:
    """True when environment variable ``name`` is set to 1/true/yes."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


__all__ = [
    "API_VERSION",
    "CAPABILITIES",
    "LIVE_URL",
    "TARGETS",
    "Api",
    "Budget",
    "BudgetExhausted",
    "ContractUsageError",
    "Reply",
    "Target",
    "env_flag",
    "inprocess_target",
    "key_for_test",
    "live_target",
    "replay_target",
    "server_target",
    "start_emulator",
]
