"""Serve options, declared once: each is a flag, an environment variable and a config-file key.

``runway-mock serve`` resolves every option from, in order of precedence:

1. its flag (``--time-scale 0.1``);
2. the environment (``RUNWAY_MOCK_TIME_SCALE=0.1``);
3. a TOML file (``--config runway-mock.toml`` or ``RUNWAY_MOCK_CONFIG``): ``time_scale = 0.1``
   at the top level or under a ``[serve]`` table;
4. the default in ``SERVE_OPTIONS``.

A bad value from any source ends the command with one line naming the source and exit 2.
To add an option, add one ``Option`` row; the CLI, ``--help``, the environment and the file
all follow from it.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "RUNWAY_MOCK_"
DEFAULT_PORT = 8127


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class OptionError(ValueError):
    """A value that cannot be used; the message is one line for the user."""


# -- value parsers: each takes a string (flag, environment) or a TOML value --------------

def _number(kind: type, *, low: float | None = None, high: float | None = None,
            low_open: bool = False) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if isinstance(value, bool):
            raise OptionError(f"expected a number, got {value!r}")
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise OptionError(f"expected {'an integer' if kind is int else 'a number'}, "
                              f"got {value!r}") from None
        if kind is float and math.isnan(number):
            raise OptionError("expected a number, got NaN")
        if low is not None and (number <= low if low_open else number < low):
            raise OptionError(f"must be {'greater than' if low_open else 'at least'} {low:g}, "
                              f"got {number:g}")
        if high is not None and number > high:
            raise OptionError(f"must be at most {high:g}, got {number:g}")
        return number
    parse.__name__ = kind.__name__
    return parse


def text(value: Any) -> str:
    """Any string."""
    if not isinstance(value, str):
        raise OptionError(f"expected a string, got {value!r}")
    return value


def flag(value: Any) -> bool:
    """A boolean: true/false, 1/0, yes/no, on/off."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off", ""):
        return False
    raise OptionError(f"expected true or false, got {value!r}")


def existing_file(value: Any) -> str:
    """A path to a file that exists."""
    path = text(value)
    if not Path(path).is_file():
        raise OptionError(f"no such file: {path}")
    return path


def choice(*names: str) -> Callable[[Any], str]:
    """One of ``names``."""
    def parse(value: Any) -> str:
        word = text(value).strip().lower()
        if word not in names:
            raise OptionError(f"expected one of {', '.join(names)}, got {value!r}")
        return word
    return parse


def api_keys(value: Any) -> list[str]:
    """API keys: a list (TOML), or a comma-separated list or a file of one key per line."""
    from runway_mock.config import parse_api_keys

    if isinstance(value, list) and all(isinstance(k, str) for k in value):
        keys = [k.strip() for k in value if k.strip()]
        if not keys:
            raise OptionError("no API keys given")
        return keys
    try:
        return parse_api_keys(text(value))
    except (OSError, ValueError) as exc:
        raise OptionError(str(exc)) from None


port = _number(int, low=0, high=65535)
seed = _number(int, low=0)
positive = _number(float, low=0, low_open=True)
non_negative = _number(float, low=0)
count = _number(int, low=1)
credits_ = _number(int, low=0)
tier = _number(int, low=1, high=5)


@dataclass(frozen=True)
class Option:
    """One serve option: ``name`` is its flag without the dashes (``time-scale``)."""

    name: str
    parse: Callable[[Any], Any]
    default: Any
    help: str
    metavar: str | None = None
    boolean: bool = False  # a flag without a value (--quiet); env and file take true/false
    secret: bool = False  # never echoed back (admin token)

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.dest.upper()


