"""The embedded default backend: the ``Store`` protocol in process memory.

One lock makes every operation atomic, ``commit`` included. Records are kept packed:
two bytes naming the record's key tuple (shared by every record of that shape), then
its values in ``marshal`` bytes. Unpacking builds fresh objects, so copy-on-read costs a
fraction of ``deepcopy`` and a stored task takes a few hundred bytes.
"""

from __future__ import annotations

import bisect
import copy
import heapq
import marshal
import threading
from array import array
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from runway_mock.store.base import Add, Guard, Insert, SetAdd, Update


class _Tenant:
    __slots__ = ("counters", "kinds", "order", "sets", "values")

    def __init__(self) -> None:
        self.kinds: dict[str, dict[str, bytes]] = {}
        # Insertion order per kind: sequence numbers and ids side by side (16 bytes each).
        self.order: dict[str, tuple[array[int], list[str]]] = {}
        self.counters: dict[str, int] = {}
        self.values: dict[str, Any] = {}
        self.sets: dict[str, dict[str, None]] = {}


_SCHEMAS: dict[tuple[str, ...], int] = {}
_SCHEMA_KEYS: list[tuple[str, ...]] = []
_SCHEMA_LOCK = threading.Lock()
_SCALARS = frozenset({int, float, str, bool, type(None)})


def _pack(record: dict[str, Any]) -> bytes:
    """Two bytes of schema number (the key tuple), then the values in marshal bytes."""
    keys = tuple(record)
    sid = _SCHEMAS.get(keys)
    if sid is None:
        with _SCHEMA_LOCK:
            sid = _SCHEMAS.get(keys)
            if sid is None:
                sid = _SCHEMAS[keys] = len(_SCHEMA_KEYS)
                _SCHEMA_KEYS.append(keys)
    if sid > 0xFFFF:  # pragma: no cover - 65,536 distinct field sets: not plain records
        raise ValueError("too many record shapes")
    return sid.to_bytes(2, "little") + marshal.dumps(tuple(record.values()))


def _unpack(packed: bytes) -> dict[str, Any]:
    keys = _SCHEMA_KEYS[packed[0] | packed[1] << 8]
    return dict(zip(keys, marshal.loads(packed[2:]), strict=True))


def _fresh(value: Any) -> Any:
    """A copy of a stored value (scalars are immutable: themselves)."""
    if type(value) in _SCALARS:
        return value
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:  # not plain data: copy it the slow way
        return copy.deepcopy(value)


def _insert(t: _Tenant, kind: str, rid: str, record: dict[str, Any]) -> int:
    """Store a new record in ``t`` (the caller holds the lock and checked ``rid`` is new)."""
    seq = t.counters.get("_seq", 0) + 1
    t.counters["_seq"] = seq
    t.kinds.setdefault(kind, {})[rid] = _pack({**record, "_seq": seq})
    order = t.order.get(kind)
    if order is None:
        order = t.order[kind] = (array("q"), [])
    order[0].append(seq)
    order[1].append(rid)
    return seq


def _update(table: dict[str, bytes], rid: str, changes: dict[str, Any],
            expect: dict[str, Any] | None) -> dict[str, Any] | None:
    """Apply ``changes`` to a stored record if ``expect`` matches; the new record."""
    packed = table.get(rid)
    if packed is None:
        return None
    rec = _unpack(packed)
    if not _matches(rec, expect):
        return None
    rec.update(changes)
    table[rid] = packed = _pack(rec)
    return _unpack(packed)


def _compact(t: _Tenant, kind: str, table: dict[str, bytes]) -> None:
    """Rebuild a kind's order once most of it names deleted records (amortised O(1))."""
    seqs, rids = t.order.get(kind) or (array("q"), [])
    if len(seqs) < 64 or 2 * len(table) >= len(seqs):
        return
    keep: list[int] = []
    seen: set[str] = set()
    for i in range(len(seqs) - 1, -1, -1):  # the newest entry of an id is its live one
        rid = rids[i]
        if rid in table and rid not in seen:
            seen.add(rid)
            keep.append(i)
    keep.reverse()
    t.order[kind] = (array("q", (seqs[i] for i in keep)), [rids[i] for i in keep])


def _matches(record: dict[str, Any], expect: dict[str, Any] | None) -> bool:
    return expect is None or all(record.get(k) == v for k, v in expect.items())


class MemoryStore:
    """An in-process store; one lock makes each operation atomic."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tenants: dict[str, _Tenant] = {}
        self._streams: dict[str, deque[tuple[int, bytes]]] = {}
        self._stream_seq: dict[str, int] = {}
        # Purge times: a heap of (emulator time, n, tenant, kind, rid).
        self._timeline: list[tuple[float, int, str, str, str]] = []
        self._timeline_n = 0

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
            return [_insert(t, kind, rid, record) for rid, record in items]

    def get(self, tenant: str, kind: str, rid: str) -> dict[str, Any] | None:
        with self._lock:
            t = self._tenants.get(tenant)
            rec = t.kinds.get(kind, {}).get(rid) if t else None
        return _unpack(rec) if rec is not None else None

    def update(self, tenant: str, kind: str, rid: str, changes: dict[str, Any],
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        with self._lock:
            t = self._tenants.get(tenant)
            return _update(t.kinds.get(kind, {}), rid, changes, expect) if t else None

    def delete(self, tenant: str, kind: str, rid: str,
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        with self._lock:
            t = self._tenants.get(tenant)
            table = t.kinds.get(kind, {}) if t else {}
            packed = table.get(rid)
            if packed is None:
                return None
            rec = _unpack(packed)
            if not _matches(rec, expect):
                return None
            del table[rid]
            if t is not None:
                _compact(t, kind, table)
            return rec

    def page(self, tenant: str, kind: str, after: int | None, limit: int,
             newest_first: bool = False) -> list[dict[str, Any]]:
        with self._lock:
            t = self._tenants.get(tenant)
            if t is None:
                return []
            seqs, rids = t.order.get(kind) or (array("q"), [])
            table = t.kinds.get(kind, {})
            out: list[dict[str, Any]] = []
            if newest_first:
                i = len(seqs) if after is None else bisect.bisect_left(seqs, after)
                idx: Iterable[int] = range(i - 1, -1, -1)
            else:
                start = 0 if after is None else bisect.bisect_right(seqs, after)
                idx = range(start, len(seqs))
            for i in idx:
                packed = table.get(rids[i])
                if packed is None:
                    continue
                rec = _unpack(packed)
                if rec.get("_seq") == seqs[i]:
                    out.append(rec)
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
            return _fresh(t.values.get(key, default)) if t else default

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
            log.append((seq, _pack({**entry, "seq": seq})))
            return seq

    def read(self, stream: str, after: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            packed = [p for seq, p in self._streams.get(stream, ()) if seq > after]
        return [_unpack(p) for p in packed]

    def schedule(self, tenant: str, kind: str, rid: str, at: float) -> None:
        with self._lock:
            self._timeline_n += 1
            heapq.heappush(self._timeline, (at, self._timeline_n, tenant, kind, rid))

    def due(self, now: float, limit: int) -> list[tuple[str, str, str]]:
        out: list[tuple[str, str, str]] = []
        with self._lock:
            line = self._timeline
            while line and line[0][0] <= now and len(out) < limit:
                _, _, tenant, kind, rid = heapq.heappop(line)
                out.append((tenant, kind, rid))
        return out

    def expire(self, stream: str, field: str, before: float) -> int:
        n = 0
        with self._lock:
            log = self._streams.get(stream)
            while log and _unpack(log[0][1]).get(field, before) < before:
                log.popleft()
                n += 1
        return n

    def tenants(self) -> list[str]:
        with self._lock:
            return list(self._tenants)

    def reset(self, tenant: str | None = None) -> None:
        with self._lock:
            if tenant is None:
                self._tenants.clear()
                self._streams.clear()
                self._stream_seq.clear()
                self._timeline.clear()
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
                records: dict[str, list[dict[str, Any]]] = {}
                for kind, table in t.kinds.items():
                    _, rids = t.order.get(kind) or (array("q"), [])
                    seen: set[str] = set()
                    rows = []
                    for rid in rids:
                        if rid in table and rid not in seen:
                            seen.add(rid)
                            rows.append({**_unpack(table[rid]), "_rid": rid})
                    records[kind] = rows
                out[name] = {
                    "records": records,
                    "values": copy.deepcopy(t.values),
                    "sets": {k: list(v) for k, v in t.sets.items()},
                    "counters": dict(t.counters),
                }
            if tenant is None:
                out["_streams"] = {
                    name: {"seq": self._stream_seq.get(name, 0), "maxlen": log.maxlen,
                           "entries": [_unpack(p) for _, p in log]}
                    for name, log in self._streams.items()}
            return out

    def load(self, data: dict[str, Any]) -> None:
        tenants: dict[str, _Tenant] = {}
        for name, body in data.items():
            if name == "_streams":
                continue
            t = _Tenant()
            for kind, records in (body.get("records") or {}).items():
                table = t.kinds.setdefault(kind, {})
                rows = []
                for given in records:
                    record = dict(given)
                    rid = str(record.pop("_rid"))
                    table[rid] = _pack(record)
                    rows.append((int(record["_seq"]), rid))
                rows.sort()
                t.order[kind] = (array("q", (seq for seq, _ in rows)), [rid for _, rid in rows])
            t.values = copy.deepcopy(body.get("values") or {})
            t.sets = {k: dict.fromkeys(v) for k, v in (body.get("sets") or {}).items()}
            t.counters = {k: int(v) for k, v in (body.get("counters") or {}).items()}
            tenants[name] = t
        with self._lock:
            self._tenants.update(tenants)
            for name, body in (data.get("_streams") or {}).items():
                self._streams[name] = deque(
                    ((int(e["seq"]), _pack(dict(e))) for e in body.get("entries", [])),
                    maxlen=body.get("maxlen"))
                self._stream_seq[name] = int(body.get("seq", 0))

    def commit(self, tenant: str, *, expect: Mapping[str, Any] | None = None,
               values: Mapping[str, Any] | None = None, insert: Sequence[Insert] = (),
               update: Sequence[Update] = (), set_add: Sequence[SetAdd] = (),
               add: Sequence[Add] = (), guard: Sequence[Guard] = ()) -> bool:
        with self._lock:
            t = self._t(tenant)
            if any(t.values.get(key) != want for key, want in (expect or {}).items()):
                return False
            for kind, rid, want in guard:
                packed = t.kinds.get(kind, {}).get(rid)
                if packed is None or not _matches(_unpack(packed), want):
                    return False
            sums: dict[str, float] = {}
            for key, delta, floor in add:
                sums[key] = sums.get(key, t.values.get(key, 0)) + delta
                if floor is not None and sums[key] < floor:
                    return False
            fresh = [(kind, rid) for kind, rid, _ in insert]
            for i, (kind, rid) in enumerate(fresh):
                if rid in t.kinds.get(kind, ()) or (kind, rid) in fresh[:i]:
                    raise KeyError(f"{kind} {rid} exists")
            for key, value in (values or {}).items():
                t.values[key] = copy.deepcopy(value)
            t.values.update(sums)
            for kind, rid, record in insert:
                _insert(t, kind, rid, record)
            for kind, rid, changes, want in update:
                _update(t.kinds.get(kind, {}), rid, changes, want)
            for name, member in set_add:
                t.sets.setdefault(name, {})[member] = None
            return True
