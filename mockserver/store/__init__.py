"""State: the ``Store`` protocol and its backends."""

from runway_mock.store.memory import MemoryStore, Store

__all__ = ["MemoryStore", "Store"]