SERVE_OPTIONS: tuple[Option, ...] = (
    Option("host", text, "127.0.0.1", "address to bind; beyond loopback the control API "
           "and dashboard need --admin-token"),
    Option("port", port, DEFAULT_PORT, "port to listen on; 0 picks a free one"),
    Option("seed", seed, 0, "seed for ids, timings and outcomes"),
    Option("time-scale", positive, 0.05, "multiply realistic task latencies by this "
           "(1 = realistic, 0.05 = a 60 s video takes 3 s)"),
    Option("credits", credits_, 10_000, "starting credits of each API key"),
    Option("tier", tier, 1, "usage tier of each API key (1-5)"),
    Option("unmetered", flag, False, "account credits and daily quotas but never enforce "
           "them: for large third-party suites on one key", boolean=True),
    Option("admin-token", text, None, "token the control API and dashboard require "
           "(header X-Runway-Mock-Admin-Token)", metavar="TOKEN", secret=True),
    Option("faults", existing_file, None, "fault rules file (YAML or JSON) loaded at start",
           metavar="FILE"),
    Option("load-state", existing_file, None, "a state dump (GET /_mock/state) restored at "
           "start", metavar="FILE"),
    Option("api-keys", api_keys, None, "only these API keys are tenants, others get 401: "
           "comma-separated, or a file with one per line (default: any non-empty key)",
           metavar="LIST|FILE", secret=True),
    Option("public-url", text, None, "base URL put in output and upload links "
           "(default: taken from each request)", metavar="URL"),
    Option("error-wording", choice("captured", "reference"), "captured", "error bodies as "
           "Runway's API answers them (captured: 'Validation of body failed', Zod 4 issues, "
           "docUrl) or as the reference OpenAPI's example (reference: 'Invalid parameter "
           "...', Zod 3 issues)"),
    Option("store", text, "memory", "where state lives: memory (embedded), sqlite:PATH "
           "(one machine, durable, shared by workers) or redis://HOST:PORT/DB (shared by "
           "hosts)", metavar="URL"),
    Option("workers", count, None, "worker processes (default: 1 with the memory store, "
           "which lives in one process; 2 with a shared store)"),
    Option("threads", count, 8, "threads per worker"),
    Option("server", choice("granian", "waitress"), "granian", "HTTP server (waitress: one "
           "process, slower; a 'drop' fault then sends no byte at all)"),
    Option("retention", non_negative, 24 * 3600.0, "purge finished tasks, resources and "
           "journal entries older than this many seconds of emulator time (0 keeps all)",
           metavar="SECONDS"),
    Option("replay", text, None, "serve the recordings under DIR (runway-mock record, or the "
           "contract kit's cassettes) instead of emulating", metavar="DIR"),
    Option("replay-mode", choice("strict", "fallback"), "strict", "what a request with no "
           "recording gets: strict = 404 naming the nearest recordings; fallback = the "
           "emulator answers it"),
    Option("match-on", text, "method,path,query,body", "replay matchers, comma-separated, "
           "from method, path, query, body, headers, host", metavar="LIST"),
    Option("log-level", choice("debug", "info", "warning", "error"), "info",
           "least severe level logged; the access log is at info"),
    Option("log-format", choice("text", "json"), "text", "access and server log format"),
    Option("quiet", flag, False, "only the URL line at start and errors: no access log",
           boolean=True),
)

BY_DEST = {o.dest: o for o in SERVE_OPTIONS}


def add_arguments(parser: argparse.ArgumentParser, options: Sequence[Option]) -> None:
    """Add one flag per option; unset flags stay absent so lower sources can fill them."""
    parser.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                        help=f"TOML file of serve options (env {ENV_PREFIX}CONFIG)")
    for opt in options:
        default = "off" if opt.boolean and not opt.default else opt.default
        shown = "none" if default is None else default
        helptext = f"{opt.help} (default: {shown}; env {opt.env})"
        if opt.boolean:
            parser.add_argument(f"--{opt.name}", dest=opt.dest, action="store_const",
                                const=True, default=argparse.SUPPRESS, help=helptext)
        else:
            parser.add_argument(f"--{opt.name}", dest=opt.dest, default=argparse.SUPPRESS,
                                metavar=opt.metavar or opt.dest.upper(), help=helptext)


def _read_file(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OptionError(f"config file not found: {path}") from None
    except OSError as exc:
        raise OptionError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise OptionError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("serve", data)
    if not isinstance(table, dict):
        raise OptionError(f"{path}: [serve] must be a table")
    return {k: v for k, v in table.items() if k != "serve"}


def resolve(given: Mapping[str, Any], options: Sequence[Option] = SERVE_OPTIONS,
            environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every option's value: flags (``given``) > environment > config file > default."""
    environ = os.environ if environ is None else environ
    by_dest = {o.dest: o for o in options}
    config_path = given.get("config") or environ.get(f"{ENV_PREFIX}CONFIG")
    from_file: dict[str, Any] = {}
    if config_path:
        raw = _read_file(config_path)
        for key, value in raw.items():
            dest = key.replace("-", "_")
            if dest not in by_dest:
                known = ", ".join(sorted(by_dest))
                raise OptionError(f"{config_path}: unknown option {key!r} (known: {known})")
            from_file[dest] = (value, f"{config_path}: {key}")
    values: dict[str, Any] = {}
    for opt in options:
        if opt.dest in given:
            raw, source = given[opt.dest], f"--{opt.name}"
        elif opt.env in environ:
            raw, source = environ[opt.env], opt.env
        elif opt.dest in from_file:
            raw, source = from_file[opt.dest]
        else:
            values[opt.dest] = opt.default
            continue
        try:
            values[opt.dest] = opt.parse(raw)
        except OptionError as exc:
            raise OptionError(f"{source}: {exc}") from None
    values["config"] = config_path
    return values
