"""Still pictures (PNG, JPEG, WebP, SVG) and zip archives of frames, from one seeded gradient."""

from __future__ import annotations

import io
import math
import struct
import zipfile
import zlib

from runway_mock.media.shared import (
    _balanced_lengths,
    _canonical_codes,
    _digest,
    _LsbBits,
    _MsbBits,
    _reverse,
    fit_size,
)

IMAGE_LIMIT = 256
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- pictures


def _colours(seed: int) -> list[tuple[int, int, int]]:
    d = _digest(seed, "colours")
    # Kept inside 40..216 so the colours survive limited-range video conversion unclipped.
    return [(40 + d[i] * 176 // 255, 40 + d[i + 1] * 176 // 255, 40 + d[i + 2] * 176 // 255)
            for i in range(0, 12, 3)]


def _lerp(a: tuple[int, ...], b: tuple[int, ...], t: float) -> tuple[float, ...]:
    return tuple(x + (y - x) * t for x, y in zip(a, b, strict=True))


def _picture(width: int, height: int, seed: int, phase: float = 0.0) -> list[bytes]:
    """RGB rows: a horizontal gradient in a few horizontal bands, identical rows shared."""
    c0, c1, c2, c3 = _colours(seed)
    bands = min(8, height)
    ts = []
    for x in range(width):
        u = ((x / (width - 1) if width > 1 else 0.0) + phase) % 2.0
        ts.append(u if u <= 1.0 else 2.0 - u)
    band_rows = []
    for b in range(bands):
        v = b / (bands - 1) if bands > 1 else 0.0
        row = bytearray(3 * width)
        for channel, (lo, hi) in enumerate(zip(_lerp(c0, c2, v), _lerp(c1, c3, v), strict=True)):
            row[channel::3] = bytes([round(lo + (hi - lo) * t) for t in ts])
        band_rows.append(bytes(row))
    return [band_rows[y * bands // height] for y in range(height)]


def _render_image(ext: str, width: int, height: int, seed: int) -> bytes:
    if ext == "svg":
        return _svg(width, height, seed)
    w, h = fit_size(width, height, IMAGE_LIMIT)
    rows = _picture(w, h, seed)
    if ext == "png":
        return _png(w, h, rows)
    if ext == "webp":
        return _webp(w, h, rows)
    return _jpeg(w, h, rows)


def _svg(width: int, height: int, seed: int) -> bytes:
    c0, c1, c2, _ = ("#{:02x}{:02x}{:02x}".format(*c) for c in _colours(seed))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="{c0}"/><stop offset="1" stop-color="{c1}"/>'
        '</linearGradient></defs>'
        f'<rect width="{width}" height="{height}" fill="url(#g)"/>'
        f'<circle cx="{width / 2:g}" cy="{height / 2:g}" r="{min(width, height) / 4:g}" '
        f'fill="{c2}" fill-opacity="0.6"/>'
        '</svg>\n'
    ).encode()


# ---------------------------------------------------------------- PNG


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    filtered: dict[bytes, bytes] = {}
    raw = bytearray()
    for row in rows:
        line = filtered.get(row)
        if line is None:
            # Sub filter: a gradient turns into small repeating deltas that deflate well.
            line = b"\x01" + row[:3] + bytes((row[i] - row[i - 3]) & 0xFF
                                             for i in range(3, len(row)))
            filtered[row] = line
        raw += line
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + _png_chunk(b"IEND", b""))


# ---------------------------------------------------------------- JPEG

_JPEG_DC_LUMA = ([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], list(range(12)))
_JPEG_DC_CHROMA = ([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], list(range(12)))
# Every block is flat, so the only AC symbol ever coded is end-of-block (0x00): a one-code table.
_JPEG_AC_EOB = ([1] + [0] * 15, [0])
_JPEG_QUANT = 8


def _jpeg_codes(table: tuple[list[int], list[int]]) -> dict[int, str]:
    counts, values = table
    codes = {}
    code = 0
    it = iter(values)
    for length, count in enumerate(counts, start=1):
        for _ in range(count):
            codes[next(it)] = format(code, f"0{length}b")
            code += 1
        code <<= 1
    return codes


def _jpeg_segment(marker: int, body: bytes) -> bytes:
    return struct.pack(">HH", 0xFF00 | marker, len(body) + 2) + body


def _jpeg_dht(table_class: int, table_id: int, table: tuple[list[int], list[int]]) -> bytes:
    counts, values = table
    return _jpeg_segment(0xC4, bytes([table_class << 4 | table_id, *counts, *values]))


def _jpeg(width: int, height: int, rows: list[bytes]) -> bytes:
    dc_codes = (_jpeg_codes(_JPEG_DC_LUMA), _jpeg_codes(_JPEG_DC_CHROMA))
    eob = _jpeg_codes(_JPEG_AC_EOB)[0]
    bits = _MsbBits()
    previous = [0, 0, 0]
    for by in range(0, height, 8):
        row = rows[min(by + 4, height - 1)]
        for bx in range(0, width, 8):
            x = min(bx + 4, width - 1) * 3
            r, g, b = row[x], row[x + 1], row[x + 2]
            ycc = (0.299 * r + 0.587 * g + 0.114 * b,
                   128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
                   128 + 0.5 * r - 0.418688 * g - 0.081312 * b)
            for comp, value in enumerate(ycc):
                # A flat block's DC coefficient is 8*(value-128); quantised by 8 it is value-128.
                dc = max(-128, min(127, round(value) - 128))
                diff = dc - previous[comp]
                previous[comp] = dc
                size = abs(diff).bit_length()
                bits.raw(dc_codes[min(comp, 1)][size])
                bits.u(diff if diff >= 0 else diff + (1 << size) - 1, size)
                bits.raw(eob)
    scan = bits.to_bytes(pad="1").replace(b"\xff", b"\xff\x00")
    jfif = b"JFIF\x00" + bytes([1, 1, 0]) + struct.pack(">HH", 1, 1) + b"\x00\x00"
    components = b"".join(bytes([cid, 0x11, 0]) for cid in (1, 2, 3))
    return b"".join((
        b"\xff\xd8",
        _jpeg_segment(0xE0, jfif),
        _jpeg_segment(0xDB, bytes([0]) + bytes([_JPEG_QUANT]) * 64),
        _jpeg_segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + components),
        _jpeg_dht(0, 0, _JPEG_DC_LUMA),
        _jpeg_dht(0, 1, _JPEG_DC_CHROMA),
        _jpeg_dht(1, 0, _JPEG_AC_EOB),
        _jpeg_segment(0xDA, bytes([3, 1, 0x00, 2, 0x10, 3, 0x10, 0, 63, 0])),
        scan,
        b"\xff\xd9",
    ))


