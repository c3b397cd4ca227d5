"""How the serving HTTP server was chosen: a bare Flask view and the emulator on each.

Runs a bare Flask hello-world and the emulator (memory store, limits lifted for the
benchmark key) on Granian, gunicorn and waitress, each as installed here (a server that
is not installed is skipped, saying so), and prints req/s and p99 for the hello view,
the emulator's validated create and its task read (wrk -t2 -c16, loopback).

    python benchmarks/choose_server.py [--duration 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import serve_bench as sb  # the sibling module, found by path

EMULATOR = textwrap.dedent('''
    from runway_mock.app import create_app
    app = create_app({"initial_credits": 10**12})
''')


def commands(server: str, module: str, port: int, workers: int) -> list[str]:
    py = sys.executable
    if server == "granian":
        return [py, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port",
                str(port), "--workers", str(workers), "--blocking-threads", "8", "--no-log",
                f"{module}:app"]
    if server == "gunicorn":
        return [py, "-m", "gunicorn", "-w", str(workers), "--threads", "8", "-b",
                f"127.0.0.1:{port}", f"{module}:app"]
    return [py, "-m", "waitress", "--listen", f"127.0.0.1:{port}", "--threads", "8",
            f"{module}:app"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="runway-mock-servers-"))
    (tmp / "hello.py").write_text(sb.HELLO)
    (tmp / "emulator.py").write_text(EMULATOR)
    rows = []
    try:
        for server in ("granian", "gunicorn", "waitress"):
            if importlib.util.find_spec(server) is None:
                rows.append((server, "not installed here"))
                continue
            # The memory store lives in one process: the emulator gets one worker.
            for module, workers in (("hello", 1), ("hello", 2), ("emulator", 1)):
                if server == "waitress" and workers > 1:
                    continue  # waitress runs one process
                port = sb.free_port()
                t = sb.Target(f"{server} {module} {workers}w",
                              commands(server, module, port, workers), port,
                              env={"PYTHONPATH": str(tmp)})
                with sb.running(t, "/" if module == "hello" else "/_mock/health"):
                    if module == "hello":
                        r = sb.wrk(port, "/", duration=args.duration, connections=16,
                                   threads=2, workdir=tmp)
                        rows.append((t.name, f"GET / {r['rps']:,.0f} req/s, p99 "
                                             f"{r['p99']:.1f} ms"))
                        continue
                    task_id = sb.setup_emulator(port)
                    c = sb.wrk(port, "/v1/image_to_video", method="POST", body=sb.BODY,
                               headers=sb.api_headers(), duration=args.duration,
                               connections=16, threads=2, workdir=tmp)
                    g = sb.wrk(port, f"/v1/tasks/{task_id}", headers=sb.api_headers(),
                               duration=args.duration, connections=16, threads=2,
                               workdir=tmp)
                    rows.append((t.name, f"create {c['rps']:,.0f} req/s, p99 {c['p99']:.1f} ms;"
                                         f" GET task {g['rps']:,.0f} req/s, p99 "
                                         f"{g['p99']:.1f} ms"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("| server, app, workers | figures |\n|---|---|")
    for name, text in rows:
        print(f"| {name} | {text} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
