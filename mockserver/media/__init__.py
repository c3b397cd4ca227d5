"""Small, valid, deterministic media files for task outputs, made with the standard library only."""

from __future__ import annotations

import functools
import hashlib
import io
import math
import re
import struct
import wave
import zipfile
import zlib

CONTENT_TYPES: dict[str, str] = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "zip": "application/zip",
}
EXTENSIONS: frozenset[str] = frozenset(CONTENT_TYPES)
KINDS: dict[str, frozenset[str]] = {
    "image": frozenset({"png", "jpeg", "jpg", "webp", "svg"}),
    "video": frozenset({"mp4", "mov"}),
    "audio": frozenset({"wav", "mp3", "flac", "ogg"}),
    "archive": frozenset({"zip"}),
}

IMAGE_LIMIT = 256
VIDEO_LIMIT = 64
MAX_SECONDS = 600.0
MAX_SIDE = 65535
AUDIO_RATE = 8000
ASPECT_TOLERANCE = 0.02
_ASPECT_GOAL = 0.015  # what fit_size aims for, leaving a margin under the promised tolerance
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@functools.lru_cache(maxsize=256)
def render(kind: str, ext: str, width: int, height: int, seconds: float,
           seed: int, audio: bool = False) -> tuple[bytes, str]:
    """Return (file bytes, content type) for a ``kind``/``ext`` artifact of that size and length.

    ``audio`` gives a video a PCM sound track as long as the picture.
    """
    kind = str(kind).lower()
    ext = str(ext).lower().lstrip(".")
    if kind not in KINDS:
        raise ValueError(f"unknown media kind {kind!r}; expected one of {sorted(KINDS)}")
    if ext not in KINDS[kind]:
        raise ValueError(f"unsupported {kind} extension {ext!r}; expected one of "
                         f"{sorted(KINDS[kind])}")
    seed = int(seed)
    if kind in ("image", "video", "archive"):
        _check_size(width, height)
    if kind in ("video", "audio", "archive"):
        seconds = _check_seconds(seconds)
    if kind == "image":
        data = _render_image(ext, int(width), int(height), seed)
    elif kind == "video":
        w, h = fit_size(int(width), int(height), VIDEO_LIMIT, even=True)
        data = _mp4(w, h, seconds, seed, quicktime=ext == "mov", audio=bool(audio))
    elif kind == "audio":
        data = {"wav": _wav, "mp3": _mp3, "flac": _flac, "ogg": _ogg_opus}[ext](seconds, seed)
    else:
        data = _zip_frames(int(width), int(height), seconds, seed)
    return data, CONTENT_TYPES[ext]


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


def _check_size(width: object, height: object) -> None:
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIDE:
            raise ValueError(f"{name} must be an integer from 1 to {MAX_SIDE}, got {value!r}")


def _check_seconds(seconds: object) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ValueError(f"seconds must be a number, got {seconds!r}")
    value = float(seconds)
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise ValueError(f"seconds must be in (0, {MAX_SECONDS:g}], got {seconds!r}")
    return value


def _digest(seed: int, purpose: str) -> bytes:
    return hashlib.blake2b(f"{purpose}:{seed}".encode(), digest_size=32,
                           person=b"runway-media").digest()


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


# ---------------------------------------------------------------- H.264 in MP4 / MOV


def _nal(header: int, rbsp: bytes) -> bytes:
    # Emulation prevention: no 00 00 0x (x <= 3) may appear inside a NAL unit.
    return bytes([header]) + re.sub(rb"\x00\x00(?=[\x00-\x03])", b"\x00\x00\x03", rbsp)


