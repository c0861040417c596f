"""The run's identity profile: the values the app could leak, read from the device the way a real
device exposes them (and planted where a canary is needed), so that PII detection knows exactly
what to look for.

Each identifier has its readers in order of preference; the first that yields a well-formed value
wins and `read_how[key]` says which one (`not_read[key]` says why none did). Real devices hide
some identifiers from the shell: since Android 10 IMEI, IMSI and ICCID need
READ_PRIVILEGED_PHONE_STATE, which only root has, so `service call iphonesubinfo` is tried as
root where root exists. Nothing is guessed. Canaries are planted as any app would then find
them (a contact with its raw contact and phone row, the clipboard, a mock location provider) and
recorded in `canaries` with how they were planted, or why they could not be."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from harness.device import Device
from harness.device.root import RootAccess, root_access
from harness.errors import DeviceError
from harness.run.parcel import parse_parcel_string

CANARY_CONTACTS = ({"name": "Canary Zhang", "phone": "+8613800138000"},
                   {"name": "Canary Miller", "phone": "+15555550123"})
CLIPBOARD_CANARY = "consentry-clipboard-canary-7f3a9c"
CANARY_LOCATION = (31.230416, 121.473701)

# IPhoneSubInfo transaction codes by API level (the .aidl method order changed over releases):
# (min_sdk, max_sdk, {field: code}). Each answer is also checked for the field's format, so a code
# that moved on some image yields "not read", never a wrong value.
SUBINFO_CODES: tuple[tuple[int, int, dict[str, int]], ...] = (
    (21, 28, {"imei": 1, "imsi": 7, "iccid": 11, "phone_number": 13}),
    (29, 36, {"imei": 1, "imsi": 7, "iccid": 12, "phone_number": 15}),
)
_FORMATS: dict[str, Callable[[str], bool]] = {
    "imei": lambda v: bool(re.fullmatch(r"\d{14,16}", v)),
    "imsi": lambda v: bool(re.fullmatch(r"\d{6,15}", v)),
    "iccid": lambda v: bool(re.fullmatch(r"\d{18,21}[0-9fF]?", v)),
    "phone_number": lambda v: bool(re.fullmatch(r"\+?\d{5,15}", v)),
    "mac": lambda v: bool(re.fullmatch(r"(?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}", v)) and v not in ("02:00:00:00:00:00",
                                                                                                   "00:00:00:00:00:00"),
}
_LOCATION = re.compile(r"last location=Location\[(\w+) (-?\d+\.\d+),(-?\d+\.\d+)")


def _concurrently(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run independent device reads at once and return their results in the order given. Each
    is an adb round trip of 20-50 ms on an emulator or phone (more on a busy farm host); a dozen in
    a row were a third of a second of every run's set-up. adb opens a stream per command, so they
    run side by side; an exception from any call is raised here, as it would have been in turn."""
    if len(calls) < 2:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="identity") as pool:
        futures = [pool.submit(call) for call in calls]
        return [f.result() for f in futures]


