"""A small ISO-BMFF (MP4) writer for one H.264 video track: what the sim's `screenrecord` writes,
in the layout a device's MediaMuxer gives (ftyp, mdat, moov/trak with an 'avc1' sample entry and
its avcC, real sample timestamps in stts, sync samples in stss).

Samples stream to the file as they come (memory stays flat); `finish` writes the sample tables
(moov) at the end, as MediaMuxer does on stop: a recording that is killed has no moov."""

from __future__ import annotations

import struct
import time
from typing import BinaryIO

TIMESCALE = 90_000  # media ticks per second (the usual video timescale)
MOVIE_TIMESCALE = 1000
_EPOCH_1904 = 2_082_844_800
_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags), *payload)


def avc1_entry(width: int, height: int, sps: bytes, pps: bytes) -> bytes:
    """The 'avc1' VisualSampleEntry with its AVCDecoderConfigurationRecord (4-byte NAL lengths)."""
    avcc = (bytes([1, sps[1], sps[2], sps[3], 0xFC | 3, 0xE0 | 1]) + struct.pack(">H", len(sps)) + sps
            + bytes([1]) + struct.pack(">H", len(pps)) + pps)
    name = b"consentry sim AVC"
    return box(b"avc1", bytes(6), struct.pack(">H", 1), bytes(16),
               struct.pack(">HHIIIH", width, height, 0x480000, 0x480000, 0, 1),
               bytes([len(name)]) + name.ljust(31, b"\0"), struct.pack(">Hh", 0x18, -1), box(b"avcC", avcc))


class Mp4Writer:
    """`add(sample, seconds, sync)` per frame (seconds on any clock), then `finish(seconds)`."""

    def __init__(self, fh: BinaryIO, width: int, height: int, sample_entry: bytes):
        self.fh = fh
        self.width, self.height = width, height
        self.entry = sample_entry
        self.created = int(time.time()) + _EPOCH_1904
        self.sizes: list[int] = []
        self.offsets: list[int] = []
        self.sync: list[int] = []  # 1-based numbers of the sync samples
        self.times: list[int] = []  # in TIMESCALE ticks from the first frame
        self.base: float | None = None  # `seconds` of the first frame: the track starts there
        fh.write(box(b"ftyp", b"isom", struct.pack(">I", 512), b"isom", b"iso2", b"avc1", b"mp41"))
        self.mdat_at = fh.tell()
        fh.write(struct.pack(">I4s", 8, b"mdat"))  # size patched by finish
        self.pos = fh.tell()

    @property
    def frames(self) -> int:
        return len(self.sizes)

    def add(self, sample: bytes, seconds: float, sync: bool) -> None:
        if self.base is None:
            self.base = seconds
        tick = max(round((seconds - self.base) * TIMESCALE), self.times[-1] + 1 if self.times else 0)
        self.fh.write(sample)
        self.offsets.append(self.pos)
        self.sizes.append(len(sample))
        self.times.append(tick)
        if sync:
            self.sync.append(len(self.sizes))
        self.pos += len(sample)
        if self.pos >= 1 << 32:
            raise OverflowError("recording larger than 4 GiB")

    def finish(self, seconds: float) -> None:
        """Close the mdat and write the moov; the last frame lasts until `seconds`."""
        end = max(round((seconds - (self.base or 0.0)) * TIMESCALE), (self.times[-1] + 1) if self.times else 0)
        durations = [b - a for a, b in zip(self.times, self.times[1:], strict=False)] + ([end - self.times[-1]] if self.times else [])
        self.fh.seek(self.mdat_at)
        self.fh.write(struct.pack(">I", self.pos - self.mdat_at))
        self.fh.seek(self.pos)
        self.fh.write(self._moov(durations, end))
        self.fh.flush()

    def _moov(self, durations: list[int], end: int) -> bytes:
        movie_duration = end * MOVIE_TIMESCALE // TIMESCALE
        c = self.created
        mvhd = full_box(b"mvhd", 0, 0, struct.pack(">IIII", c, c, MOVIE_TIMESCALE, movie_duration),
                        struct.pack(">IH10x", 0x10000, 0x100), _MATRIX, bytes(24), struct.pack(">I", 2))
        tkhd = full_box(b"tkhd", 0, 3, struct.pack(">IIIII", c, c, 1, 0, movie_duration), bytes(8),
                        struct.pack(">hhHH", 0, 0, 0, 0), _MATRIX,
                        struct.pack(">II", self.width << 16, self.height << 16))
        mdhd = full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", c, c, TIMESCALE, end, 0x55C4, 0))  # 'und'
        hdlr = full_box(b"hdlr", 0, 0, struct.pack(">I4s12x", 0, b"vide"), b"VideoHandle\0")
        vmhd = full_box(b"vmhd", 0, 1, bytes(8))
        dinf = box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1), full_box(b"url ", 0, 1)))
        stss = [] if len(self.sync) == len(self.sizes) else [
            full_box(b"stss", 0, 0, struct.pack(f">I{len(self.sync)}I", len(self.sync), *self.sync))]
        stbl = box(b"stbl", full_box(b"stsd", 0, 0, struct.pack(">I", 1), self.entry),
                   self._stts(durations), *stss,
                   full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, 1, 1)),
                   full_box(b"stsz", 0, 0, struct.pack(">II", 0, len(self.sizes)),
                            struct.pack(f">{len(self.sizes)}I", *self.sizes)),
                   full_box(b"stco", 0, 0, struct.pack(">I", len(self.offsets)),
                            struct.pack(f">{len(self.offsets)}I", *self.offsets)))
        minf = box(b"minf", vmhd, dinf, stbl)
        trak = box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf))
        return box(b"moov", mvhd, trak)

    @staticmethod
    def _stts(durations: list[int]) -> bytes:
        runs: list[list[int]] = []
        for d in durations:
            if runs and runs[-1][1] == d:
                runs[-1][0] += 1
            else:
                runs.append([1, d])
        return full_box(b"stts", 0, 0, struct.pack(">I", len(runs)), b"".join(struct.pack(">II", n, d) for n, d in runs))
