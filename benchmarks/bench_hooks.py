"""Overhead of the request journal and fault hooks on the hottest call, GET /v1/tasks/{id}.

Median of ``--runs`` runs of ``--requests`` reads through the WSGI test client, with the
hooks as shipped (no fault rules, then ten rules that never match) and with the hooks
removed from the app.

    python benchmarks/bench_hooks.py [--runs 5] [--requests 2000]
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from runway_mock import create_app
from runway_mock.clock import fake_clock
from runway_mock.domain import faults
from runway_mock.http import hooks

HEADERS = {"Authorization": "Bearer bench", "X-Runway-Version": "2024-11-06"}
BODY = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
        "duration": 5}
HOOKS = (hooks.journal_start, hooks.inject_fault, hooks.late_fault, hooks.journal_finish)


def build(variant: str):
    """A client and a finished task id for ``variant``: hooks, rules or bare."""
    clock = fake_clock()
    app = create_app({"journal_size": 1000}, clock=clock)
    if variant == "bare":
        for funcs in (app.before_request_funcs, app.after_request_funcs):
            funcs[None] = [f for f in funcs[None] if f not in HOOKS]
    if variant == "rules":
        faults.add(app.extensions["runway_mock"], [
            {"match": {"path": f"/never/{n}"}, "effect": "drop"} for n in range(10)])
    client = app.test_client()
    task_id = client.post("/v1/image_to_video", json=BODY, headers=HEADERS).json["id"]
    clock.advance(3600)
    return client, task_id


def rate(variant: str, n: int) -> float:
    """Requests per second of ``n`` reads of one finished task."""
    client, task_id = build(variant)
    path = f"/v1/tasks/{task_id}"
    t0 = time.perf_counter()
    for _ in range(n):
        client.get(path, headers=HEADERS)
    return n / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    runs: dict[str, list[float]] = {"bare": [], "hooks": [], "rules": []}
    for _ in range(args.runs):  # interleaved, so drift on a shared machine hits all alike
        for variant, seen in runs.items():
            seen.append(rate(variant, args.requests))
    results = {variant: statistics.median(seen) for variant, seen in runs.items()}
    bare = results["bare"]
    for variant, value in results.items():
        cost = (1 / value - 1 / bare) * 1e6
        print(f"{variant:>6}: {value:8.0f} req/s  ({cost:+6.0f} us/request vs bare)")


if __name__ == "__main__":
    main()
