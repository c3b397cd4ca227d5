"""The emulator's one source of ids and randomness, seeded.

Every draw is a pure function of (seed, what it is for), e.g. ``uuid("task", tenant, 7)``,
so the same seed and the same requests give the same ids and outcomes in any process,
without shared mutable generator state.
"""

from __future__ import annotations

import hashlib
import struct


class Source:
    """Seeded, stateless draws keyed by purpose."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)

    def _digest(self, parts: tuple[object, ...]) -> bytes:
        h = hashlib.blake2b(digest_size=32, person=b"runway-mock")
        h.update(str(self.seed).encode())
        for p in parts:
            h.update(b"\x1f")
            # JSON strings may hold lone surrogates, which strict UTF-8 cannot encode.
            h.update(str(p).encode("utf-8", "surrogatepass"))
        return h.digest()

    def uuid(self, *parts: object) -> str:
        """A version-4-shaped UUID string for ``parts``."""
        b = bytearray(self._digest(parts)[:16])
        b[6] = (b[6] & 0x0F) | 0x40  # version 4
        b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant (what uuid.UUID(version=4) sets)
        h = b.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def random(self, *parts: object) -> float:
        """A float in [0, 1) for ``parts``."""
        (n,) = struct.unpack(">Q", self._digest(parts)[:8])
        return (n >> 11) / float(1 << 53)

    def integer(self, *parts: object, bits: int = 32) -> int:
        """A non-negative integer of ``bits`` bits for ``parts``."""
        return int.from_bytes(self._digest(parts)[:8], "big") >> (64 - bits)

    def token(self, *parts: object, nbytes: int = 24) -> str:
        """A hex token (for upload keys, session keys)."""
        d = self._digest(parts)
        while len(d) < nbytes:
            d += self._digest((*parts, len(d)))
        return d[:nbytes].hex()
