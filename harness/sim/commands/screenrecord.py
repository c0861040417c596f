"""`screenrecord [options] FILE`, as AOSP's frameworks/av/cmds/screenrecord: records the sim's
screen (the frames `screencap` draws) until `--time-limit` seconds (default 180), SIGINT/SIGHUP
(`kill -INT PID` of a background job) or the adb connection closing, then finalises the file.

Formats: `mp4` (default: H.264 in MP4, from the sim's own small encoder, harness/sim/screens/
h264.py), `h264` (raw Annex-B: SPS, PPS, then a NAL unit per frame), `frames` (per frame: a 20-byte
little-endian header packetLen/width/height/stride/HAL_PIXEL_FORMAT_RGB_888, then RGB888 rows
bottom-up, as FrameOutput.cpp writes) and `raw-frames` (the same without headers); FILE `-` streams
the raw formats to stdout. `webm`/`3gpp` need encoders the sim does not have: they fail as on a
device without that codec. Frames come at FPS a second (the screen is redrawn for each), not at the
display's 60 Hz. Options, messages and exit codes follow screenrecord.cpp's getopt_long parsing."""

from __future__ import annotations

import io
import struct
import time
from dataclasses import dataclass

from harness.sim.shell_exec import Proc

VERSION = (1, 3)
DEFAULT_BIT_RATE = 20_000_000
MIN_BIT_RATE, MAX_BIT_RATE = 100_000, 200_000_000
MAX_TIME_LIMIT = 180  # default, and maximum before Android 14
FPS = 1.0  # the sim's screen changes rarely; a frame a second keeps rendering cheap
HAL_PIXEL_FORMAT_RGB_888 = 3
SIGINT, SIGHUP = 2, 1
_WITH_ARG = ("size", "bit-rate", "time-limit", "output-format", "codec-name")
_FLAGS = ("help", "verbose", "bugreport", "show-device-info", "show-frame-time", "rotate", "monotonic-time",
          "persistent-surface")
READ_ONLY = ("/system/", "/vendor/", "/product/", "/system_ext/", "/apex/", "/odm/", "/proc/", "/sys/")
_FORMATS = ("mp4", "h264", "webm", "3gpp", "frames", "raw-frames")


@dataclass
class Options:
    size: tuple[int, int] | None = None
    bit_rate: int = DEFAULT_BIT_RATE
    time_limit: int = MAX_TIME_LIMIT
    output_format: str = "mp4"
    verbose: bool = False
    bugreport: bool = False
    file: str = ""


def usage(p: Proc) -> None:
    p.err(f"Usage: screenrecord [options] <filename>\n\n"
          f"Android screenrecord v{VERSION[0]}.{VERSION[1]}.  Records the device's display to a .mp4 file.\n\n"
          "Options:\n"
          "--size WIDTHxHEIGHT\n"
          "    Set the video size, e.g. \"1280x720\".  Default is the device's main\n"
          "    display resolution (if supported), 1280x720 if not.  For best results,\n"
          "    use a size supported by the AVC encoder.\n"
          "--bit-rate RATE\n"
          "    Set the video bit rate, in bits per second.  Value may be specified as\n"
          f"    bits or megabits, e.g. '4000000' is equivalent to '4M'.  Default {DEFAULT_BIT_RATE // 1_000_000}Mbps.\n"
          "--bugreport\n"
          "    Add additional information, such as a timestamp overlay, that is helpful\n"
          "    in videos captured to illustrate bugs.\n"
          "--time-limit TIME\n"
          f"    Set the maximum recording time, in seconds.  Default is {MAX_TIME_LIMIT}.\n"
          "--verbose\n"
          "    Display interesting information on stdout.\n"
          "--help\n"
          "    Show this message.\n\n"
          "Recording continues until Ctrl-C is hit or the time limit is reached.\n\n")


def _atoi(text: str) -> int:
    """C's atoi: leading digits (with a sign), 0 when there are none."""
    text = text.strip()
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.removeprefix("+"))
    n = len(digits) - len(digits.lstrip("0123456789"))
    return sign * int(digits[:n]) if n else 0


