"""One contract for every store backend: memory, SQLite and Redis behave alike.

Each test runs against a fresh store of each kind (Redis on a throwaway server the
``redis_url`` fixture starts); the concurrency tests race threads, and for the shared
backends processes, on the atomic operations and check nothing is lost or doubled.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from runway_mock.store import MemoryStore, store_from_url

pytestmark = pytest.mark.backends

BACKENDS = ("memory", "sqlite", "redis")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh, empty store of each backend."""
    kind = request.param
    if kind == "memory":
        made = MemoryStore()
    elif kind == "sqlite":
        made = store_from_url("sqlite:")
    else:
        url = request.getfixturevalue("redis_url")
        made = store_from_url(f"{url}?private=1")
    yield made
    made.close()


def race(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """Run ``fn(i)`` for i in range(n) on n threads started together; their results."""
    results: list[Any] = [None] * n
    errors: list[BaseException] = []
    gate = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            gate.wait(timeout=10)
            results[i] = fn(i)
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not any(th.is_alive() for th in threads), "a racing thread hung"
    assert not errors, errors
    return results


# ---------------------------------------------------------------------------
# Records


def test_records_are_copied_in_and_out(store):
    """Stored records are deep copies both ways, and floats keep every digit."""
    record = {"a": {"b": 1}, "t": 1764575157.123456789}
    store.insert("t", "k", "1", record)
    record["a"]["b"] = 2
    got = store.get("t", "k", "1")
    assert got["a"]["b"] == 1
    assert got["t"] == 1764575157.123456789  # floats keep every digit
    got["a"]["b"] = 3
    assert store.get("t", "k", "1")["a"]["b"] == 1


def test_insert_numbers_records_and_refuses_an_existing_id(store):
    """insert returns rising _seq numbers and raises KeyError for an id already stored."""
    assert store.insert("t", "k", "a", {"x": 1}) == 1
    assert store.insert("t", "k", "b", {}) == 2
    assert store.get("t", "k", "b") == {"_seq": 2}
    with pytest.raises(KeyError):
        store.insert("t", "k", "a", {"x": 2})
    assert store.get("t", "k", "a") == {"x": 1, "_seq": 1}
    assert store.get("t", "k", "zzz") is None
    assert store.get("other", "k", "a") is None


def test_insert_many_is_all_or_nothing(store):
    """insert_many writes nothing if any id clashes; replace=True swaps the whole kind."""
    store.insert("t", "k", "a", {})
    with pytest.raises(KeyError):
        store.insert_many("t", "k", [("b", {}), ("a", {})])
    assert store.get("t", "k", "b") is None
    with pytest.raises(KeyError):
        store.insert_many("t", "k", [("c", {}), ("c", {})])
    assert store.count("t", "k") == 1
    seqs = store.insert_many("t", "k", [("b", {"i": 1}), ("c", {"i": 2})])
    assert seqs == sorted(seqs) and len(seqs) == 2
    store.insert_many("t", "k", [("a", {"i": 9})], replace=True)
    assert [r["i"] for r in store.page("t", "k", None, 10)] == [9]
    store.insert_many("t", "k", [], replace=True)
    assert store.count("t", "k") == 0


def test_conditional_update_and_delete(store):
    """update and delete apply only when expect matches; missing records give None."""
    store.insert("t", "k", "1", {"state": "ACTIVE", "n": 1})
    assert store.update("t", "k", "1", {"state": "DONE"}, expect={"state": "NOPE"}) is None
    updated = store.update("t", "k", "1", {"state": "DONE", "new": [1]},
                           expect={"state": "ACTIVE", "missing": None})
    assert updated == {"state": "DONE", "n": 1, "new": [1], "_seq": 1}
    assert store.update("t", "k", "nope", {"state": "X"}) is None
    assert store.delete("t", "k", "1", expect={"state": "ACTIVE"}) is None
    assert store.delete("t", "k", "1", expect={"state": "DONE"})["state"] == "DONE"
    assert store.get("t", "k", "1") is None
    assert store.delete("t", "k", "1") is None
    assert store.update("t", "k", "1", {"state": "X"}) is None


def test_pages_follow_insertion_order_and_skip_deleted(store):
    """page walks by _seq either way, skipping deleted records, per kind."""
    for i in range(6):
        store.insert("t", "k", str(i), {"i": i})
    store.delete("t", "k", "2")
    assert store.count("t", "k") == 5
    first = store.page("t", "k", None, 2)
    assert [r["i"] for r in first] == [0, 1]
    rest = store.page("t", "k", first[-1]["_seq"], 10)
    assert [r["i"] for r in rest] == [3, 4, 5]
    newest = store.page("t", "k", None, 2, newest_first=True)
    assert [r["i"] for r in newest] == [5, 4]
    older = store.page("t", "k", newest[-1]["_seq"], 10, newest_first=True)
    assert [r["i"] for r in older] == [3, 1, 0]
    assert store.page("t", "other", None, 5) == []


def test_a_reinserted_id_moves_to_the_end(store):
    """A deleted id inserted again pages after the records already there."""
    for rid in "abc":
        store.insert("t", "k", rid, {"id": rid})
    store.delete("t", "k", "a")
    store.insert("t", "k", "a", {"id": "a"})
    assert [r["id"] for r in store.page("t", "k", None, 10)] == ["b", "c", "a"]


def test_sequences_are_per_tenant_and_counter(store):
    """next_seq counts from 1 separately for each tenant and counter name."""
    assert [store.next_seq("t", "task") for _ in range(3)] == [1, 2, 3]
    assert store.next_seq("t", "other") == 1
    assert store.next_seq("u", "task") == 1


# ---------------------------------------------------------------------------
# Values, mappings, sets, logs


def test_add_value_and_plain_values(store):
    """add respects its floor and reports success; plain values round-trip with defaults."""
    assert store.value("t", "n") == 0.0
    assert store.value("t", "n", 5) == 5
    assert store.add("t", "n", 10) == (True, 10)
    assert store.add("t", "n", -4, floor=0) == (True, 6)
    assert store.add("t", "n", -7, floor=0) == (False, 6)
    assert store.add("t", "n", 0.5) == (True, 6.5)
    assert store.value("t", "n") == 6.5
    store.put_value("t", "cfg", {"a": [1, 2], "b": None})
    assert store.get_value("t", "cfg") == {"a": [1, 2], "b": None}
    assert store.get_value("t", "nothing", "dflt") == "dflt"
    store.put_value("t", "n", 3)
    assert store.add("t", "n", 1) == (True, 4)


def test_merge_entry_merges_replaces_and_deletes(store):
    """merge_entry merges into an entry, replaces it, or deletes it with None."""
    assert store.merge_entry("g", "p", "a", {"x": 1}) == {"a": {"x": 1}}
    assert store.merge_entry("g", "p", "a", {"y": 2}) == {"a": {"x": 1, "y": 2}}
    assert store.merge_entry("g", "p", "a", {"z": 3}, replace=True) == {"a": {"z": 3}}
    assert store.merge_entry("g", "p", "b", {"w": 0})["b"] == {"w": 0}
    assert store.merge_entry("g", "p", "a", None) == {"b": {"w": 0}}
    assert store.get_value("g", "p") == {"b": {"w": 0}}


def test_sets_keep_insertion_order(store):
    """Set add/remove report change and members keep insertion order."""
    assert store.set_add("t", "s", "b")
    assert store.set_add("t", "s", "a")
    assert not store.set_add("t", "s", "b")
    assert store.set_add("t", "s", "c")
    assert store.set_members("t", "s") == ["b", "a", "c"]
    assert store.set_remove("t", "s", "a")
    assert not store.set_remove("t", "s", "a")
    assert store.set_add("t", "s", "a")
    assert store.set_members("t", "s") == ["b", "c", "a"]
    assert store.set_members("t", "none") == []


def test_logs_are_capped_and_read_after_a_sequence(store):
    """Logs keep the last maxlen entries and read after a sequence number."""
    for i in range(5):
        assert store.append("log", {"i": i}, maxlen=3) == i + 1
    assert [e["i"] for e in store.read("log")] == [2, 3, 4]
    assert [e["seq"] for e in store.read("log", after=4)] == [5]
    assert store.read("log", after=5) == []
    assert store.read("other") == []
    store.append("log", {}, maxlen=3)
    assert store.read("log", after=5) == [{"seq": 6}]


def test_reset_one_tenant_keeps_the_others_and_the_logs(store):
    """reset(tenant) clears only that tenant; reset() clears all, logs too."""
    store.insert("t1", "k", "1", {})
    store.put_value("t1", "v", 1)
    store.set_add("t1", "s", "m")
    store.insert("t2", "k", "1", {})
    store.append("log", {"a": 1}, maxlen=10)
    assert set(store.tenants()) == {"t1", "t2"}
    store.reset("t1")
    assert store.get("t1", "k", "1") is None
    assert store.get_value("t1", "v") is None
    assert store.set_members("t1", "s") == []
    assert store.get("t2", "k", "1") == {"_seq": 1}
    assert store.tenants() == ["t2"]
    assert len(store.read("log")) == 1
    store.reset()
    assert store.tenants() == []
    assert store.read("log") == []
    assert store.append("log", {}, maxlen=10) == 1


def test_dump_shows_records_values_and_sets(store):
    """dump(tenant) lists records with ids and seqs, values, sets and counters."""
    store.insert("t", "k", "a", {"x": 1})
    store.insert("t", "k", "b", {"x": 2})
    store.put_value("t", "v", {"deep": [1]})
    store.set_add("t", "s", "m")
    store.insert("u", "k", "a", {})
    dumped = store.dump("t")
    assert dumped == {"t": {
        "records": {"k": [{"x": 1, "_seq": 1, "_rid": "a"}, {"x": 2, "_seq": 2, "_rid": "b"}]},
        "values": {"v": {"deep": [1]}}, "sets": {"s": ["m"]}, "counters": {"_seq": 2}}}
    assert set(store.dump()) == {"t", "u", "_streams"}


def test_a_dump_loads_back_exactly(store):
    """load(dump()) restores records with their ids and order, values, sets, counters and
    capped logs; tenants the dump does not name are left alone."""
    store.insert("t", "k", "a", {"x": 1})
    store.insert("t", "k", "b", {"x": 2})
    store.delete("t", "k", "a")
    store.insert("t", "ledger", "000000000001", {"credits": 5})
    store.put_value("t", "v", {"deep": [1]})
    store.set_add("t", "s", "m2")
    store.set_add("t", "s", "m1")
    store.next_seq("t", "ids")
    store.append("log", {"n": 1}, maxlen=10)
    store.append("log", {"n": 2}, maxlen=10)
    saved = store.dump()
    store.reset()
    store.insert("t", "k", "z", {"x": 9})
    store.insert("other", "k", "o", {})
    store.load(saved)
    again = store.dump()
    assert again["t"] == saved["t"]
    assert [e["n"] for e in again["_streams"]["log"]["entries"]] == [1, 2]
    assert store.get("t", "k", "z") is None and store.get("other", "k", "o") == {"_seq": 1}
    assert store.next_seq("t", "ids") == 2  # counters continue where they were
    assert store.insert("t", "k", "c", {}) == 4  # and so does the record sequence
    assert store.append("log", {"n": 3}, maxlen=10) == 3
    assert [e["n"] for e in store.read("log", after=1)] == [2, 3]


# ---------------------------------------------------------------------------
# Atomicity under threads


def test_add_respects_its_floor_under_concurrency(store):
    """Racing threads spending with a floor never overdraw: exactly 33 of 80 succeed."""
    store.add("t", "balance", 100)
    results = race(8, lambda _i: [store.add("t", "balance", -3, floor=0)[0]
                                  for _ in range(10)])
    flat = [ok for r in results for ok in r]
    assert flat.count(True) == 33
    assert store.value("t", "balance") == 1


def test_sequences_and_inserts_never_collide(store):
    """Racing next_seq and insert calls give unique numbers and one winner per id."""
    seqs = race(8, lambda _i: [store.next_seq("t", "c") for _ in range(20)])
    flat = sorted(s for r in seqs for s in r)
    assert flat == list(range(1, 161))
    won = race(8, lambda i: _try_insert(store, "same", {"by": i}))
    assert won.count(True) == 1
    inserted = race(8, lambda i: [store.insert("t", "k", f"{i}-{j}", {}) for j in range(10)])
    assert len({s for r in inserted for s in r}) == 80
    assert store.count("t", "k") == 81


def _try_insert(store: Any, rid: str, record: dict[str, Any]) -> bool:
    try:
        store.insert("t", "k", rid, record)
    except KeyError:
        return False
    return True


def test_one_conditional_update_wins(store):
    """Of racing conditional updates on one record exactly one applies."""
    for n in range(5):
        store.insert("t", "task", f"x{n}", {"state": "ACTIVE", "winner": None})
    for n in range(5):
        outcomes = race(6, lambda i, n=n: store.update(
            "t", "task", f"x{n}", {"state": "DONE", "winner": i}, expect={"state": "ACTIVE"}))
        winners = [o for o in outcomes if o is not None]
        assert len(winners) == 1
        assert store.get("t", "task", f"x{n}")["winner"] == winners[0]["winner"]


def test_updates_of_different_fields_are_all_kept(store):
    """Racing updates of different fields of one record lose none of them."""
    store.insert("t", "k", "r", {})
    race(8, lambda i: [store.update("t", "k", "r", {f"f{i}-{j}": j}) for j in range(5)])
    assert len(store.get("t", "k", "r")) == 41  # 40 fields and _seq


def test_one_conditional_delete_wins(store):
    """Of racing conditional deletes of one record exactly one succeeds."""
    store.insert("t", "k", "r", {"state": "DONE"})
    outcomes = race(6, lambda _i: store.delete("t", "k", "r", expect={"state": "DONE"}))
    assert sum(o is not None for o in outcomes) == 1


def test_concurrent_merges_lose_no_entry(store):
    """Racing merge_entry calls on one mapping lose no entry."""
    race(8, lambda i: [store.merge_entry("g", "rules", f"{i}-{j}", {"n": j})
                       for j in range(5)])
    assert len(store.get_value("g", "rules")) == 40


def test_set_add_and_remove_report_once(store):
    """Racing set_add (then set_remove) of one member reports the change once."""
    assert race(8, lambda _i: store.set_add("t", "s", "m")).count(True) == 1
    assert race(8, lambda _i: store.set_remove("t", "s", "m")).count(True) == 1


def test_appends_are_numbered_without_gaps(store):
    """Racing appends to one log are numbered 1..N without gaps."""
    race(8, lambda i: [store.append("log", {"by": i}, maxlen=1000) for _ in range(10)])
    assert [e["seq"] for e in store.read("log")] == list(range(1, 81))


# ---------------------------------------------------------------------------
# Several processes on one shared store


def _spend(url: str, n: int, out: Any) -> None:
    shared = store_from_url(url)
    out.put(sum(shared.add("t", "balance", -1, floor=0)[0] for _ in range(n)))
    out.put([shared.next_seq("t", "c") for _ in range(n)])


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_processes_share_one_exact_state(kind, tmp_path, request):
    """Two processes spending from one SQLite or Redis store never overdraw or repeat a seq."""
    if kind == "sqlite":
        url = f"sqlite:{tmp_path / 'shared.sqlite3'}"
    else:
        url = f"{request.getfixturevalue('redis_url')}?namespace=shared-{tmp_path.name}"
    store = store_from_url(url)
    store.reset()
    store.add("t", "balance", 150)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_spend, args=(url, 100, out)) for _ in range(2)]
    for p in procs:
        p.start()
    got = [out.get(timeout=60) for _ in range(4)]
    for p in procs:
        p.join(timeout=30)
    spent = sum(g for g in got if isinstance(g, int))
    seqs = sorted(s for g in got if isinstance(g, list) for s in g)
    assert spent == 150
    assert store.value("t", "balance") == 0
    assert seqs == list(range(1, 201))
    store.reset()
    store.close()


