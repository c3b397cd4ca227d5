"""Several workers on one shared store under a bounded mixed load: nothing lost or
doubled, the ledger and daily quotas exact, THROTTLED queues respected, no 5xx.

Two ``runway-mock serve --workers 2`` processes (four workers) share one SQLite file or
one Redis namespace, like hosts behind a load balancer; threads for four tenants mix
creates, polls, cancels and deletes against both, on loopback, for a few seconds.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import pytest
import requests
from runway_mock.config import tenant_of

from tests.served import I2V, auth, start, stop

pytestmark = pytest.mark.backends

KEYS = [f"load-key-{i}" for i in range(4)]
LIMITED = KEYS[0]  # this tenant may run 3 tasks at once: the rest wait THROTTLED
LIMIT = 3
LOAD_SECONDS = 5.0
OPTIONS = ("--workers", "2", "--tier", "5", "--credits", "10000000", "--seed", "5",
           "--retention", "0")
# Every task takes 0.1 s once it has a slot, so the limited tenant's queue drains fast.
POLICY = {"key": "*", "transition": {"kind": "timed", "seconds": 0.1}}
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}


class Load:
    """What the clients saw: creates, deletes, and anything that went wrong."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.created: dict[str, str] = {}
        self.deleted: set[str] = set()
        self.problems: list[str] = []
        self.ops: Counter[str] = Counter()


def _drive(load: Load, urls: list[str], worker: int, until: float) -> None:
    rng = random.Random(worker)
    key = KEYS[worker % len(KEYS)]
    mine: list[str] = []
    session = requests.Session()
    try:
        while time.monotonic() < until:
            url = urls[rng.randrange(len(urls))]
            roll = rng.random()
            try:
                if roll < 0.45 or not mine:
                    r = session.post(f"{url}/v1/image_to_video", json=I2V, headers=auth(key),
                                     timeout=20)
                    op, ok = "create", r.status_code == 200
                    if ok:
                        mine.append(r.json()["id"])
                        with load.lock:
                            load.created[mine[-1]] = key
                elif roll < 0.8:
                    r = session.get(f"{url}/v1/tasks/{rng.choice(mine)}", headers=auth(key),
                                    timeout=20)
                    op, ok = "poll", r.status_code == 200
                else:
                    task_id = mine.pop(rng.randrange(len(mine)))
                    r = session.delete(f"{url}/v1/tasks/{task_id}", headers=auth(key),
                                       timeout=20)
                    op, ok = "cancel/delete", r.status_code == 204
                    if ok:
                        with load.lock:
                            load.deleted.add(task_id)
            except requests.RequestException as exc:
                load.problems.append(f"{type(exc).__name__}: {exc}")
                continue
            with load.lock:
                load.ops[op] += 1
                if not ok:
                    load.problems.append(f"{op} -> {r.status_code} {r.text[:200]}")
    finally:
        session.close()


def _wait_terminal(url: str, load: Load, deadline: float) -> None:
    """Poll every task still stored until it is finished (settling it)."""
    session = requests.Session()
    left = {t: k for t, k in load.created.items() if t not in load.deleted}
    while left and time.monotonic() < deadline:
        for task_id, key in list(left.items()):
            status = session.get(f"{url}/v1/tasks/{task_id}", headers=auth(key),
                                 timeout=20).json()["status"]
            if status in TERMINAL:
                del left[task_id]
        time.sleep(0.05)
    stuck = []
    for t, k in list(left.items())[:3]:
        mine = session.get(f"{url}/_mock/state", params={"apiKey": k}, timeout=20).json()
        rec = next(r for r in mine["tenants"][tenant_of(k)]["records"]["task"] if r["id"] == t)
        stuck.append({x: rec.get(x) for x in ("state", "createdAt", "t_pending", "t_done")})
    session.close()
    assert not left, f"{len(left)} tasks never finished, e.g. {stuck}"


