"""The official Node SDK (@runwayml/sdk), unmodified, against the emulator.

Runs tests/node/sdk_check.mjs when Node.js and the SDK (``npm install --prefix
tests/node``, done by .ci/run) are present; skips with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess

import pytest
from runway_mock.testing import serve

NODE_DIR = pathlib.Path(__file__).parent / "node"
SDK = NODE_DIR / "node_modules" / "@runwayml" / "sdk"


@pytest.mark.node
@pytest.mark.slow
def test_node_sdk_against_the_emulator():
    """The official Node SDK's check script passes every step against the emulator."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    if not SDK.exists():
        pytest.skip("@runwayml/sdk is not installed: run npm install --prefix tests/node")
    with serve(config={"seed": 9, "time_scale": 0.02}) as url:
        env = {**os.environ, "RUNWAYML_BASE_URL": url, "RUNWAYML_API_SECRET": "key_node_check"}
        proc = subprocess.run(["node", str(NODE_DIR / "sdk_check.mjs")], cwd=NODE_DIR, env=env,
                              check=False, capture_output=True, text=True, timeout=240)
    steps = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    failed = [s for s in steps if not s["ok"]]
    assert not failed, json.dumps(failed, indent=1)
    assert proc.returncode == 0, proc.stderr
    names = {s["name"] for s in steps}
    assert "organization.retrieve" in names
    assert "imageToVideo.create + waitForTaskOutput" in names
    # The resource section (tests/node/resources.mjs) ran too.
    assert {"uploads.createEphemeral", "documents", "voices", "routers and generate",
            "workflows", "recipes.productAd"} <= names
    assert len(steps) >= 30
