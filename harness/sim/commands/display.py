"""The display and the network as adb clients read them: `pwd`, `log`, `dumpsys display` (the
viewport's `orientation=`, following `settings system user_rotation`), `ip addr`/`ip link`,
`ifconfig`, and the `framebuffer:` service (version 1 header + raw RGBA pixels, as adbd's
framebuffer_service writes)."""

from __future__ import annotations

import io
import struct

from harness.sim.shell_exec import Proc

WIDTH, HEIGHT = 1080, 2400
WLAN_IP, WLAN_PREFIX, WLAN_BCAST = "10.0.2.16", 24, "10.0.2.255"


def rotation(device: object) -> int:
    value = device.settings_get("system", "user_rotation")  # type: ignore[attr-defined]
    return int(value) % 4 if value and value.isdigit() else 0


def pwd(p: Proc, args: list[str]) -> int:
    p.out("/\n")  # adbd starts shells in the root directory
    return 0


def log(p: Proc, args: list[str]) -> int:
    """`log [-p PRIORITY] [-t TAG] MESSAGE...` into the main buffer."""
    level, tag, words = "I", "log", []
    i = 0
    while i < len(args):
        if args[i] == "-p" and i + 1 < len(args):
            level, i = args[i + 1][:1].upper(), i + 2
        elif args[i] == "-t" and i + 1 < len(args):
            tag, i = args[i + 1], i + 2
        else:
            words.append(args[i])
            i += 1
    p.device.logcat(tag, " ".join(words), level=level if level in "VDIWEF" else "I", pid=0)
    return 0


def dumpsys_display(p: Proc) -> None:
    r = rotation(p.device)
    w, h = (HEIGHT, WIDTH) if r % 2 else (WIDTH, HEIGHT)
    p.out("DISPLAY MANAGER (dumpsys display)\n  mOnlyCode=false\n  mSafeMode=false\n  mPendingTraversal=false\n"
          "  mViewports=[DisplayViewport{type=INTERNAL, valid=true, isActive=true, displayId=0, "
          f"uniqueId='local:4619827259835644672', physicalPort=0, orientation={r}, logicalFrame=Rect(0, 0 - {w}, {h}), "
          f"physicalFrame=Rect(0, 0 - {w}, {h}), deviceWidth={w}, deviceHeight={h}}}]\n"
          "  mDefaultDisplayDefaultColorMode=0\n\nDisplay Devices: size=1\n"
          f'  DisplayDeviceInfo{{"Built-in Screen": uniqueId="local:4619827259835644672", {WIDTH} x {HEIGHT}, '
          f"modeId 1, renderFrameRate 60.0, defaultModeId 1, density 420, 420.0 x 420.0 dpi, appVsyncOff 1000000, "
          f"presDeadline 16666666, touch INTERNAL, rotation 0, type INTERNAL, state ON, FLAG_DEFAULT_DISPLAY}}\n")


def _ifaces(p: Proc) -> list[tuple[int, str, str, str]]:
    mac = p.device.identity.mac.lower()
    wifi_on = (p.device.settings_get("global", "wifi_on") or "1") == "1"
    airplane = (p.device.settings_get("global", "airplane_mode_on") or "0") == "1"
    up = wifi_on and not airplane
    return [(1, "lo", "00:00:00:00:00:00", "127.0.0.1/8"), (3, "wlan0", mac, f"{WLAN_IP}/{WLAN_PREFIX}" if up else "")]


def ip(p: Proc, args: list[str]) -> int:
    words = [a for a in args if a not in ("show", "dev", "-4", "-6")]
    if not words or words[0] not in ("addr", "a", "address", "link", "l"):
        p.err('Object "' + (words[0] if words else "") + '" is unknown, try "ip help".\n')
        return 1
    link_only = words[0] in ("link", "l")
    name = words[1] if len(words) > 1 else None
    rows = [r for r in _ifaces(p) if name in (None, r[1])]
    if name and not rows:
        p.err(f'Device "{name}" does not exist.\n')
        return 1
    for idx, ifname, mac, addr in rows:
        loop = ifname == "lo"
        flags = "<LOOPBACK,UP,LOWER_UP>" if loop else ("<BROADCAST,MULTICAST,UP,LOWER_UP>" if addr else
                                                     "<NO-CARRIER,BROADCAST,MULTICAST,UP>")
        p.out(f"{idx}: {ifname}: {flags} mtu {65536 if loop else 1500} qdisc {'noqueue' if loop else 'mq'} "
              f"state {'UNKNOWN' if loop else ('UP' if addr else 'DOWN')} group default qlen 1000\n"
              f"    link/{'loopback' if loop else 'ether'} {mac} brd {'00:00:00:00:00:00' if loop else 'ff:ff:ff:ff:ff:ff'}\n")
        if not link_only and addr:
            scope = "host lo" if loop else f"global {ifname}"
            brd = "" if loop else f" brd {WLAN_BCAST}"
            p.out(f"    inet {addr}{brd} scope {scope}\n       valid_lft forever preferred_lft forever\n")
    return 0


def ifconfig(p: Proc, args: list[str]) -> int:
    rows = [r for r in _ifaces(p) if not args or args[0] == r[1]]
    if args and not rows:
        p.err(f"ifconfig: {args[0]}: No such device\n")
        return 1
    for _idx, ifname, mac, addr in rows:
        ip_s = addr.split("/")[0]
        encap = "Local Loopback" if ifname == "lo" else f"Ethernet  HWaddr {mac}"
        p.out(f"{ifname:<10}Link encap:{encap}\n")
        if ip_s:
            mask = "255.0.0.0" if ifname == "lo" else "255.255.255.0"
            bcast = "" if ifname == "lo" else f"  Bcast:{WLAN_BCAST}"
            p.out(f"          inet addr:{ip_s}{bcast}  Mask:{mask}\n")
        p.out("          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n\n")
    return 0


def framebuffer(png: bytes) -> bytes:
    """adbd's `framebuffer:` reply: fbinfo v1 (bpp 32, RGBA 8888) and the raw pixels."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGBA")
    raw = img.tobytes()
    header = struct.pack("<13I", 1, 32, len(raw), img.width, img.height, 0, 8, 16, 8, 8, 8, 24, 8)
    return header + raw


COMMANDS = {"pwd": pwd, "log": log, "ip": ip, "ifconfig": ifconfig}