# ---------------------------------------------------------------------------
# commit: the one multi-key operation


def test_commit_is_all_or_nothing(store):
    """A failed guard writes nothing; a duplicate insert raises and writes nothing."""
    store.put_value("t", "v", {"n": 1})
    assert not store.commit("t", expect={"v": {"n": 0}}, values={"v": {"n": 2}, "w": 1},
                            insert=[("k", "1", {})], set_add=[("s", "a")])
    assert store.get_value("t", "v") == {"n": 1}
    assert store.get_value("t", "w") is None
    assert store.get("t", "k", "1") is None and store.set_members("t", "s") == []
    store.insert("t", "k", "dup", {})
    with pytest.raises(KeyError):
        store.commit("t", values={"w": 1}, insert=[("k", "new", {}), ("k", "dup", {})])
    assert store.get_value("t", "w") is None and store.get("t", "k", "new") is None


def test_commit_writes_values_records_and_members_together(store):
    """A missing value equals None; an update whose own expect fails is skipped."""
    store.insert("t", "k", "r", {"state": "A"})
    store.insert("t", "k", "q", {"state": "A"})
    assert store.commit("t", expect={"absent": None}, values={"v": {"n": 3}},
                        update=[("k", "r", {"x": 1}, {"state": "B"}),
                                ("k", "q", {"x": 2}, {"state": "A"}),
                                ("k", "gone", {"x": 3}, None)],
                        insert=[("k", "new", {"y": 1})],
                        set_add=[("s", "a"), ("s", "b"), ("s", "a")])
    assert store.get_value("t", "v") == {"n": 3}
    assert store.get("t", "k", "r") == {"state": "A", "_seq": 1}
    assert store.get("t", "k", "q") == {"state": "A", "x": 2, "_seq": 2}
    assert store.get("t", "k", "gone") is None
    assert store.get("t", "k", "new") == {"y": 1, "_seq": 3}
    assert store.set_members("t", "s") == ["a", "b"]
    assert [r["_seq"] for r in store.page("t", "k", None, 10)] == [1, 2, 3]