def _h264_sps(width: int, height: int) -> bytes:
    mbw, mbh = -(-width // 16), -(-height // 16)
    b = _MsbBits()
    b.u(66, 8)  # Baseline
    b.u(0b11000000, 8)  # constraint_set0/1: also decodable as Main
    b.u(20, 8)  # level 2.0
    b.ue(0)  # seq_parameter_set_id
    b.ue(0)  # log2_max_frame_num_minus4
    b.ue(2)  # pic_order_cnt_type: output order is decode order
    b.ue(1)  # max_num_ref_frames
    b.u(0, 1)  # gaps_in_frame_num_value_allowed_flag
    b.ue(mbw - 1)
    b.ue(mbh - 1)
    b.u(1, 1)  # frame_mbs_only_flag
    b.u(1, 1)  # direct_8x8_inference_flag
    crop_right, crop_bottom = (mbw * 16 - width) // 2, (mbh * 16 - height) // 2
    b.u(1 if crop_right or crop_bottom else 0, 1)
    if crop_right or crop_bottom:
        for value in (0, crop_right, 0, crop_bottom):
            b.ue(value)
    b.u(1, 1)  # vui_parameters_present_flag
    b.u(0, 5)  # no aspect, overscan, signal type, chroma location or timing info
    b.u(0, 3)  # no NAL/VCL HRD, no pic_struct
    b.u(1, 1)  # bitstream_restriction_flag, so decoders know there is no reordering delay
    b.u(1, 1)  # motion_vectors_over_pic_boundaries_flag
    b.ue(0)  # max_bytes_per_pic_denom
    b.ue(0)  # max_bits_per_mb_denom
    b.ue(15)  # log2_max_mv_length_horizontal
    b.ue(15)  # log2_max_mv_length_vertical
    b.ue(0)  # max_num_reorder_frames
    b.ue(1)  # max_dec_frame_buffering
    b.raw("1")  # rbsp_stop_one_bit
    return _nal(0x67, b.to_bytes())


def _h264_pps() -> bytes:
    b = _MsbBits()
    b.ue(0)  # pic_parameter_set_id
    b.ue(0)  # seq_parameter_set_id
    b.u(0, 1)  # entropy_coding_mode_flag: CAVLC
    b.u(0, 1)  # bottom_field_pic_order_in_frame_present_flag
    b.ue(0)  # num_slice_groups_minus1
    b.ue(0)  # num_ref_idx_l0_default_active_minus1
    b.ue(0)  # num_ref_idx_l1_default_active_minus1
    b.u(0, 1)  # weighted_pred_flag
    b.u(0, 2)  # weighted_bipred_idc
    b.se(0)  # pic_init_qp_minus26
    b.se(0)  # pic_init_qs_minus26
    b.se(0)  # chroma_qp_index_offset
    b.u(1, 1)  # deblocking_filter_control_present_flag
    b.u(0, 1)  # constrained_intra_pred_flag
    b.u(0, 1)  # redundant_pic_cnt_present_flag
    b.raw("1")
    return _nal(0x68, b.to_bytes())


_I_PCM_NEXT = b"\x0d\x00"  # mb_type ue(25) = I_PCM, then pcm_alignment_zero_bits


def _h264_idr(macroblocks: list[bytes], idr_pic_id: int) -> bytes:
    b = _MsbBits()
    b.ue(0)  # first_mb_in_slice
    b.ue(7)  # slice_type: I, and every slice of the picture is I
    b.ue(0)  # pic_parameter_set_id
    b.u(0, 4)  # frame_num
    b.ue(idr_pic_id)
    b.u(0, 1)  # no_output_of_prior_pics_flag
    b.u(0, 1)  # long_term_reference_flag
    b.se(0)  # slice_qp_delta
    b.ue(1)  # disable_deblocking_filter_idc: PCM samples are final
    b.ue(25)  # mb_type I_PCM
    rbsp = b.to_bytes() + macroblocks[0] + b"".join(_I_PCM_NEXT + mb for mb in macroblocks[1:])
    return _nal(0x65, rbsp + b"\x80")


def _ycbcr_row(row: bytes, coded_width: int) -> tuple[bytes, bytes, bytes]:
    """Limited-range BT.601 luma and 2:1 subsampled chroma of one RGB row, edge-padded."""
    luma, cb, cr = bytearray(), bytearray(), bytearray()
    last = len(row) // 3 - 1
    for x in range(coded_width):
        i = 3 * min(x, last)
        r, g, b = row[i], row[i + 1], row[i + 2]
        luma.append(round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255))
        if x % 2 == 0:
            j = 3 * min(x + 1, last)
            r = (r + row[j]) / 2
            g = (g + row[j + 1]) / 2
            b = (b + row[j + 2]) / 2
            cb.append(round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255))
            cr.append(round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255))
    return bytes(luma), bytes(cb), bytes(cr)


