"""Storage behind the emulator, keyed by tenant.

``Store`` names the atomic operations the domain may use; a state change is always one
call (conditional update, counter add with a floor, set add), never read-modify-write
in the caller, so a SQLite or Redis implementation can serve several worker processes.
Records are plain JSON-ready dicts, copied in and out: nothing is shared by reference.
``MemoryStore`` is the embedded default.
"""

from __future__ import annotations

import bisect
import copy
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any, Protocol


class Store(Protocol):
    """The operations the domain uses; every one is atomic."""

    def next_seq(self, tenant: str, counter: str) -> int:
        """Increment and return a per-tenant counter (starts at 1)."""

    def insert(self, tenant: str, kind: str, rid: str, record: dict[str, Any]) -> int:
        """Store a new record; returns its sequence number (insertion order)."""

    def insert_many(self, tenant: str, kind: str, items: list[tuple[str, dict[str, Any]]],
                    *, replace: bool = False) -> list[int]:
        """Store several new records at once (after removing every record of ``kind`` if
        ``replace``); KeyError and nothing stored if one exists. Their sequence numbers."""

    def get(self, tenant: str, kind: str, rid: str) -> dict[str, Any] | None:
        """A copy of the record, or None."""

    def update(self, tenant: str, kind: str, rid: str, changes: dict[str, Any],
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Apply ``changes`` if every ``expect`` field matches; the new record or None."""

    def delete(self, tenant: str, kind: str, rid: str,
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Remove the record if ``expect`` matches; the removed record or None."""

    def page(self, tenant: str, kind: str, after: int | None, limit: int,
             newest_first: bool = False) -> list[dict[str, Any]]:
        """Up to ``limit`` records after sequence ``after`` in insertion order."""

    def count(self, tenant: str, kind: str) -> int:
        """How many records of ``kind`` the tenant has."""

    def add(self, tenant: str, key: str, delta: float,
            floor: float | None = None) -> tuple[bool, float]:
        """Add ``delta`` to a number unless the result would go below ``floor``."""

    def value(self, tenant: str, key: str, default: float = 0.0) -> float:
        """Current value of a number."""

    def put_value(self, tenant: str, key: str, value: Any) -> None:
        """Set a plain value (settings such as tier or balance)."""

    def get_value(self, tenant: str, key: str, default: Any = None) -> Any:
        """A plain value."""

    def merge_entry(self, tenant: str, key: str, entry: str, changes: dict[str, Any] | None,
                    *, replace: bool = False) -> dict[str, Any]:
        """In the mapping at ``key``, merge ``changes`` into ``entry`` (or replace it, or
        delete it when ``changes`` is None); returns the whole new mapping."""

    def set_add(self, tenant: str, name: str, member: str) -> bool:
        """Add to a set; True if it was not there."""

    def set_remove(self, tenant: str, name: str, member: str) -> bool:
        """Remove from a set; True if it was there."""

    def set_members(self, tenant: str, name: str) -> list[str]:
        """Members of a set in insertion order."""

    def append(self, stream: str, entry: dict[str, Any], maxlen: int) -> int:
        """Append to a global capped log; returns the entry's sequence number."""

    def read(self, stream: str, after: int = 0) -> list[dict[str, Any]]:
        """Entries of a log after sequence ``after``."""

    def tenants(self) -> list[str]:
        """Every tenant with state."""

    def reset(self, tenant: str | None = None) -> None:
        """Forget everything (or one tenant)."""

    def dump(self, tenant: str | None = None) -> dict[str, Any]:
        """A JSON-ready copy of the state."""

    def close(self) -> None:
        """Release connections (a private store also forgets its data)."""


class _Tenant:
    __slots__ = ("counters", "kinds", "order", "sets", "values")

    def __init__(self) -> None:
        self.kinds: dict[str, dict[str, dict[str, Any]]] = {}
        self.order: dict[str, list[tuple[int, str]]] = {}
        self.counters: dict[str, int] = {}
        self.values: dict[str, Any] = {}
        self.sets: dict[str, dict[str, None]] = {}


def _copy(record: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(record)


def _matches(record: dict[str, Any], expect: dict[str, Any] | None) -> bool:
    return expect is None or all(record.get(k) == v for k, v in expect.items())


class MemoryStore:
    """An in-process store; one lock makes each operation atomic."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tenants: dict[str, _Tenant] = {}
        self._streams: dict[str, deque[dict[str, Any]]] = {}
        self._stream_seq: dict[str, int] = {}

    def _t(self, tenant: str) -> _Tenant:
        t = self._tenants.get(tenant)
        if t is None:
            t = self._tenants[tenant] = _Tenant()
        return t

    def next_seq(self, tenant: str, counter: str) -> int:
        with self._lock:
            t = self._t(tenant)
            t.counters[counter] = t.counters.get(counter, 0) + 1
            return t.counters[counter]

    def insert(self, tenant: str, kind: str, rid: str, record: dict[str, Any]) -> int:
        return self.insert_many(tenant, kind, [(rid, record)])[0]

    def insert_many(self, tenant: str, kind: str, items: list[tuple[str, dict[str, Any]]],
                    *, replace: bool = False) -> list[int]:
        with self._lock:
            t = self._t(tenant)
            if replace:
                t.kinds.pop(kind, None)
                t.order.pop(kind, None)
            table = t.kinds.setdefault(kind, {})
            rids = [rid for rid, _ in items]
            for i, rid in enumerate(rids):
                if rid in table or rid in rids[:i]:
                    raise KeyError(f"{kind} {rid} exists")
            out = []
            for rid, record in items:
                seq = t.counters.get("_seq", 0) + 1
                t.counters["_seq"] = seq
                stored = _copy(record)
                stored["_seq"] = seq
                table[rid] = stored
                t.order.setdefault(kind, []).append((seq, rid))
                out.append(seq)
            return out

    def get(self, tenant: str, kind: str, rid: str) -> dict[str, Any] | None:
        with self._lock:
            t = self._tenants.get(tenant)
            rec = t.kinds.get(kind, {}).get(rid) if t else None
            return _copy(rec) if rec is not None else None

    def update(self, tenant: str, kind: str, rid: str, changes: dict[str, Any],
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        with self._lock:
            t = self._tenants.get(tenant)
            rec = t.kinds.get(kind, {}).get(rid) if t else None
            if rec is None or not _matches(rec, expect):
                return None
            rec.update(_copy(changes))
            return _copy(rec)

    def delete(self, tenant: str, kind: str, rid: str,
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        with self._lock:
            t = self._tenants.get(tenant)
            table = t.kinds.get(kind, {}) if t else {}
            rec = table.get(rid)
            if rec is None or not _matches(rec, expect):
                return None
            del table[rid]
            return rec

    def page(self, tenant: str, kind: str, after: int | None, limit: int,
             newest_first: bool = False) -> list[dict[str, Any]]:
        with self._lock:
            t = self._tenants.get(tenant)
            if t is None:
                return []
            order = t.order.get(kind, [])
            table = t.kinds.get(kind, {})
            out: list[dict[str, Any]] = []
            if newest_first:
                i = len(order) if after is None else bisect.bisect_left(order, (after, ""))
                idx: Iterable[int] = range(i - 1, -1, -1)
            else:
                start = 0 if after is None else bisect.bisect_right(order, (after, "\uffff"))
                idx = range(start, len(order))
            for i in idx:
                seq, rid = order[i]
                rec = table.get(rid)
                if rec is not None and rec.get("_seq") == seq:
                    out.append(_copy(rec))
                    if len(out) >= limit:
                        break
            return out

    def count(self, tenant: str, kind: str) -> int:
        with self._lock:
            t = self._tenants.get(tenant)
            return len(t.kinds.get(kind, {})) if t else 0

    def add(self, tenant: str, key: str, delta: float,
            floor: float | None = None) -> tuple[bool, float]:
        with self._lock:
            t = self._t(tenant)
            current = t.values.get(key, 0)
            new = current + delta
            if floor is not None and new < floor:
                return False, current
            t.values[key] = new
            return True, new

    def value(self, tenant: str, key: str, default: float = 0.0) -> float:
        with self._lock:
            t = self._tenants.get(tenant)
            return t.values.get(key, default) if t else default

    def put_value(self, tenant: str, key: str, value: Any) -> None:
        with self._lock:
            self._t(tenant).values[key] = copy.deepcopy(value)

    def get_value(self, tenant: str, key: str, default: Any = None) -> Any:
        with self._lock:
            t = self._tenants.get(tenant)
            return copy.deepcopy(t.values.get(key, default)) if t else default

    def merge_entry(self, tenant: str, key: str, entry: str, changes: dict[str, Any] | None,
                    *, replace: bool = False) -> dict[str, Any]:
        with self._lock:
            values = self._t(tenant).values
            table = values.get(key)
            table = table if isinstance(table, dict) else {}
            if changes is None:
                table.pop(entry, None)
            elif replace or not isinstance(table.get(entry), dict):
                table[entry] = copy.deepcopy(changes)
            else:
                table[entry] = {**table[entry], **copy.deepcopy(changes)}
            values[key] = table
            return copy.deepcopy(table)

    def set_add(self, tenant: str, name: str, member: str) -> bool:
        with self._lock:
            s = self._t(tenant).sets.setdefault(name, {})
            if member in s:
                return False
            s[member] = None
            return True

    def set_remove(self, tenant: str, name: str, member: str) -> bool:
        with self._lock:
            t = self._tenants.get(tenant)
            s = t.sets.get(name) if t else None
            if s is None or member not in s:
                return False
            del s[member]
            return True

    def set_members(self, tenant: str, name: str) -> list[str]:
        with self._lock:
            t = self._tenants.get(tenant)
            return list(t.sets.get(name, {})) if t else []

    def append(self, stream: str, entry: dict[str, Any], maxlen: int) -> int:
        with self._lock:
            seq = self._stream_seq.get(stream, 0) + 1
            self._stream_seq[stream] = seq
            log = self._streams.get(stream)
            if log is None or log.maxlen != maxlen:
                log = self._streams[stream] = deque(log or (), maxlen=maxlen)
            log.append({**_copy(entry), "seq": seq})
            return seq

    def read(self, stream: str, after: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [_copy(e) for e in self._streams.get(stream, ()) if e["seq"] > after]

    def tenants(self) -> list[str]:
        with self._lock:
            return list(self._tenants)

    def reset(self, tenant: str | None = None) -> None:
        with self._lock:
            if tenant is None:
                self._tenants.clear()
                self._streams.clear()
                self._stream_seq.clear()
            else:
                self._tenants.pop(tenant, None)

    def close(self) -> None:
        """Nothing to release: the state goes with the object."""

    def dump(self, tenant: str | None = None) -> dict[str, Any]:
        with self._lock:
            names = [tenant] if tenant is not None else list(self._tenants)
            out: dict[str, Any] = {}
            for name in names:
                t = self._tenants.get(name)
                if t is None:
                    continue
                out[name] = {
                    "records": {k: list(_copy(v).values()) for k, v in t.kinds.items()},
                    "values": copy.deepcopy(t.values),
                    "sets": {k: list(v) for k, v in t.sets.items()},
                }
            return out