class _Reader:
    def __init__(self, device: Device, *, sdk: int | None = None, root: RootAccess | None = None):
        self.device = device
        self.sdk = device.info().sdk if sdk is None else sdk
        self.root: RootAccess = root_access(device) if root is None else root
        self.ident: dict[str, Any] = {}
        self.how: dict[str, str] = {}
        self.why: dict[str, str] = {}

    def part(self) -> _Reader:
        """A reader of the same device with empty results: one per concurrent step, merged in
        the steps' order afterwards, so identity.json is the same whatever finished first."""
        return _Reader(self.device, sdk=self.sdk, root=self.root)

    def merge(self, other: _Reader) -> None:
        self.ident.update(other.ident)
        self.how.update(other.how)
        for key, reason in other.why.items():
            if key not in self.ident:
                self.why[key] = reason

    def sh(self, cmd: str, *, as_root: bool = False) -> tuple[int, str]:
        if as_root and self.root.method is not None:
            cmd = self.root.wrap(cmd)
        try:
            return self.device.sh_rc(cmd, timeout=20)
        except DeviceError as exc:
            return 1, str(exc)

    def found(self, key: str, value: str | None, how: str) -> bool:
        value = (value or "").strip()
        check = _FORMATS.get(key)
        if not value or value in ("null", "unknown") or (check is not None and not check(value)):
            return False
        self.ident[key] = value
        self.how[key] = how
        self.why.pop(key, None)
        return True

    def miss(self, key: str, reason: str) -> None:
        if key not in self.ident:
            self.why[key] = reason

    # -- telephony ------------------------------------------------------------------------
    def subinfo(self) -> None:
        codes = next((t for lo, hi, t in SUBINFO_CODES if lo <= self.sdk <= hi), SUBINFO_CODES[-1][2])
        use_root = self.sdk >= 29 and self.root.method is not None
        cmds = {key: f"service call iphonesubinfo {code} s16 com.android.shell" for key, code in codes.items()}
        answers = _concurrently([partial(self.sh, cmd, as_root=use_root) for cmd in cmds.values()])
        for (key, cmd), (rc, out) in zip(cmds.items(), answers, strict=True):
            reply = parse_parcel_string(out) if rc == 0 else None
            how = f"`{cmd}`" + (f" as root ({self.root.method})" if use_root else "")
            if reply is None:
                self.miss(key, f"{how}: no Parcel reply ({out.strip()[:80]})")
            elif reply.exception:
                self.miss(key, f"{how}: {reply.exception[:160]}")
            elif not self.found(key, reply.value, how):
                self.miss(key, f"{how}: reply {reply.value!r} is not a {key}")

    # -- the rest -------------------------------------------------------------------------
    def settings(self) -> None:
        value = self.device.settings_get("secure", "android_id")
        if not self.found("android_id", value, "`settings get secure android_id`"):
            self.miss("android_id", "settings secure android_id is empty")
        if not self.found("bluetooth_mac", self.device.settings_get("secure", "bluetooth_address"),
                          "`settings get secure bluetooth_address`"):
            self.miss("bluetooth_mac", "settings secure bluetooth_address is not set (Android 8+ hides it)")

    def serial(self) -> None:
        props = self.device.props(refresh=True)
        for key in ("ro.serialno", "ro.boot.serialno"):
            if self.found("serial", props.get(key), f"getprop {key}"):
                return
        self.miss("serial", "ro.serialno and ro.boot.serialno are empty or unreadable")

    def mac(self) -> None:
        rc, out = self.sh("cat /sys/class/net/wlan0/address")
        if rc == 0 and self.found("mac", out.strip().lower(), "/sys/class/net/wlan0/address"):
            return
        rc, out = self.sh("ip link show wlan0")
        m = re.search(r"link/ether ([0-9a-f:]{17})", out)
        if not (m and self.found("mac", m.group(1), "`ip link show wlan0`")):
            self.miss("mac", "wlan0 address not readable (no wlan0, or SELinux hides it)")

    def wifi(self) -> None:
        _, out = self.sh("dumpsys wifi")
        m = re.search(r'mWifiInfo SSID: "?([^",]*)"?, BSSID: ([0-9a-fA-F:]{17})', out)
        if m and m.group(1) not in ("<unknown ssid>", ""):
            self.found("ssid", m.group(1), "`dumpsys wifi` (mWifiInfo)")
            if m.group(2) != "02:00:00:00:00:00":
                self.found("bssid", m.group(2).lower(), "`dumpsys wifi` (mWifiInfo)")
        self.miss("ssid", "no connected Wi-Fi in `dumpsys wifi`")
        self.miss("bssid", "no connected Wi-Fi in `dumpsys wifi`")

    def account(self) -> None:
        _, out = self.sh("dumpsys account")
        m = re.search(r"Account \{name=([^,\s]+@[^,\s]+), type=", out)
        if not (m and self.found("email", m.group(1), "`dumpsys account`")):
            self.miss("email", "no account with an e-mail name in `dumpsys account`")

    def advertising_id(self) -> None:
        path = "/data/data/com.google.android.gms/shared_prefs/adid_settings.xml"
        rc, out = self.sh(f"cat {path}", as_root=True)
        m = re.search(r'name="adid_key">([0-9a-fA-F-]{36})<', out)
        if not (rc == 0 and m and self.found("advertising_id", m.group(1).lower(), f"{path} (root)")):
            self.miss("advertising_id", "no Google Play services advertising ID readable"
                      + ("" if self.root.method else " (needs root)"))
        self.miss("oaid", "no OAID provider (MSA/HMS) is queried: set it in a custom identity profile")

    def location(self) -> None:
        _, out = self.sh("dumpsys location")
        for provider, lat, lon in _LOCATION.findall(out):
            self.ident["location"] = {"lat": float(lat), "lon": float(lon)}
            self.how["location"] = f"`dumpsys location` (last {provider} location)"
            return
        self.miss("location", "no last known location in `dumpsys location`")


def read_identity(device: Device) -> tuple[dict[str, Any], list[str]]:
    """Identity values readable on this device, with `read_how` and `not_read`, and notes."""
    r = _Reader(device)
    steps = (_Reader.settings, _Reader.serial, _Reader.subinfo, _Reader.mac, _Reader.wifi, _Reader.account,
             _Reader.advertising_id, _Reader.location)
    parts = [r.part() for _ in steps]
    _concurrently([partial(step, part) for step, part in zip(steps, parts, strict=True)])
    for part in parts:
        r.merge(part)
    ident = dict(r.ident)
    ident["read_how"] = r.how
    ident["not_read"] = r.why
    notes = [f"{k}: {v}" for k, v in sorted(r.why.items())]
    return ident, notes


# -- canaries -----------------------------------------------------------------------------------
def _content(device: Device, args: str) -> tuple[int, str]:
    try:
        return device.sh_rc(f"content {args}", timeout=20)
    except DeviceError as exc:
        return 1, str(exc)