def _h264_frame(width: int, height: int, rows: list[bytes]) -> list[bytes]:
    """The I_PCM macroblocks (256 luma + 64 Cb + 64 Cr samples each) of one picture."""
    mbw, mbh = -(-width // 16), -(-height // 16)
    converted: dict[bytes, tuple[bytes, bytes, bytes]] = {}
    planes = []
    for y in range(mbh * 16):
        row = rows[min(y, height - 1)]
        if row not in converted:
            converted[row] = _ycbcr_row(row, mbw * 16)
        planes.append(converted[row])
    mbs = []
    for my in range(mbh):
        for mx in range(mbw):
            luma = b"".join(planes[my * 16 + r][0][mx * 16:mx * 16 + 16] for r in range(16))
            cb = b"".join(planes[my * 16 + 2 * r][1][mx * 8:mx * 8 + 8] for r in range(8))
            cr = b"".join(planes[my * 16 + 2 * r][2][mx * 8:mx * 8 + 8] for r in range(8))
            mbs.append(luma + cb + cr)
    return mbs


def _box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full_box(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", version << 24 | flags), *parts)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
_TIMESCALE = 1000


def _sound_track(seconds: float, seed: int, *, quicktime: bool, movie_duration: int,
                 chunk_offset: int) -> bytes:
    """A ``trak`` of mono 16-bit little-endian PCM (``sowt``) at AUDIO_RATE, one chunk.

    ``sowt`` needs no codec configuration box and ffmpeg, QuickTime and browsers'
    demuxers read it in both .mov and .mp4 files.
    """
    count = max(1, round(seconds * AUDIO_RATE))
    sowt = _box(b"sowt", b"\x00" * 6, struct.pack(">H", 1),
                struct.pack(">HHI", 0, 0, 0),  # sound description version 0, revision, vendor
                struct.pack(">HHHH", 1, 16, 0, 0),  # mono, 16 bits, no compression id
                struct.pack(">I", AUDIO_RATE << 16))
    stbl = _box(
        b"stbl",
        _full_box(b"stsd", 0, 0, struct.pack(">I", 1), sowt),
        _full_box(b"stts", 0, 0, struct.pack(">III", 1, count, 1)),
        _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, count, 1)),
        _full_box(b"stsz", 0, 0, struct.pack(">II", 2, count)),
        _full_box(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset)),
    )
    if quicktime:
        hdlr = _full_box(b"hdlr", 0, 0, b"mhlr", b"soun", b"\x00" * 12, b"\x0cSoundHandler")
        data_handler = _full_box(b"hdlr", 0, 0, b"dhlr", b"alis", b"\x00" * 12,
                                 b"\x0bDataHandler")
        data_ref = _full_box(b"alis", 0, 1)
        track_flags = 0xF
    else:
        hdlr = _full_box(b"hdlr", 0, 0, b"\x00" * 4, b"soun", b"\x00" * 12, b"SoundHandler\x00")
        data_handler = b""
        data_ref = _full_box(b"url ", 0, 1)
        track_flags = 3
    return _box(
        b"trak",
        _full_box(b"tkhd", 0, track_flags, struct.pack(">IIIII", 0, 0, 2, 0, movie_duration),
                  b"\x00" * 8, struct.pack(">hhhH", 0, 1, 0x100, 0), _MATRIX,
                  struct.pack(">II", 0, 0)),
        _box(
            b"mdia",
            _full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, AUDIO_RATE, count, 0x55C4, 0)),
            hdlr,
            _box(b"minf", _full_box(b"smhd", 0, 0, struct.pack(">hH", 0, 0)), data_handler,
                 _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1), data_ref)),
                 stbl),
        ),
    )


def _sound_samples(seconds: float, seed: int) -> bytes:
    """The PCM of a video's sound track: the seed's quiet tone, little-endian."""
    tone = _tone(seed)
    count = max(1, round(seconds * AUDIO_RATE))
    return struct.pack(f"<{count}h", *_tone_samples(tone, count))


