"""Per-app runtime: configuration, the clock, the seeded source and the store.

One ``Runtime`` lives in ``app.extensions["runway_mock"]``; the domain functions take it
as their first argument and never reach for globals.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from runway_mock.clock import Clock, wall_sleep
from runway_mock.rand import Source
from runway_mock.store import Store
from runway_mock.version import API_VERSION

__all__ = ["API_VERSION", "Config", "Runtime", "tenant_of"]



@dataclass
class Config:
    """Settings of one emulator; every field can be given to ``create_app``."""

    seed: int = 0
    # Realistic task latencies are multiplied by this (0.05: a 60 s video takes 3 s).
    time_scale: float = 0.05
    output_ttl: float = 24 * 3600.0
    upload_ttl: float = 24 * 3600.0
    initial_credits: int = 10_000
    # Credits and daily quotas are accounted and reported but never refuse a create.
    unmetered: bool = False
    tier: int = 1
    # Seconds assumed for input media whose length the emulator cannot know.
    input_seconds: float = 10.0
    # Base URL put into output and upload links; None: taken from each request.
    public_url: str | None = None
    # Required on /_mock/* when set; always required when ``exposed``.
    admin_token: str | None = None
    exposed: bool = False
    # The API keys that are tenants; any other key gets 401. None: any non-empty key is a
    # tenant (the default, so tests need no set-up).
    api_keys: frozenset[str] | None = None
    journal_size: int = 10_000
    # Finished tasks, resources and journal entries older than this much emulator time
    # are purged, so memory stays flat under a steady load; None keeps everything.
    retention_seconds: float | None = None
    # Where state lives when no store object is given: "memory", "sqlite:PATH" or
    # "redis://HOST:PORT/DB" (None: the RUNWAY_MOCK_STORE environment variable, else memory).
    store: str | None = None
    max_body_bytes: int = 64 * 1024 * 1024
    upload_max_bytes: int = 200 * 1024 * 1024
    upload_min_bytes: int = 512
    # Error bodies: "captured" (Runway's wording in public captures: "Validation of body
    # failed", Zod 4 issues, docUrl) or "reference" (the reference OpenAPI's example:
    # "Invalid parameter '<path>': ...", Zod 3 issues, no docUrl).
    error_wording: str = "captured"
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None) -> Config:
        """A config from a plain mapping, refusing unknown keys."""
        values = dict(values or {})
        names = {f.name for f in fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(sorted(unknown))}")
        if values.get("error_wording", "captured") not in ERROR_WORDINGS:
            raise ValueError(f"error_wording must be one of {', '.join(ERROR_WORDINGS)}")
        return cls(**values)

    def __post_init__(self) -> None:
        if self.api_keys is not None:
            keys = [self.api_keys] if isinstance(self.api_keys, str) else list(self.api_keys)
            if not keys or not all(isinstance(k, str) and k.strip() for k in keys):
                raise ValueError("api_keys must be a non-empty list of non-empty keys")
            self.api_keys = frozenset(k.strip() for k in keys)

    def is_tenant(self, key: str) -> bool:
        """Whether the API key ``key`` names a tenant of this emulator."""
        return self.api_keys is None or key in self.api_keys


def parse_api_keys(value: str) -> list[str]:
    """Keys from ``serve --api-keys``: a file of one key per line, or a comma-separated list.

    In a file, blank lines and lines starting with ``#`` are skipped.
    """
    if os.path.isfile(value):
        with open(value, encoding="utf-8") as fh:
            lines = [line.strip() for line in fh]
        keys = [line for line in lines if line and not line.startswith("#")]
    else:
        keys = [part.strip() for part in value.split(",") if part.strip()]
    if not keys:
        raise ValueError(f"no API keys in {value!r}")
    return keys


ERROR_WORDINGS = ("captured", "reference")


class Runtime:
    """Everything stateful one emulator app owns."""

    def __init__(self, config: Config, clock: Clock, store: Store) -> None:
        self.config = config
        self.clock = clock
        self.store = store
        self.source = Source(config.seed)
        self.secret = hashlib.sha256(f"runway-mock:{config.seed}".encode()).digest()
        # Injected latency sleeps through this; tests replace it so they never wait.
        self.sleep: Callable[[float], None] = wall_sleep
        # Registries the factory fills (``domain.wiring.install``), never an import:
        # endpoint -> checks that the ids a valid task body names exist for the tenant,
        self.reference_checks: dict[str, list[Callable[..., list[Any]]]] = {}
        # and (runtime, tenant) -> the check that a runway:// URI names a live upload.
        self.media_resolver: Callable[..., Callable[..., list[Any]]] | None = None
        # Fault rules as last read, with the store version they were read at.
        self.fault_rules: tuple[Any, list[dict[str, Any]]] | None = None

    def reseed(self, seed: int) -> None:
        """Change the seed for everything drawn from now on."""
        self.config.seed = int(seed)
        self.source = Source(seed)
        self.secret = hashlib.sha256(f"runway-mock:{seed}".encode()).digest()

    def sign(self, message: bytes) -> bytes:
        """HMAC-SHA256 of ``message`` with this emulator's secret."""
        return hmac.digest(self.secret, message, "sha256")


def tenant_of(token: str) -> str:
    """The tenant id for an API key: a hash, so no key is ever stored or logged."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:16]
