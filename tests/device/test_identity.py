"""Identity read from a device the way a real one exposes it: `service call iphonesubinfo` parcels
(decoded from the words, not the ASCII column), settings, sysfs, dumpsys; with `read_how` and
`not_read` in identity.json, and canaries that really exist (contact rows, clipboard, mock location)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.device import connect_device
from harness.run.identity import plant_canaries, read_identity
from harness.run.parcel import parcel_words, parse_parcel_string

_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = next((d for d in (_ROOT.parent / "shared", _ROOT.parent.parent / "shared")
                if (d / "android-samples").is_dir()), _ROOT.parent / "shared") / "android-samples" / "service-call"


def test_parcel_layouts():
    multi = ("Result: Parcel(\n  0x00000000: 00000000 0000000f 00350033 00320038 '........3.5.8.2.'\n"
             "  0x00000010: 00300034 00350030 00310031 00310031 '4.0.0.5.1.1.1.1.'\n"
             "  0x00000020: 00310031 00000030                   '1.1.0...        ')\n")
    assert parse_parcel_string(multi).value == "358240051111110"
    dotted = "Result: Parcel(00000000 00000003 002e0031 00000032   '....1...2...')"  # "1.2": a '.' survives
    assert parse_parcel_string(dotted).value == "1.2"
    null = parse_parcel_string("Result: Parcel(00000000 ffffffff   '........')")
    assert null.value is None and null.exception is None
    denied = ("Result: Parcel(\n  0x00000000: ffffffff 00000004 00650044 0079006e '........D.e.n.y.'\n"
              "  0x00000010: 00000000 00000000                   '........        ')\n")
    assert parse_parcel_string(denied).exception == "code -1: Deny"
    assert parse_parcel_string("service: Service iphonesubinfo does not exist") is None


def test_real_service_call_sample():
    files = sorted(SAMPLES.glob("*.txt")) if SAMPLES.is_dir() else []
    if not files:
        pytest.skip("../shared/android-samples not present")
    for f in files:
        text = f.read_text(errors="replace")
        words = parcel_words(text)
        assert words, f
        assert parse_parcel_string(text) is not None


@pytest.mark.parametrize("profile", ["sim", "emulator-34"])
def test_read_identity_says_how(make_sim_device, profile):
    sim = make_sim_device(profile=profile, apps=[])
    ident, notes = read_identity(connect_device(sim.serial))
    i = sim.device.identity
    assert (ident["imei"], ident["imsi"], ident["iccid"], ident["phone_number"]) == (i.imei, i.imsi, i.iccid,
                                                                                    i.phone_number)
    assert ident["read_how"]["imei"].startswith("`service call iphonesubinfo 1 s16 com.android.shell` as root")
    assert ident["read_how"]["android_id"] == "`settings get secure android_id`" and ident["android_id"] == i.android_id
    assert ident["mac"] == i.mac.lower() and ident["read_how"]["mac"] == "/sys/class/net/wlan0/address"
    assert ident["location"] == {"lat": i.location[0], "lon": i.location[1]}
    assert "oaid" in ident["not_read"] and "oaid" not in ident
    # the sim no longer publishes identifiers as properties
    assert i.imei not in sim.adb_cli("shell", "getprop").stdout


def test_unrooted_phone_cannot_read_privileged_ids_and_says_why(make_sim_device):
    phone = make_sim_device(profile="phone-34", apps=[])
    ident, notes = read_identity(connect_device(phone.serial))
    assert "imei" not in ident and "does not meet the requirements" in ident["not_read"]["imei"]
    assert ident["phone_number"] == phone.device.identity.phone_number  # not privileged
    assert "advertising_id" not in ident and "needs root" in ident["not_read"]["advertising_id"]
    assert any(n.startswith("imei:") for n in notes)


def test_canaries_exist_on_the_device(make_sim_device):
    sim = make_sim_device(profile="emulator-34", apps=[])
    device = connect_device(sim.serial)
    ident, _ = read_identity(device)
    assert plant_canaries(device, ident) == []
    phones = sim.adb_cli("shell", "content query --uri content://com.android.contacts/data/phones").stdout
    contacts = sim.adb_cli("shell", "content query --uri content://com.android.contacts/contacts").stdout
    for c in ident["contacts"]:
        assert f"data1={c['phone']}" in phones and f"display_name={c['name']}" in contacts
    assert "has_phone_number=1" in contacts
    assert sim.adb_cli("shell", "cmd clipboard get").stdout.strip() == ident["clipboard"]
    assert "mock=true" in sim.adb_cli("shell", "dumpsys location").stdout
    assert ident["canaries"]["location"].startswith("mock gps test provider")
    again = dict(ident)
    plant_canaries(device, again)  # a second run does not duplicate the contacts
    assert sim.adb_cli("shell", "content query --uri content://com.android.contacts/data/phones").stdout == phones