def test_commit_guarded_by_a_version_loses_no_write_under_threads(store):
    """Read a version, decide, commit over it, retry on losing: every win is counted
    exactly once, as under a lock (the way task lanes are scheduled)."""
    def bump(worker: int) -> list[int]:
        wins = []
        for i in range(40):
            while True:
                seen = store.get_value("t", "slots")
                n = (seen or {}).get("v", 0)
                if store.commit("t", expect={"slots": seen}, values={"slots": {"v": n + 1}},
                                insert=[("k", f"{worker}-{i}", {"n": n + 1})],
                                set_add=[("members", f"{worker}-{i}")]):
                    wins.append(n + 1)
                    break
        return wins

    results = race(4, bump)
    assert sorted(n for wins in results for n in wins) == list(range(1, 161))
    assert store.get_value("t", "slots") == {"v": 160}
    assert len(store.set_members("t", "members")) == 160
    assert store.count("t", "k") == 160


def test_commit_adds_under_floors_and_requires_its_guarded_records(store):
    """Adds to one key count together against its floor; a guard that fails (or names
    a missing record) changes nothing."""
    store.add("t", "balance", 10)
    store.insert("t", "task", "a", {"state": "ACTIVE"})
    assert not store.commit("t", add=[("balance", -6, 0), ("balance", -6, 0)],
                            insert=[("ledger", "1", {})])
    assert store.value("t", "balance") == 10 and store.get("t", "ledger", "1") is None
    assert not store.commit("t", guard=[("task", "a", {"state": "DONE"})],
                            add=[("balance", 1, None)])
    assert not store.commit("t", guard=[("task", "zzz", {})], add=[("balance", 1, None)])
    assert store.value("t", "balance") == 10
    assert store.commit("t", guard=[("task", "a", {"state": "ACTIVE"})],
                        update=[("task", "a", {"state": "DONE"}, None)],
                        add=[("balance", -4, 0), ("spent", 4, None)],
                        insert=[("ledger", "1", {"credits": 4})])
    assert store.value("t", "balance") == 6 and store.value("t", "spent") == 4
    assert store.get("t", "task", "a")["state"] == "DONE"
    assert store.get("t", "ledger", "1")["credits"] == 4


