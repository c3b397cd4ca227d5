"""One contract run: the options chosen, Hypothesis settings, and each test's API helper.

The pytest plugin fills ``RUN`` from the command line and environment before tests are
collected; contract modules read it through ``given_contract`` and ``run_machine`` (so
record, replay and live runs draw the same examples from a fixed seed), and the
``runway_api`` fixture calls ``api_for_test`` to get an ``Api`` wrapped in the right
cassette, with the emulator's per-test setup done.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.stateful import run_state_machine_as_test
from runway_mock.contracts.targets import API_VERSION, CAPABILITIES, Api, Target

DEFAULT_SEED = 20241106
# Cassette runs draw exact-maximum strings only up to this length (recordings stay small).
CASSETTE_TEXT_MAX = 256
PROFILE = "runway-contracts"
CASSETTE_PROFILE = "runway-contracts-cassette"
_SUPPRESS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
             HealthCheck.filter_too_much, HealthCheck.data_too_large]


@dataclass
class RunOptions:
    """What this run was asked to do."""

    target: str = "inprocess"
    record: bool = False
    live: bool = False
    budget: int | None = None
    cassettes: Path = Path("cassettes")
    seed: int | None = None
    examples: int | None = None
    rootdir: Path = Path()
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def deterministic(self) -> bool:
        """Record, replay and live runs draw the same examples every time."""
        return self.record or self.target in ("replay", "live")

    @property
    def hypothesis_seed(self) -> int | None:
        """The seed examples are drawn from (None: random, the default on emulators)."""
        if self.seed is not None:
            return self.seed
        return DEFAULT_SEED if self.deterministic else None

    @property
    def profile(self) -> str:
        """The Hypothesis profile contract tests run under."""
        return CASSETTE_PROFILE if self.deterministic else PROFILE


RUN = RunOptions()


def load_options() -> None:
    """Take the options the pytest plugin parsed (``contracts._state``)."""
    from runway_mock.contracts import _state, strategies

    for key, value in _state.OPTIONS.items():
        if hasattr(RUN, key):
            setattr(RUN, key, value)
    strategies.LONG_TEXT_MAX = CASSETTE_TEXT_MAX if RUN.deterministic else None
    if RUN.deterministic:
        _fix_constants()


_saved_constants: list[Any] = []


def _fix_constants() -> None:
    """Make Hypothesis ignore literals of the modules loaded in this process.

    Hypothesis biases draws toward literals found in every local module imported so
    far, so the same seed draws differently when other modules (or new literals
    anywhere in the repo) are loaded, and a replay would miss its recording. Record,
    replay and live runs therefore draw from Hypothesis's own constants only. (This
    reaches into Hypothesis internals; if they move, nothing is patched.)
    """
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - Hypothesis reorganised
        return
    if _saved_constants or not hasattr(providers, "_get_local_constants"):
        return
    empty = providers.Constants()
    _saved_constants.append(providers._get_local_constants)
    providers._get_local_constants = lambda: empty


def _unfix_constants() -> None:
    from hypothesis.internal.conjecture import providers

    if _saved_constants:
        providers._get_local_constants = _saved_constants.pop()


@contextmanager
def stable_constants() -> Iterator[None]:
    """Within the block, draws do not depend on which modules are loaded (see above)."""
    fixed_here = not _saved_constants
    _fix_constants()
    try:
        yield
    finally:
        if fixed_here:
            _unfix_constants()


load_options()


def _int_env(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value else None


def register_profiles(examples: int | None = None) -> None:
    """Register the two Hypothesis profiles the contracts use."""
    settings.register_profile(
        PROFILE, max_examples=examples or 10, deadline=None, suppress_health_check=_SUPPRESS,
        stateful_step_count=25)
    # Cassette runs: fixed examples, no shrinking (a live shrink would spend credits),
    # no example database, so recording and replay make the same requests.
    settings.register_profile(
        CASSETTE_PROFILE, max_examples=examples or 6, deadline=None, derandomize=True,
        database=None, phases=(Phase.explicit, Phase.generate), print_blob=False,
        suppress_health_check=_SUPPRESS, stateful_step_count=12)


register_profiles(_int_env("RUNWAY_CONTRACT_EXAMPLES"))


def current_settings(**overrides: Any) -> settings:
    """The settings of this run's profile, with ``overrides``."""
    return settings(settings.get_profile(RUN.profile), **overrides)


