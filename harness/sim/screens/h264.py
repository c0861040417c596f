"""A minimal, real H.264 encoder for the sim's screenrecord: Constrained Baseline, CAVLC, every
coded macroblock I_PCM (raw samples), every unchanged macroblock P_Skip.

A device's screenrecord encodes with MediaCodec's AVC encoder; Python here has none (no ffmpeg,
libx264 or openh264 in the venv or the image, and opencv's bundled ffmpeg has no H.264 encoder).
The sim's screen is flat boxes and text that change seldom, so conditional replenishment is
enough and keeps the stream standard: the first picture is an IDR of I_PCM macroblocks; each
later picture is a P slice that skips (mv 0, copies the reference) every macroblock whose pixels
are unchanged and sends the changed ones as I_PCM. Any H.264 decoder plays it. The cost is size:
a full-screen change is width*height*1.5 bytes (3.9 MB at 1080x2400), an unchanged frame a few
bytes. Samples are BT.601 limited range, as Android's encoders produce."""

from __future__ import annotations

import re

import numpy as np

PROFILE_BASELINE, CONSTRAINTS, LEVEL = 66, 0xC0, 51  # constraint_set0+1: Constrained Baseline; level 5.1
_LOG2_MAX_FRAME_NUM = 4
_EMULATION = re.compile(b"\x00\x00(?=[\x00-\x03])")
NAL_SLICE, NAL_IDR, NAL_SPS, NAL_PPS = 1, 5, 7, 8


