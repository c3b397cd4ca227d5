"""The memory store's atomic operations, and that nothing is shared by reference."""

from __future__ import annotations

import threading

from runway_mock.store import MemoryStore


def test_records_are_copied_in_and_out():
    """MemoryStore records are deep copies going in and coming out."""
    store = MemoryStore()
    record = {"a": {"b": 1}}
    store.insert("t", "k", "1", record)
    record["a"]["b"] = 2
    got = store.get("t", "k", "1")
    assert got["a"]["b"] == 1
    got["a"]["b"] = 3
    assert store.get("t", "k", "1")["a"]["b"] == 1


def test_conditional_update_and_delete():
    """MemoryStore update and delete apply only when expect matches."""
    store = MemoryStore()
    store.insert("t", "k", "1", {"state": "ACTIVE"})
    assert store.update("t", "k", "1", {"state": "DONE"}, expect={"state": "NOPE"}) is None
    assert store.update("t", "k", "1", {"state": "DONE"}, expect={"state": "ACTIVE"})
    assert store.delete("t", "k", "1", expect={"state": "ACTIVE"}) is None
    assert store.delete("t", "k", "1", expect={"state": "DONE"})["state"] == "DONE"
    assert store.get("t", "k", "1") is None


def test_add_respects_its_floor_under_concurrency():
    """Racing spends with a floor never overdraw the MemoryStore balance."""
    store = MemoryStore()
    store.add("t", "balance", 100)
    results = []

    def spend():
        for _ in range(50):
            results.append(store.add("t", "balance", -3, floor=0)[0])

    threads = [threading.Thread(target=spend) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results.count(True) == 33
    assert store.value("t", "balance") == 1


def test_pages_follow_insertion_order_and_skip_deleted():
    """MemoryStore pages by insertion order either way and skips deleted records."""
    store = MemoryStore()
    for i in range(6):
        store.insert("t", "k", str(i), {"i": i})
    store.delete("t", "k", "2")
    first = store.page("t", "k", None, 2)
    assert [r["i"] for r in first] == [0, 1]
    rest = store.page("t", "k", first[-1]["_seq"], 10)
    assert [r["i"] for r in rest] == [3, 4, 5]
    newest = store.page("t", "k", None, 2, newest_first=True)
    assert [r["i"] for r in newest] == [5, 4]
    older = store.page("t", "k", newest[-1]["_seq"], 10, newest_first=True)
    assert [r["i"] for r in older] == [3, 1, 0]


def test_merge_entry_merges_replaces_and_deletes():
    """MemoryStore merge_entry merges, replaces, or deletes with None."""
    store = MemoryStore()
    assert store.merge_entry("g", "p", "a", {"x": 1}) == {"a": {"x": 1}}
    assert store.merge_entry("g", "p", "a", {"y": 2}) == {"a": {"x": 1, "y": 2}}
    assert store.merge_entry("g", "p", "a", {"z": 3}, replace=True) == {"a": {"z": 3}}
    assert store.merge_entry("g", "p", "b", {"w": 0})["b"] == {"w": 0}
    assert store.merge_entry("g", "p", "a", None) == {"b": {"w": 0}}


def test_reset_one_tenant_keeps_the_others():
    """Resetting one tenant leaves other tenants' records."""
    store = MemoryStore()
    store.insert("t1", "k", "1", {})
    store.insert("t2", "k", "1", {})
    store.reset("t1")
    assert store.get("t1", "k", "1") is None
    assert store.get("t2", "k", "1") == {"_seq": 1}
