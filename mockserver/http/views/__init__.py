"""HTTP views: thin adapters from requests to domain calls."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach every blueprint to ``app``."""
    from runway_mock.http.views import (
        api,
        artifacts,
        control,
        dashboard,
        inspect,
        openapi,
        resources,
        uploads,
    )

    for blueprint in (control.bp, inspect.bp, dashboard.bp, artifacts.bp, api.bp, resources.bp,
                      uploads.bp, openapi.bp):
        app.register_blueprint(blueprint)
