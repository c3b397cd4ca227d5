"""``runway-mock serve``: the emulator on Granian, one or several worker processes.

Granian (a Rust HTTP server with a WSGI interface) was chosen by measurement: on the
2-core development machine it served a bare Flask view 3-4x faster than gunicorn or
waitress, and the emulator itself 1.5-2x faster (README, "Performance").

The app is built once in the serving process before the workers start; on Linux
workers are forked from it, so a worker answers its first request without building
anything. The memory store lives in one process, so it is served by one worker with
several threads; more workers need a store they can share (``--store sqlite:PATH``).
"""

from __future__ import annotations

import multiprocessing
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

# Threads per worker: several, so an injected latency fault does not stall other calls.
DEFAULT_THREADS = 8


class ServeError(Exception):
    """A serve configuration that cannot work, with a one-line reason."""


def default_workers(store_spec: str | None) -> int:
    """Worker processes when ``--workers`` is not given: the fastest here for the store."""
    return 1 if _is_memory(store_spec) else 2


def _is_memory(store_spec: str | None) -> bool:
    return store_spec in (None, "", "memory")


def check_workers(workers: int, store_spec: str | None) -> None:
    """Refuse several workers on a store they cannot share."""
    if workers < 1:
        raise ServeError("--workers must be at least 1")
    if workers > 1 and _is_memory(store_spec):
        raise ServeError(f"--workers {workers} needs a store the workers can share: the "
                         "memory store lives in one process; use --store sqlite:PATH")


def free_port(host: str) -> int:
    """A port free on ``host`` now (Granian binds per worker, so port 0 is resolved here)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host.strip("[]"), 0))
        return s.getsockname()[1]


def _announce(host: str, port: int, url: str, on_ready: Callable[[str], None]) -> None:
    """Call ``on_ready(url)`` as soon as the port accepts connections (give up after 60 s)."""
    target = {"0.0.0.0": "127.0.0.1", "::": "::1", "[::]": "::1"}.get(host, host.strip("[]"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((target, port), timeout=1):
                break
        except OSError:
            time.sleep(0.002)
    on_ready(url)


def _worker_app(build: Callable[[], Any], prebuilt: Any, _target: str) -> Any:
    """Granian's target loader, run in each worker: the forked app, or a new one."""
    if prebuilt is not None:
        reopen = getattr(prebuilt.extensions["runway_mock"].store, "after_fork", None)
        if reopen is not None:
            reopen()
        return prebuilt
    return build()


def serve(build: Callable[[], Any], *, host: str, port: int, workers: int, threads: int,
          store_spec: str | None = None, on_ready: Callable[[str], None] | None = None,
          ) -> int:
    """Serve the app ``build()`` makes until interrupted; prints nothing itself."""
    check_workers(workers, store_spec)
    from granian.constants import Interfaces
    from granian.server import Server

    if port == 0:
        port = free_port(host)
    forked = multiprocessing.get_start_method() == "fork"
    # Build before forking: errors surface here, and workers start with the app ready.
    # Under "spawn" (not Linux) each worker builds its own (the memory store: one worker).
    prebuilt = build() if forked else None
    shown = host if ":" not in host else f"[{host}]"
    url = f"http://{shown}:{port}"

    class _Server(Server):
        def startup(self, spawn_target: Any, target_loader: Any) -> None:
            super().startup(spawn_target, target_loader)
            if on_ready is not None:  # after the fork: tell once a worker answers
                threading.Thread(target=_announce, args=(host, port, url, on_ready),
                                 daemon=True).start()

    server = _Server(
        "runway_mock", address=host.strip("[]"), port=port, interface=Interfaces.WSGI,
        workers=workers, blocking_threads=max(1, threads), backlog=2048,
        log_enabled=False, process_name=None,
    )
    # Granian handles SIGINT and SIGTERM itself: it stops the workers and returns.
    server.serve(target_loader=partial(_worker_app, build, prebuilt))
    return 0


def serve_waitress(build: Callable[[], Any], *, host: str, port: int, threads: int,
                   on_ready: Callable[[str], None] | None = None,
                   ident: str = "runway-mock") -> int:
    """An app on waitress, one process, until SIGINT or SIGTERM; answers in flight are
    finished before it returns. For the emulator this is slower than Granian, but a
    ``drop`` fault closes the connection before any byte of a response (Granian has sent
    the status line by then); the recording proxy always runs here."""
    import signal

    from waitress.server import create_server

    app = build()
    # A generous connection limit: clients that never reuse connections (VCR, curl loops)
    # would otherwise stall at waitress's default of 100 open sockets.
    server = create_server(app, host=host, port=port, threads=threads,
                           connection_limit=1000, ident=ident)
    shown = host if ":" not in host else f"[{host}]"
    if on_ready is not None:
        on_ready(f"http://{shown}:{server.effective_port}")

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt  # SIGTERM (docker stop, CI teardown) stops like Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        server.task_dispatcher.shutdown(timeout=10)  # let answers in flight finish
    return 0


def build_app(config: Mapping[str, Any], faults_file: str | None = None) -> Any:
    """The emulator app for ``config`` with the fault rules of ``faults_file`` loaded."""
    from runway_mock.app import create_app

    try:
        app = create_app(dict(config))
        if faults_file:
            from runway_mock.domain import faults

            faults.load_file(app, faults_file)
    except ValueError as exc:  # a bad --store URL or faults file: one line, no traceback
        raise ServeError(str(exc)) from exc
    return app


def main_error(err: ServeError) -> int:
    print(f"runway-mock: {err}", file=sys.stderr)
    return 2
