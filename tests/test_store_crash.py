"""Crash safety of the SQLite store: SIGKILL the server under load, restart it on the same
file, and find every acknowledged create and a ledger exact to the credit."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from runway_mock.config import tenant_of

from tests.served import I2V, auth, kill, start, stop

pytestmark = pytest.mark.backends

KEYS = [f"crash-key-{i}" for i in range(4)]
# Tasks never finish during the test (nothing settles), limits and credits are lifted.
OPTIONS = ("--tier", "5", "--credits", "10000000", "--time-scale", "1000", "--seed", "3")


def _ledger_of(url: str, key: str) -> tuple[dict, list[dict]]:
    credits = requests.get(f"{url}/_mock/credits", params={"apiKey": key, "limit": 100000},
                           timeout=30).json()
    state = requests.get(f"{url}/_mock/state", params={"apiKey": key}, timeout=30).json()
    tasks = state.get(tenant_of(key), {}).get("records", {}).get("task", [])
    return credits, tasks


@pytest.mark.slow
def test_sigkill_under_load_keeps_every_acknowledged_create_and_an_exact_ledger(tmp_path):
    store = f"sqlite:{tmp_path / 'state.sqlite3'}"
    proc, url = start(store, *OPTIONS)
    acked: dict[str, str] = {}
    failures: list[str] = []
    done = threading.Event()
    lock = threading.Lock()

    def drive(i: int) -> None:
        session, key = requests.Session(), KEYS[i % len(KEYS)]
        while not done.is_set():
            try:
                r = session.post(f"{url}/v1/image_to_video", json=I2V, headers=auth(key),
                                 timeout=10)
            except requests.RequestException:
                session.close()
                return  # the server was killed under this request
            if r.status_code == 200:
                with lock:
                    acked[r.json()["id"]] = key
            else:
                failures.append(f"{r.status_code} {r.text[:200]}")

    threads = [threading.Thread(target=drive, args=(i,), daemon=True) for i in range(8)]
    try:
        for th in threads:
            th.start()
        deadline = time.monotonic() + 20
        while len(acked) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
        kill(proc)  # SIGKILL to every worker, mid-request
        done.set()
        for th in threads:
            th.join(timeout=15)
        with lock:
            acknowledged = dict(acked)
        assert not failures, failures[:5]
        assert len(acknowledged) >= 50, "too few creates before the kill to judge"

        proc, url = start(store, *OPTIONS)
        found = 0
        session = requests.Session()
        for task_id, key in acknowledged.items():
            r = session.get(f"{url}/v1/tasks/{task_id}", headers=auth(key), timeout=10)
            assert r.status_code == 200, (task_id, r.status_code, r.text)
            found += 1
        session.close()
        stored_total = 0
        for key in KEYS:
            credits, tasks = _ledger_of(url, key)
            ids = {t["id"] for t in tasks}
            mine = {t for t, k in acknowledged.items() if k == key}
            assert mine <= ids
            stored_total += len(ids)
            charges = [e for e in credits["ledger"] if e["kind"] == "charge"]
            refunds = [e for e in credits["ledger"] if e["kind"] == "refund"]
            # One charge per stored task and none for a task that is not there.
            assert sorted(e["taskId"] for e in charges) == sorted(ids)
            assert all(e["credits"] == t["estimated"] == t["charged"] for e in charges
                       for t in tasks if t["id"] == e["taskId"])
            assert credits["charged"] == sum(t["estimated"] for t in tasks)
            assert credits["refunded"] == sum(e["credits"] for e in refunds) == 0
            assert credits["funded"] - credits["balance"] == (credits["charged"]
                                                             - credits["refunded"])
        print(f"\ncrash test: {len(acknowledged)} creates acknowledged before SIGKILL, "
              f"{found} found after restart, {stored_total} stored in all")
    finally:
        stop([proc])
