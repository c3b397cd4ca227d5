"""Helpers for running the emulator inside a test process."""

from __future__ import annotations

import threading
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

        server.trigger.pull_trigger(stop)
        thread.join(timeout=5)
        server.task_dispatcher.shutdown(timeout=2)


def runtime_of(app: Flask) -> Runtime:
    """The emulator runtime of ``app``."""
    return app.extensions[EXTENSION]
