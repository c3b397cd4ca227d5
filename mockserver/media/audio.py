"""Audio: a seeded tone as WAV, MP3 (ID3 + silent frames), FLAC and Ogg Opus."""

from __future__ import annotations

import hashlib
import io
import math
import struct
import wave

from runway_mock.media.shared import AUDIO_RATE, _digest, _MsbBits

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