def _mp4(width: int, height: int, seconds: float, seed: int, *, quicktime: bool,
         audio: bool = False) -> bytes:
    duration = max(1, round(seconds * _TIMESCALE))
    frames = -(-duration // _TIMESCALE)
    # One picture a second; the last one lasts only as long as the remainder.
    deltas = [_TIMESCALE] * (frames - 1) + [duration - _TIMESCALE * (frames - 1)]
    sps, pps = _h264_sps(width, height), _h264_pps()
    phase_step = (_digest(seed, "motion")[0] % 5 + 2) / 16
    samples = []
    for i in range(frames):
        nal = _h264_idr(_h264_frame(width, height, _picture(width, height, seed,
                                                             i * phase_step)), i % 2)
        samples.append(struct.pack(">I", len(nal)) + nal)

    stts_runs: list[list[int]] = []
    for delta in deltas:
        if stts_runs and stts_runs[-1][1] == delta:
            stts_runs[-1][0] += 1
        else:
            stts_runs.append([1, delta])
    avcc = _box(b"avcC", bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1]),
                struct.pack(">H", len(sps)), sps, bytes([1]), struct.pack(">H", len(pps)), pps)
    compressor = b"runway-mock I_PCM"
    avc1 = _box(b"avc1", b"\x00" * 6, struct.pack(">H", 1), b"\x00" * 16,
                struct.pack(">HHIIIH", width, height, 0x480000, 0x480000, 0, 1),
                bytes([len(compressor)]) + compressor.ljust(31, b"\x00"),
                struct.pack(">Hh", 0x18, -1), avcc)

    def stbl(chunk_offset: int) -> bytes:
        return _box(
            b"stbl",
            _full_box(b"stsd", 0, 0, struct.pack(">I", 1), avc1),
            _full_box(b"stts", 0, 0, struct.pack(">I", len(stts_runs)),
                      *(struct.pack(">II", n, d) for n, d in stts_runs)),
            _full_box(b"stss", 0, 0, struct.pack(f">{frames + 1}I", frames,
                                                 *range(1, frames + 1))),
            _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, frames, 1)),
            _full_box(b"stsz", 0, 0, struct.pack(f">II{frames}I", 0, frames,
                                                 *map(len, samples))),
            _full_box(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset)),
        )

    if quicktime:
        # QuickTime names handlers with Pascal strings and references data with aliases.
        hdlr = _full_box(b"hdlr", 0, 0, b"mhlr", b"vide", b"\x00" * 12, b"\x0cVideoHandler")
        data_handler = _full_box(b"hdlr", 0, 0, b"dhlr", b"alis", b"\x00" * 12,
                                 b"\x0bDataHandler")
        data_ref = _full_box(b"alis", 0, 1)
        track_flags = 0xF  # enabled, in movie, in preview, in poster
    else:
        hdlr = _full_box(b"hdlr", 0, 0, b"\x00" * 4, b"vide", b"\x00" * 12, b"VideoHandler\x00")
        data_handler = b""
        data_ref = _full_box(b"url ", 0, 1)
        track_flags = 3  # enabled, in movie

    def moov(chunk_offset: int) -> bytes:
        return _box(
            b"moov",
            _full_box(b"mvhd", 0, 0, struct.pack(">IIII", 0, 0, _TIMESCALE, duration),
                      struct.pack(">IH", 0x10000, 0x100), b"\x00" * 10, _MATRIX,
                      b"\x00" * 24, struct.pack(">I", 3 if audio else 2)),
            _box(
                b"trak",
                _full_box(b"tkhd", 0, track_flags, struct.pack(">IIIII", 0, 0, 1, 0, duration),
                          b"\x00" * 8, struct.pack(">hhhH", 0, 0, 0, 0), _MATRIX,
                          struct.pack(">II", width << 16, height << 16)),
                _box(
                    b"mdia",
                    _full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, _TIMESCALE,
                                                         duration, 0x55C4, 0)),
                    hdlr,
                    _box(
                        b"minf",
                        _full_box(b"vmhd", 0, 1, b"\x00" * 8),
                        data_handler,
                        _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1),
                                                data_ref)),
                        stbl(chunk_offset),
                    ),
                ),
            ),
            _sound_track(seconds, seed, quicktime=quicktime, movie_duration=duration,
                         chunk_offset=chunk_offset + video_bytes) if audio else b"",
        )

    if quicktime:
        ftyp = _box(b"ftyp", b"qt  ", struct.pack(">I", 0x200), b"qt  ")
    else:
        ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    # stco is fixed-size, so the moov length does not depend on the offset it records.
    # The sound (if any) follows the pictures in mdat as one chunk.
    video_bytes = sum(map(len, samples))
    offset = len(ftyp) + len(moov(0)) + 8
    sound = _sound_samples(seconds, seed) if audio else b""
    mdat = _box(b"mdat", *samples, sound)
    return ftyp + moov(offset) + mdat


# ---------------------------------------------------------------- audio


