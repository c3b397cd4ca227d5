"""The runway-mock command: serve on a free port, health, routes."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from runway_mock.cli import is_loopback


@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_serve_on_a_free_port_prints_its_url_and_answers_health(server):
    """serve (granian or waitress) prints its URL and answers health, the API and the dashboard."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "runway_mock", "serve", "--port", "0", "--seed", "4",
         "--server", server],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        assert "serving the Runway API at http://127.0.0.1:" in line
        url = line.rsplit(" ", 1)[1].strip()
        health = requests.get(f"{url}/_mock/health", timeout=5)
        assert health.status_code == 200
        assert health.json()["seed"] == 4
        org = requests.get(f"{url}/v1/organization", timeout=5, headers={
            "Authorization": "Bearer k", "X-Runway-Version": "2024-11-06"})
        assert org.status_code == 200
        banner = [proc.stdout.readline() for _ in range(2)]
        (dashboard,) = [b.split()[-1] for b in banner if b.strip().startswith("dashboard:")]
        assert dashboard == f"{url}/_mock/ui"
        page = requests.get(dashboard, timeout=5)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        proc.stdout.close()


def test_several_workers_on_the_memory_store_are_refused_naming_sqlite():
    """serve --workers 2 on the memory store exits 2 with one line suggesting sqlite."""
    result = subprocess.run([sys.executable, "-m", "runway_mock", "serve", "--port", "0",
                             "--workers", "2", "--store", "memory"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "memory store" in lines[0] and "--store sqlite:PATH" in lines[0]


def test_serve_defaults_to_one_worker_on_the_memory_store():
    """serve defaults to granian with one worker on the memory store."""
    from runway_mock import options, serving

    values = options.resolve({}, environ={})
    assert values["workers"] is None and values["server"] == "granian"
    assert serving.default_workers(values.get("store")) == 1


def test_routes_lists_api_operations():
    """runway-mock routes prints one METHOD /v1/path line per API operation."""
    out = subprocess.run([sys.executable, "-m", "runway_mock", "routes"], capture_output=True,
                         text=True, check=True, timeout=60).stdout.splitlines()
    ops = {tuple(line.split()) for line in out}
    assert ("GET", "/v1/tasks/{task_id}") in ops or ("GET", "/v1/tasks/{id}") in ops
    assert ("POST", "/v1/image_to_video") in ops
    assert all(path.startswith("/v1/") for _, path in ops)


def test_serve_defaults_to_loopback():
    """With no flag, environment or file, serve binds loopback only."""
    from runway_mock import options

    assert options.resolve({}, environ={})["host"] == "127.0.0.1"


@pytest.mark.parametrize("host,expected", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("example.com", False),
])
def test_is_loopback(host, expected):
    """is_loopback is true for 127.0.0.0/8, ::1 and localhost, false for others."""
    assert is_loopback(host) is expected
