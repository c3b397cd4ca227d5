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

DEFAULT_PORT = 8127
# Modules that contribute verbs (client verbs, contract drift); missing ones are skipped.
COMMAND_MODULES = ("runway_mock.client.cli", "runway_mock.contracts.drift")


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _serve(args: argparse.Namespace) -> int:
    from runway_mock.app import create_app
    from waitress.server import create_server

    admin = args.admin_token or os.environ.get("RUNWAY_MOCK_ADMIN_TOKEN") or None
    exposed = not is_loopback(args.host)
    config = {
        "seed": args.seed, "time_scale": args.time_scale, "initial_credits": args.credits,
        "tier": args.tier, "admin_token": admin, "exposed": exposed,
        "public_url": args.public_url,
    }
    app = create_app(config)
    if args.faults:
        from runway_mock.domain import faults

        faults.load_file(app, args.faults)
    # A generous connection limit: clients that never reuse connections (VCR, curl loops)
    # would otherwise stall at waitress's default of 100 open sockets.
    server = create_server(app, host=args.host, port=args.port, threads=args.threads,
                           connection_limit=1000, ident="runway-mock")
    host = args.host if ":" not in args.host else f"[{args.host}]"
    url = f"http://{host}:{server.effective_port}"
    print(f"runway-mock serving the Runway API at {url}", flush=True)
    print(f"  export RUNWAYML_BASE_URL={url}", flush=True)
    if exposed and admin is None:
        print("  warning: bound beyond loopback with no --admin-token: the control API "
              "(/_mock) is disabled", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _routes(args: argparse.Namespace) -> int:
    from runway_mock.app import create_app
    from runway_mock.http.routes import api_operations

    for method, path in api_operations(create_app()):
        print(f"{method:7} {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available verb."""
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
    serve.add_argument("--threads", type=int, default=8, help="worker threads")
    serve.set_defaults(func=_serve)

    routes = sub.add_parser("routes", help="print the API operations the emulator serves")
    routes.set_defaults(func=_routes)

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``runway-mock`` and ``python -m mockserver``."""
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
