"""Helpers for tests that run ``runway-mock serve`` as a real process (not a test module)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence

I2V = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
       "duration": 5}


def auth(key: str) -> dict[str, str]:
    """The headers every /v1 call needs."""
    return {"Authorization": f"Bearer {key}", "X-Runway-Version": "2024-11-06"}


def start(store: str, *args: str, timeout: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Start ``runway-mock serve --store STORE`` on a free loopback port: (process, URL).

    The server gets its own process group, so ``kill`` reaches every worker.
    """
    cmd = [sys.executable, "-m", "runway_mock", "serve", "--port", "0", "--store", store,
           *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "serving the Runway API at " in line:
                found.set()
        found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    proc.reader = reader  # type: ignore[attr-defined]
    if not found.wait(timeout) or not any("serving the Runway API at " in x for x in lines):
        kill(proc)
        raise RuntimeError("runway-mock serve did not start:\n" + "".join(lines))
    url = next(x for x in lines if "serving the Runway API at " in x).rsplit(" ", 1)[1]
    return proc, url.strip()


def kill(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to the server's whole process group and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)
    reader = getattr(proc, "reader", None)
    if reader is not None:
        reader.join(timeout=10)  # the pipe ends with the process group
    if proc.stdout is not None and (reader is None or not reader.is_alive()):
        proc.stdout.close()


def stop(procs: Sequence[subprocess.Popen]) -> None:
    """Stop servers politely (SIGTERM), then for sure."""
    for proc in procs:
        kill(proc, signal.SIGTERM)