class _Bits:
    """An RBSP bit writer: u(n), ue(v), se(v), byte alignment and raw bytes once aligned."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def u(self, value: int, bits: int) -> None:
        self.acc = (self.acc << bits) | value
        self.n += bits
        while self.n >= 8:
            self.n -= 8
            self.out.append((self.acc >> self.n) & 0xFF)
        self.acc &= (1 << self.n) - 1

    def ue(self, value: int) -> None:
        v = value + 1
        self.u(0, v.bit_length() - 1)
        self.u(v, v.bit_length())

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align(self) -> None:
        if self.n:
            self.u(0, 8 - self.n)

    def raw(self, data: bytes) -> None:
        assert self.n == 0
        self.out += data

    def trailing(self) -> bytes:
        self.u(1, 1)
        self.align()
        return bytes(self.out)


def nal(ref_idc: int, kind: int, rbsp: bytes) -> bytes:
    """A NAL unit (no start code): header byte and the RBSP with emulation prevention bytes."""
    return bytes([(ref_idc << 5) | kind]) + _EMULATION.sub(b"\x00\x00\x03", rbsp)


def to_macroblocks(rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 RGB -> (macroblocks, 384) uint8: each I_PCM macroblock's 256 luma then 64 Cb
    and 64 Cr samples, raster order, BT.601 limited range, 4:2:0 by 2x2 averaging."""
    h, w = rgb.shape[:2]
    mbh, mbw = -(-h // 16), -(-w // 16)
    img = np.pad(rgb, ((0, mbh * 16 - h), (0, mbw * 16 - w), (0, 0)), mode="edge").astype(np.float32)
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    cb = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    cr = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255

    def sub(c: np.ndarray) -> np.ndarray:
        return c.reshape(mbh * 8, 2, mbw * 8, 2).mean(axis=(1, 3))

    def blocks(plane: np.ndarray, size: int) -> np.ndarray:
        q = np.clip(np.rint(plane), 1, 255).astype(np.uint8)
        return q.reshape(mbh, size, mbw, size).transpose(0, 2, 1, 3).reshape(mbh * mbw, size * size)

    return np.concatenate([blocks(y, 16), blocks(sub(cb), 8), blocks(sub(cr), 8)], axis=1)


class PcmH264Encoder:
    """`encode(rgb)` per picture -> (NAL units, is IDR). `sps`/`pps` for avcC or Annex-B."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.mbw, self.mbh = -(-width // 16), -(-height // 16)
        self.sps = self._sps()
        self.pps = self._pps()
        self.previous: np.ndarray | None = None
        self.frame_num = 0
        self.idr_count = 0

    def _sps(self) -> bytes:
        b = _Bits()
        b.u(PROFILE_BASELINE, 8)
        b.u(CONSTRAINTS, 8)
        b.u(LEVEL, 8)
        b.ue(0)  # seq_parameter_set_id
        b.ue(_LOG2_MAX_FRAME_NUM - 4)
        b.ue(2)  # pic_order_cnt_type 2: output order = decoding order
        b.ue(1)  # max_num_ref_frames
        b.u(0, 1)  # gaps_in_frame_num_value_allowed_flag
        b.ue(self.mbw - 1)
        b.ue(self.mbh - 1)
        b.u(1, 1)  # frame_mbs_only_flag
        b.u(1, 1)  # direct_8x8_inference_flag
        crop_x, crop_y = (self.mbw * 16 - self.width) // 2, (self.mbh * 16 - self.height) // 2
        b.u(1 if crop_x or crop_y else 0, 1)  # frame_cropping_flag (4:2:0: units of 2 samples)
        if crop_x or crop_y:
            for v in (0, crop_x, 0, crop_y):
                b.ue(v)
        b.u(0, 1)  # vui_parameters_present_flag
        return nal(3, NAL_SPS, b.trailing())

    @staticmethod
    def _pps() -> bytes:
        b = _Bits()
        for v in (0, 0):  # pic_parameter_set_id, seq_parameter_set_id
            b.ue(v)
        b.u(0, 1)  # entropy_coding_mode_flag: CAVLC
        b.u(0, 1)  # bottom_field_pic_order_in_frame_present_flag
        b.ue(0)  # num_slice_groups_minus1
        b.ue(0)  # num_ref_idx_l0_default_active_minus1
        b.ue(0)  # num_ref_idx_l1_default_active_minus1
        b.u(0, 1)  # weighted_pred_flag
        b.u(0, 2)  # weighted_bipred_idc
        for v in (0, 0, 0):  # pic_init_qp_minus26, pic_init_qs_minus26, chroma_qp_index_offset
            b.se(v)
        b.u(1, 1)  # deblocking_filter_control_present_flag (slices turn it off)
        b.u(0, 1)  # constrained_intra_pred_flag
        b.u(0, 1)  # redundant_pic_cnt_present_flag
        return nal(3, NAL_PPS, b.trailing())

    def encode(self, rgb: np.ndarray) -> tuple[list[bytes], bool]:
        if rgb.shape[:2] != (self.height, self.width):
            raise ValueError(f"frame is {rgb.shape[1]}x{rgb.shape[0]}, the stream {self.width}x{self.height}")
        mbs = to_macroblocks(rgb)
        idr = self.previous is None
        b = _Bits()
        self.frame_num = 0 if idr else (self.frame_num + 1) % (1 << _LOG2_MAX_FRAME_NUM)
        b.ue(0)  # first_mb_in_slice
        b.ue(7 if idr else 5)  # slice_type: I or P (all slices of the picture alike)
        b.ue(0)  # pic_parameter_set_id
        b.u(self.frame_num, _LOG2_MAX_FRAME_NUM)
        if idr:
            b.ue(self.idr_count % 2)  # idr_pic_id: consecutive IDRs differ
            self.idr_count += 1
        else:
            b.u(0, 1)  # num_ref_idx_active_override_flag
            b.u(0, 1)  # ref_pic_list_modification_flag_l0
        if idr:
            b.u(0, 1)  # no_output_of_prior_pics_flag
            b.u(0, 1)  # long_term_reference_flag
        else:
            b.u(0, 1)  # adaptive_ref_pic_marking_mode_flag: sliding window
        b.se(0)  # slice_qp_delta
        b.ue(1)  # disable_deblocking_filter_idc: off (I_PCM is lossless)
        if idr:
            for index in range(len(mbs)):
                b.ue(25)  # mb_type I_PCM in an I slice
                b.align()  # pcm_alignment_zero_bits
                b.raw(mbs[index].tobytes())
        else:
            assert self.previous is not None
            changed = np.flatnonzero(np.any(mbs != self.previous, axis=1))
            after = 0
            for index in changed.tolist():
                b.ue(index - after)  # mb_skip_run: P_Skip up to this macroblock
                b.ue(5 + 25)  # mb_type I_PCM in a P slice
                b.align()
                b.raw(mbs[index].tobytes())
                after = index + 1
            if after < len(mbs):
                b.ue(len(mbs) - after)
        self.previous = mbs
        return [nal(3 if idr else 2, NAL_IDR if idr else NAL_SLICE, b.trailing())], idr
