"""The serving benchmark: the emulator against Steady, Prism and a bare Flask ceiling.

One command starts, in the same run and on loopback only: the emulator's serve mode
(each store ``runway-mock serve --store`` offers, 1 and 2 workers), Steady
(``@stdy/cli``) and Prism (``@stoplight/prism-cli mock``) serving the emulator's own
``/openapi.json``, and a bare Flask hello-world on the same server (Granian, same
workers and threads) as the ceiling. It drives each with wrk and prints one table:
req/s, p50 and p99 for a validated create (``POST /v1/image_to_video``) and a task
read (``GET /v1/tasks/{id}``), start to first answer, resident memory per stored task
(100k and 1M, in process), the create cost with 0 and 10,000 live tasks, and ratios.

    python benchmarks/serve_bench.py [--duration 5] [--connections 16] [--quick]

npm peers are installed on first use into a cache folder (``--cache``, default
``~/.cache/runway-mock-bench``); a peer that cannot be had is skipped with the reason.
This prints figures; it asserts nothing (the test suite never times anything).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench"
VERSION = "2024-11-06"
BODY = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
        "ratio": "1280:720", "duration": 5}
PEERS = {"steady": ("@stdy/cli@0.22", "steady"), "prism": ("@stoplight/prism-cli@5", "prism")}
HELLO = textwrap.dedent('''
    from flask import Flask
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "Hello, World!"
''')


@dataclass
class Target:
    name: str
    cmd: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    emulator: bool = False
    hello: bool = False
    note: str = ""
    results: dict[str, str] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: object = None,
            headers: dict[str, str] | None = None, timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        hdrs = dict(headers or {})
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=hdrs)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def api_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {KEY}", "X-Runway-Version": VERSION}


@contextlib.contextmanager
def running(target: Target, probe: str = "/") -> Iterator[float]:
    """Start a target; yields the seconds from start to its first answer."""
    env = {**os.environ, **target.env}
    # Logs go to a file (a pipe nobody reads would fill and stall an access-logging server).
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    t0 = time.perf_counter()
    proc = subprocess.Popen(target.cmd, stdout=subprocess.DEVNULL, stderr=errors,
                            env=env, start_new_session=True)
    try:
        deadline = t0 + 90
        while True:
            if proc.poll() is not None:
                errors.seek(0)
                err = errors.read().decode(errors="replace")
                raise RuntimeError(f"exited with {proc.returncode}: {err.strip()[-300:]}")
            try:
                status, _ = request(target.port, "GET", probe, timeout=2)
                if status < 500:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise RuntimeError("did not answer within 90 s")
            time.sleep(0.003)
        yield time.perf_counter() - t0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
            proc.wait(timeout=15)
        errors.close()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def wrk(port: int, path: str, *, method: str = "GET", body: object = None,
        headers: dict[str, str] | None = None, duration: int, connections: int,
        threads: int, workdir: Path) -> dict[str, float]:
    """req/s, p50 and p99 (ms) and the share of non-2xx answers for one wrk run."""
    lines = [f'wrk.method = "{method}"']
    for k, v in (headers or {}).items():
        lines.append(f'wrk.headers["{k}"] = "{v}"')
    if body is not None:
        lines.append('wrk.headers["Content-Type"] = "application/json"')
        lines.append(f"wrk.body = {json.dumps(json.dumps(body))}")
    script = workdir / f"wrk-{port}-{method}.lua"
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
                          "--latency", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
            "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
            "bad": (int(bad.group(1)) / total) if bad and total else 0.0,
            "socket_errors": 1.0 if errors else 0.0}


# ---------------------------------------------------------------------------
# Peers from npm


def npm_peer(name: str, cache: Path) -> tuple[Path | None, str]:
    """The peer's executable, installing it into ``cache`` on first use; or a reason."""
    spec, binary = PEERS[name]
    exe = cache / "node_modules" / ".bin" / binary
    if exe.exists():
        return exe, ""
    if shutil.which("npm") is None:
        return None, "npm is not installed"
    cache.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(cache), spec], capture_output=True, text=True, timeout=600,
                       check=True)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        tail = getattr(exc, "stderr", "") or ""
        return None, f"npm install {spec} failed: {tail.strip()[-200:] or exc}"
    return (exe, "") if exe.exists() else (None, f"npm install {spec} gave no {binary}")


# ---------------------------------------------------------------------------
# In-process figures: memory per stored task, create cost with live tasks


