"""Generated media files are real, valid, small, deterministic and keep the requested aspect."""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import wave
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

import pytest
from runway_mock import media

RATIOS = [(1280, 720), (720, 1280), (1584, 672), (960, 960), (2112, 912), (1104, 832),
          (1920, 1080), (3840, 2160)]
FORMATS = [("image", "png"), ("image", "jpeg"), ("image", "jpg"), ("image", "webp"),
           ("image", "svg"), ("video", "mp4"), ("video", "mov"), ("audio", "wav"),
           ("audio", "mp3"), ("audio", "flac"), ("audio", "ogg"), ("archive", "zip")]
FFMPEG = shutil.which("ffmpeg")
FFPROBE = shutil.which("ffprobe")
needs_ffmpeg = pytest.mark.skipif(
    FFMPEG is None or FFPROBE is None,
    reason="ffmpeg/ffprobe not installed (apt-get install ffmpeg): real-decoder checks skipped")


def fresh(kind: str, ext: str, width: int = 1280, height: int = 720, seconds: float = 5.0,
          seed: int = 1) -> bytes:
    """Render bypassing the cache, so determinism is tested rather than memoised."""
    data, _ = media.render.__wrapped__(kind, ext, width, height, seconds, seed)
    return data


def aspect_error(w: int, h: int, want_w: int, want_h: int) -> float:
    return abs(w / h - want_w / want_h) / (want_w / want_h)


# ---------------------------------------------------------------- independent parsers


def crc_msb(data: bytes, poly: int, width: int) -> int:
    """Bit-by-bit, non-reflected CRC with zero init (FLAC CRC-8/16, Ogg CRC-32)."""
    crc, top, mask = 0, 1 << (width - 1), (1 << width) - 1
    for byte in data:
        crc ^= byte << (width - 8)
        for _ in range(8):
            crc = ((crc << 1) ^ poly) & mask if crc & top else (crc << 1) & mask
    return crc


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    assert pos == len(data)
    return chunks


def check_png(data: bytes) -> tuple[int, int]:
    chunks = png_chunks(data)
    kinds = [k for k, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    w, h, depth, colour, compression, filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour, compression, filt, interlace) == (8, 2, 0, 0, 0)
    raw = zlib.decompress(b"".join(body for k, body in chunks if k == b"IDAT"))
    assert len(raw) == h * (1 + 3 * w)
    assert all(raw[y * (1 + 3 * w)] <= 4 for y in range(h)), "filter type out of range"
    return w, h


def jpeg_segments(data: bytes) -> dict[int, bytes]:
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    segments, pos = {}, 2
    while True:
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        (length,) = struct.unpack_from(">H", data, pos + 2)
        segments.setdefault(marker, data[pos + 4:pos + 2 + length])
        pos += 2 + length
        if marker == 0xDA:
            break
    scan = data[pos:-2]
    # Entropy-coded data may hold 0xFF only when stuffed with 0x00.
    assert all(scan[i + 1] == 0 for i in range(len(scan) - 1) if scan[i] == 0xFF)
    return segments


def jpeg_size(data: bytes) -> tuple[int, int]:
    segments = jpeg_segments(data)
    assert {0xE0, 0xDB, 0xC0, 0xC4, 0xDA} <= set(segments)
    assert segments[0xE0][:5] == b"JFIF\x00"
    precision, h, w, ncomp = struct.unpack_from(">BHHB", segments[0xC0])
    assert precision == 8 and ncomp == 3
    return w, h


def webp_size(data: bytes) -> tuple[int, int]:
    assert data[:4] == b"RIFF" and data[8:16] == b"WEBPVP8L"
    assert struct.unpack_from("<I", data, 4)[0] == len(data) - 8
    (chunk_len,) = struct.unpack_from("<I", data, 16)
    assert 20 + chunk_len + chunk_len % 2 == len(data)
    assert data[20] == 0x2F
    bits = int.from_bytes(data[21:25], "little")
    assert bits >> 29 == 0, "VP8L version must be 0"
    return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1


def boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes in data[start:end]."""
    end = len(data) if end is None else end
    out, pos = [], start
    while pos < end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        assert size >= 8 and pos + size <= end, f"box {kind!r} overruns its parent"
        out.append((kind, pos + 8, pos + size))
        pos += size
    assert pos == end
    return out


# Bytes before the child boxes of entries that are not plain containers.
CHILD_OFFSET = {"stsd": 8, "avc1": 78}  # version/flags + count; visual sample entry fields


def find_box(data: bytes, path: str) -> tuple[int, int]:
    """Payload (start, end) of the first box along a slash-separated path."""
    start, end, parent = 0, len(data), ""
    for name in path.split("/"):
        start += CHILD_OFFSET.get(parent, 0)
        matches = [(s, e) for k, s, e in boxes(data, start, end) if k == name.encode()]
        assert matches, f"no {name} box on path {path}"
        (start, end), parent = matches[0], name
    return start, end


class BitReader:
    """MSB-first reader with exp-Golomb codes, for the H.264 parameter sets."""

    def __init__(self, data: bytes) -> None:
        self.bits = "".join(f"{b:08b}" for b in data)
        self.pos = 0

    def u(self, n: int) -> int:
        value = int(self.bits[self.pos:self.pos + n], 2) if n else 0
        self.pos += n
        return value

    def ue(self) -> int:
        zeros = 0
        while self.bits[self.pos] == "0":
            zeros += 1
            self.pos += 1
        return self.u(zeros + 1) - 1


def sps_size(sps_nal: bytes) -> tuple[int, int, int]:
    """(profile, width, height) from a Baseline SPS NAL unit."""
    assert sps_nal[0] & 0x1F == 7
    r = BitReader(sps_nal[1:].replace(b"\x00\x00\x03", b"\x00\x00"))
    profile = r.u(8)
    r.u(16)
    r.ue()
    r.ue()
    poc_type = r.ue()
    assert poc_type == 2
    r.ue()
    r.u(1)
    mbw, mbh = r.ue() + 1, r.ue() + 1
    assert r.u(1) == 1  # frame_mbs_only
    r.u(1)
    crop = [r.ue() for _ in range(4)] if r.u(1) else [0, 0, 0, 0]
    return profile, mbw * 16 - 2 * (crop[0] + crop[1]), mbh * 16 - 2 * (crop[2] + crop[3])


def check_mp4(data: bytes, seconds: float, brand: bytes) -> tuple[int, int, int]:
    """Validate the box tree; return (width, height, sample count)."""
    top = [k for k, _, _ in boxes(data)]
    assert top == [b"ftyp", b"moov", b"mdat"]
    s, _ = find_box(data, "ftyp")
    assert data[s:s + 4] == brand
    s, _ = find_box(data, "moov/mvhd")
    timescale, duration = struct.unpack_from(">II", data, s + 12)
    assert duration / timescale == pytest.approx(seconds, abs=1e-3)
    s, _ = find_box(data, "moov/trak/tkhd")
    assert struct.unpack_from(">I", data, s + 20)[0] == duration
    w, h = (v >> 16 for v in struct.unpack_from(">II", data, s + 76))
    s, _ = find_box(data, "moov/trak/mdia/mdhd")
    mts, mdur = struct.unpack_from(">II", data, s + 12)
    assert mdur / mts == pytest.approx(seconds, abs=1e-3)
    s, _ = find_box(data, "moov/trak/mdia/hdlr")
    assert data[s + 8:s + 12] == b"vide"
    s, e = find_box(data, "moov/trak/mdia/minf/dinf/dref")
    assert [k for k, _, _ in boxes(data, s + 8, e)] == [b"alis" if brand == b"qt  " else b"url "]
    stbl = "moov/trak/mdia/minf/stbl"
    s, _ = find_box(data, f"{stbl}/stsd/avc1")
    assert struct.unpack_from(">HH", data, s + 24) == (w, h)
    s, e = find_box(data, f"{stbl}/stsd/avc1/avcC")
    avcc = data[s:e]
    assert avcc[0] == 1 and avcc[4] & 3 == 3 and avcc[5] & 0x1F == 1
    (sps_len,) = struct.unpack_from(">H", avcc, 6)
    profile, sw, sh = sps_size(avcc[8:8 + sps_len])
    assert profile == 66 and (sw, sh) == (w, h)
    s, _ = find_box(data, f"{stbl}/stts")
    (entries,) = struct.unpack_from(">I", data, s + 4)
    runs = [struct.unpack_from(">II", data, s + 8 + 8 * i) for i in range(entries)]
    assert sum(n * d for n, d in runs) == mdur
    count = sum(n for n, _ in runs)
    s, _ = find_box(data, f"{stbl}/stsz")
    fixed, n = struct.unpack_from(">II", data, s + 4)
    assert fixed == 0 and n == count
    sizes = struct.unpack_from(f">{n}I", data, s + 12)
    s, _ = find_box(data, f"{stbl}/stss")
    assert struct.unpack_from(f">{count + 1}I", data, s + 4) == (count, *range(1, count + 1))
    s, _ = find_box(data, f"{stbl}/stsc")
    assert struct.unpack_from(">IIII", data, s + 4) == (1, 1, count, 1)
    s, _ = find_box(data, f"{stbl}/stco")
    assert struct.unpack_from(">I", data, s + 4)[0] == 1
    (offset,) = struct.unpack_from(">I", data, s + 8)
    mdat_start, mdat_end = find_box(data, "mdat")
    assert offset == mdat_start and sum(sizes) == mdat_end - mdat_start
    pos = offset
    for size in sizes:
        (nal_len,) = struct.unpack_from(">I", data, pos)
        assert nal_len == size - 4 and data[pos + 4] & 0x1F == 5, "each sample is one IDR slice"
        pos += size
    return w, h, count


# ---------------------------------------------------------------- images


@pytest.mark.parametrize(("width", "height"), RATIOS)
def test_png_is_valid_and_keeps_aspect(width: int, height: int) -> None:
    """PNGs have valid chunks and CRCs, fit 256 px keeping the aspect, and stay small."""
    data, ctype = media.render("image", "png", width, height, 5.0, 3)
    assert ctype == "image/png"
    w, h = check_png(data)
    assert (w, h) == media.fit_size(width, height, media.IMAGE_LIMIT)
    assert max(w, h) == 256 and aspect_error(w, h, width, height) < 0.02
    assert len(data) < 16_000


@pytest.mark.parametrize(("width", "height"), RATIOS)
def test_jpeg_has_markers_and_frame_size(width: int, height: int) -> None:
    """JPEGs have the JFIF markers and a frame fitting the aspect; jpg is the same file."""
    data, ctype = media.render("image", "jpeg", width, height, 5.0, 4)
    assert ctype == "image/jpeg"
    w, h = jpeg_size(data)
    assert (w, h) == media.fit_size(width, height, media.IMAGE_LIMIT)
    assert aspect_error(w, h, width, height) < 0.02
    assert media.render("image", "jpg", width, height, 5.0, 4) == (data, "image/jpeg")


@pytest.mark.parametrize(("width", "height"), RATIOS)
def test_webp_header(width: int, height: int) -> None:
    """WebP files have a valid RIFF/VP8L header with the fitted size, and stay small."""
    data, ctype = media.render("image", "webp", width, height, 5.0, 5)
    assert ctype == "image/webp"
    w, h = webp_size(data)
    assert (w, h) == media.fit_size(width, height, media.IMAGE_LIMIT)
    assert len(data) < 32_000


def test_svg_is_xml_with_the_requested_size() -> None:
    """SVGs parse as XML with the requested width, height and viewBox."""
    data, ctype = media.render("image", "svg", 1584, 672, 5.0, 6)
    assert ctype == "image/svg+xml"
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == ("1584", "672")
    assert root.get("viewBox") == "0 0 1584 672"


# ---------------------------------------------------------------- video


@pytest.mark.parametrize(("ext", "brand"), [("mp4", b"isom"), ("mov", b"qt  ")])
@pytest.mark.parametrize("seconds", [10.0, 2.5, 0.5])
def test_video_box_tree(ext: str, brand: bytes, seconds: float) -> None:
    """MP4/MOV files have a consistent box tree, the brand, duration and one frame a second."""
    data, ctype = media.render("video", ext, 1920, 1080, seconds, 7)
    assert ctype == ("video/mp4" if ext == "mp4" else "video/quicktime")
    w, h, frames = check_mp4(data, seconds, brand)
    assert (w, h) == (64, 36)
    assert frames == max(1, -(-seconds // 1))


@pytest.mark.parametrize(("width", "height"), RATIOS)
def test_video_keeps_aspect_with_even_sides(width: int, height: int) -> None:
    """Videos fit 64 px with even sides and keep the requested aspect."""
    w, h, _ = check_mp4(fresh("video", "mp4", width, height, 3.0), 3.0, b"isom")
    assert max(w, h) <= 64 and min(w, h) >= 2 and w % 2 == 0 and h % 2 == 0
    assert aspect_error(w, h, width, height) < 0.02


def test_long_4k_video_stays_small() -> None:
    """A 15 s 4K video stays a valid MP4 under 300 kB."""
    data = fresh("video", "mp4", 3840, 2160, 15.0)
    check_mp4(data, 15.0, b"isom")
    assert len(data) < 300_000


# ---------------------------------------------------------------- audio


@pytest.mark.parametrize("seconds", [10.0, 2.5, 0.5])
def test_wav_duration_and_format(seconds: float) -> None:
    """WAVs are mono 16-bit, have the requested duration and a quiet, non-silent tone."""
    data, ctype = media.render("audio", "wav", 0, 0, seconds, 8)
    assert ctype == "audio/wav"
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        assert 8000 <= w.getframerate() <= 16000
        assert w.getnframes() / w.getframerate() == pytest.approx(seconds, abs=1e-3)
        samples = struct.unpack(f"<{w.getnframes()}h", w.readframes(w.getnframes()))
    peak = max(map(abs, samples))
    assert 0 < peak < 8000, "a quiet, non-silent tone"


@pytest.mark.parametrize("seconds", [10.0, 2.5, 0.5])
def test_mp3_frames(seconds: float) -> None:
    """MP3s are an ID3 tag then MPEG-1 Layer III frames adding up to the duration."""
    data, ctype = media.render("audio", "mp3", 0, 0, seconds, 9)
    assert ctype == "audio/mpeg"
    assert data[:3] == b"ID3"
    tag_size = 10 + sum(b << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
    pos, frames = tag_size, 0
    while pos < len(data):
        header = int.from_bytes(data[pos:pos + 4], "big")
        assert header >> 21 == 0x7FF, "frame sync"
        assert (header >> 19) & 3 == 3 and (header >> 17) & 3 == 1, "MPEG-1 Layer III"
        bitrate = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128][(header >> 12) & 0xF] * 1000
        rate = [44100, 48000, 32000][(header >> 10) & 3]
        pos += 144 * bitrate // rate + ((header >> 9) & 1)
        frames += 1
    assert pos == len(data)
    assert frames * 1152 / rate == pytest.approx(seconds, abs=0.03)


def utf8_len(lead: int) -> int:
    return 1 if lead < 0x80 else f"{lead:08b}".index("0")


def flac_frames(data: bytes) -> list[bytes]:
    """Split a FLAC stream into frames, checking header CRC-8s and frame CRC-16s."""
    starts = []
    for pos in range(len(data) - 1):
        if data[pos] == 0xFF and data[pos + 1] == 0xF8:
            # Header: 4 fixed bytes, a UTF-8 frame number, a 16-bit block size, CRC-8.
            end = pos + 4 + utf8_len(data[pos + 4]) + 2
            if end < len(data) and crc_msb(data[pos:end], 0x07, 8) == data[end]:
                starts.append(pos)
    frames = [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]
    for frame in frames:
        assert crc_msb(frame[:-2], 0x8005, 16) == int.from_bytes(frame[-2:], "big")
    return frames


@pytest.mark.parametrize("seconds", [10.0, 2.5, 0.5])
def test_flac_streaminfo_and_crcs(seconds: float) -> None:
    """FLAC STREAMINFO matches the frames, every CRC checks and the duration is right."""
    data, ctype = media.render("audio", "flac", 0, 0, seconds, 10)
    assert ctype == "audio/flac"
    assert data[:4] == b"fLaC" and data[4] == 0x80 and data[5:8] == b"\x00\x00\x22"
    info = data[8:42]
    min_block, max_block = struct.unpack_from(">HH", info)
    packed = int.from_bytes(info[10:18], "big")
    rate, channels, bps, total = (packed >> 44, (packed >> 41 & 7) + 1,
                                  (packed >> 36 & 31) + 1, packed & (1 << 36) - 1)
    assert (channels, bps) == (1, 16) and 8000 <= rate <= 16000
    assert total / rate == pytest.approx(seconds, abs=0.01)
    frames = flac_frames(data[42:])
    assert sum(len(f) for f in frames) == len(data) - 42
    sizes = [struct.unpack_from(">H", f, 4 + utf8_len(f[4]))[0] + 1 for f in frames]
    assert sum(sizes) == total and max(sizes) <= max_block and min_block >= 16


def ogg_pages(data: bytes) -> list[tuple[int, int, list[bytes]]]:
    """(flags, granule, packets) of each page, checking capture patterns and CRCs."""
    pages, pos, pending = [], 0, b""
    while pos < len(data):
        assert data[pos:pos + 5] == b"OggS\x00"
        flags, granule, _serial, _seq, crc, nseg = struct.unpack_from("<BqIIIB", data, pos + 5)
        lacing = data[pos + 27:pos + 27 + nseg]
        end = pos + 27 + nseg + sum(lacing)
        page = bytearray(data[pos:end])
        page[22:26] = b"\x00" * 4
        assert crc_msb(bytes(page), 0x04C11DB7, 32) == crc
        packets, body = [], pos + 27 + nseg
        for value in lacing:
            pending += data[body:body + value]
            body += value
            if value < 255:
                packets.append(pending)
                pending = b""
        pages.append((flags, granule, packets))
        pos = end
    return pages


@pytest.mark.parametrize("seconds", [10.0, 2.5, 0.5])
def test_ogg_opus_pages(seconds: float) -> None:
    """Ogg Opus pages have valid CRCs, head/tags packets and a granule matching the duration."""
    data, ctype = media.render("audio", "ogg", 0, 0, seconds, 11)
    assert ctype == "audio/ogg"
    pages = ogg_pages(data)
    assert pages[0][0] == 0x02 and pages[0][2][0][:8] == b"OpusHead"
    assert pages[1][2][0][:8] == b"OpusTags"
    assert pages[-1][0] & 0x04 and all(not p[0] & 0x04 for p in pages[:-1])
    version, channels, pre_skip, rate = struct.unpack_from("<BBHI", pages[0][2][0], 8)
    assert (version, channels, rate) == (1, 1, 48000)
    packets = [p for _, _, ps in pages[2:] for p in ps]
    assert all(p[0] >> 3 == 31 and p[0] & 3 == 0 for p in packets), "CELT FB 20 ms, 1 frame"
    assert (pages[-1][1] - pre_skip) / 48000 == pytest.approx(seconds, abs=1e-3)
    assert len(packets) * 960 >= pages[-1][1]


# ---------------------------------------------------------------- archives


def test_zip_holds_png_frames() -> None:
    """A zip archive holds numbered, distinct, valid PNG frames of the fitted size."""
    data, ctype = media.render("archive", "zip", 1584, 672, 4.0, 12)
    assert ctype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == [f"frame_{i:04d}.png" for i in range(len(names))] and len(names) == 4
        frames = [archive.read(name) for name in names]
    for frame in frames:
        assert check_png(frame) == media.fit_size(1584, 672, media.IMAGE_LIMIT)
    assert len(set(frames)) == len(frames), "frames differ"


# ---------------------------------------------------------------- API contract


@pytest.mark.parametrize(("kind", "ext"), FORMATS)
def test_deterministic_and_seeded(kind: str, ext: str) -> None:
    """Every format renders identical bytes for a seed and different bytes for another seed."""
    one = fresh(kind, ext, seed=123)
    assert one == fresh(kind, ext, seed=123)
    assert one != fresh(kind, ext, seed=124)
    assert media.render(kind, ext, 1280, 720, 5.0, 123) == (one, media.CONTENT_TYPES[ext])


def test_content_types_and_extensions() -> None:
    """The content-type table is exactly as listed and render reports those types."""
    assert media.CONTENT_TYPES == {
        "png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "webp": "image/webp",
        "svg": "image/svg+xml", "mp4": "video/mp4", "mov": "video/quicktime",
        "wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac", "ogg": "audio/ogg",
        "zip": "application/zip",
    }
    assert set(media.EXTENSIONS) == set(media.CONTENT_TYPES)
    for kind, ext in FORMATS:
        assert media.render(kind, ext, 640, 480, 1.0, 0)[1] == media.CONTENT_TYPES[ext]


@pytest.mark.parametrize(("args", "message"), [
    (("model", "glb", 10, 10, 1.0, 0), "unknown media kind"),
    (("image", "gif", 10, 10, 1.0, 0), "unsupported image extension"),
    (("audio", "mp4", 10, 10, 1.0, 0), "unsupported audio extension"),
    (("video", "mp4", 0, 10, 1.0, 0), "width"),
    (("image", "png", 10, -1, 1.0, 0), "height"),
    (("video", "mp4", 10, 10, 0.0, 0), "seconds"),
    (("audio", "wav", 10, 10, float("nan"), 0), "seconds"),
])
def test_bad_arguments_raise(args: tuple, message: str) -> None:
    """Unknown kinds or extensions and bad sizes or durations raise ValueError with a reason."""
    with pytest.raises(ValueError, match=message):
        media.render(*args)


@pytest.mark.parametrize(("width", "height"), [(1, 1), (33, 17), (17, 4096), (5000, 100)])
def test_odd_sizes_stay_valid(width: int, height: int) -> None:
    """Tiny, odd and extreme sizes still give valid PNG and MP4 files keeping the aspect."""
    w, h = check_png(fresh("image", "png", width, height))
    assert aspect_error(w, h, width, height) < 0.02
    w, h, _ = check_mp4(fresh("video", "mp4", width, height, 1.5), 1.5, b"isom")
    assert w % 2 == 0 and h % 2 == 0 and aspect_error(w, h, width, height) < 0.02


def test_render_is_cached() -> None:
    """Rendering the same arguments twice returns the same cached bytes object."""
    args = ("video", "mp4", 1920, 1080, 10.0, 99)
    assert media.render(*args)[0] is media.render(*args)[0]


# ---------------------------------------------------------------- real decoders


def ffprobe(path: Path) -> dict:
    out = subprocess.run([FFPROBE, "-v", "error", "-count_frames", "-show_streams",
                          "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def ffmpeg_decode(path: Path, *extra: str) -> bytes:
    """Decode every frame; any message at level error fails the test."""
    out = subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-i", str(path), *extra],
                         capture_output=True, timeout=60, check=False)
    assert out.returncode == 0 and not out.stderr, out.stderr.decode(errors="replace")
    return out.stdout


def has_svg_decoder() -> bool:
    out = subprocess.run([FFMPEG, "-v", "error", "-decoders"], capture_output=True, text=True,
                         timeout=60, check=False)
    return any("(codec svg)" in line for line in out.stdout.splitlines())


@needs_ffmpeg
@pytest.mark.parametrize(("width", "height"), [(1280, 720), (720, 1280), (2112, 912)])
@pytest.mark.parametrize("ext", ["png", "jpeg", "webp", "svg"])
def test_ffmpeg_decodes_images(tmp_path: Path, ext: str, width: int, height: int) -> None:
    """ffmpeg decodes PNG, JPEG, WebP and SVG cleanly at the expected size."""
    if ext == "svg" and not has_svg_decoder():
        pytest.skip("this ffmpeg build has no SVG (librsvg) decoder")
    path = tmp_path / f"out.{ext}"
    path.write_bytes(media.render("image", ext, width, height, 5.0, 21)[0])
    ffmpeg_decode(path, "-f", "null", "-")
    stream = ffprobe(path)["streams"][0]
    want = (width, height) if ext == "svg" else media.fit_size(width, height, 256)
    assert (stream["width"], stream["height"]) == want


@needs_ffmpeg
def test_ffmpeg_pixels_match_across_image_formats(tmp_path: Path) -> None:
    """WebP decodes to the PNG's pixels and JPEG to a close approximation."""
    pixels = {}
    for ext in ("png", "webp", "jpeg"):
        path = tmp_path / f"out.{ext}"
        path.write_bytes(media.render("image", ext, 1280, 720, 5.0, 22)[0])
        pixels[ext] = ffmpeg_decode(path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
    assert len(pixels["png"]) == 256 * 144 * 3
    assert pixels["webp"] == pixels["png"], "lossless WebP decodes to the PNG's pixels"
    diff = sum(abs(a - b) for a, b in zip(pixels["jpeg"], pixels["png"], strict=True))
    assert diff / len(pixels["png"]) < 8, "JPEG is a blocky approximation of the same picture"


@needs_ffmpeg
@pytest.mark.parametrize("ext", ["mp4", "mov"])
@pytest.mark.parametrize(("width", "height", "seconds"),
                         [(1920, 1080, 10.0), (720, 1280, 2.5), (1584, 672, 0.5),
                          (3840, 2160, 15.0)])
def test_ffmpeg_decodes_video(tmp_path: Path, ext: str, width: int, height: int,
                              seconds: float) -> None:
    """ffmpeg decodes the H.264 video cleanly with the fitted size, frame count and duration."""
    path = tmp_path / f"out.{ext}"
    path.write_bytes(media.render("video", ext, width, height, seconds, 23)[0])
    ffmpeg_decode(path, "-f", "null", "-")
    info = ffprobe(path)
    (stream,) = info["streams"]
    assert stream["codec_name"] == "h264"
    assert (stream["width"], stream["height"]) == media.fit_size(width, height, 64, even=True)
    assert int(stream["nb_read_frames"]) == max(1, -(-seconds // 1))
    assert float(info["format"]["duration"]) == pytest.approx(seconds, abs=0.1)
    assert float(stream["duration"]) == pytest.approx(seconds, abs=0.1)


@needs_ffmpeg
@pytest.mark.parametrize("ext", ["mp4", "mov"])
@pytest.mark.parametrize("seconds", [8.0, 2.5, 0.4])
def test_ffmpeg_decodes_the_sound_track_of_a_video(tmp_path: Path, ext: str,
                                                   seconds: float) -> None:
    """Videos asked for sound carry a PCM track of the right length; others have none."""
    path = tmp_path / f"out.{ext}"
    path.write_bytes(media.render("video", ext, 1280, 720, seconds, 23, True)[0])
    ffmpeg_decode(path, "-f", "null", "-")
    pcm = ffmpeg_decode(path, "-map", "0:a", "-f", "s16le", "-")
    assert len(pcm) == 2 * round(seconds * media.AUDIO_RATE) and any(pcm)
    video, audio = ffprobe(path)["streams"]
    assert (video["codec_type"], audio["codec_type"]) == ("video", "audio")
    assert audio["codec_name"] == "pcm_s16le" and int(audio["sample_rate"]) == media.AUDIO_RATE
    assert float(audio["duration"]) == pytest.approx(seconds, abs=0.01)
    silent = media.render("video", ext, 1280, 720, seconds, 23)[0]
    assert [s["codec_type"] for s in ffprobe(_write(tmp_path, ext, silent))["streams"]] == [
        "video"]


def _write(tmp_path: Path, ext: str, data: bytes) -> Path:
    path = tmp_path / f"silent.{ext}"
    path.write_bytes(data)
    return path


@needs_ffmpeg
@pytest.mark.parametrize("ext", ["wav", "mp3", "flac", "ogg"])
@pytest.mark.parametrize("seconds", [10.0, 2.5, 0.5, 15.0])
def test_ffmpeg_decodes_audio(tmp_path: Path, ext: str, seconds: float) -> None:
    """ffmpeg decodes WAV, MP3, FLAC and Ogg cleanly with the requested duration."""
    path = tmp_path / f"out.{ext}"
    path.write_bytes(media.render("audio", ext, 0, 0, seconds, 24)[0])
    pcm = ffmpeg_decode(path, "-f", "s16le", "-ac", "1", "-ar", "48000", "-")
    assert len(pcm) / 2 / 48000 == pytest.approx(seconds, abs=0.1)
    info = ffprobe(path)
    assert float(info["format"]["duration"]) == pytest.approx(seconds, abs=0.1)
    assert info["streams"][0]["codec_name"] == {"wav": "pcm_s16le", "mp3": "mp3",
                                                "flac": "flac", "ogg": "opus"}[ext]


@needs_ffmpeg
def test_ffmpeg_flac_matches_wav(tmp_path: Path) -> None:
    """FLAC decodes to exactly the same samples as the WAV of the same seed."""
    decoded = []
    for ext in ("wav", "flac"):
        path = tmp_path / f"out.{ext}"
        path.write_bytes(media.render("audio", ext, 0, 0, 3.0, 25)[0])
        decoded.append(ffmpeg_decode(path, "-f", "s16le", "-"))
    assert decoded[0] == decoded[1], "FLAC is lossless: same samples as the WAV"


def test_pillow_opens_images() -> None:
    """Pillow, when installed, opens the PNG, JPEG and WebP at 256x144."""
    image_module = pytest.importorskip("PIL.Image", reason="Pillow is optional")
    for ext in ("png", "jpeg", "webp"):
        data = media.render("image", ext, 1280, 720, 5.0, 26)[0]
        with image_module.open(io.BytesIO(data)) as img:
            img.load()
            assert img.size == (256, 144)
