"""`screenrecord` on the sim, through the real adb server: a pulled MP4 parsed box by box and
every frame decoded by a real H.264 decoder (ffmpeg's, in opencv, which rapidocr brings), the raw
formats, adbutils' own recorder (a pushed sh script with a background job, `$!`, `read`,
`kill -INT` and `wait`), the usage text and the failures a device reports."""

from __future__ import annotations

import io
import struct
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"dinf"}


def boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of every box, containers walked; sizes must tile exactly."""
    end = len(data) if end is None else end
    out: list[tuple[bytes, int, int]] = []
    pos = start
    while pos < end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        assert size >= 8 and pos + size <= end, f"box {kind!r} at {pos} overruns its parent"
        out.append((kind, pos + 8, pos + size))
        if kind in CONTAINERS:
            out += boxes(data, pos + 8, pos + size)
        elif kind == b"stsd":  # full box header, entry count, then the sample entries
            out += boxes(data, pos + 16, pos + size)
        elif kind == b"avc1":  # 78 bytes of VisualSampleEntry fields, then its boxes
            out += boxes(data, pos + 8 + 78, pos + size)
        pos += size
    assert pos == end
    return out


def has_moov(data: bytes) -> bool:
    """Whether the top-level boxes tile the file and end with the moov (the recording is final)."""
    pos, last = 0, b""
    while pos + 8 <= len(data):
        size, last = struct.unpack_from(">I4s", data, pos)
        if size < 8:
            return False
        pos += size
    return pos == len(data) and last == b"moov"


def parse_mp4(data: bytes) -> dict:
    found = {kind: (a, b) for kind, a, b in boxes(data)}
    for kind in (b"ftyp", b"mdat", b"moov", b"mvhd", b"tkhd", b"mdhd", b"hdlr", b"stsd", b"stts", b"stsc",
                 b"stsz", b"stco", b"avcC"):
        assert kind in found, f"no {kind!r} box"
    a, _ = found[b"tkhd"]
    width, height = (v >> 16 for v in struct.unpack_from(">II", data, a + 76))
    a, _ = found[b"mdhd"]
    timescale, duration = struct.unpack_from(">II", data, a + 12)
    a, _ = found[b"hdlr"]
    handler = data[a + 8:a + 12]
    a, _ = found[b"stsd"]
    entry = data[a + 12:a + 16]
    a, _ = found[b"avcC"]
    profile = data[a + 1]
    a, _ = found[b"stts"]
    (runs,) = struct.unpack_from(">I", data, a + 4)
    deltas = [d for i in range(runs) for d in [struct.unpack_from(">II", data, a + 8 + 8 * i)[1]]
              * struct.unpack_from(">II", data, a + 8 + 8 * i)[0]]
    a, _ = found[b"stsz"]
    _, count = struct.unpack_from(">II", data, a + 4)
    sizes = struct.unpack_from(f">{count}I", data, a + 12)
    a, _ = found[b"stco"]
    offsets = struct.unpack_from(f">{count}I", data, a + 8)
    mdat = found[b"mdat"]
    assert all(mdat[0] <= o and o + s <= mdat[1] for o, s in zip(offsets, sizes, strict=True))
    for o, s in zip(offsets, sizes, strict=True):  # each sample: length-prefixed NAL units that tile it
        pos = o
        while pos < o + s:
            pos += 4 + struct.unpack_from(">I", data, pos)[0]
        assert pos == o + s
    return {"brand": data[8:12], "size": (width, height), "timescale": timescale, "duration": duration,
            "handler": handler, "entry": entry, "profile": profile, "deltas": deltas, "samples": count}


def decode(path: Path) -> list[np.ndarray]:
    """Every frame, RGB, through ffmpeg's demuxer and H.264 decoder."""
    cap = cv2.VideoCapture(str(path))
    assert cap.isOpened()
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(bgr[..., ::-1])
    cap.release()
    return frames


@pytest.fixture
def handle(make_sim_device):
    return make_sim_device(profile="emulator-34")


