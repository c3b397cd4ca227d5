"""The contract kit runs from outside the repository: the committed cassettes ship with it.

``pytest --pyargs runway_mock.contracts --target replay`` in an empty folder finds the
cassettes installed with the package (``runway_mock.contracts.recordings``, mapped from
``cassettes/`` in pyproject.toml), whatever the rootdir.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from runway_mock.cassettes import cassette_path
from runway_mock.contracts.plugin import default_cassettes, packaged_cassettes

REPO = Path(__file__).resolve().parents[1]


def test_cassette_names_do_not_depend_on_the_rootdir():
    """A contract test's cassette path is the same from the repo, site-packages or its folder."""
    root = Path("c")
    for nodeid in ("contracts/test_tasks.py::test_x[a-b]",
                   "../../venv/lib/site-packages/runway_mock/contracts/test_tasks.py::test_x[a-b]",
                   "test_tasks.py::test_x[a-b]"):
        assert cassette_path(root, nodeid) == root / "test_tasks" / "test_x-a-b.yaml"


def test_replay_reads_the_installed_cassettes_outside_a_checkout(tmp_path):
    """Outside a checkout replay uses the installed cassettes; recording writes locally."""
    installed = packaged_cassettes()
    assert installed is not None and any(installed.glob("test_tasks/*.yaml"))
    assert default_cassettes(tmp_path, record=False) == installed
    assert default_cassettes(tmp_path, record=True) == tmp_path / "cassettes"
    assert default_cassettes(REPO, record=False) == REPO / "cassettes"


@pytest.mark.slow
def test_pyargs_replay_passes_in_an_empty_folder(tmp_path):
    """pytest --pyargs of the kit in replay passes in an empty folder and writes nothing."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RUNWAY_CONTRACT_", "PYTEST_"))}
    # Two modules keep this test short; the whole kit passes the same way (docs/recording.md).
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "runway_mock.contracts.test_errors",
         "runway_mock.contracts.test_tasks", "--target", "replay", "-q",
         "-p", "no:cacheprovider"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "no cassette for this test" not in proc.stdout
    assert " passed" in proc.stdout and "failed" not in proc.stdout
    assert not list(tmp_path.rglob("*.yaml")), "replay wrote a cassette into the folder"