def parse(p: Proc, args: list[str]) -> Options | int:
    """getopt_long(argc, argv, "", longOptions): `--name VALUE`, `--name=VALUE`, unique prefixes."""
    o = Options()
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest += args[i + 1:]
            break
        if not a.startswith("-") or a == "-":
            rest.append(a)  # GNU getopt permutes: options may follow the file name
            i += 1
            continue
        if not a.startswith("--"):
            p.err(f"screenrecord: invalid option -- '{a[1]}'\n")
            return 2
        name, eq, value = a[2:].partition("=")
        matches = [n for n in (*_WITH_ARG, *_FLAGS) if n == name] or \
                  [n for n in (*_WITH_ARG, *_FLAGS) if n.startswith(name)]
        if len(matches) != 1:
            p.err(f"screenrecord: {'unrecognized' if not matches else 'ambiguous'} option '{a.split('=')[0]}'\n")
            return 2
        name = matches[0]
        if name in _WITH_ARG and not eq:
            if i + 1 >= len(args):
                p.err(f"screenrecord: option '--{name}' requires an argument\n")
                return 2
            value, i = args[i + 1], i + 1
        elif name in _FLAGS and eq:
            p.err(f"screenrecord: option '--{name}' doesn't allow an argument\n")
            return 2
        i += 1
        if name == "help":
            usage(p)
            return 0
        if name == "verbose":
            o.verbose = True
        elif name == "bugreport":
            o.bugreport = True
        elif name == "size":
            w, x, h = value.partition("x")
            if not (x and w.isdigit() and h.isdigit()):
                p.err(f"Invalid size '{value}', must be width x height\n")
                return 2
            if int(w) == 0 or int(h) == 0:
                p.err(f"Invalid size {int(w)}x{int(h)}, width and height may not be zero\n")
                return 2
            o.size = (int(w), int(h))
        elif name == "bit-rate":
            digits, unit = (value[:-1], 1_000_000) if value[-1:] in ("m", "M") else (value, 1)
            if not digits.lstrip("-").isdigit():
                p.err(f"Unrecognized value: {value}\n")
                return 2
            o.bit_rate = int(digits) * unit
            if not MIN_BIT_RATE <= o.bit_rate <= MAX_BIT_RATE:
                p.err(f"Bit rate {o.bit_rate}bps outside acceptable range [{MIN_BIT_RATE},{MAX_BIT_RATE}]\n")
                return 2
        elif name == "time-limit":
            o.time_limit = _atoi(value)
            cap = MAX_TIME_LIMIT if p.device.identity.sdk < 34 else 0x7FFFFFFF
            if o.time_limit <= 0 or o.time_limit > cap:
                p.err(f"Time limit {o.time_limit}s outside acceptable range [1,{cap}]\n")
                return 2
        elif name == "output-format":
            if value not in _FORMATS:
                p.err(f"Unknown format '{value}'\n")
                return 2
            o.output_format = value
        # show-device-info, show-frame-time, rotate, codec-name, monotonic-time, persistent-surface:
        # accepted; they change nothing on the sim
    if len(rest) != 1:
        p.err("Must specify output file (see --help).\n")
        return 2
    o.file = rest[0]
    return o


def _frame(p: Proc, o: Options, index: int):
    """The current screen as an RGB Pillow image of the recording's size."""
    from PIL import Image, ImageDraw

    from harness.sim.commands.apps import _blank_png

    png = _blank_png() if p.device.faults.secure_window or p.runtime is None else p.runtime.screenshot_png()
    img = Image.open(io.BytesIO(png)).convert("RGB")
    if o.size is not None and o.size != img.size:
        img = img.resize(o.size)
    if o.bugreport:  # the frame-time overlay (--bugreport = --show-device-info + --show-frame-time)
        stamp = time.strftime("%H:%M:%S", time.localtime()) + f".{int(time.time() * 1000) % 1000:03d} {index:06d}"
        ImageDraw.Draw(img).text((8, 8), stamp, fill=(255, 255, 255), stroke_width=2, stroke_fill=(0, 0, 0))
    return img


def _stop_reason(p: Proc, deadline: float) -> str | None:
    sig = p.signalled()
    if sig in (SIGINT, SIGHUP):
        return "signal"
    if sig is not None:
        return "killed"  # any other signal terminates screenrecord without finalising
    if p.closed():
        return "signal"  # the adb connection closing is SIGHUP
    if time.monotonic() >= deadline:
        return "time"
    return None