def _rows(text: str) -> list[dict[str, str]]:
    rows = []
    for line in text.splitlines():
        m = re.match(r"Row: \d+ (.*)", line.strip())
        if m:
            rows.append(dict(kv.split("=", 1) for kv in re.split(r", (?=\w+=)", m.group(1)) if "=" in kv))
    return rows


def _plant_contact(device: Device, contact: dict[str, str]) -> str | None:
    """A raw contact with a name row and a phone row; returns how, None on failure."""
    phones = _rows(_content(device, "query --uri content://com.android.contacts/data/phones "
                                    "--projection raw_contact_id:data1")[1])
    if any(r.get("data1") == contact["phone"] for r in phones):
        return "already on the device (contacts provider)"
    rc, out = _content(device, "insert --uri content://com.android.contacts/raw_contacts "
                               "--bind account_type:s: --bind account_name:s:")
    if rc != 0:
        return None
    raws = _rows(_content(device, "query --uri content://com.android.contacts/raw_contacts --projection _id")[1])
    ids = [int(r["_id"]) for r in raws if r.get("_id", "").isdigit()]
    if not ids:
        return None
    raw_id = max(ids)
    for mime, value, extra in (("vnd.android.cursor.item/name", contact["name"], ""),
                               ("vnd.android.cursor.item/phone_v2", contact["phone"], " --bind data2:i:2")):
        rc, _ = _content(device, f"insert --uri content://com.android.contacts/data --bind raw_contact_id:i:{raw_id} "
                                 f"--bind mimetype:s:{mime} --bind data1:s:{shlex.quote(value)}{extra}")
        if rc != 0:
            return None
    phones = _rows(_content(device, "query --uri content://com.android.contacts/data/phones "
                                    "--projection raw_contact_id:data1")[1])
    ok = any(r.get("data1") == contact["phone"] and r.get("raw_contact_id") == str(raw_id) for r in phones)
    return f"content insert: raw_contacts/{raw_id} with name and phone rows" if ok else None


def _plant_clipboard(device: Device) -> tuple[bool, str]:
    rc, out = device.sh_rc(f"cmd clipboard set {CLIPBOARD_CANARY}")
    got = device.sh_rc("cmd clipboard get")[1].strip()
    if rc == 0 and got == CLIPBOARD_CANARY:
        return True, "`cmd clipboard set` (read back with `cmd clipboard get`)"
    return False, f"the shell cannot set the clipboard on this image (`cmd clipboard set`: {out.strip()[:120]})"


def _plant_location(device: Device, ident: dict[str, Any]) -> str:
    lat, lon = (ident["location"]["lat"], ident["location"]["lon"]) if "location" in ident else CANARY_LOCATION
    steps = ("appops set com.android.shell android:mock_location allow",
             "cmd location providers add-test-provider gps",
             "cmd location providers set-test-provider-enabled gps true",
             f"cmd location providers set-test-provider-location gps --location {lat},{lon}")
    for cmd in steps:
        rc, out = device.sh_rc(cmd)
        if rc != 0 or "Exception" in out:
            return f"no mock location: `{cmd}` failed ({out.strip()[:120]}); Android 12+ is needed"
    ident["location"] = {"lat": lat, "lon": lon}
    return f"mock gps test provider at {lat},{lon} (cmd location, Android 12+)"


def plant_canaries(device: Device, ident: dict[str, Any]) -> list[str]:
    """Plant canary contacts, the clipboard canary and a mock location; record how in
    `ident["canaries"]`. Returns notes on what could not be planted."""
    notes = []
    canaries: dict[str, Any] = {}
    planted, hows = [], []
    location_ident = {"location": ident["location"]} if "location" in ident else {}
    # Contacts one after the other (each finds its raw contact as the newest id); the clipboard
    # and the mock location beside them.
    contact_hows, (ok, how), location_how = _concurrently([
        lambda: [_plant_contact(device, contact) for contact in CANARY_CONTACTS],
        lambda: _plant_clipboard(device),
        lambda: _plant_location(device, location_ident)])
    for contact, contact_how in zip(CANARY_CONTACTS, contact_hows, strict=True):
        if contact_how:
            planted.append(dict(contact))
            hows.append(contact_how)
    if planted:
        ident["contacts"] = planted
        canaries["contacts"] = hows
    else:
        notes.append("contacts: content insert refused; no canary contacts")
        canaries["contacts"] = None
    canaries["clipboard"] = how
    if ok:
        ident["clipboard"] = CLIPBOARD_CANARY
    else:
        notes.append(f"clipboard: {how}")
    canaries["location"] = location_how
    if "location" in location_ident:
        ident["location"] = location_ident["location"]
    ident["canaries"] = canaries
    return notes


def write_identity(run_dir: Path, ident: dict[str, Any]) -> None:
    (run_dir / "identity.json").write_text(json.dumps(ident, indent=2, ensure_ascii=False), encoding="utf-8")
