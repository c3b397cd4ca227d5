"""Schemathesis on the emulator's own /openapi.json: every check, every phase, zero failures.

The emulator is served on a free loopback port with one listed API key (``api_keys``),
so the authentication checks test something real. The run is bounded (a fixed seed and
a few examples per operation); ``RUNWAY_MOCK_SCHEMATHESIS_EXAMPLES=200`` (and, to bound
it in time, ``RUNWAY_MOCK_SCHEMATHESIS_SECONDS``) makes a longer one. The deliberate
exceptions live in ``tests/schemathesis/``: the hooks module and the configuration
file, each with its reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from runway_mock import create_app
from runway_mock.testing import serve

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KEY = "schemathesis-key"
EXAMPLES = int(os.environ.get("RUNWAY_MOCK_SCHEMATHESIS_EXAMPLES", "3"))
SECONDS = os.environ.get("RUNWAY_MOCK_SCHEMATHESIS_SECONDS")
SEED = int(os.environ.get("RUNWAY_MOCK_SCHEMATHESIS_SEED", "20261201"))


def _run(url: str, report: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "schemathesis.cli",
           "--config-file", str(HERE / "schemathesis" / "schemathesis.toml"), "run",
           f"{url}/openapi.json", "--checks", "all",
           "--phases", "examples,coverage,fuzzing,stateful",
           "--header", f"Authorization: Bearer {KEY}",
           "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", "1",
           "--generation-database", "none", "--no-color",
           "--report", "json", "--report-json-path", str(report)]
    if SECONDS:
        cmd += ["--max-time", SECONDS]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis.hooks",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                       os.environ.get("PYTHONPATH")]))}
    # Run in the report's folder: Schemathesis keeps a cache in its working directory.
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False,
                          cwd=report.parent,
                          timeout=None if SECONDS or EXAMPLES > 3 else 600)


@pytest.mark.slow
def test_schemathesis_finds_nothing(tmp_path):
    # Credits enough that no well-formed task is refused for want of them.
    app = create_app({"seed": 11, "api_keys": [KEY], "initial_credits": 10**12})
    report = tmp_path / "schemathesis.json"
    with serve(app, threads=4) as url:
        result = _run(url, report)
    assert report.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    summary = (f"operations {data['operations']['tested']}/{data['operations']['total']}, "
               f"test cases {data['test_cases']['generated']}, "
               f"failures {data['test_cases']['unique_failures']}, "
               f"filtered by the exceptions {data.get('filtered')}")
    print(summary)
    assert data["errors"] == [], result.stdout[-6000:]
    assert data["failures"] == [], result.stdout[-12000:]
    assert data["operations"]["tested"] == data["operations"]["total"]
    assert result.returncode == 0, result.stdout[-6000:]