def test_time_limit_gives_a_valid_mp4(handle, tmp_path):
    dev = handle.adb()
    res = dev.shell2("screenrecord --time-limit 2 --verbose /sdcard/x.mp4")
    assert res.returncode == 0, res.output
    assert "Time limit reached" in res.output
    local = tmp_path / "x.mp4"
    dev.sync.pull("/sdcard/x.mp4", str(local))
    mp4 = parse_mp4(local.read_bytes())
    assert mp4["brand"] == b"isom" and mp4["handler"] == b"vide" and mp4["entry"] == b"avc1"
    assert mp4["size"] == (1080, 2400) and mp4["profile"] == 66  # H.264 Baseline
    # ~1 frame a second for 2 seconds; real timestamps: the samples' durations add up to the track's
    assert 1 <= mp4["samples"] <= 3 and sum(mp4["deltas"]) == mp4["duration"]
    # from the first frame to the 2 s limit (the first frame comes a little after the start)
    assert 0 < mp4["duration"] <= 2 * mp4["timescale"]
    frames = decode(local)
    assert len(frames) == mp4["samples"] and all(f.shape == (2400, 1080, 3) for f in frames)
    # the frames are the screen screencap shows
    shot = np.asarray(Image.open(io.BytesIO(dev.shell("screencap -p", encoding=None))).convert("RGB"))
    assert np.abs(shot.astype(int) - frames[-1].astype(int)).mean() < 4


def test_size_and_raw_formats(handle, tmp_path):
    dev = handle.adb()
    out = dev.shell("screenrecord --time-limit 1 --size 270x600 --bugreport --output-format=h264 -", encoding=None)
    assert out.startswith(b"\0\0\0\1\x67")  # Annex-B, SPS first
    (tmp_path / "s.h264").write_bytes(out)
    frames = decode(tmp_path / "s.h264")
    assert frames and frames[0].shape == (600, 270, 3)
    out = dev.shell("screenrecord --time-limit=1 --size 270x600 --output-format=raw-frames -", encoding=None)
    assert len(out) % (270 * 600 * 3) == 0 and len(out) >= 270 * 600 * 3
    out = dev.shell("screenrecord --time-limit 1 --size 270x600 --output-format frames -", encoding=None)
    packet_len, w, h, stride, fmt = struct.unpack_from("<5I", out)
    assert (packet_len, w, h, stride, fmt) == (16 + 270 * 600 * 3, 270, 600, 810, 3)


def test_adbutils_start_stop_recording(handle, tmp_path):
    dev = handle.adb()
    out = tmp_path / "out.mp4"
    dev.start_recording(str(out))
    assert dev.is_recording()
    time.sleep(2)
    dev.stop_recording()
    mp4 = parse_mp4(out.read_bytes())
    assert mp4["size"] == (1080, 2400) and mp4["samples"] >= 1 and len(decode(out)) == mp4["samples"]
    assert mp4["duration"] > 0
    assert "adbutils-tmp-video" not in dev.shell("ls /sdcard")  # pulled, then removed on the device


def test_connection_close_finalises(handle, tmp_path):
    """Ctrl-C of `adb shell screenrecord` closes the connection: the device's screenrecord gets
    SIGHUP and still finalises the file."""
    dev = handle.adb()
    conn = dev.shell("screenrecord --verbose /sdcard/hup.mp4", stream=True)
    assert conn.read(len("Main display")) == b"Main display"  # it is recording
    conn.close()
    local = tmp_path / "hup.mp4"
    deadline = time.monotonic() + 20  # a bound, not a timing check: the moov comes right after the close
    while True:
        dev.sync.pull("/sdcard/hup.mp4", str(local))
        if has_moov(local.read_bytes()) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    mp4 = parse_mp4(local.read_bytes())
    assert mp4["samples"] >= 1 and len(decode(local)) == mp4["samples"]