# ---------------------------------------------------------------- WebP (VP8L lossless)

_VP8L_CODE_LENGTH_ORDER = (17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
_VP8L_GREEN_ALPHABET = 256 + 24
_VP8L_DISTANCE_ABOVE = 1  # plane code 1 is the pixel straight above


def _vp8l_prefix(value: int) -> tuple[int, int, int]:
    """LZ77 prefix coding of a length or distance: (prefix symbol, extra bit count, extra bits)."""
    d = value - 1
    if d < 4:
        return d, 0, 0
    high = d.bit_length() - 1
    second = (d >> (high - 1)) & 1
    extra = high - 1
    return 2 * high + second, extra, d & ((1 << extra) - 1)


def _vp8l_code(bits: _LsbBits, used: set[int], alphabet: int) -> dict[int, tuple[int, int]]:
    """Write a prefix code for ``used`` symbols; return symbol -> (reversed code, length)."""
    symbols = sorted(used)
    if len(symbols) == 1 and symbols[0] < 256:
        sym = symbols[0]
        bits.put(1, 1)  # simple code
        bits.put(0, 1)  # one symbol
        if sym < 2:
            bits.put(0, 1)
            bits.put(sym, 1)
        else:
            bits.put(1, 1)
            bits.put(sym, 8)
        return {sym: (0, 0)}
    if len(symbols) == 1:
        # A lone symbol past 255 cannot use the simple form; pair it with an unused partner.
        symbols = sorted({*symbols, 0})
    lengths = _balanced_lengths(symbols)
    length_symbols = sorted({0, *lengths.values()})
    cl_codes = _canonical_codes(_balanced_lengths(length_symbols))
    cl_lengths = {sym: length for sym, (_, length) in cl_codes.items()}
    count = max(4, max(_VP8L_CODE_LENGTH_ORDER.index(s) for s in cl_lengths) + 1)
    bits.put(0, 1)  # normal code
    bits.put(count - 4, 4)
    for sym in _VP8L_CODE_LENGTH_ORDER[:count]:
        bits.put(cl_lengths.get(sym, 0), 3)
    bits.put(0, 1)  # code lengths run to the end of the alphabet
    for sym in range(alphabet):
        code, length = cl_codes[lengths.get(sym, 0)]
        bits.put(_reverse(code, length), length)
    return {s: (_reverse(c, n), n) for s, (c, n) in _canonical_codes(lengths).items()}


def _webp(width: int, height: int, rows: list[bytes]) -> bytes:
    length_sym, length_extra_n, length_extra = _vp8l_prefix(width)
    literal_rows = [y for y in range(height) if y == 0 or rows[y] != rows[y - 1]]
    greens, reds, blues = set(), set(), set()
    for y in literal_rows:
        row = rows[y]
        reds.update(row[0::3])
        greens.update(row[1::3])
        blues.update(row[2::3])
    bits = _LsbBits()
    bits.put(0x2F, 8)
    bits.put(width - 1, 14)
    bits.put(height - 1, 14)
    bits.put(0, 1)  # alpha is unused
    bits.put(0, 3)  # version
    bits.put(0, 1)  # no transforms
    bits.put(0, 1)  # no colour cache
    bits.put(0, 1)  # a single prefix-code group
    green = _vp8l_code(bits, greens | {256 + length_sym}, _VP8L_GREEN_ALPHABET)
    red = _vp8l_code(bits, reds, 256)
    blue = _vp8l_code(bits, blues, 256)
    _vp8l_code(bits, {255}, 256)
    distance_sym, _, _ = _vp8l_prefix(_VP8L_DISTANCE_ABOVE)
    _vp8l_code(bits, {distance_sym}, 40)
    copy_code, copy_len = green[256 + length_sym]
    literal_set = set(literal_rows)
    for y in range(height):
        if y not in literal_set:
            bits.put(copy_code, copy_len)
            bits.put(length_extra, length_extra_n)
            continue
        row = rows[y]
        for i in range(0, 3 * width, 3):
            bits.put(*green[row[i + 1]])
            bits.put(*red[row[i]])
            bits.put(*blue[row[i + 2]])
    payload = bits.to_bytes()
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) % 2)
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


# ---------------------------------------------------------------- archives


def _zip_frames(width: int, height: int, seconds: float, seed: int) -> bytes:
    w, h = fit_size(width, height, IMAGE_LIMIT)
    # One frame a second, the frame rate of the emulator's videos.
    frames = max(1, math.ceil(round(seconds, 3)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(frames):
            info = zipfile.ZipInfo(f"frame_{i:04d}.png", date_time=_ZIP_TIME)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            # PNG data is already deflated; storing it keeps the archive byte-stable.
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, _png(w, h, _picture(w, h, seed, i / 8)))
    return out.getvalue()
