"""Helpers for running the emulator inside a test process."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Flask
from runway_mock.app import create_app
from runway_mock.config import Runtime
from runway_mock.http.wire import EXTENSION


@contextmanager
def serve(app: Flask | None = None, *, config: Mapping[str, Any] | None = None,
          threads: int = 8) -> Iterator[str]:
    """Serve ``app`` (or a new one) with waitress on a free loopback port; yields the URL."""
    from waitress.server import create_server

    app = app or create_app(config)
    server = create_server(app, host="127.0.0.1", port=0, threads=threads,
                           connection_limit=1000)
    thread = threading.Thread(target=server.run, name="runway-mock", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        def stop() -> None:
            # Runs inside waitress's loop: closing every channel (the listener and any
            # keep-alive connection a client left open) lets the loop end without racing
            # a select() on closed descriptors.
            for channel in list(server._map.values()):
                channel.close()

        # OSError: the trigger is already closed, so the loop has ended on its own.
        with contextlib.suppress(OSError):
            server.trigger.pull_trigger(stop)
        thread.join(timeout=5)
        if not thread.is_alive():  # whatever the loop left open, close it here
            for channel in list(server._map.values()):
                channel.close()
        server.task_dispatcher.shutdown(timeout=2)


def runtime_of(app: Flask) -> Runtime:
    """The emulator runtime of ``app``."""
    return app.extensions[EXTENSION]


def stop_process(proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """Stop a server started as a subprocess: SIGTERM, then SIGKILL if it has not gone
    within ``timeout`` seconds; its stdout pipe, if any, is closed."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)
    if proc.stdout is not None:
        proc.stdout.close()


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server(*, timeout: float = 10.0) -> Iterator[str]:
    """Run a throwaway ``redis-server`` on a free loopback port; yields its URL.

    Nothing is persisted (no RDB, no AOF) and its folder is temporary. Raises
    FileNotFoundError when no ``redis-server`` is installed.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not installed (Debian: apt-get install "
                                "redis-server)")
    with tempfile.TemporaryDirectory(prefix="runway-mock-redis-") as folder:
        for _attempt in range(3):
            port = free_port()
            proc = subprocess.Popen(
                [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", folder,
                 "--save", "", "--appendonly", "no", "--databases", "4"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout
            while proc.poll() is None and not _answers(port) and time.monotonic() < deadline:
                time.sleep(0.02)
            if proc.poll() is None and _answers(port):
                break
            # The port was taken between the probe and the bind, or it hung: try again.
            proc.kill()
            proc.wait()
        else:
            raise RuntimeError("redis-server did not start")
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            stop_process(proc, timeout=5)