def test_help_and_failures(handle):
    dev = handle.adb()
    res = dev.shell2("screenrecord --help")
    assert res.returncode == 0 and res.output.startswith("Usage: screenrecord [options] <filename>")
    assert "--time-limit TIME" in res.output
    for line, message in [
        ("screenrecord --frobnicate /sdcard/a.mp4", "screenrecord: unrecognized option '--frobnicate'"),
        ("screenrecord --time-limit 0 /sdcard/a.mp4", "Time limit 0s outside acceptable range"),
        ("screenrecord --size 12 /sdcard/a.mp4", "Invalid size '12', must be width x height"),
        ("screenrecord --output-format=gif /sdcard/a.mp4", "Unknown format 'gif'"),
        # as on a device, the file is created before the encoder refuses the size
        ("screenrecord --size 271x600 /sdcard/odd.mp4", "unable to configure video/avc codec at 271x600"),
        ("screenrecord", "Must specify output file (see --help)."),
        ("screenrecord /sdcard/no/such/dir/a.mp4", "Unable to open '/sdcard/no/such/dir/a.mp4': No such file or directory"),
        ("screenrecord /system/a.mp4", "Unable to open '/system/a.mp4': Read-only file system"),
    ]:
        res = dev.shell2(line)
        assert res.returncode != 0 and message in res.output, (line, res)
    assert "a.mp4" not in dev.shell("ls /sdcard /system").split()


def test_background_job_signal_and_wait(handle):
    """The shell features the recorder script needs, on their own: a job, `$!`, `kill`, `wait`,
    `read` from the connection's stdin and a script's positional parameters."""
    dev = handle.adb()
    assert dev.shell("sleep 30 & P=$!; kill -INT $P; wait $P; echo status=$?") == "status=130"
    assert dev.shell("kill -INT 1; echo $?") != "0"  # init: not a job, not killable by shell
    dev.sync.push(b'echo "one=$1 all=$@ n=$#"\nread A B\necho "got:$A|$B"\n', "/data/local/tmp/s.sh")
    conn = dev.shell(["sh", "/data/local/tmp/s.sh", "x", "y z"], stream=True)
    conn.send(b"hello big world\n")
    assert conn.read_until_close().splitlines() == ["one=x all=x y z n=2", "got:hello|big world"]


def test_script_file_errors(handle, tmp_path: Path):
    dev = handle.adb()
    res = dev.shell2("sh /data/local/tmp/missing.sh")
    assert res.returncode == 127 and "can't open '/data/local/tmp/missing.sh'" in res.output


def test_encoder_sends_changed_macroblocks_and_a_decoder_sees_the_change(tmp_path):
    """The sim's H.264 encoder on its own: an IDR, a P frame with one changed region, an unchanged
    P frame; ffmpeg's decoder must give back each picture (4:2:0 rounding aside)."""
    from harness.sim.screens.h264 import PcmH264Encoder

    h, w = 200, 184  # neither a multiple of 16: the SPS crops
    base = np.zeros((h, w, 3), np.uint8)
    base[..., 0] = np.arange(w, dtype=np.uint8)[None, :]
    base[..., 1] = np.arange(h, dtype=np.uint8)[:, None]
    changed = base.copy()
    changed[40:90, 30:120] = (250, 20, 60)
    enc = PcmH264Encoder(w, h)
    stream = b"\0\0\0\1" + enc.sps + b"\0\0\0\1" + enc.pps
    sizes = []
    for frame in (base, changed, changed):
        units, _idr = enc.encode(frame)
        sizes.append(sum(map(len, units)))
        stream += b"".join(b"\0\0\0\1" + u for u in units)
    assert sizes[1] < sizes[0] / 2 and sizes[2] < 16  # only changed macroblocks are sent
    (tmp_path / "t.h264").write_bytes(stream)
    decoded = decode(tmp_path / "t.h264")
    assert len(decoded) == 3
    for got, want in zip(decoded, (base, changed, changed), strict=True):
        assert got.shape == want.shape and np.abs(got.astype(int) - want.astype(int)).mean() < 2
