"""The ``Store`` protocol: every operation the domain may use on state.

A state change is always one call (a conditional update, a counter add with a floor, a
set add, a guarded ``commit``), never a read-modify-write in the caller, so a SQLite or
Redis backend can serve several worker processes: each operation is one SQLite
transaction or one Redis command / Lua script. Records and values are plain JSON-ready
data, copied in and out; nothing is shared by reference. ``store.keys`` names every key
and record kind the domain writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

# One record insert inside a commit: (kind, id, record).
Insert = tuple[str, str, dict[str, Any]]
# One record update inside a commit: (kind, id, changes, expect or None).
Update = tuple[str, str, dict[str, Any], dict[str, Any] | None]
# One set member added inside a commit: (set name, member).
SetAdd = tuple[str, str]
# One number added to inside a commit: (key, delta, floor or None).
Add = tuple[str, float, float | None]
# One record a commit requires: (kind, id, expect); it must exist and match.
Guard = tuple[str, str, dict[str, Any]]


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
        """A JSON-ready copy of the state: per tenant ``records`` (each kind's records in
        insertion order, each with its ``_seq`` and its id as ``_rid``), ``values``, ``sets``
        and ``counters``; with no ``tenant``, also ``_streams`` (each capped log's entries
        and last sequence)."""

    def load(self, data: dict[str, Any]) -> None:
        """Replace the tenants (and logs) that ``data``, a ``dump()``, names with its copy,
        atomically; tenants it does not name are left as they are."""

    # Retention (``domain.retention``): a store without these keeps everything.

    def schedule(self, tenant: str, kind: str, rid: str, at: float) -> None:
        """Note that record ``kind``/``rid`` may be purged from emulator time ``at`` on."""

    def due(self, now: float, limit: int) -> list[tuple[str, str, str]]:
        """Take (remove and return) up to ``limit`` noted (tenant, kind, rid) whose time
        is ``<= now``, earliest first."""

    def expire(self, stream: str, field: str, before: float) -> int:
        """Drop a log's oldest entries whose ``field`` is below ``before``; how many."""

    def close(self) -> None:
        """Release connections (a private store also forgets its data)."""

    def commit(self, tenant: str, *, expect: Mapping[str, Any] | None = None,
               values: Mapping[str, Any] | None = None, insert: Sequence[Insert] = (),
               update: Sequence[Update] = (), set_add: Sequence[SetAdd] = (),
               add: Sequence[Add] = (), guard: Sequence[Guard] = ()) -> bool:
        """All or nothing, in one step: if every plain value named in ``expect`` equals
        the value given (compared as JSON; a missing value equals None), every record
        named in ``guard`` exists and matches its expect, and no ``add`` would take its
        number below its floor (several adds to one key count together), write
        ``values``, make the adds, insert the records, apply the updates and add the set
        members, and return True; otherwise change nothing and return False.

        An update whose own ``expect`` does not match (or whose record is gone) is
        skipped, as ``update`` would; inserting an id that exists raises KeyError and
        changes nothing. This is the one multi-key operation: the domain reads, decides,
        and commits guarded by a version it read (optimistic concurrency), so no caller
        ever holds a lock. SQLite: one transaction; Redis: one Lua script.
        """
