"""pytest plugin ``runway_mock``: contract targets and cassettes, and fixtures for your tests.

Installed with the package (entry point ``pytest11: runway_mock``), so it loads into every
pytest run of the environment: it only adds options, markers and fixtures, and imports
nothing heavy until a fixture is used.

Fixtures:
- ``runway_mock``: a running emulator (real HTTP on a free loopback port) with ``url``,
  ``api_key``, control helpers (``advance``, ``set_policy``, ``add_fault``, ``reset``,
  ...) and ``journal()``; state is reset before each test. Override the session fixture
  ``runway_mock_config`` to change its configuration (seed, credits, time scale).
- ``runway_client``: a ``client.RunwayClient`` pointed at ``runway_mock``.
- ``runway_env``: sets ``RUNWAYML_BASE_URL`` and ``RUNWAYML_API_SECRET`` for the test so
  the official SDKs (``RunwayML()``) talk to ``runway_mock``.
- ``runway_target``: the contract target chosen with ``--target`` / ``RUNWAY_CONTRACT_TARGET``.
- ``runway_api``: the contract kit's HTTP helper for the target, inside the test's cassette.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_TARGETS = ("inprocess", "server", "replay", "live")
_STASH: Any = pytest.StashKey()
_REPORTS: Any = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options of the contract kit (all namespaced except the documented short forms)."""
    group = parser.getgroup("runway-mock", "runway-mock contract kit")
    help_target = ("where the contracts run: inprocess (default), server (RUNWAYML_BASE_URL, "
                   "or an emulator the run starts), replay (cassettes, no network) or live "
                   "(the real API; needs --live, a token and --live-budget). "
                   "Env: RUNWAY_CONTRACT_TARGET")
    _add(group, ["--target", "--runway-target"], dest="runway_target", default=None,
         choices=_TARGETS, help=help_target)
    _add(group, ["--live", "--runway-live"], dest="runway_live", action="store_true",
         default=False, help="allow the live target to spend credits (env RUNWAY_CONTRACT_LIVE=1)")
    _add(group, ["--live-budget", "--runway-live-budget"], dest="runway_budget", type=int,
         default=None, metavar="CREDITS",
         help="most credits a live run may commit (env RUNWAY_CONTRACT_BUDGET)")
    _add(group, ["--record", "--runway-record"], dest="runway_record", action="store_true",
         default=False, help="record one cassette per contract test (server or live target)")
    _add(group, ["--cassette-dir", "--runway-cassette-dir"], dest="runway_cassettes",
         default=None, help="cassette directory (default: <rootdir>/cassettes when it holds "
                            "cassettes or when recording, else the cassettes installed with "
                            "the kit; env RUNWAY_CONTRACT_CASSETTES)")
    _add(group, ["--contract-seed", "--runway-contract-seed"], dest="runway_seed", type=int,
         default=None, help="Hypothesis seed of contract tests (env RUNWAY_CONTRACT_SEED)")


