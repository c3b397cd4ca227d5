"""HTTP views: thin adapters from requests to domain calls."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach every blueprint to ``app``."""
    from mockserver.views import api, artifacts, control

    app.register_blueprint(control.bp)
    app.register_blueprint(artifacts.bp)
    app.register_blueprint(api.bp)
    from mockserver.views import openapi, resources, uploads

    app.register_blueprint(resources.bp)
    app.register_blueprint(uploads.bp)
    app.register_blueprint(openapi.bp)