def _tone(seed: int) -> list[int]:
    """One period of a quiet sine (about -24 dBFS) whose pitch depends on the seed."""
    d = _digest(seed, "tone")
    period = 16 + d[0] % 25  # 200..500 Hz at 8 kHz, a whole number of samples per cycle
    return [round(2000 * math.sin(2 * math.pi * i / period)) for i in range(period)]


def _tone_samples(tone: list[int], count: int) -> list[int]:
    return (tone * (count // len(tone) + 1))[:count]


def _wav(seconds: float, seed: int) -> bytes:
    tone = _tone(seed)
    count = max(1, round(seconds * AUDIO_RATE))
    period = struct.pack(f"<{len(tone)}h", *tone)
    pcm = (period * (count // len(tone) + 1))[: 2 * count]
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(AUDIO_RATE)
        w.writeframes(pcm)
    return out.getvalue()


_MP3_HEADER = bytes([0xFF, 0xFB, 0x14, 0xC4])  # MPEG-1 Layer III, 32 kbit/s, 48 kHz, mono
_MP3_FRAME_BYTES = 144 * 32000 // 48000
_MP3_FRAME_SAMPLES = 1152


def _id3_tag(title: str) -> bytes:
    """An ID3v2.3 tag holding just a title frame."""
    body = b"\x00" + title.encode("latin-1")
    frame = b"TIT2" + struct.pack(">IH", len(body), 0) + body
    size = bytes((len(frame) >> shift) & 0x7F for shift in (21, 14, 7, 0))  # syncsafe
    return b"ID3\x03\x00\x00" + size + frame


def _mp3(seconds: float, seed: int) -> bytes:
    frames = max(1, round(seconds * 48000 / _MP3_FRAME_SAMPLES))
    # Zeroed side information: main_data_begin 0 and empty granules decode to silence.
    frame = _MP3_HEADER + b"\x00" * (_MP3_FRAME_BYTES - len(_MP3_HEADER))
    # The audio is silent whatever the seed, so the tag is what tells artifacts apart.
    title = f"runway-mock {_digest(seed, 'mp3')[:8].hex()}"
    return _id3_tag(title) + frame * frames


def _crc_table(poly: int, width: int) -> list[int]:
    top, mask = 1 << (width - 1), (1 << width) - 1
    table = []
    for byte in range(256):
        crc = byte << (width - 8)
        for _ in range(8):
            crc = ((crc << 1) ^ poly) & mask if crc & top else (crc << 1) & mask
        table.append(crc)
    return table


_CRC8 = _crc_table(0x07, 8)
_CRC16 = _crc_table(0x8005, 16)
_CRC32_OGG = _crc_table(0x04C11DB7, 32)


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = _CRC8[crc ^ byte]
    return crc


def _crc16(data: bytes) -> int:
    crc = 0
    table = _CRC16
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ byte]
    return crc


def _crc32_ogg(data: bytes) -> int:
    crc = 0
    table = _CRC32_OGG
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ table[(crc >> 24) ^ byte]
    return crc


def _flac_utf8(value: int) -> bytes:
    if value < 0x80:
        return bytes([value])
    for nbytes in range(2, 8):
        if value < 1 << (5 * nbytes + 1):
            break
    tail = [0x80 | (value >> (6 * i)) & 0x3F for i in range(nbytes - 2, -1, -1)]
    lead = (0xFF << (8 - nbytes)) & 0xFF | value >> (6 * (nbytes - 1))
    return bytes([lead, *tail])


_FLAC_LPC_SHIFT = 13
_FLAC_LPC_PRECISION = 15


def _flac_subframe(samples: list[int], period: int) -> bytes:
    """An order-2 LPC subframe (16-bit mono, one Rice partition), byte-padded."""
    # A sine obeys s[n] = 2cos(w)s[n-1] - s[n-2], so with that predictor only the rounding
    # of the stored samples is left as residual: a bit or two a sample, inside the FLAC subset.
    one = 1 << _FLAC_LPC_SHIFT
    coefs = (round(2 * math.cos(2 * math.pi / period) * one), -one)
    residuals = [samples[i] - ((coefs[0] * samples[i - 1] + coefs[1] * samples[i - 2])
                               >> _FLAC_LPC_SHIFT) for i in range(2, len(samples))]
    folded = [2 * r if r >= 0 else -2 * r - 1 for r in residuals]
    k = min(range(15), key=lambda p: sum(u >> p for u in folded) + len(folded) * (p + 1))
    b = _MsbBits()
    b.raw("0" + "100001" + "0")  # padding, LPC of order 2, no wasted bits
    b.u(samples[0], 16)
    b.u(samples[1], 16)
    b.u(_FLAC_LPC_PRECISION - 1, 4)
    b.u(_FLAC_LPC_SHIFT, 5)
    for coef in coefs:
        b.u(coef, _FLAC_LPC_PRECISION)
    b.u(0, 2)  # Rice coding with 4-bit parameters
    b.u(0, 4)  # partition order 0
    b.u(k, 4)
    mask = (1 << k) - 1
    fmt = f"0{k}b"
    for u in folded:
        b.raw("0" * (u >> k) + "1" + (format(u & mask, fmt) if k else ""))
    return b.to_bytes()


def _flac(seconds: float, seed: int) -> bytes:
    tone = _tone(seed)
    block = len(tone) * (4096 // len(tone))
    total = max(16, round(seconds * AUDIO_RATE))
    blocks = [block] * (total // block)
    rest = total % block
    # A final block shorter than 16 samples is dropped (at most 2 ms) rather than special-cased.
    if rest >= 16 or not blocks:
        blocks.append(rest)
    total = sum(blocks)
    subframes: dict[int, bytes] = {}
    frames = []
    for number, size in enumerate(blocks):
        if size not in subframes:
            # Every block starts on a whole period, so equal-sized blocks code identically.
            subframes[size] = _flac_subframe(_tone_samples(tone, size), len(tone))
        header = (b"\xff\xf8" + bytes([0b0111_0100, 0b0000_1000]) + _flac_utf8(number)
                  + struct.pack(">H", size - 1))
        header += bytes([_crc8(header)])
        frame = header + subframes[size]
        frames.append(frame + struct.pack(">H", _crc16(frame)))
    samples = _tone_samples(tone, total)
    md5 = hashlib.md5(struct.pack(f"<{total}h", *samples)).digest()
    min_block = min(blocks[:-1]) if len(blocks) > 1 else blocks[0]
    info = struct.pack(">HH", min_block, max(blocks))
    sizes = [len(f) for f in frames]
    info += min(sizes).to_bytes(3, "big") + max(sizes).to_bytes(3, "big")
    info += (AUDIO_RATE << 44 | 0 << 41 | 15 << 36 | total).to_bytes(8, "big") + md5
    return b"fLaC" + bytes([0x80, 0, 0, len(info)]) + info + b"".join(frames)


_OPUS_SILENCE = b"\xf8\xff\xfe"  # TOC: CELT fullband 20 ms, one frame; payload codes silence
_OPUS_FRAME_SAMPLES = 960  # 20 ms at Opus's 48 kHz granule rate
_OPUS_PRE_SKIP = 312  # the customary encoder delay; players drop these samples
_OPUS_PACKETS_PER_PAGE = 50  # one second a page keeps seeking and muxing delay low


def _ogg_page(serial: int, sequence: int, granule: int, flags: int, packets: list[bytes]) -> bytes:
    lacing = bytearray()
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, serial, sequence, 0,
                         len(lacing))
    page = header + bytes(lacing) + b"".join(packets)
    crc = _crc32_ogg(page)
    return page[:22] + struct.pack("<I", crc) + page[26:]


def _ogg_opus(seconds: float, seed: int) -> bytes:
    serial = int.from_bytes(_digest(seed, "ogg")[:4], "little")
    total = max(1, round(seconds * 48000)) + _OPUS_PRE_SKIP
    packets = -(-total // _OPUS_FRAME_SAMPLES)
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, _OPUS_PRE_SKIP, 48000, 0, 0)
    vendor = b"runway-mock"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    pages = [_ogg_page(serial, 0, 0, 0x02, [head]), _ogg_page(serial, 1, 0, 0, [tags])]
    done = 0
    while done < packets:
        count = min(_OPUS_PACKETS_PER_PAGE, packets - done)
        done += count
        last = done == packets
        # The final granule position trims the last packet to the exact duration.
        granule = total if last else done * _OPUS_FRAME_SAMPLES
        pages.append(_ogg_page(serial, len(pages), granule, 0x04 if last else 0,
                               [_OPUS_SILENCE] * count))
    return b"".join(pages)


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
