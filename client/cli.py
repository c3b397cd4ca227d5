"""Client verbs for ``runway-mock``: ``run`` a task and save its output, ``task``, ``org``.

They talk to any base URL (the emulator or the real API) with the same client code:
``runway-mock run image_to_video --model gen4_turbo --prompt-image URL --ratio 1280:720
--duration 5 --base-url http://127.0.0.1:8127 --out clips/``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from runway_mock.client import errors
from runway_mock.client.operations import TASK_CREATORS
from runway_mock.client.runway import RunwayClient
from runway_mock.client.types import camel

# Named flags for the most common fields; anything else goes through --set key=value.
FIELD_FLAGS = (
    ("--model", str), ("--prompt-text", str), ("--prompt-image", str), ("--video-uri", str),
    ("--audio-uri", str), ("--ratio", str), ("--duration", float), ("--seed", int),
)
MEDIA_FLAGS = ("prompt_image", "video_uri", "audio_uri")  # a local file is uploaded first


def add_parser(subparsers: Any) -> None:
    """Register the client verbs on the ``runway-mock`` command line."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--base-url", default=None,
                        help="API base URL (default $RUNWAYML_BASE_URL, else the real API)")
    common.add_argument("--api-key", default=None,
                        help="API key (default $RUNWAYML_API_SECRET or $RUNWAY_TOKEN)")
    waiting = argparse.ArgumentParser(add_help=False)
    waiting.add_argument("--poll-interval", type=float, default=5.0,
                         help="seconds between polls (default 5, Runway's minimum)")
    waiting.add_argument("--timeout", type=float, default=600.0,
                         help="give up after this many seconds (default 600)")
    waiting.add_argument("--out", default=".", help="directory for outputs (default .)")

    run = subparsers.add_parser(
        "run", parents=[common, waiting], help="create a task, show its progress, save output",
        description="Create a task, show its progress on stderr and save its outputs.")
    run.add_argument("endpoint", choices=sorted(TASK_CREATORS), metavar="ENDPOINT",
                     help=f"what to create: {', '.join(sorted(TASK_CREATORS))}")
    for flag, kind in FIELD_FLAGS:
        run.add_argument(flag, type=kind, default=None,
                         help=f"the {camel(flag[2:].replace('-', '_'))} field")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="any other field (JSON value or plain text; dots nest: a.b=1)")
    run.add_argument("--no-wait", action="store_true", help="print the task id and exit")
    run.set_defaults(func=_run)

    task = subparsers.add_parser("task", parents=[common, waiting],
                                 help="show a task (or wait for it, or delete it)")
    task.add_argument("task_id")
    task.add_argument("--wait", action="store_true", help="wait for it and save its outputs")
    task.add_argument("--delete", action="store_true", help="cancel or delete it")
    task.set_defaults(func=_task)

    org = subparsers.add_parser("org", parents=[common],
                                help="show the organization's credit balance and limits")
    org.add_argument("--json", action="store_true", help="print the raw JSON")
    org.set_defaults(func=_org)


def _client(args: argparse.Namespace) -> RunwayClient:
    # Tests put a factory on the namespace to inject a session and a fake clock.
    factory: Callable[..., RunwayClient] = getattr(args, "make_client", RunwayClient)
    try:
        return factory(args.api_key, base_url=args.base_url)
    except errors.ConfigurationError as exc:
        if "API key" in str(exc):  # say it in the command's terms, not the library's
            raise errors.ConfigurationError(
                "no Runway API key: pass --api-key KEY or set RUNWAYML_API_SECRET "
                "(RUNWAY_TOKEN is accepted too)") from None
        raise


