"""Stateful API resources (uploads, documents, avatars, voices, realtime sessions, routers,
workflows, usage): one plain-Python domain module per resource, no Flask.

Each module stores its records per tenant through ``Runtime.store`` with atomic operations
only, reads time from ``rt.clock`` and draws ids from ``rt.source``.
"""
