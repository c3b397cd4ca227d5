"""State: the ``Store`` protocol (``base``), its backends, ``keys`` (the name of every
key the domain writes) and ``store_from_url`` to pick a backend.

``memory`` (the embedded default), ``sqlite:PATH`` (one file shared by the processes of
one machine) and ``redis://HOST:PORT/DB`` (one server shared by several hosts).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qsl

from runway_mock.store.base import Store
from runway_mock.store.memory import MemoryStore

__all__ = ["ENV", "MemoryStore", "Store", "store_from_url"]

# The store URL ``create_app`` and ``runway-mock serve`` use when none is given.
ENV = "RUNWAY_MOCK_STORE"
SCHEMES = "memory, sqlite:PATH, redis://HOST:PORT/DB"


def store_from_url(url: str | None) -> Any:
    """The store a URL names: ``memory``, ``sqlite:PATH[?synchronous=full]``, ``redis://...``.

    ``sqlite:`` with no path is a private temporary file, removed with the store;
    ``redis://...?private=1`` a private namespace (both for tests).
    """
    url = (url or "memory").strip()
    if url == "memory":
        return MemoryStore()
    if url == "sqlite" or url.startswith("sqlite:"):
        from runway_mock.store.sqlite import SqliteStore

        rest = url[len("sqlite:"):] if url.startswith("sqlite:") else ""
        path, _, query = rest.partition("?")
        options = dict(parse_qsl(query))
        unknown = set(options) - {"synchronous"}
        if unknown:
            raise ValueError(f"unknown sqlite store options: {', '.join(sorted(unknown))}")
        path = path.removeprefix("//")
        sync = options.get("synchronous", "normal").lower()
        if not path:
            return SqliteStore.private(synchronous=sync)
        return SqliteStore(os.path.expanduser(path), synchronous=sync)
    if url.startswith(("redis://", "rediss://", "unix://")):
        try:
            from runway_mock.store.redis import RedisStore
        except ImportError as exc:  # the optional extra is not installed
            raise ValueError("the redis store needs the redis client: "
                             "pip install 'runway-mock[redis]'") from exc
        import redis

        try:
            return RedisStore(url)
        except redis.RedisError as exc:
            raise ValueError(f"cannot use the redis store at {url}: {exc}") from exc
    raise ValueError(f"unknown store {url!r}: use one of {SCHEMES}")


def store_from_env() -> Any:
    """The store ``RUNWAY_MOCK_STORE`` names (memory when unset)."""
    return store_from_url(os.environ.get(ENV) or "memory")
