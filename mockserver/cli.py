"""The ``runway-mock`` command line: serve the emulator, list its routes, and more.

Other packages add verbs through ``COMMAND_MODULES``: each module named there has an
``add_parser(subparsers)`` that registers its verbs with ``func`` defaults.
"""

from __future__ import annotations

import argparse
import importlib
import ipaddress
import os
import sys
from collections.abc import Sequence
from functools import partial

DEFAULT_PORT = 8127
# Modules that contribute verbs (client verbs, contract drift); missing ones are skipped.
COMMAND_MODULES = ("runway_mock.client.cli", "runway_mock.contracts.drift", "runway_mock.proxy")


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _serve(args: argparse.Namespace) -> int:
    from runway_mock import serving

    admin = args.admin_token or os.environ.get("RUNWAY_MOCK_ADMIN_TOKEN") or None
    exposed = not is_loopback(args.host)
    config = {
        "seed": args.seed, "time_scale": args.time_scale, "initial_credits": args.credits,
        "tier": args.tier, "admin_token": admin, "exposed": exposed,
        "public_url": args.public_url, "store": args.store,
    }
    if args.retention:
        config["retention_seconds"] = args.retention
    store = getattr(args, "store", None)
    workers = args.workers or serving.default_workers(store)

    def ready(url: str) -> None:
        print(f"runway-mock serving the Runway API at {url}", flush=True)
        print(f"  export RUNWAYML_BASE_URL={url}", flush=True)
        print(f"  dashboard: {url}/_mock/ui", flush=True)
        if exposed and admin is None:
            print("  warning: bound beyond loopback with no --admin-token: the control API "
                  "(/_mock) is disabled", flush=True)

    build = partial(serving.build_app, config, args.faults)
    try:
        from runway_mock.replay import replay_builder

        build = replay_builder(build, args, workers)  # --replay DIR: runway_mock/replay.py
        if args.server == "waitress":
            serving.check_workers(workers, store)
            if workers > 1:
                raise serving.ServeError("--server waitress runs one process: drop --workers")
            return serving.serve_waitress(build, host=args.host, port=args.port,
                                          threads=args.threads, on_ready=ready)
        return serving.serve(build, host=args.host, port=args.port, workers=workers,
                             threads=args.threads, store_spec=store, on_ready=ready)
    except serving.ServeError as err:
        return serving.main_error(err)


def _routes(args: argparse.Namespace) -> int:
    from runway_mock.app import create_app
    from runway_mock.http.routes import api_operations

    for method, path in api_operations(create_app()):
        print(f"{method:7} {path}")
    return 0


def build_parser(*, extra: bool = True) -> argparse.ArgumentParser:
    """The argument parser with every available verb (``extra=False``: serve and routes)."""
    parser = argparse.ArgumentParser(prog="runway-mock", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the emulator")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1, loopback only)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    serve.add_argument("--seed", type=int, default=0, help="seed for ids and outcomes")
    serve.add_argument("--time-scale", type=float, default=0.05,
                       help="multiply realistic task latencies by this (1 = realistic)")
    serve.add_argument("--credits", type=int, default=10_000, help="starting credits per key")
    serve.add_argument("--tier", type=int, choices=range(1, 6), default=1, help="usage tier")
    serve.add_argument("--admin-token", default=None,
                       help="token the control API requires (env RUNWAY_MOCK_ADMIN_TOKEN)")
    serve.add_argument("--faults", default=None, help="fault rules file (YAML or JSON)")
    serve.add_argument("--public-url", default=None,
                       help="base URL to put in output and upload links")
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes (default: 1 with the memory store)")
    serve.add_argument("--threads", type=int, default=8, help="threads per worker")
    serve.add_argument("--server", choices=("granian", "waitress"), default="granian",
                       help="HTTP server (waitress: one process, slower; a 'drop' fault "
                            "then sends no byte at all)")
    serve.add_argument("--retention", type=float, default=24 * 3600.0, metavar="SECONDS",
                       help="purge finished tasks, resources and journal entries older "
                            "than this much emulator time (default 86400; 0 keeps all)")
    serve.add_argument("--store", default=os.environ.get("RUNWAY_MOCK_STORE") or None,
                       help="where state lives: memory (default), sqlite:PATH (one machine, "
                            "durable, shared by workers) or redis://HOST:PORT/DB (shared by "
                            "hosts); env RUNWAY_MOCK_STORE")
    from runway_mock.replay import add_serve_options

    add_serve_options(serve)
    serve.set_defaults(func=_serve)

    routes = sub.add_parser("routes", help="print the API operations the emulator serves")
    routes.set_defaults(func=_routes)

    for name in COMMAND_MODULES if extra else ():
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``runway-mock`` and ``python -m mockserver``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Serving needs none of the client's modules: skipping them keeps start-up short.
    args = build_parser(extra=argv[:1] not in (["serve"], ["routes"])).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