MEMORY_PROBE = textwrap.dedent('''
    import json, sys, gc
    from runway_mock import create_app
    from runway_mock.clock import fake_clock
    from runway_mock.domain import ledger, tasks
    from runway_mock.http.views import api

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096

    real, total = int(sys.argv[1]), int(sys.argv[2])
    clock = fake_clock()
    app = create_app({"initial_credits": 10**12}, clock=clock)
    rt = app.extensions["runway_mock"]
    c = app.test_client()
    c.post("/_mock/tier", json={"apiKey": "bench", "tier": 5, "limits": {"gen4_turbo": {
        "maxDailyGenerations": None, "maxConcurrentGenerations": None}}})
    tenant = [t for t in rt.store.tenants()][0]
    body = json.loads(sys.argv[3])
    gc.collect()
    before = rss()
    for i in range(real):
        api.create_task(rt, tenant, "image_to_video", dict(body))
        if i % 1000 == 999:
            clock.advance(3600)
            tasks.settle_all(rt, tenant)
    clock.advance(3600)
    tasks.settle_all(rt, tenant)
    # Past the real creates, clone the stored (settled) records: the same bytes per task.
    if total > real:
        sample = rt.store.page(tenant, tasks.KIND, None, 1)[0]
        entry = rt.store.page(tenant, ledger.KIND, None, 1)[0]
        for i in range(total - real):
            tid = rt.source.uuid("clone", i)
            rec = {k: v for k, v in sample.items() if k != "_seq"}
            rec["id"] = tid
            rt.store.insert(tenant, tasks.KIND, tid, rec)
            seq = rt.store.next_seq(tenant, ledger.KIND)
            led = {k: v for k, v in entry.items() if k != "_seq"}
            led.update(seq=seq, taskId=tid)
            rt.store.insert(tenant, ledger.KIND, f"{seq:012d}", led)
    gc.collect()
    stored = rt.store.count(tenant, tasks.KIND)
    print(json.dumps({"bytes_per_task": (rss() - before) / stored, "stored": stored}))
''')

LIVE_PROBE = textwrap.dedent('''
    import io, json, statistics, sys, time
    from runway_mock import create_app
    from runway_mock.clock import fake_clock

    live, samples = int(sys.argv[1]), int(sys.argv[2])
    body = sys.argv[3].encode()
    app = create_app({"initial_credits": 10**12}, clock=fake_clock())  # frozen: nothing ends
    c = app.test_client()
    c.post("/_mock/tier", json={"apiKey": "bench", "tier": 5, "limits": {"gen4_turbo": {
        "maxDailyGenerations": None}}})

    def environ():
        return {"REQUEST_METHOD": "POST", "PATH_INFO": "/v1/image_to_video",
                "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8127",
                "HTTP_HOST": "127.0.0.1:8127", "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
                "CONTENT_TYPE": "application/json", "SERVER_PROTOCOL": "HTTP/1.1",
                "HTTP_AUTHORIZATION": "Bearer bench", "HTTP_X_RUNWAY_VERSION": "2024-11-06",
                "wsgi.errors": sys.stderr}

    status = []
    def start(s, h, e=None):
        status.append(s)
    for _ in range(live):
        b"".join(app(environ(), start))
    times = []
    for _ in range(samples):
        e = environ()
        t0 = time.perf_counter()
        b"".join(app(e, start))
        times.append(time.perf_counter() - t0)
    ok = sum(1 for s in status if s.startswith("200"))
    print(json.dumps({"us": statistics.median(times) * 1e6, "ok": ok, "all": len(status)}))
''')


def probe(code: str, *args: str, timeout: int = 900) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         timeout=timeout, check=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


# ---------------------------------------------------------------------------
# The run


def emulator_targets(python: str) -> list[Target]:
    """The emulator's serve mode on each store it offers, 1 and 2 workers."""
    helptext = subprocess.run([python, "-m", "runway_mock", "serve", "--help"],
                              capture_output=True, text=True, timeout=60, check=False).stdout
    stores = ["memory"]
    notes = {}
    if "--store" in helptext:
        stores.append("sqlite")
        if shutil.which("redis-server"):
            stores.append("redis")
        else:
            notes["redis"] = "redis-server is not installed"
    else:
        notes["sqlite"] = notes["redis"] = "this emulator has no --store option yet"
    out = []
    for store in stores:
        for workers in (1, 2):
            port = free_port()
            cmd = [python, "-m", "runway_mock", "serve", "--port", str(port)]
            if store != "memory" or workers != 1:
                cmd += ["--workers", str(workers)]
            out.append(Target(f"emulator {store}, {workers} worker{'s' * (workers > 1)}", cmd,
                              port, emulator=True, env={"_STORE": store}))
    for store, why in notes.items():
        out.append(Target(f"emulator {store}", [], 0, emulator=True, note=why))
    return out


