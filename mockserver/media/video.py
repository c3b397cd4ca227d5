"""Video: H.264 (I_PCM macroblocks) in MP4 or QuickTime, frames from the image gradient,
with an optional PCM sound track of the audio tone."""

from __future__ import annotations

import re
import struct

from runway_mock.media.audio import _tone, _tone_samples
from runway_mock.media.image import _picture
from runway_mock.media.shared import AUDIO_RATE, _digest, _MsbBits

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
