"""Crash safety of the SQLite store: SIGKILL the server under load (creates, and polls that
settle tasks, half of them FAILED and refunded), restart it on the same file, and find
every acknowledged create and a ledger exact to the credit."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from runway_mock.config import tenant_of

from tests.served import I2V, auth, kill, start, stop

pytestmark = pytest.mark.backends

KEYS = [f"crash-key-{i}" for i in range(4)]
OPTIONS = ("--tier", "5", "--credits", "10000000", "--seed", "3")
# Tasks take 0.2 s and half of them fail (and are refunded in full when seen settled).
POLICY = {"key": "*", "transition": {"kind": "timed", "seconds": 0.2},
          "outcome": {"status": "FAILED", "failureCode": "INTERNAL", "probability": 0.5}}


def _ledger_of(url: str, key: str) -> tuple[dict, list[dict]]:
    credits = requests.get(f"{url}/_mock/credits", params={"apiKey": key, "limit": 100000},
                           timeout=30).json()
    state = requests.get(f"{url}/_mock/state", params={"apiKey": key}, timeout=30).json()
    tasks = state["tenants"].get(tenant_of(key), {}).get("records", {}).get("task", [])
    return credits, tasks


@pytest.mark.slow
def test_sigkill_under_load_keeps_every_acknowledged_create_and_an_exact_ledger(tmp_path):
    store = f"sqlite:{tmp_path / 'state.sqlite3'}"
    proc, url = start(store, *OPTIONS)
    assert requests.post(f"{url}/_mock/policies", json=POLICY, timeout=10).status_code == 200
    acked: dict[str, str] = {}
    failures: list[str] = []
    done = threading.Event()
    lock = threading.Lock()

    def drive(i: int) -> None:
        session, key = requests.Session(), KEYS[i % len(KEYS)]
        polls = 0
        while not done.is_set():
            try:
                if i % 4 == 3 and acked:  # a poller: reading a finished task settles it
                    with lock:
                        task_id, key = list(acked.items())[polls % len(acked)]
                    polls += 1
                    r = session.get(f"{url}/v1/tasks/{task_id}", headers=auth(key),
                                    timeout=10)
                    if r.status_code != 200:
                        failures.append(f"poll {r.status_code} {r.text[:200]}")
                    continue
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
        stored_total = refunded_total = 0
        for key in KEYS:
            _, tasks = _ledger_of(url, key)
            for task in tasks:  # settle what finished while the server was down
                session.get(f"{url}/v1/tasks/{task['id']}", headers=auth(key), timeout=10)
            credits, tasks = _ledger_of(url, key)
            ids = {t["id"] for t in tasks}
            mine = {t for t, k in acknowledged.items() if k == key}
            assert mine <= ids
            stored_total += len(ids)
            charges = [e for e in credits["ledger"] if e["kind"] == "charge"]
            refunds = [e for e in credits["ledger"] if e["kind"] == "refund"]
            # One charge per stored task and none for a task that is not there.
            assert sorted(e["taskId"] for e in charges) == sorted(ids)
            by_id = {t["id"]: t for t in tasks}
            assert all(e["credits"] == by_id[e["taskId"]]["estimated"] for e in charges)
            # One full refund per FAILED task, none for any other.
            failed = {t["id"] for t in tasks if t["state"] == "FAILED"}
            assert sorted(e["taskId"] for e in refunds) == sorted(failed)
            assert all(e["credits"] == by_id[e["taskId"]]["charged"] for e in refunds)
            assert all(t["cost"] == (0 if t["state"] == "FAILED" else t["charged"])
                       for t in tasks if t["state"] != "ACTIVE")
            # Credits spent = sum of estimates minus refunds, to the credit.
            assert credits["charged"] == sum(t["estimated"] for t in tasks)
            assert credits["refunded"] == sum(e["credits"] for e in refunds)
            assert credits["funded"] - credits["balance"] == (credits["charged"]
                                                             - credits["refunded"])
            refunded_total += len(refunds)
        session.close()
        print(f"\ncrash test: {len(acknowledged)} creates acknowledged before SIGKILL, "
              f"{found} found after restart, {stored_total} stored in all, "
              f"{refunded_total} refunded")
    finally:
        stop([proc])
