"""The Flask application factory: config -> runtime -> hooks, blueprints, error handlers.

``create_app`` builds everything; nothing stateful exists at import time. The request
helpers live in ``runway_mock.http.wire``, the hooks in ``runway_mock.http.hooks`` and
the error renderers in ``runway_mock.http.errors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from runway_mock.clock import Clock
from runway_mock.config import Config, Runtime
from runway_mock.domain import wiring
from runway_mock.http import errors, hooks
from runway_mock.http.views import register
from runway_mock.http.wire import EXTENSION
from runway_mock.store import Store, store_from_env, store_from_url

__all__ = ["EXTENSION", "create_app"]


def create_app(config: Mapping[str, Any] | Config | None = None, *, clock: Clock | None = None,
               store: Store | None = None) -> Flask:
    """Build an emulator app; ``clock`` and ``store`` may be injected (tests pass fakes).

    Without a ``store`` object the config's ``store`` URL picks one (see
    ``runway_mock.store.store_from_url``), else ``RUNWAY_MOCK_STORE``, else memory.
    """
    cfg = config if isinstance(config, Config) else Config.from_mapping(dict(config or {}))
    app = Flask("runway_mock")
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.json.sort_keys = False  # keep Runway's field order on the wire
    app.json.compact = True
    # Express (Runway's stack) routes "/v1//tasks" nowhere; werkzeug would redirect it.
    app.url_map.merge_slashes = False
    if store is None:
        store = store_from_url(cfg.store) if cfg.store else store_from_env()
    rt = app.extensions[EXTENSION] = Runtime(cfg, clock or Clock(), store)
    wiring.install(rt)
    hooks.install(app)
    register(app)
    errors.install(app)
    from runway_mock.http.fast import FastPath

    app.wsgi_app = FastPath(app, app.wsgi_app)  # type: ignore[method-assign]
    return app