def test_guarded_commits_settle_a_record_once_under_threads(store):
    """Racing settles of one record: exactly one commit wins and adds its refund."""
    for n in range(5):
        store.insert("t", "task", f"x{n}", {"state": "ACTIVE"})
    for n in range(5):
        done = race(6, lambda _i, n=n: store.commit(
            "t", guard=[("task", f"x{n}", {"state": "ACTIVE"})],
            update=[("task", f"x{n}", {"state": "DONE"}, None)],
            add=[("refunded", 7, None)]))
        assert done.count(True) == 1
    assert store.value("t", "refunded") == 35


def test_charges_under_a_floor_never_overspend_under_threads(store):
    """Racing commits that charge with a floor and insert a ledger entry: the balance
    never goes below zero and every charge has its entry."""
    store.add("t", "balance", 100)
    won = race(8, lambda i: [store.commit("t", add=[("balance", -3, 0), ("charged", 3, None)],
                                          insert=[("ledger", f"{i}-{j}", {"credits": 3})])
                             for j in range(10)])
    assert sum(ok for r in won for ok in r) == 33
    assert store.value("t", "balance") == 1 and store.value("t", "charged") == 99
    assert store.count("t", "ledger") == 33


def test_the_retention_timeline_hands_out_what_is_due_once_earliest_first(store):
    """schedule/due: notes come back once, earliest first, only when due, at most limit."""
    store.schedule("t", "task", "late", 30.0)
    store.schedule("t", "task", "early", 10.0)
    store.schedule("u", "upload", "mid", 20.0)
    assert store.due(5.0, 10) == []
    assert store.due(25.0, 1) == [("t", "task", "early")]
    assert store.due(25.0, 10) == [("u", "upload", "mid")]
    assert store.due(100.0, 10) == [("t", "task", "late")]
    assert store.due(100.0, 10) == []


def test_expire_drops_a_logs_oldest_entries_only(store):
    """expire removes the leading entries older than the cut and keeps later reads right."""
    for at in (1.0, 2.0, 3.0, 4.0):
        store.append("log", {"at": at}, maxlen=10)
    assert store.expire("log", "at", 3.0) == 2
    assert [e["at"] for e in store.read("log")] == [3.0, 4.0]
    assert [e["at"] for e in store.read("log", after=3)] == [4.0]
    assert store.expire("log", "at", 3.0) == 0
    assert store.append("log", {"at": 5.0}, maxlen=10) == 5