def _add(group: Any, names: list[str], **kwargs: Any) -> None:
    """Add an option; if another plugin owns the short name, keep only the long one."""
    try:
        group.addoption(*names, **kwargs)
    except ValueError:
        group.addoption(*names[1:], **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    """Register markers and remember the options (no imports of the kit yet)."""
    config.addinivalue_line(
        "markers", "runway_needs(*capabilities): the contract needs target capabilities "
                   "(time, outcomes, faults, reset); it skips with a reason elsewhere")
    config.addinivalue_line(
        "markers", "runway_frozen_clock: freeze the emulator's clock during the test when "
                   "the target can (runway_needs('time') implies it)")
    target = config.getoption("runway_target") or os.environ.get("RUNWAY_CONTRACT_TARGET")
    seed = config.getoption("runway_seed")
    if seed is None and os.environ.get("RUNWAY_CONTRACT_SEED", "").strip():
        seed = int(os.environ["RUNWAY_CONTRACT_SEED"])
    budget = config.getoption("runway_budget")
    if budget is None and os.environ.get("RUNWAY_CONTRACT_BUDGET", "").strip():
        budget = int(os.environ["RUNWAY_CONTRACT_BUDGET"])
    cassettes = (config.getoption("runway_cassettes")
                 or os.environ.get("RUNWAY_CONTRACT_CASSETTES")
                 or str(default_cassettes(Path(config.rootpath),
                                          bool(config.getoption("runway_record")))))
    live = config.getoption("runway_live") or os.environ.get(
        "RUNWAY_CONTRACT_LIVE", "").strip().lower() in ("1", "true", "yes", "on")
    config.stash[_STASH] = {
        "target": (target or "inprocess").strip().lower(),
        "record": bool(config.getoption("runway_record")),
        "live": bool(live), "budget": budget, "seed": seed,
        "cassettes": Path(cassettes), "rootdir": Path(config.rootpath),
    }
    if config.stash[_STASH]["target"] not in _TARGETS:
        raise pytest.UsageError(f"RUNWAY_CONTRACT_TARGET must be one of {', '.join(_TARGETS)}")
    _apply_options(config)


def packaged_cassettes() -> Path | None:
    """The committed cassettes installed with the kit (``runway_mock.contracts.recordings``,
    the repository's ``cassettes/`` folder), or None when they are not installed."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("runway_mock.contracts.recordings")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    here = Path(__file__).resolve().parent
    for candidate in (here / "recordings", here.parent / "cassettes"):
        if any(candidate.glob("*/*.yaml")):
            return candidate
    return None


def default_cassettes(rootdir: Path, record: bool) -> Path:
    """Where cassettes are read and written when no directory is given.

    Recording writes under ``<rootdir>/cassettes``; replay reads it when it holds
    cassettes, else the ones installed with the kit (so ``pytest --pyargs
    runway_mock.contracts --target replay`` works in any folder).
    """
    local = rootdir / "cassettes"
    if record or any(local.glob("*/*.yaml")):
        return local
    return packaged_cassettes() or local


def _apply_options(config: pytest.Config) -> None:
    """Hand the options to the kit: contract modules read them when they are imported."""
    import sys

    from runway_mock.contracts import _state

    _state.OPTIONS.clear()
    _state.OPTIONS.update(config.stash[_STASH])
    loaded = sys.modules.get("runway_mock.contracts.session")
    if loaded is not None:
        loaded.load_options()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Keep each phase's report, so a cassette can say the test was skipped."""
    outcome = yield
    report = outcome.get_result()
    item.stash.setdefault(_REPORTS, {})[report.when] = report


def _skip_reason(item: pytest.Item) -> str | None:
    reports = item.stash.get(_REPORTS, {})
    report = reports.get("call") or reports.get("setup")
    if report is None or not report.skipped:
        return None
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


# ---------------------------------------------------------------------------
# Contract fixtures


@pytest.fixture(scope="session")
def runway_target(pytestconfig: pytest.Config) -> Iterator[Any]:
    """The contract target of this run (``--target``), started and probed once."""
    from runway_mock.contracts import targets

    opts = pytestconfig.stash[_STASH]
    name = opts["target"]
    if opts["record"] and name not in ("server", "live"):
        pytest.exit("runway-mock: --record needs a network target: --target server (the "
                    "emulator) or --target live (the real API)", returncode=4)
    try:
        if name == "inprocess":
            target = targets.inprocess_target(seed=opts["seed"] or 0)
        elif name == "server":
            target = targets.server_target(
                os.environ.get("RUNWAYML_BASE_URL") or None, seed=opts["seed"] or 0,
                admin_token=os.environ.get("RUNWAY_MOCK_ADMIN_TOKEN") or None)
        elif name == "live":
            target = targets.live_target(
                os.environ.get("RUNWAYML_BASE_URL") or None,
                os.environ.get("RUNWAYML_API_SECRET") or None,
                enabled=opts["live"], budget=opts["budget"])
        else:
            target = targets.replay_target()
    except targets.ContractUsageError as exc:
        pytest.exit(f"runway-mock: {exc}", returncode=4)
    pytestconfig.stash[_STASH]["used"] = target
    if target.budget is not None:
        api = target.api(target.token or "")
        balance = api.balance()
        target.budget.start_balance = balance
        target.budget.limit = min(target.budget.limit, balance)
    try:
        yield target
    finally:
        if target.budget is not None and target.budget.start_balance is not None:
            try:
                target.budget.end_balance = target.api(target.token or "").balance()
            except Exception:
                target.budget.end_balance = None
        target.close()


def contract_id(item: pytest.Item) -> str:
    """The id of a test as a checkout names it (``contracts/test_x.py::test_y[p]``).

    A kit test has the same id (and so the same cassette, key and metadata) whatever the
    rootdir: run in the repository, or from an installed package with ``--pyargs``.
    Tests outside the kit keep their own node id.
    """
    here = Path(__file__).resolve().parent
    path = Path(str(getattr(item, "path", "") or ""))
    if path.name and path.resolve().parent == here:
        rest = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else item.name
        return f"contracts/{path.name}::{rest}"
    return item.nodeid


@pytest.fixture
def runway_api(request: pytest.FixtureRequest, runway_target: Any) -> Iterator[Any]:
    """The contract kit's HTTP helper for this test (its own key; its cassette if any)."""
    from runway_mock.contracts import session

    needs = [c for m in request.node.iter_markers("runway_needs") for c in m.args]
    freeze = "time" in needs or request.node.get_closest_marker("runway_frozen_clock") is not None
    with session.api_for_test(contract_id(request.node), runway_target, needs,
                              lambda: _skip_reason(request.node), freeze=freeze) as api:
        yield api


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int,
                            config: pytest.Config) -> None:
    """Say where the contracts ran, what was recorded and (live) what was spent."""
    opts = config.stash.get(_STASH, {})
    target = opts.get("used")
    if target is None:
        return
    from runway_mock.contracts import session

    caps = ", ".join(sorted(target.caps)) or "none (replay: from each cassette)"
    terminalreporter.write_sep("-", "runway-mock contracts")
    terminalreporter.write_line(f"target: {target.name} ({target.base_url}); capabilities: "
                                f"{caps}; Hypothesis profile {session.RUN.profile}, seed "
                                f"{session.RUN.hypothesis_seed}")
    if opts.get("record"):
        terminalreporter.write_line(f"recorded {session.RUN.stats.get('cassettes', 0)} "
                                    f"cassettes under {session.RUN.cassettes}")
    if target.budget is not None:
        for line in target.budget.report().splitlines():
            terminalreporter.write_line(line)