def prepare_store(target: Target, tmp: Path, redis_port: int | None) -> None:
    store = target.env.pop("_STORE", "memory")
    if store == "sqlite":
        target.cmd += ["--store", f"sqlite:{tmp / f'bench-{target.port}.db'}"]
    elif store == "redis" and redis_port is not None:
        target.cmd += ["--store", f"redis://127.0.0.1:{redis_port}/{target.port % 16}"]


def setup_emulator(port: int) -> str:
    """Lift the bench key's limits and credits; returns a task id to read."""
    request(port, "POST", "/_mock/tier", {"apiKey": KEY, "tier": 5, "limits": {
        "gen4_turbo": {"maxDailyGenerations": None, "maxConcurrentGenerations": None}}})
    request(port, "POST", "/_mock/credits", {"apiKey": KEY, "set": 10**12})
    status, data = request(port, "POST", "/v1/image_to_video", BODY, api_headers())
    if status != 200:
        raise RuntimeError(f"create answered {status}: {data[:200]!r}")
    return json.loads(data)["id"]


def measure(target: Target, args: argparse.Namespace, tmp: Path) -> None:
    probe_path = "/_mock/health" if target.emulator else "/"
    if target.name.startswith("Steady") or target.name.startswith("Prism"):
        probe_path = "/v1/organization"
    try:
        with running(target, probe_path) as started:
            target.figures["start"] = started
            if target.hello:
                runs = {"get": wrk(target.port, "/", duration=args.duration,
                                   connections=args.connections, threads=args.threads,
                                   workdir=tmp)}
            else:
                task_id = setup_emulator(target.port) if target.emulator else \
                    "00000000-0000-4000-8000-000000000000"
                runs = {
                    "create": wrk(target.port, "/v1/image_to_video", method="POST", body=BODY,
                                  headers=api_headers(), duration=args.duration,
                                  connections=args.connections, threads=args.threads,
                                  workdir=tmp),
                    "get": wrk(target.port, f"/v1/tasks/{task_id}", headers=api_headers(),
                               duration=args.duration, connections=args.connections,
                               threads=args.threads, workdir=tmp),
                }
            for kind, r in runs.items():
                for k, v in r.items():
                    target.figures[f"{kind}_{k}"] = v
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        target.note = f"failed: {exc}"[:160]


def start_to_first(python: str, tries: int) -> float:
    """Best of ``tries`` starts of the README's first command."""
    best = []
    for _ in range(tries):
        port = free_port()
        t = Target("start", [python, "-m", "runway_mock", "serve", "--port", str(port)], port)
        with running(t, "/_mock/health") as started:
            best.append(started)
    return min(best)


def fmt(v: float | None, unit: str = "") -> str:
    if v is None or math.isnan(v):
        return "-"
    if unit == "req/s":
        return f"{v:,.0f}"
    if unit == "ms":
        return f"{v:.2f}"
    if unit == "s":
        return f"{v:.2f}"
    if unit == "x":
        return f"{v:.2f}x"
    return f"{v:,.0f}"


def main() -> int:  # noqa: PLR0915 - one run, start to end, reads best in one place
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                        / "runway-mock-bench")
    parser.add_argument("--quick", action="store_true",
                        help="smaller in-process figures (10k/100k stored, 1,000 live)")
    parser.add_argument("--no-peers", action="store_true", help="skip Steady and Prism")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    python = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="runway-mock-bench-"))
    skipped: list[str] = []
    redis = None
    rport: int | None = None
    try:
        # The emulator's own spec, for the spec-driven peers.
        spec = tmp / "openapi.json"
        spec.write_text(subprocess.run(
            [python, "-c", "import json; from runway_mock import create_app; "
             "print(json.dumps(create_app().test_client().get('/openapi.json').json))"],
            capture_output=True, text=True, timeout=120, check=True).stdout)
        targets = emulator_targets(python)
        if any("redis" in t.name and t.cmd for t in targets):
            rport = free_port()
            redis = subprocess.Popen(["redis-server", "--port", str(rport), "--bind",
                                      "127.0.0.1", "--save", "", "--appendonly", "no"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.3)
        for t in targets:
            if t.cmd:
                prepare_store(t, tmp, rport)
        if not args.no_peers:
            for name, label in (("steady", "Steady (@stdy/cli)"),
                                ("prism", "Prism (@stoplight/prism-cli)")):
                exe, why = npm_peer(name, args.cache)
                if exe is None:
                    skipped.append(f"{label}: {why}")
                    continue
                port = free_port()
                cmd = ([str(exe), "-p", str(port), "--host", "127.0.0.1", "-q", str(spec)]
                       if name == "steady" else
                       [str(exe), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)])
                targets.append(Target(label, cmd, port))
        else:
            skipped.append("Steady and Prism: --no-peers")
        hello = tmp / "hello.py"
        hello.write_text(HELLO)
        for workers in (1, 2):
            port = free_port()
            targets.append(Target(
                f"Flask hello world, Granian {workers} worker{'s' * (workers > 1)}",
                [python, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
                 "--port", str(port), "--workers", str(workers), "--blocking-threads", "8",
                 "--no-log", "hello:app"], port, hello=True, env={"PYTHONPATH": str(tmp)}))
        for t in targets:
            if t.cmd:
                print(f"  measuring {t.name} ...", file=sys.stderr, flush=True)
                measure(t, args, tmp)
        print("  start to first answer, in-process figures ...", file=sys.stderr, flush=True)
        first = start_to_first(python, 3)
        sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
        memory = {n: probe(MEMORY_PROBE, str(min(n, 100_000)), str(n), json.dumps(BODY))
                  for n in sizes}
        live_n = 1_000 if args.quick else 10_000
        live = {n: probe(LIVE_PROBE, str(n), "2000", json.dumps(BODY)) for n in (0, live_n)}
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)

    report(targets, first, memory, live, skipped, args)
    return 0