def _guard(verb: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return verb(args)
        except errors.ConfigurationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except errors.APIConnectionError as exc:
            if isinstance(exc, errors.CreateTimeoutError):
                print(f"error: {exc}", file=sys.stderr)
                return 1
            parts = urlsplit(exc.url or getattr(args, "base_url", None) or "")
            where = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the API"
            print(f"error: could not reach {where} ({exc.reason}): is the emulator running "
                  "(runway-mock serve), or are --base-url and RUNWAYML_BASE_URL right?",
                  file=sys.stderr)
            return 1
        except errors.RunwayError as exc:
            print(f"error: {exc}", file=sys.stderr)
            if isinstance(exc, errors.BadRequestError):
                for issue in exc.issues:
                    where = ".".join(str(p) for p in issue.get("path", [])) or "body"
                    print(f"  {where}: {issue.get('message')}", file=sys.stderr)
            return 1

    run.__doc__ = verb.__doc__
    return run


def parse_sets(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` pairs -> fields; values are JSON when they parse, else text."""
    fields: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise errors.ConfigurationError(f"--set wants KEY=VALUE, got {pair!r}")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        *parents, leaf = [camel(k) for k in key.split(".")]
        node = fields
        for name in parents:
            node = node.setdefault(name, {})
            if not isinstance(node, dict):
                raise errors.ConfigurationError(f"--set {key}: {name} is not an object")
        node[leaf] = value
    return fields


@_guard
def _run(args: argparse.Namespace) -> int:
    """Create a task, wait for it with a progress bar, save its outputs."""
    with _client(args) as client:
        fields: dict[str, Any] = {}
        for flag, _ in FIELD_FLAGS:
            name = flag[2:].replace("-", "_")
            value = getattr(args, name)
            if value is None:
                continue
            if name in MEDIA_FLAGS and os.path.isfile(value):
                print(f"uploading {value} ...", file=sys.stderr)
                value = client.upload(value)
            if name == "duration" and float(value).is_integer():
                value = int(value)
            fields[camel(name)] = value
        fields.update(parse_sets(args.set))
        op = TASK_CREATORS[args.endpoint]
        create = getattr(client._resource(op.resource), op.name)
        created = create(**fields)
        cost = created.get("estimated_cost")
        cost_text = f" (at most {cost.credits} credits)" if cost is not None else ""
        print(f"created task {created.id}{cost_text}", file=sys.stderr)
        if args.no_wait:
            print(created.id)
            return 0
        return _wait_and_save(client, created.id, args)


@_guard
def _task(args: argparse.Namespace) -> int:
    """Print a task; optionally wait for it and save its outputs, or delete it."""
    with _client(args) as client:
        if args.delete:
            client.tasks.delete(args.task_id)
            print(f"deleted task {args.task_id}", file=sys.stderr)
            return 0
        if args.wait:
            return _wait_and_save(client, args.task_id, args)
        print(json.dumps(client.tasks.retrieve(args.task_id).to_dict(), indent=2))
        return 0


def _wait_and_save(client: RunwayClient, task_id: str, args: argparse.Namespace) -> int:
    bar = ProgressBar(sys.stderr, clock=client._monotonic)
    try:
        task = client.wait_for_task(task_id, poll_interval=args.poll_interval,
                                    timeout=args.timeout, on_progress=bar)
    finally:
        bar.finish()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for index, url in enumerate(task.output):
        ext = Path(urlsplit(url).path).suffix
        print(client.download(url, out / f"{task_id}_{index}{ext}"))
    print(f"done: {len(task.output)} output(s), {task.cost.credits} credits", file=sys.stderr)
    return 0


@_guard
def _org(args: argparse.Namespace) -> int:
    """Print the credit balance and the per-model limits in use."""
    with _client(args) as client:
        org = client.organization.retrieve()
        if args.json:
            print(json.dumps(org.to_dict(), indent=2))
            return 0
        data = org.to_dict()
        print(f"credit balance: {data['creditBalance']}")
        tier = data.get("tier", {})
        print(f"max monthly credit spend: {tier.get('maxMonthlyCreditSpend')}")
        usage = data.get("usage", {}).get("models", {})
        for model, used in sorted(usage.items()):
            limits = tier.get("models", {}).get(model, {})
            print(f"  {model}: {used.get('dailyGenerations', 0)} today "
                  f"(daily limit {limits.get('maxDailyGenerations')}, "
                  f"concurrency {limits.get('maxConcurrentGenerations')})")
        return 0


class ProgressBar:
    """A plain-text progress bar: redrawn in place on a terminal, one line per change if not."""

    def __init__(self, stream: TextIO, width: int = 30,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.width = width
        self.clock = clock
        self.start = clock()
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last = ""
        self.last_key: tuple[str, int] | None = None

    @staticmethod
    def fraction(status: str, progress: float | None) -> float:
        """How far along a task is, from 0 to 1."""
        return 1.0 if status == "SUCCEEDED" else min(max(progress or 0.0, 0.0), 1.0)

    def render(self, status: str, progress: float | None) -> str:
        """One line: status, bar, percentage, elapsed seconds."""
        done = self.fraction(status, progress)
        filled = round(done * self.width)
        elapsed = self.clock() - self.start
        return (f"{status:<10} [{'#' * filled}{'-' * (self.width - filled)}] "
                f"{done:4.0%} {elapsed:5.0f}s")

    def __call__(self, status: str, progress: float | None) -> None:
        line = self.render(status, progress)
        key = (status, round(self.fraction(status, progress) * 100))
        if self.tty:
            self.stream.write("\r" + line.ljust(len(self.last)))
        elif key != self.last_key:  # elapsed time alone is no reason for a new line
            self.stream.write(line + "\n")
        self.stream.flush()
        self.last, self.last_key = line, key

    def finish(self) -> None:
        """End the in-place line on a terminal."""
        if self.tty and self.last:
            self.stream.write("\n")
            self.stream.flush()
