"""Latency of single store operations on each backend (memory, SQLite, Redis).

Run: ``python benchmarks/bench_store_ops.py`` (Redis on a throwaway ``redis-server``
if one is installed). Prints the median and p99 in microseconds per operation, one
thread, loopback, for the operations a task create and a task read use.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from runway_mock.store import store_from_url
from runway_mock.testing import redis_server

N = 2000


def _time(fn: Callable[[int], Any]) -> tuple[float, float]:
    samples = []
    for i in range(N):
        t0 = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t0) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99)]


def bench(store: Any) -> dict[str, tuple[float, float]]:
    """Median and p99 (us) of each operation on ``store``."""
    record = {"id": "x", "state": "ACTIVE", "input": {"promptText": "a" * 200},
              "t_pending": 1.5e9, "outputs": [{"kind": "video"}] * 2}
    store.insert("t", "task", "seed", record)
    out = {
        "insert": _time(lambda i: store.insert("t", "task", f"r{i}", record)),
        "get": _time(lambda i: store.get("t", "task", f"r{i}")),
        "update (expect)": _time(lambda i: store.update(
            "t", "task", f"r{i}", {"state": "DONE"}, expect={"state": "ACTIVE"})),
        "add (floor)": _time(lambda _i: store.add("t", "balance", -1, floor=-10**9)),
        "value": _time(lambda _i: store.value("t", "balance")),
        "set_add": _time(lambda i: store.set_add("t", "active", f"r{i}")),
        "commit (create)": _time(lambda i: store.commit(
            "t", add=[("delta", -5, -10**9), ("charged", 5, None)],
            insert=[("ledger", f"l{i}", {"credits": 5}), ("task", f"c{i}", record)],
            set_add=[("active", f"c{i}")])),
        "append (journal)": _time(lambda i: store.append("journal", {"i": i}, 10_000)),
    }
    store.close()
    return out


def main() -> int:
    """Print one table: operation x backend."""
    with ExitStack() as stack:
        urls = {"memory": "memory", "sqlite": "sqlite:"}
        try:
            urls["redis"] = stack.enter_context(redis_server()) + "?private=1"
        except FileNotFoundError as exc:
            print(f"(no Redis column: {exc})", file=sys.stderr)
        results = {name: bench(store_from_url(url)) for name, url in urls.items()}
    ops = list(next(iter(results.values())))
    print("operation".ljust(18) + "".join(f"{n + ' p50/p99 us':>24}" for n in results))
    for op in ops:
        cells = "".join(f"{results[n][op][0]:>14.1f} / {results[n][op][1]:>7.1f}"
                        for n in results)
        print(op.ljust(18) + cells)
    return 0


if __name__ == "__main__":
    sys.exit(main())