def _check_tenant(url: str, load: Load, key: str) -> dict[str, int]:
    tenant = tenant_of(key)
    credits = requests.get(f"{url}/_mock/credits", params={"apiKey": key, "limit": 10**6},
                           timeout=30).json()
    state = requests.get(f"{url}/_mock/state", params={"apiKey": key}, timeout=30).json()
    mine = state["tenants"].get(tenant, {})
    tasks = {t["id"]: t for t in mine.get("records", {}).get("task", [])}
    created = {t for t, k in load.created.items() if k == key}
    # Nothing lost, nothing doubled: exactly the acknowledged creates not deleted.
    assert set(tasks) == created - load.deleted
    charges = [e for e in credits["ledger"] if e["kind"] == "charge"]
    refunds = [e for e in credits["ledger"] if e["kind"] == "refund"]
    assert sorted(e["taskId"] for e in charges) == sorted(created)
    estimate = {e["credits"] for e in charges}
    assert len(estimate) == 1  # one body, one price
    assert credits["charged"] == len(created) * estimate.pop()
    refunded = Counter(e["taskId"] for e in refunds)
    assert max(refunded.values(), default=0) <= 1  # a task is refunded at most once
    assert set(refunded) <= created
    assert credits["refunded"] == sum(e["credits"] for e in refunds)
    assert credits["funded"] - credits["balance"] == credits["charged"] - credits["refunded"]
    for task_id, task in tasks.items():
        # A finished task cost what it was charged less what was given back.
        refund = sum(e["credits"] for e in refunds if e["taskId"] == task_id)
        assert task["cost"] == task["charged"] - refund, task
    # The daily quota counted every create exactly once.
    counted = sum(v for k, v in mine.get("values", {}).items() if k.startswith("gen:"))
    assert counted == len(created)
    if key == LIMITED:
        _check_lane(tasks, limit=LIMIT)
    return {"creates": len(created), "deleted": len(created & load.deleted),
            "stored": len(tasks)}


def _check_lane(tasks: dict[str, dict], limit: int) -> None:
    """No more than ``limit`` of the tenant's tasks ever held a slot at once."""
    edges = []
    for task in tasks.values():
        if task["state"] == "SUCCEEDED":
            # A slot's planned end and its task's t_done are sums of the same three floats
            # in a different order: they may differ by an ulp (0.2 us at today's epoch).
            edges += [(task["t_pending"], 1, task), (task["t_done"] - 1e-6, -1, task)]
    held: dict[str, dict] = {}
    for _, step, task in sorted(edges, key=lambda e: (e[0], e[1])):
        if step > 0:
            held[task["id"]] = task
        else:
            held.pop(task["id"], None)
        assert len(held) <= limit, [
            {k: t.get(k) for k in ("id", "createdAt", "t_pending", "t_done", "queued")}
            for t in held.values()]


def _run(store: str) -> None:
    procs = []
    try:
        urls = []
        for _ in range(2):
            proc, url = start(store, *OPTIONS)
            procs.append(proc)
            urls.append(url)
        r = requests.post(f"{urls[0]}/_mock/tier", json={
            "apiKey": LIMITED, "limits": {"gen4_turbo": {"maxConcurrentGenerations": LIMIT}}},
            timeout=10)
        assert r.status_code == 200, r.text
        r = requests.post(f"{urls[1]}/_mock/policies", json=POLICY, timeout=10)
        assert r.status_code == 200, r.text
        load = Load()
        until = time.monotonic() + LOAD_SECONDS
        threads = [threading.Thread(target=_drive, args=(load, urls, i, until), daemon=True)
                   for i in range(16)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=LOAD_SECONDS + 30)
        assert not any(th.is_alive() for th in threads), "a client hung: deadlock?"
        assert not load.problems, load.problems[:5]
        _wait_terminal(urls[1], load, time.monotonic() + 30)
        figures = Counter()
        for key in KEYS:
            figures.update(_check_tenant(urls[0], load, key))
        print(f"\nload on {store.partition(':')[0]}: {dict(load.ops)}; {dict(figures)}")
    finally:
        stop(procs)


@pytest.mark.slow
def test_two_servers_on_one_sqlite_file(tmp_path):
    _run(f"sqlite:{tmp_path / 'shared.sqlite3'}")


@pytest.mark.slow
def test_two_servers_on_one_redis(redis_url, tmp_path):
    _run(f"{redis_url}?namespace=load-{tmp_path.name}")