def given_contract(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """``@given`` under the run's profile and seed (fixed for record, replay and live)."""

    def decorate(fn: Callable[..., Any]) -> Any:
        test = current_settings()(given(*args, **kwargs)(fn))
        s = RUN.hypothesis_seed
        return seed(s)(test) if s is not None else test

    return decorate


def run_machine(factory: Callable[[], Any], **overrides: Any) -> None:
    """Run a ``RuleBasedStateMachine`` under the run's profile and seed."""
    s = RUN.hypothesis_seed
    if s is not None:
        factory = seed(s)(factory)
    run_state_machine_as_test(factory, settings=current_settings(**overrides))


def hypothesis_metadata() -> dict[str, Any]:
    """What a cassette must say for replay to draw the same examples."""
    import hypothesis

    prof = settings.get_profile(RUN.profile)
    return {"version": hypothesis.__version__, "profile": RUN.profile,
            "seed": RUN.hypothesis_seed, "maxExamples": prof.max_examples,
            "stepCount": prof.stateful_step_count}


# ---------------------------------------------------------------------------
# Each test's API helper


def _skip(reason: str) -> None:
    import pytest

    pytest.skip(reason)


def _fail(reason: str) -> None:
    import pytest

    pytest.fail(reason, pytrace=False)


def missing_caps(needs: list[str], caps: frozenset[str], target: str) -> str | None:
    """Why a test that needs ``needs`` cannot run on a target with ``caps`` (or None)."""
    lacking = [c for c in needs if c not in caps]
    if not lacking:
        return None
    what = " and ".join(CAPABILITIES.get(c, c) for c in lacking)
    return f"needs {what}, which the {target} target cannot do"


def _replay_caps(path: Path) -> frozenset[str]:
    """The capabilities a cassette was recorded with (fails or skips like the recording)."""
    from runway_mock.contracts import cassettes

    meta = cassettes.read_metadata(path)
    if meta is None:
        _fail(f"no cassette for this test ({path}); record one with --record "
              "(see cassettes/README.md)")
    assert meta is not None
    if meta.get("skipped"):
        _skip(f"skipped when recorded on {meta.get('target')}: {meta['skipped']}")
    want, have = meta.get("hypothesis", {}), hypothesis_metadata()
    for key in ("seed", "maxExamples", "stepCount"):
        if want.get(key) != have.get(key):
            _fail(f"the cassette was recorded with Hypothesis {key}={want.get(key)}, this "
                  f"run uses {have.get(key)}: replay needs the same settings")
    return frozenset(meta.get("capabilities") or ())


def _metadata(nodeid: str, target: Target, caps: frozenset[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "test": nodeid,
        "target": target.name,
        "recordedAgainst": "runway" if "money" in caps else "emulator",
        "baseUrl": target.base_url if "money" in caps else "http://emulator.invalid",
        "apiVersion": API_VERSION,
        "recordedAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "capabilities": sorted(caps),
        "hypothesis": hypothesis_metadata(),
    }
    if "money" not in caps:
        # Drift replays an emulator recording with the same seed and per-test key.
        meta["emulator"] = {"seed": target.details.get("seed"), "key": "per-test"}
    return meta


@contextmanager
def _frozen_clock(api: Api, meta: dict[str, Any]) -> Iterator[None]:
    """Freeze the emulator's clock for the test, then put it back as it was."""
    before = api.control("GET", "/clock").body or {}
    state = api.freeze(True)
    if isinstance(state, dict):
        meta.setdefault("emulator", {})["clock"] = state.get("now")
    try:
        yield
    finally:
        if not before.get("frozen", False):
            api.freeze(False)


@contextmanager
def api_for_test(nodeid: str, target: Target, needs: list[str],
                 outcome: Callable[[], str | None], *, freeze: bool = False) -> Iterator[Api]:
    """The ``Api`` for one contract test, inside its cassette when recording or replaying.

    ``outcome`` is called at the end and returns the skip reason when the test skipped,
    which the cassette keeps so replay skips the same way.
    """
    from runway_mock.contracts import cassettes

    mode = "replay" if target.name == "replay" else ("record" if RUN.record else None)
    path = cassettes.cassette_path(RUN.cassettes, nodeid)
    caps = _replay_caps(path) if mode == "replay" else target.caps
    meta = _metadata(nodeid, target, caps)
    reason = missing_caps(needs, caps, target.name)
    if reason:
        if mode == "record":
            _write_skipped(path, meta, reason)
        _skip(reason)
    token = target.token_for(nodeid)
    api = target.api(token, caps)
    if mode == "record":
        api.extra_headers["Connection"] = "close"
    recorder = None
    offline = cassettes.no_network() if mode == "replay" else None
    if offline is not None:
        offline.__enter__()  # replay answers from the cassette only: no socket may open
    if mode is not None:
        recorder = cassettes.Recorder(path, mode, meta, secrets=(token, target.admin_token or ""),
                                      base_url=target.base_url)
        recorder.__enter__()
    try:
        if api.can("reset"):
            api.reset()
        if freeze and api.can("time"):
            with _frozen_clock(api, meta):
                yield api
        else:
            yield api
    finally:
        if recorder is not None:
            skipped = outcome()
            if skipped:
                meta["skipped"] = skipped
            recorder.__exit__(None, None, None)
            RUN.stats["cassettes"] = RUN.stats.get("cassettes", 0) + 1
        if offline is not None:
            offline.__exit__(None, None, None)
        api.session.close()


def _write_skipped(path: Path, meta: dict[str, Any], reason: str) -> None:
    """A cassette with no interactions that tells replay to skip the same way."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"metadata": {**meta, "skipped": reason}, "interactions": [], "version": 1}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


__all__ = ["RUN", "RunOptions", "api_for_test", "current_settings", "given_contract",
           "hypothesis_metadata", "missing_caps", "register_profiles", "run_machine"]
