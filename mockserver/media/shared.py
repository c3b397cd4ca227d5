"""What the encoders share: seeded digests, bit writers, prefix codes and size fitting."""

from __future__ import annotations

import hashlib

AUDIO_RATE = 8000
_ASPECT_GOAL = 0.015  # what fit_size aims for, leaving a margin under the promised tolerance


def fit_size(width: int, height: int, limit: int, *, even: bool = False) -> tuple[int, int]:
    """Scale a size down so its longer side is at most ``limit``, keeping the aspect ratio."""
    step = 2 if even else 1
    long_side, short_side = max(width, height), min(width, height)
    ratio = short_side / long_side

    def candidate(long_px: int) -> tuple[float, int, int]:
        short_px = max(step, round(long_px * ratio / step) * step)
        return abs(short_px / long_px - ratio) / ratio, long_px, short_px

    start = max(step, min(limit, long_side) // step * step)
    # Prefer the largest size within the limit whose rounding keeps the aspect; only very
    # elongated requests need a longer side than the limit to fit a short side of a few pixels.
    lengths = [*range(start, max(step, start // 2) - 1, -step),
               *range(start + step, 8 * limit + 1, step)]
    best = candidate(start)
    for long_px in lengths:
        found = candidate(long_px)
        if found[0] <= _ASPECT_GOAL:
            best = found
            break
        best = min(best, found)
    _, long_px, short_px = best
    return (long_px, short_px) if width >= height else (short_px, long_px)


def _digest(seed: int, purpose: str) -> bytes:
    return hashlib.blake2b(f"{purpose}:{seed}".encode(), digest_size=32,
                           person=b"runway-media").digest()


# ---------------------------------------------------------------- bit writers


class _MsbBits:
    """Big-endian bit packing (H.264, FLAC, JPEG)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def u(self, value: int, nbits: int) -> None:
        if nbits:
            self.parts.append(format(value & ((1 << nbits) - 1), f"0{nbits}b"))

    def ue(self, value: int) -> None:
        code = value + 1
        self.parts.append("0" * (code.bit_length() - 1) + format(code, "b"))

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def raw(self, bits: str) -> None:
        self.parts.append(bits)

    def bit_length(self) -> int:
        return sum(map(len, self.parts))

    def to_bytes(self, pad: str = "0") -> bytes:
        bits = "".join(self.parts)
        bits += pad * (-len(bits) % 8)
        return int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""


class _LsbBits:
    """Little-endian bit packing (WebP lossless)."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.count = 0

    def put(self, value: int, nbits: int) -> None:
        self.acc |= value << self.count
        self.count += nbits
        while self.count >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.count -= 8

    def to_bytes(self) -> bytes:
        return bytes(self.out) + (bytes([self.acc]) if self.count else b"")


def _balanced_lengths(symbols: list[int]) -> dict[int, int]:
    """A complete prefix code over ``symbols``: every length k or k+1, the later ones longer."""
    n = len(symbols)
    if n == 1:
        return {symbols[0]: 1}
    k = n.bit_length() - 1
    longer = 2 * (n - (1 << k))
    return {s: (k + 1 if i >= n - longer else k) for i, s in enumerate(symbols)}


def _canonical_codes(lengths: dict[int, int]) -> dict[int, tuple[int, int]]:
    """Canonical Huffman codes (as in DEFLATE): symbol -> (code, length)."""
    codes = {}
    code = 0
    previous = 0
    for sym, length in sorted(lengths.items(), key=lambda item: (item[1], item[0])):
        code <<= length - previous
        codes[sym] = (code, length)
        code += 1
        previous = length
    return codes


def _reverse(code: int, length: int) -> int:
    return int(format(code, f"0{length}b")[::-1], 2) if length else 0
