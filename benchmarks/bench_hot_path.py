"""Create and read latency with few vs many stored tasks: the hot path must not grow.

Prints medians (microseconds per request through the WSGI test client) at each store
size and the ratio of the largest to the smallest, plus memory per stored task.

    python benchmarks/bench_hot_path.py [--sizes 100,10000,50000] [--samples 400]
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from runway_mock import create_app
from runway_mock.clock import fake_clock

HEADERS = {"Authorization": "Bearer bench", "X-Runway-Version": "2024-11-06"}
BODY = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720",
        "duration": 5}


def fill(client, clock, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        ids.append(client.post("/v1/image_to_video", json=BODY, headers=HEADERS).json["id"])
    clock.advance(10**7)  # all finished (even those queued behind the concurrency limit)
    client.get("/v1/organization", headers=HEADERS)  # settles them once
    return ids


def timed(fn, samples: int) -> float:
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out) * 1e6


def measure(n: int, samples: int) -> dict[str, float]:
    clock = fake_clock()
    app = create_app({"initial_credits": 10**12}, clock=clock)
    client = app.test_client()
    # Lift the per-model limits so the store can be filled far past a day's quota.
    client.post("/_mock/tier", json={"apiKey": "bench", "tier": 5, "limits": {"gen4_turbo": {
        "maxDailyGenerations": None, "maxConcurrentGenerations": None}}})
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    ids = fill(client, clock, n)
    per_task = (tracemalloc.get_traced_memory()[0] - before) / max(1, n)
    tracemalloc.stop()
    probe = ids[len(ids) // 2]
    read = timed(lambda: client.get(f"/v1/tasks/{probe}", headers=HEADERS), samples)
    create = timed(lambda: client.post("/v1/image_to_video", json=BODY, headers=HEADERS),
                   samples)
    org = timed(lambda: client.get("/v1/organization", headers=HEADERS), samples // 4)
    return {"read": read, "create": create, "org": org, "bytes_per_task": per_task}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,10000,50000")
    parser.add_argument("--samples", type=int, default=400)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {n: measure(n, args.samples) for n in sizes}
    print(f"{'stored tasks':>12} {'create us':>10} {'read us':>9} {'org us':>8} {'B/task':>8}")
    for n, r in results.items():
        print(f"{n:>12} {r['create']:>10.0f} {r['read']:>9.0f} {r['org']:>8.0f} "
              f"{r['bytes_per_task']:>8.0f}")
    lo, hi = results[sizes[0]], results[sizes[-1]]
    print(f"ratio {sizes[-1]}/{sizes[0]}: create {hi['create'] / lo['create']:.2f}x, "
          f"read {hi['read'] / lo['read']:.2f}x, org {hi['org'] / lo['org']:.2f}x")


if __name__ == "__main__":
    main()