# ---------------------------------------------------------------------------
# Fixtures for your own tests


@pytest.fixture(scope="session")
def runway_mock_config() -> dict[str, Any]:
    """Configuration of the ``runway_mock`` emulator (override this fixture to change it)."""
    return {"seed": 0}


@pytest.fixture(scope="session")
def runway_mock_server(runway_mock_config: dict[str, Any]) -> Iterator[Any]:
    """One emulator for the session (see ``runway_mock`` for the per-test handle)."""
    from runway_mock.contracts.fixtures import EmulatorServer

    server = EmulatorServer(runway_mock_config)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def runway_mock(runway_mock_server: Any) -> Any:
    """A running emulator with clean state: ``.url``, ``.api_key``, control and journal."""
    runway_mock_server.reset()
    return runway_mock_server


@pytest.fixture
def runway_client(runway_mock: Any) -> Iterator[Any]:
    """A ``runway_mock.client.RunwayClient`` for ``runway_mock`` (skips without the client)."""
    client_mod = pytest.importorskip("runway_mock.client",
                                     reason="the runway-mock client is not installed")
    client = client_mod.RunwayClient(runway_mock.api_key, base_url=runway_mock.url)
    try:
        yield client
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()


@pytest.fixture
def runway_env(runway_mock: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the official SDKs at ``runway_mock`` through their environment variables."""
    monkeypatch.setenv("RUNWAYML_BASE_URL", runway_mock.url)
    monkeypatch.setenv("RUNWAYML_API_SECRET", runway_mock.api_key)
    return runway_mock