def report(targets: list[Target], first: float, memory: dict[int, dict[str, float]],
           live: dict[int, dict[str, float]], skipped: list[str],
           args: argparse.Namespace) -> None:
    default = next(t for t in targets if t.name == "emulator memory, 1 worker")
    ceiling = {1: next((t for t in targets if t.hello and "1 worker" in t.name), None),
               2: next((t for t in targets if t.hello and "2 workers" in t.name), None)}
    cols = ["create req/s", "create p50 ms", "create p99 ms", "GET req/s", "GET p50 ms",
            "GET p99 ms", "start s", "create vs this", "GET vs this"]
    print(f"\nrunway-mock serving benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
          f", {os.cpu_count()} cores, wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s, loopback\n")
    print("| target | " + " | ".join(cols) + " |")
    print("|---|" + "---:|" * len(cols))
    d = default.figures
    for t in targets:
        f = t.figures
        if not f:
            print(f"| {t.name} | " + " | ".join(["-"] * len(cols)) + f" |  ({t.note})")
            continue
        vs_create = d.get("create_rps", 0) / f["create_rps"] if f.get("create_rps") else None
        vs_get = d.get("get_rps", 0) / f["get_rps"] if f.get("get_rps") else None
        row = [fmt(f.get("create_rps"), "req/s"), fmt(f.get("create_p50"), "ms"),
               fmt(f.get("create_p99"), "ms"), fmt(f.get("get_rps"), "req/s"),
               fmt(f.get("get_p50"), "ms"), fmt(f.get("get_p99"), "ms"),
               fmt(f.get("start"), "s"),
               "-" if t is default or vs_create is None else fmt(vs_create, "x"),
               "-" if t is default or vs_get is None else fmt(vs_get, "x")]
        flags = []
        for kind in ("create", "get"):
            if f.get(f"{kind}_bad"):
                flags.append(f"{kind}: {f[kind + '_bad']:.0%} non-2xx")
        print(f"| {t.name} | " + " | ".join(row) + " |" + (f"  ({'; '.join(flags)})"
                                                         if flags else ""))
    blank = " | ".join(["-"] * (len(cols) - 1))
    print(f"| start to first answer, README's first command (best of 3) | {fmt(first, 's')} s"
          f" | {blank} |")
    for n, m in memory.items():
        how = "real creates" if n <= 100_000 else "100k real creates + cloned records"
        print(f"| resident memory per stored task, {n:,} stored ({how}) | "
              f"{m['bytes_per_task']:,.0f} B | {blank} |")
    (lo, a), (hi, b) = sorted(live.items())
    print(f"| create cost, {lo:,} live tasks (in process, median) | {a['us']:.0f} us | {blank} |")
    print(f"| create cost, {hi:,} live tasks (in process, median) | {b['us']:.0f} us | {blank} |")
    print(f"| create cost ratio {hi:,} / {lo:,} live | {b['us'] / a['us']:.2f}x | {blank} |")
    c1 = ceiling[1]
    if c1 is not None and c1.figures.get("get_rps") and d.get("get_rps"):
        print(f"| emulator GET / ceiling (Flask hello world, same server, 1 worker) | "
              f"{d['get_rps'] / c1.figures['get_rps']:.2f}x | {blank} |")
    print("\n'vs this' = the default emulator (memory, 1 worker) divided by that row.")
    for line in skipped:
        print(f"skipped: {line}")
    for t in targets:
        if t.note and not t.figures:
            print(f"not measured: {t.name}: {t.note}")


if __name__ == "__main__":
    sys.exit(main())
