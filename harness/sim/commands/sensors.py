"""Where a device shows its location, Wi-Fi and accounts to the shell, in Android 12-14's formats:
`dumpsys location` (providers with `last location=Location[...]`), `dumpsys wifi` (`mWifiInfo SSID:
"...", BSSID: ...`), `dumpsys account` (`Account {name=..., type=...}`), and the test providers of
`cmd location providers ...` with which a harness sets a mock location (Android 12+)."""

from __future__ import annotations

from harness.sim.shell_exec import Proc


def _loc(provider: str, lat: float, lon: float) -> str:
    return f"Location[{provider} {lat:.6f},{lon:.6f} hAcc=5.0 et=+2h13m4s12ms alt=5.0 vAcc=0.5]"


def _mock(p: Proc) -> dict[str, str]:
    with p.device._lock:
        return p.device.settings.setdefault("consentry_test_providers", {})


def dumpsys_location(p: Proc) -> None:
    lat, lon = p.device.identity.location
    mock = _mock(p)
    p.out("Location Manager State:\n  User Info:\n    current users: u[0]\n  Location Settings:\n"
          "    Location Setting: true\n  Location Providers:\n")
    for name in ("passive", "network", "fused", "gps"):
        last = "null"
        if name in mock and mock[name]:
            mlat, mlon = (float(x) for x in mock[name].split(","))
            last = _loc(name, mlat, mlon)
        elif name in ("fused", "gps"):
            last = _loc(name, lat, lon)
        p.out(f"    {name} provider:\n      service: ProviderRequest[OFF]\n      last location={last}\n"
              f"      enabled=true\n      allowed=true\n" + ("      mock=true\n" if name in mock else ""))


def dumpsys_wifi(p: Proc) -> None:
    i = p.device.identity
    p.out("Wi-Fi is enabled\nVerbose logging is off\n"
          f'mWifiInfo SSID: "{i.ssid}", BSSID: {i.bssid}, MAC: {i.mac.lower()}, IP: /10.0.2.16, Security type: 0, '
          "Supplicant state: COMPLETED, Wi-Fi standard: 4, RSSI: -50, Link speed: 866Mbps, "
          "Frequency: 5180MHz, Net ID: 0, Metered hint: false, score: 60\n")


def dumpsys_account(p: Proc) -> None:
    i = p.device.identity
    p.out("User UserInfo{0:Owner:c13}:\n  Accounts: 1\n"
          f"    Account {{name={i.email}, type=com.google}}\n\n  AccountId, Action_Type, timestamp, UID, TableName, Key\n")


def location_cmd(p: Proc, args: list[str]) -> int:
    """`cmd location providers add-test-provider|set-test-provider-enabled|set-test-provider-location|
    remove-test-provider NAME ...`; appops must allow the shell's mock location first, as on Android."""
    if args[:1] != ["providers"] or len(args) < 3:
        p.err("Location service commands:\n  providers add-test-provider <PROVIDER> ...\n")
        return 255
    verb, name, rest = args[1], args[2], args[3:]
    mock = _mock(p)
    if verb == "add-test-provider":
        if p.device.settings_get("consentry_appops", "com.android.shell:android:mock_location") != "allow":
            p.err("java.lang.SecurityException: com.android.shell is not allowed to perform MOCK_LOCATION\n")
            return 255
        mock[name] = ""
    elif verb == "remove-test-provider":
        mock.pop(name, None)
    elif verb == "set-test-provider-enabled":
        if name not in mock:
            p.err(f"java.lang.IllegalArgumentException: provider doesn't exist: {name}\n")
            return 255
    elif verb == "set-test-provider-location":
        if name not in mock or "--location" not in rest:
            p.err(f"java.lang.IllegalArgumentException: provider doesn't exist: {name}\n")
            return 255
        value = rest[rest.index("--location") + 1] if rest.index("--location") + 1 < len(rest) else ""
        try:
            lat, lon = (float(x) for x in value.split(","))
        except ValueError:
            p.err(f"java.lang.IllegalArgumentException: invalid location: {value}\n")
            return 255
        mock[name] = f"{lat},{lon}"
    else:
        p.err(f"Unknown command: {verb}\n")
        return 255
    p.device.save()
    return 0


def appops(p: Proc, args: list[str]) -> int:
    """`appops set PKG OP MODE` / `appops get PKG OP` (the ops a harness needs)."""
    if args[:1] == ["set"] and len(args) >= 4:
        p.device.settings_put("consentry_appops", f"{args[1]}:{args[2]}", args[3])
        return 0
    if args[:1] == ["get"] and len(args) >= 3:
        mode = p.device.settings_get("consentry_appops", f"{args[1]}:{args[2]}") or "default"
        p.out(f"{args[2].removeprefix('android:').upper()}: {mode}\n")
        return 0
    p.err("usage: appops set|get PACKAGE OP [MODE]\n")
    return 1


COMMANDS = {"appops": appops}
