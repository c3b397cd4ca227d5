"""The pytest plugin: a user's own tests get the emulator fixtures with nothing copied, and
sessions that do not use it are unaffected (it loads into every pytest run of the env)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

USER_TESTS = '''
import requests
from runwayml import RunwayML


def test_my_code_against_the_emulator(runway_mock):
    runway_mock.set_policy("*", transition={"kind": "immediate"})
    r = requests.post(runway_mock.url + "/v1/text_to_image", headers=runway_mock.headers(),
                      json={"model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"})
    assert r.status_code == 200
    task = requests.get(runway_mock.url + "/v1/tasks/" + r.json()["id"],
                        headers=runway_mock.headers()).json()
    assert task["status"] == "SUCCEEDED"
    paths = [e["path"] for e in runway_mock.journal()["entries"]]
    assert "/v1/text_to_image" in paths


def test_state_is_reset_between_tests(runway_mock):
    assert runway_mock.journal()["entries"] == []
    assert runway_mock.control("GET", "/policies") == {}


def test_the_official_sdk_through_the_environment(runway_env):
    runway_env.set_policy("*", transition={"kind": "immediate"})
    client = RunwayML()
    created = client.text_to_image.create(model="gen4_image", prompt_text="a fox",
                                          ratio="1920:1080")
    task = client.tasks.retrieve(created.id)
    assert task.status == "SUCCEEDED" and task.output


def test_time_and_faults(runway_mock):
    runway_mock.add_fault(match={"path": "/v1/organization"},
                          effect={"type": "status", "status": 503}, times=1)
    h = runway_mock.headers()
    assert requests.get(runway_mock.url + "/v1/organization", headers=h).status_code == 503
    assert requests.get(runway_mock.url + "/v1/organization", headers=h).status_code == 200
    before = runway_mock.freeze()["now"]
    assert runway_mock.advance(30)["now"] == before + 30


def test_the_configured_client(runway_client, runway_mock):
    assert runway_client.base_url.rstrip("/") == runway_mock.url


def test_the_contract_target(runway_target):
    assert runway_target.name == "inprocess"
    assert "time" in runway_target.caps
'''


def _entry_point_installed() -> bool:
    return any(ep.name == "runway_mock" for ep in entry_points(group="pytest11"))


# How a session gets the plugin: the installed pytest11 entry point loads it by itself;
# without the install, -p loads the same module the same way (both at once would be a
# double registration, which pytest refuses).
LOAD = () if _entry_point_installed() else ("-p", "runway_mock.contracts.plugin")


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    for name in ("RUNWAY_CONTRACT_TARGET", "RUNWAYML_BASE_URL", "RUNWAYML_API_SECRET"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def test_a_project_with_its_own_client_and_contracts_modules_keeps_the_plugin_working(
        tmp_path):
    """Installed as runway_mock.*, the kit cannot pick up a user's client.py or contracts/."""
    (tmp_path / "client.py").write_text("raise ImportError('the user\'s own client module')\n")
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "__init__.py").write_text("RunwayClient = None\n")
    (tmp_path / "mockserver.py").write_text("create_app = None\n")
    (tmp_path / "test_mine.py").write_text(USER_TESTS)
    run = _pytest(tmp_path, *LOAD, "-q", "-W", "error")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "6 passed" in run.stdout


def test_a_users_own_tests_use_the_fixtures_with_no_code_copied(tmp_path):
    """A user's own tests get the plugin's fixtures with no code copied, warnings as errors."""
    (tmp_path / "test_mine.py").write_text(USER_TESTS)
    run = _pytest(tmp_path, *LOAD, "-q", "-W", "error")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "6 passed" in run.stdout


def test_a_session_that_does_not_use_the_plugin_is_unaffected(tmp_path):
    """A pytest run not using the plugin imports nothing heavy and prints no banner."""
    (tmp_path / "test_plain.py").write_text(textwrap.dedent('''
        import sys

        def test_nothing_heavy_was_imported():
            assert "runway_mock.contracts.session" not in sys.modules
            assert "runway_mock.app" not in sys.modules
            assert "vcr" not in sys.modules
    '''))
    run = _pytest(tmp_path, *LOAD, "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "runway-mock contracts" not in run.stdout
    helptext = _pytest(tmp_path, *LOAD, "--help").stdout
    assert "--target" in helptext and "--live-budget" in helptext


def test_the_repo_conftest_does_not_register_the_plugin_twice():
    """Loading the plugin explicitly in the repo does not register it twice."""
    run = _pytest(REPO, *LOAD, "contracts/test_errors.py", "-q", "-k", "unknown_task")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout
