"""A ``Store`` on one SQLite file, shared by every thread and process that opens it.

Each operation is one transaction: reads run in autocommit (a read of several rows in a
deferred transaction, so it sees one snapshot) and every read-modify-write starts with
``BEGIN IMMEDIATE``, which takes the database's write lock before reading, so two
processes can never both act on the same old value. Waiting for that lock is SQLite's
own ``busy_timeout``; nothing in this module is the lock.

Durability: the file is in WAL mode with ``synchronous=NORMAL`` by default. A commit is
in the WAL (the operating system's page cache) before the call returns, so every
acknowledged write survives the process being killed, SIGKILL included; only an
operating-system crash or power loss can lose the last commits. ``?synchronous=full``
in the URL fsyncs every commit and survives those too, at the price of one fsync per
store operation.

Connections are per thread and per process: a connection made before a ``fork`` is
never used (or closed) in the child, which opens its own.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from runway_mock.store.base import Add, Guard, Insert, SetAdd, Update

SYNCHRONOUS = ("normal", "full")
# How long an operation waits for another process's write before failing (ms).
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    tenant TEXT NOT NULL, kind TEXT NOT NULL, rid TEXT NOT NULL,
    seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_order ON records (tenant, kind, seq);
CREATE TABLE IF NOT EXISTS counters (
    tenant TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vals (
    tenant TEXT NOT NULL, key TEXT NOT NULL, v TEXT NOT NULL,
    PRIMARY KEY (tenant, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sets (
    tenant TEXT NOT NULL, name TEXT NOT NULL, member TEXT NOT NULL, pos INTEGER NOT NULL,
    PRIMARY KEY (tenant, name, member)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sets_order ON sets (tenant, name, pos);
CREATE TABLE IF NOT EXISTS streams (
    stream TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL,
    PRIMARY KEY (stream, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS timeline (
    n INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL,
    tenant TEXT NOT NULL, kind TEXT NOT NULL, rid TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS timeline_at ON timeline (at, n);
CREATE TABLE IF NOT EXISTS stream_seq (
    stream TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
"""
_TENANT_TABLES = ("records", "counters", "vals", "sets")


def matches(record: dict[str, Any], expect: dict[str, Any] | None) -> bool:
    """True when every ``expect`` field equals the record's (a missing field is None)."""
    return expect is None or all(record.get(k) == v for k, v in expect.items())


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _loads(text: str) -> Any:
    return json.loads(text)


class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced (a dead thread's one is then freed)."""


def _remove(folder: str, conns: weakref.WeakSet[_Connection], pid: int) -> None:
    """Close a private store's connections and delete its folder (in its own process)."""
    if os.getpid() != pid:
        return
    for conn in list(conns):
        conn.close()
    conns.clear()
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    os.rmdir(folder)


class SqliteStore:
    """The store protocol on a SQLite file (WAL), safe for several processes at once."""

    def __init__(self, path: str, *, synchronous: str = "normal") -> None:
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}")
        self.path = str(path)
        self.synchronous = synchronous
        self._local = threading.local()
        self._pid = os.getpid()
        # Every connection this process opened (guarded: threads open their own).
        self._all: weakref.WeakSet[_Connection] = weakref.WeakSet()
        self._all_lock = threading.Lock()
        self._finalizer: weakref.finalize | None = None
        conn = self._conn()
        with self._tx(conn, immediate=True):
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    @classmethod
    def private(cls, *, synchronous: str = "normal") -> SqliteStore:
        """A store on a new temporary file, removed when the store is closed or collected."""
        folder = tempfile.mkdtemp(prefix="runway-mock-")
        store = cls(os.path.join(folder, "state.sqlite3"), synchronous=synchronous)
        store._finalizer = weakref.finalize(store, _remove, folder, store._all, os.getpid())
        return store

    # -- connections and transactions -------------------------------------------------

    def _open(self) -> _Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000, factory=_Connection)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
        with self._all_lock:
            self._all.add(conn)
        return conn

    def _conn(self) -> sqlite3.Connection:
        pid = os.getpid()
        if pid != self._pid:
            # A forked child: the parent's connections are not ours to use or close.
            self._pid = pid
            self._local = threading.local()
            self._all_lock = threading.Lock()
            self._all = weakref.WeakSet()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
        return conn

    @contextmanager
    def _tx(self, conn: sqlite3.Connection | None = None, *,
            immediate: bool) -> Iterator[sqlite3.Connection]:
        conn = conn or self._conn()
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def after_fork(self) -> None:
        """Forget connections inherited from the parent (a forked worker calls this)."""
        self._pid = -1
        self._conn()

    def close(self) -> None:
        """Close this process's connections (and remove a private store's file)."""
        if self._finalizer is not None:
            self._finalizer()
            return
        with self._all_lock:
            conns = list(self._all)
            self._all.clear()
        for conn in conns:
            conn.close()
        self._local = threading.local()

    # -- helpers run inside a transaction ----------------------------------------------

    @staticmethod
    def _bump(conn: sqlite3.Connection, tenant: str, counter: str) -> int:
        row = conn.execute(
            "INSERT INTO counters VALUES (?, ?, 1) ON CONFLICT (tenant, name) "
            "DO UPDATE SET n = n + 1 RETURNING n", (tenant, counter)).fetchone()
        return int(row[0])

    @staticmethod
    def _record(row: tuple[str, int] | None) -> dict[str, Any] | None:
        if row is None:
            return None
        record = _loads(row[0])
        record["_seq"] = row[1]
        return record

    @staticmethod
    def _get_row(conn: sqlite3.Connection, tenant: str, kind: str,
                 rid: str) -> tuple[str, int] | None:
        return conn.execute("SELECT data, seq FROM records WHERE tenant = ? AND kind = ? "
                            "AND rid = ?", (tenant, kind, rid)).fetchone()

    @staticmethod
    def _insert(conn: sqlite3.Connection, tenant: str, kind: str, rid: str,
                record: dict[str, Any]) -> int:
        seq = SqliteStore._bump(conn, tenant, "_seq")
        data = {k: v for k, v in record.items() if k != "_seq"}
        try:
            conn.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?)",
                         (tenant, kind, rid, seq, _dumps(data)))
        except sqlite3.IntegrityError:
            raise KeyError(f"{kind} {rid} exists") from None
        return seq

    @staticmethod
    def _val(conn: sqlite3.Connection, tenant: str, key: str) -> Any:
        row = conn.execute("SELECT v FROM vals WHERE tenant = ? AND key = ?",
                           (tenant, key)).fetchone()
        return None if row is None else _loads(row[0])

    @staticmethod
    def _put(conn: sqlite3.Connection, tenant: str, key: str, value: Any) -> None:
        conn.execute("INSERT INTO vals VALUES (?, ?, ?) ON CONFLICT (tenant, key) "
                     "DO UPDATE SET v = excluded.v", (tenant, key, _dumps(value)))

    # -- records -----------------------------------------------------------------------

    def next_seq(self, tenant: str, counter: str) -> int:
        with self._tx(immediate=True) as conn:
            return self._bump(conn, tenant, counter)

    def insert(self, tenant: str, kind: str, rid: str, record: dict[str, Any]) -> int:
        with self._tx(immediate=True) as conn:
            return self._insert(conn, tenant, kind, rid, record)

    def insert_many(self, tenant: str, kind: str, items: list[tuple[str, dict[str, Any]]],
                    *, replace: bool = False) -> list[int]:
        with self._tx(immediate=True) as conn:
            if replace:
                conn.execute("DELETE FROM records WHERE tenant = ? AND kind = ?",
                             (tenant, kind))
            return [self._insert(conn, tenant, kind, rid, rec) for rid, rec in items]

    def get(self, tenant: str, kind: str, rid: str) -> dict[str, Any] | None:
        return self._record(self._get_row(self._conn(), tenant, kind, rid))

    def update(self, tenant: str, kind: str, rid: str, changes: dict[str, Any],
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        with self._tx(immediate=True) as conn:
            record = self._record(self._get_row(conn, tenant, kind, rid))
            if record is None or not matches(record, expect):
                return None
            seq = record.pop("_seq")
            record.update(changes)
            record.pop("_seq", None)
            conn.execute("UPDATE records SET data = ? WHERE tenant = ? AND kind = ? "
                         "AND rid = ?", (_dumps(record), tenant, kind, rid))
            record["_seq"] = seq
            # The caller gets its own copy, never the dict that was encoded.
            return _loads(_dumps(record))

    def delete(self, tenant: str, kind: str, rid: str,
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        with self._tx(immediate=True) as conn:
            record = self._record(self._get_row(conn, tenant, kind, rid))
            if record is None or not matches(record, expect):
                return None
            conn.execute("DELETE FROM records WHERE tenant = ? AND kind = ? AND rid = ?",
                         (tenant, kind, rid))
            return record

    def page(self, tenant: str, kind: str, after: int | None, limit: int,
             newest_first: bool = False) -> list[dict[str, Any]]:
        if newest_first:
            sql = ("SELECT data, seq FROM records WHERE tenant = ? AND kind = ? AND seq < ? "
                   "ORDER BY seq DESC LIMIT ?")
            bound = after if after is not None else 2**62
        else:
            sql = ("SELECT data, seq FROM records WHERE tenant = ? AND kind = ? AND seq > ? "
                   "ORDER BY seq LIMIT ?")
            bound = after if after is not None else -1
        rows = self._conn().execute(sql, (tenant, kind, bound, max(0, limit))).fetchall()
        return [self._record(r) for r in rows]  # type: ignore[misc]

    def count(self, tenant: str, kind: str) -> int:
        row = self._conn().execute("SELECT COUNT(*) FROM records WHERE tenant = ? AND "
                                   "kind = ?", (tenant, kind)).fetchone()
        return int(row[0])

    # -- values ------------------------------------------------------------------------

    def add(self, tenant: str, key: str, delta: float,
            floor: float | None = None) -> tuple[bool, float]:
        with self._tx(immediate=True) as conn:
            current = self._val(conn, tenant, key) or 0
            new = current + delta
            if floor is not None and new < floor:
                return False, current
            self._put(conn, tenant, key, new)
            return True, new

    def value(self, tenant: str, key: str, default: float = 0.0) -> float:
        found = self._val(self._conn(), tenant, key)
        return default if found is None else found

    def put_value(self, tenant: str, key: str, value: Any) -> None:
        with self._tx(immediate=True) as conn:
            self._put(conn, tenant, key, value)

    def get_value(self, tenant: str, key: str, default: Any = None) -> Any:
        found = self._val(self._conn(), tenant, key)
        return default if found is None else found

    def merge_entry(self, tenant: str, key: str, entry: str, changes: dict[str, Any] | None,
                    *, replace: bool = False) -> dict[str, Any]:
        with self._tx(immediate=True) as conn:
            table = self._val(conn, tenant, key)
            table = table if isinstance(table, dict) else {}
            if changes is None:
                table.pop(entry, None)
            elif replace or not isinstance(table.get(entry), dict):
                table[entry] = changes
            else:
                table[entry] = {**table[entry], **changes}
            self._put(conn, tenant, key, table)
            return _loads(_dumps(table))

    def commit(self, tenant: str, *, expect: Mapping[str, Any] | None = None,
               values: Mapping[str, Any] | None = None, insert: Sequence[Insert] = (),
               update: Sequence[Update] = (), set_add: Sequence[SetAdd] = (),
               add: Sequence[Add] = (), guard: Sequence[Guard] = ()) -> bool:
        with self._tx(immediate=True) as conn:
            for key, want in (expect or {}).items():
                if self._val(conn, tenant, key) != want:
                    return False
            for kind, rid, want in guard:
                found = self._record(self._get_row(conn, tenant, kind, rid))
                if found is None or not matches(found, want):
                    return False
            sums: dict[str, float] = {}
            for key, delta, floor in add:
                base = sums[key] if key in sums else (self._val(conn, tenant, key) or 0)
                sums[key] = base + delta
                if floor is not None and sums[key] < floor:
                    return False
            for key, value in (values or {}).items():
                self._put(conn, tenant, key, value)
            for key, total in sums.items():
                self._put(conn, tenant, key, total)
            for kind, rid, record in insert:
                self._insert(conn, tenant, kind, rid, record)  # KeyError rolls back
            for kind, rid, changes, want in update:
                found = self._record(self._get_row(conn, tenant, kind, rid))
                if found is None or not matches(found, want):
                    continue
                found.pop("_seq")
                found.update(changes)
                found.pop("_seq", None)
                conn.execute("UPDATE records SET data = ? WHERE tenant = ? AND kind = ? "
                             "AND rid = ?", (_dumps(found), tenant, kind, rid))
            for name, member in set_add:
                self._set_add(conn, tenant, name, member)
            return True

    # -- sets --------------------------------------------------------------------------

    @staticmethod
    def _set_add(conn: sqlite3.Connection, tenant: str, name: str, member: str) -> bool:
        cur = conn.execute(
            "INSERT OR IGNORE INTO sets SELECT ?, ?, ?, COALESCE(MAX(pos), 0) + 1 "
            "FROM sets WHERE tenant = ? AND name = ?",
            (tenant, name, member, tenant, name))
        return cur.rowcount == 1

    def set_add(self, tenant: str, name: str, member: str) -> bool:
        with self._tx(immediate=True) as conn:
            return self._set_add(conn, tenant, name, member)

    def set_remove(self, tenant: str, name: str, member: str) -> bool:
        with self._tx(immediate=True) as conn:
            cur = conn.execute("DELETE FROM sets WHERE tenant = ? AND name = ? AND member = ?",
                               (tenant, name, member))
            return cur.rowcount == 1

    def set_members(self, tenant: str, name: str) -> list[str]:
        rows = self._conn().execute("SELECT member FROM sets WHERE tenant = ? AND name = ? "
                                    "ORDER BY pos", (tenant, name)).fetchall()
        return [r[0] for r in rows]

    # -- logs --------------------------------------------------------------------------

    def append(self, stream: str, entry: dict[str, Any], maxlen: int) -> int:
        with self._tx(immediate=True) as conn:
            seq = int(conn.execute(
                "INSERT INTO stream_seq VALUES (?, 1) ON CONFLICT (stream) "
                "DO UPDATE SET n = n + 1 RETURNING n", (stream,)).fetchone()[0])
            conn.execute("INSERT INTO streams VALUES (?, ?, ?)",
                         (stream, seq, _dumps({**entry, "seq": seq})))
            conn.execute("DELETE FROM streams WHERE stream = ? AND seq <= ?",
                         (stream, seq - maxlen))
            return seq

    def read(self, stream: str, after: int = 0) -> list[dict[str, Any]]:
        rows = self._conn().execute("SELECT entry FROM streams WHERE stream = ? AND seq > ? "
                                    "ORDER BY seq", (stream, after)).fetchall()
        return [_loads(r[0]) for r in rows]

    # -- whole state -------------------------------------------------------------------

    def tenants(self) -> list[str]:
        union = " UNION ".join(f"SELECT tenant FROM {t}" for t in _TENANT_TABLES)
        return [r[0] for r in self._conn().execute(union).fetchall()]

    def reset(self, tenant: str | None = None) -> None:
        with self._tx(immediate=True) as conn:
            for table in _TENANT_TABLES:
                if tenant is None:
                    conn.execute(f"DELETE FROM {table}")
                else:
                    conn.execute(f"DELETE FROM {table} WHERE tenant = ?", (tenant,))
            if tenant is None:
                conn.execute("DELETE FROM streams")
                conn.execute("DELETE FROM stream_seq")
                conn.execute("DELETE FROM timeline")

    # -- retention: a timeline of records that may be purged, and capped-log expiry ------

    def schedule(self, tenant: str, kind: str, rid: str, at: float) -> None:
        with self._tx(immediate=True) as conn:
            conn.execute("INSERT INTO timeline (at, tenant, kind, rid) VALUES (?, ?, ?, ?)",
                         (float(at), tenant, kind, rid))

    def due(self, now: float, limit: int) -> list[tuple[str, str, str]]:
        with self._tx(immediate=True) as conn:  # take: several workers never share one
            rows = conn.execute("SELECT n, tenant, kind, rid FROM timeline WHERE at <= ? "
                                "ORDER BY at, n LIMIT ?", (float(now), int(limit))).fetchall()
            conn.executemany("DELETE FROM timeline WHERE n = ?", [(r[0],) for r in rows])
            return [(r[1], r[2], r[3]) for r in rows]

    def expire(self, stream: str, field: str, before: float) -> int:
        with self._tx(immediate=True) as conn:
            # The oldest entries, up to the first one that is not old enough.
            keep = conn.execute(
                "SELECT MIN(seq) FROM streams WHERE stream = ? AND NOT "
                "(COALESCE(json_extract(entry, ?), ?) < ?)",
                (stream, f"$.{field}", float(before), float(before))).fetchone()[0]
            if keep is None:
                keep = (conn.execute("SELECT MAX(seq) FROM streams WHERE stream = ?",
                                     (stream,)).fetchone()[0] or 0) + 1
            return conn.execute("DELETE FROM streams WHERE stream = ? AND seq < ?",
                                (stream, keep)).rowcount

    def dump(self, tenant: str | None = None) -> dict[str, Any]:
        with self._tx(immediate=False) as conn:
            names = [tenant] if tenant is not None else self.tenants()
            out: dict[str, Any] = {}
            for name in names:
                records: dict[str, list[dict[str, Any]]] = {}
                for kind, rid, data, seq in conn.execute(
                        "SELECT kind, rid, data, seq FROM records WHERE tenant = ? "
                        "ORDER BY seq", (name,)):
                    record = self._record((data, seq)) or {}
                    records.setdefault(kind, []).append({**record, "_rid": rid})
                values = {k: _loads(v) for k, v in conn.execute(
                    "SELECT key, v FROM vals WHERE tenant = ?", (name,))}
                sets: dict[str, list[str]] = {}
                for set_name, member in conn.execute(
                        "SELECT name, member FROM sets WHERE tenant = ? ORDER BY name, pos",
                        (name,)):
                    sets.setdefault(set_name, []).append(member)
                counters = dict(conn.execute(
                    "SELECT name, n FROM counters WHERE tenant = ?", (name,)).fetchall())
                if records or values or sets or counters:
                    out[name] = {"records": records, "values": values, "sets": sets,
                                 "counters": counters}
            if tenant is None:
                streams: dict[str, Any] = {}
                for stream, n in conn.execute("SELECT stream, n FROM stream_seq").fetchall():
                    entries = [_loads(r[0]) for r in conn.execute(
                        "SELECT entry FROM streams WHERE stream = ? ORDER BY seq", (stream,))]
                    streams[stream] = {"seq": n, "maxlen": None, "entries": entries}
                out["_streams"] = streams
            return out

    def load(self, data: dict[str, Any]) -> None:
        with self._tx(immediate=True) as conn:
            for name, body in data.items():
                if name == "_streams":
                    continue
                for table in _TENANT_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE tenant = ?", (name,))
                for kind, records in (body.get("records") or {}).items():
                    for given in records:
                        record = dict(given)
                        rid, seq = str(record.pop("_rid")), int(record.pop("_seq"))
                        conn.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?)",
                                     (name, kind, rid, seq, _dumps(record)))
                conn.executemany("INSERT INTO vals VALUES (?, ?, ?)", [
                    (name, k, _dumps(v)) for k, v in (body.get("values") or {}).items()])
                conn.executemany("INSERT INTO sets VALUES (?, ?, ?, ?)", [
                    (name, set_name, member, pos)
                    for set_name, members in (body.get("sets") or {}).items()
                    for pos, member in enumerate(members, 1)])
                conn.executemany("INSERT INTO counters VALUES (?, ?, ?)", [
                    (name, k, int(v)) for k, v in (body.get("counters") or {}).items()])
            for stream, body in (data.get("_streams") or {}).items():
                conn.execute("DELETE FROM streams WHERE stream = ?", (stream,))
                conn.execute("INSERT INTO stream_seq VALUES (?, ?) ON CONFLICT (stream) "
                             "DO UPDATE SET n = excluded.n", (stream, int(body.get("seq", 0))))
                conn.executemany("INSERT INTO streams VALUES (?, ?, ?)", [
                    (stream, int(e["seq"]), _dumps(e)) for e in body.get("entries", [])])
