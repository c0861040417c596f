"""The run's identity profile: the values the app could leak, read from the device (and planted
where a canary is needed), so that PII detection knows exactly what to look for.

Real devices expose some identifiers only to privileged code; what cannot be read is left out
(every key of identity.json is optional) and said in the run's events, never guessed."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

from harness.device import Device
from harness.errors import DeviceError

CANARY_CONTACTS = ({"name": "Canary Zhang", "phone": "+8613800138000"},
                   {"name": "Canary Miller", "phone": "+15555550123"})
CLIPBOARD_CANARY = "consentry-clipboard-canary-7f3a9c"

# Sim devices publish their identity as read-only properties (a real device would need root
# and `service call iphonesubinfo`): `ro.consentry.identity.<key>`.
_SIM_PREFIX = "ro.consentry.identity."


def _parcel_string(text: str) -> str | None:
    """Decode the UTF-16 string of a `service call iphonesubinfo N` Parcel reply."""
    chunks = re.findall(r"'([^']*)'", text)
    value = "".join(chunks).replace(".", "").strip()
    return value or None


def read_identity(device: Device) -> tuple[dict[str, Any], list[str]]:
    """Identity values readable on this device, and notes on what could not be read."""
    notes: list[str] = []
    props = device.props(refresh=True)
    ident: dict[str, Any] = {}
    for key, value in props.items():
        if key.startswith(_SIM_PREFIX) and value:
            ident[key[len(_SIM_PREFIX):]] = value
    android_id = device.settings_get("secure", "android_id")
    if android_id:
        ident["android_id"] = android_id
    serial = props.get("ro.serialno") or props.get("ro.boot.serialno")
    if serial and serial != "unknown":
        ident.setdefault("serial", serial)
    if "imei" not in ident:
        try:
            imei = _parcel_string(device.sh("service call iphonesubinfo 1"))
            if imei and imei.isdigit():
                ident["imei"] = imei
            else:
                notes.append("imei: not readable through `service call iphonesubinfo 1`")
        except DeviceError as exc:
            notes.append(f"imei: {exc}")
    if "mac" not in ident:
        rc, mac = device.sh_rc("cat /sys/class/net/wlan0/address")
        if rc == 0 and re.fullmatch(r"[0-9a-fA-F:]{17}", mac.strip()):
            ident["mac"] = mac.strip()
    if "lat" in ident and "lon" in ident:
        try:
            ident["location"] = {"lat": float(ident.pop("lat")), "lon": float(ident.pop("lon"))}
        except ValueError:
            notes.append("location: sim properties are not numbers")
    return ident, notes


def plant_canaries(device: Device, ident: dict[str, Any]) -> list[str]:
    """Insert canary contacts (content provider, as any app would see them) and record the
    clipboard canary. Returns notes on what could not be planted."""
    notes = []
    planted = []
    for contact in CANARY_CONTACTS:
        cmd = ("content insert --uri content://com.android.contacts/raw_contacts "
               "--bind account_type:s: --bind account_name:s:")
        rc, _ = device.sh_rc(cmd)
        rc2, _ = device.sh_rc(
            "content insert --uri content://com.android.contacts/data "
            f"--bind mimetype:s:vnd.android.cursor.item/name --bind data1:s:{shlex.quote(contact['name'])}"
        )
        if rc == 0 and rc2 == 0:
            planted.append(contact)
    if planted:
        ident["contacts"] = planted
    else:
        notes.append("contacts: content insert refused; no canary contacts")
    ident.setdefault("clipboard", CLIPBOARD_CANARY)
    return notes


def write_identity(run_dir: Path, ident: dict[str, Any]) -> None:
    (run_dir / "identity.json").write_text(json.dumps(ident, indent=2, ensure_ascii=False), encoding="utf-8")