def screenrecord(p: Proc, args: list[str]) -> int:
    parsed = parse(p, args)
    if isinstance(parsed, int):
        return parsed
    o = parsed
    if o.output_format in ("webm", "3gpp"):
        mime = "video/x-vnd.on2.vp8" if o.output_format == "webm" else "video/3gpp"
        p.err(f"ERROR: unable to create {mime} codec instance\n")
        return 1
    to_stdout = o.file == "-" and o.output_format != "mp4"
    path = None if to_stdout else p.device.host_path(o.file)
    if path is not None:
        try:
            if o.file.startswith(READ_ONLY):
                raise OSError(30, "Read-only file system")
            if not path.parent.is_dir():
                raise FileNotFoundError(2, "No such file or directory")
            if path.is_dir():
                raise IsADirectoryError(21, "Is a directory")
            fh = open(path, "w+b")
        except OSError as exc:
            p.err(f"Unable to open '{o.file}': {exc.strerror or exc}\n")
            return 1
    else:
        fh = None
    first = _frame(p, o, 0)
    width, height = first.size
    o.size = first.size  # the video keeps this size (a rotation is scaled into it)
    if o.output_format in ("mp4", "h264") and (width % 2 or height % 2):  # 4:2:0 needs even sizes
        p.err(f"ERROR: unable to configure video/avc codec at {width}x{height} (err=-22)\n")
        if fh is not None:
            fh.close()
        return 1
    if o.verbose:
        from harness.sim.commands.display import HEIGHT, WIDTH, rotation

        turn = rotation(p.device)
        dw, dh = (HEIGHT, WIDTH) if turn % 2 else (WIDTH, HEIGHT)
        p.out(f"Main display is {dw}x{dh} @60.00fps (orientation=ROTATION_{turn * 90})\n"
              f"Configuring recorder for {width}x{height} video/avc at {o.bit_rate / 1e6:.2f}Mbps\n"
              f"Content area is {width}x{height} at offset x=0 y=0\n")
        p.flush()
    try:
        return _record(p, o, fh, first)
    finally:
        if fh is not None:
            fh.close()


def _record(p: Proc, o: Options, fh, first) -> int:
    import numpy as np

    from harness.sim.screens.h264 import PcmH264Encoder
    from harness.sim.screens.mp4 import Mp4Writer, avc1_entry

    started = time.monotonic()
    deadline = started + o.time_limit
    width, height = first.size
    encoder = PcmH264Encoder(width, height) if o.output_format in ("mp4", "h264") else None
    writer = None
    if encoder is not None and o.output_format == "mp4":
        writer = Mp4Writer(fh, width, height, avc1_entry(width, height, encoder.sps, encoder.pps))
    elif encoder is not None:  # the codec config buffer comes first in a raw stream
        _emit(p, fh, b"".join(b"\0\0\0\1" + unit for unit in (encoder.sps, encoder.pps)))
    img, index, reason = first, 0, None
    while True:
        at = time.monotonic() - started
        if encoder is not None:
            units, idr = encoder.encode(np.asarray(img))
            if writer is not None:  # MP4 samples: 4-byte big-endian lengths before each NAL unit
                writer.add(b"".join(struct.pack(">I", len(u)) + u for u in units), at, idr)
            else:
                _emit(p, fh, b"".join(b"\0\0\0\1" + u for u in units))
        else:
            _write_raw(p, o, fh, img)
        index += 1
        next_at = started + index / FPS
        while (reason := _stop_reason(p, deadline)) is None and time.monotonic() < next_at:
            time.sleep(min(0.05, max(0.0, next_at - time.monotonic())))
        if reason is not None:
            break
        img = _frame(p, o, index)
    elapsed = min(time.monotonic(), deadline) - started
    if reason == "killed":
        return 128 + (p.signalled() or 15)  # no moov: the file is as broken as on a device
    if o.verbose and reason == "time":
        p.out("Time limit reached\n")
    if writer is not None:
        writer.finish(elapsed)
    if o.verbose:
        p.out(f"Stopping encoder and muxer\nEncoder stopping; recorded {index} frames in {int(elapsed)} seconds\n")
        if writer is not None:
            p.out(f"Executing: /system/bin/am broadcast -a android.intent.action.MEDIA_SCANNER_SCAN_FILE "
                  f"-d file://{o.file}\n")
    return 0


def _write_raw(p: Proc, o: Options, fh, img) -> None:
    from PIL import Image

    rows = img.transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes()  # FrameOutput reads the GL buffer bottom-up
    if o.output_format == "frames":  # packetLen counts what follows its own 4 bytes
        data = struct.pack("<5I", 16 + len(rows), img.width, img.height, img.width * 3, HAL_PIXEL_FORMAT_RGB_888) + rows
    else:
        data = rows
    _emit(p, fh, data)


def _emit(p: Proc, fh, data: bytes) -> None:
    """Raw output goes out at once (a client may be streaming it), to the file or stdout."""
    if fh is None:
        p.out(data)
        p.flush()
    else:
        fh.write(data)
        fh.flush()


COMMANDS = {"screenrecord": screenrecord}
