"""The ``runway-mock`` command line: serve the emulator, list its routes, and more.

Serve options are declared once in ``runway_mock.options``.

Other packages add verbs through ``COMMAND_MODULES``: each module named there has an
``add_parser(subparsers)`` that registers its verbs with ``func`` defaults.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import socket
import sys
from collections.abc import Sequence
from typing import Any

from runway_mock.options import is_loopback

# Modules that contribute verbs (client verbs, contract drift); missing ones are skipped.
COMMAND_MODULES = ("runway_mock.client.cli", "runway_mock.contracts.drift", "runway_mock.proxy")


class CliError(Exception):
    """A one-line error for the user; ``main`` prints it and exits 2."""


def _load_settings(args: argparse.Namespace) -> dict[str, Any]:
    from runway_mock import options

    given = {k: v for k, v in vars(args).items() if k in options.BY_DEST or k == "config"}
    try:
        return options.resolve(given)
    except options.OptionError as exc:
        raise CliError(str(exc)) from None


def _config(settings: dict[str, Any]) -> dict[str, Any]:
    """The ``create_app`` config the resolved serve options ask for."""
    config = {
        "seed": settings["seed"], "time_scale": settings["time_scale"],
        "initial_credits": settings["credits"], "tier": settings["tier"],
        "admin_token": settings["admin_token"] or None,
        "exposed": not is_loopback(settings["host"]), "public_url": settings["public_url"],
        "unmetered": settings["unmetered"], "store": settings["store"],
        "error_wording": settings["error_wording"],
    }
    if settings["retention"]:
        config["retention_seconds"] = settings["retention"]
    if settings["api_keys"]:
        config["api_keys"] = settings["api_keys"]
    return config


def build_app(settings: dict[str, Any]) -> Any:
    """The emulator ``serve`` runs for ``settings``, its fault rules and saved state loaded."""
    from runway_mock.app import create_app

    try:
        app = create_app(_config(settings))
    except ValueError as exc:  # a bad --store URL, or a store that cannot be opened
        raise CliError(f"--store: {exc}") from None
    if settings["faults"]:
        from runway_mock.domain import faults

        try:
            faults.load_file(app, settings["faults"])
        except (OSError, ValueError) as exc:
            raise CliError(f"--faults: {exc}") from None
    if settings["load_state"]:
        from runway_mock.domain import snapshot

        try:
            snapshot.load_file(app.extensions["runway_mock"], settings["load_state"])
        except (OSError, ValueError) as exc:
            raise CliError(f"--load-state: {exc}") from None
    return app


def _serve(args: argparse.Namespace) -> int:
    from runway_mock import serving
    from runway_mock.http import access_log

    settings = _load_settings(args)
    access_log.configure(level=settings["log_level"], fmt=settings["log_format"],
                         quiet=settings["quiet"])
    store = settings.get("store")
    # waitress and a replay run one process whatever the store; otherwise the store decides.
    one = settings["server"] == "waitress" or bool(settings.get("replay"))
    workers = settings["workers"] or (1 if one else serving.default_workers(store))
    host, port = settings["host"], settings["port"]

    def ready(url: str) -> None:
        print(f"runway-mock {_version()} serving the Runway API at {url}", flush=True)
        if not settings["quiet"]:
            print(f"  export RUNWAYML_BASE_URL={url}", flush=True)
            print(f"  dashboard: {url}/_mock/ui", flush=True)
            print(f"  control API: {url}/_mock", flush=True)
            if settings["unmetered"]:
                print("  unmetered: credits and daily quotas are counted, never enforced",
                      flush=True)
        if not is_loopback(host) and not settings["admin_token"]:
            print("  warning: bound beyond loopback with no --admin-token: the control API "
                  "(/_mock) and the dashboard are disabled", file=sys.stderr, flush=True)

    try:
        serving.check_workers(workers, store)
        if settings["server"] == "waitress" and workers > 1:
            raise serving.ServeError("--server waitress runs one process: drop --workers")
        _check_bindable(host, port)
        from runway_mock.http import access_log as _log
        from runway_mock.replay import replay_builder

        # Built once, before any worker starts (errors in files surface here; workers fork
        # with the app ready): the emulator, the replay app in front of it with --replay
        # DIR, the access log around both.
        emulator = build_app(settings)
        served = replay_builder(lambda: emulator, argparse.Namespace(**settings), workers)()
        app = served if settings["quiet"] else _log.AccessLog(served)
        build = (lambda: app)  # noqa: E731
        if settings["server"] == "waitress":
            return serving.serve_waitress(build, host=host, port=port,
                                          threads=settings["threads"], on_ready=ready)
        return serving.serve(build, host=host, port=port, workers=workers,
                             threads=settings["threads"], store_spec=store, on_ready=ready)
    except serving.ServeError as err:
        raise CliError(str(err)) from None


def _check_bindable(host: str, port: int) -> None:
    """Fail with one line now if ``host:port`` cannot be bound (the server binds later,
    in its workers, where an error would be a traceback per worker)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host.strip("[]"), port))
    except OSError as exc:
        raise CliError(_bind_error(host, port, exc)) from None


def _bind_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is already in use: stop what holds it, or pick "
                "another with --port (0 picks a free one)")
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"cannot bind {host}: no such address on this machine (try --host 127.0.0.1)"
    if exc.errno == errno.EACCES:
        return f"not allowed to bind port {port} on {host}: use a port above 1023"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


def _version() -> str:
    from runway_mock import __version__

    return __version__


def _routes(args: argparse.Namespace) -> int:
    from runway_mock.app import create_app
    from runway_mock.http.routes import api_operations

    for method, path in api_operations(create_app()):
        print(f"{method:7} {path}")
    return 0


def build_parser(*, extra: bool = True) -> argparse.ArgumentParser:
    """The argument parser with every available verb (``extra=False``: serve and routes)."""
    from runway_mock import options

    parser = argparse.ArgumentParser(
        prog="runway-mock",
        description="An offline, faithful emulator of Runway's developer API, with a client "
                    "and a contract kit.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve", help="run the emulator",
        description="Serve the emulator. Every option can also come from the environment "
                    f"({options.ENV_PREFIX}<OPTION>, e.g. {options.ENV_PREFIX}TIME_SCALE) or "
                    "from a TOML file given with --config; a flag beats the environment, "
                    "which beats the file, which beats the default.")
    options.add_arguments(serve, options.SERVE_OPTIONS)
    serve.set_defaults(func=_serve)

    routes = sub.add_parser("routes", help="print the API operations the emulator serves",
                            description="Print the API operations the emulator serves.")
    routes.set_defaults(func=_routes)

    for name in COMMAND_MODULES if extra else ():
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``runway-mock`` and ``python -m runway_mock``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Serving needs none of the client's modules: skipping them keeps start-up short.
    args = build_parser(extra=argv[:1] not in (["serve"], ["routes"])).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"runway-mock: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
