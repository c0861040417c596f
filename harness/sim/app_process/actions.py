"""What one behaviour step does, for real: the calls the agent's hooks see."""

from __future__ import annotations

import ctypes
import http.client
import json
import os
import socket
import ssl
from typing import Any
from urllib.parse import quote

from harness.sim.app_process.channel import Channel
from harness.sim.app_process.encode import encode, identity_value
from harness.sim.app_process.jvm import JavaError, Jvm
from harness.sim.app_process.net import parse_proxy, request, trust_context

# identity key -> the Java API an Android app calls for it (class, method, argument) and the
# permission the real API requires. The one table of key -> Java API: the sim apps' Java code is
# generated from it (harness/sim/java/gen_apps.py), and runs on the JVM (jvm.py), where the
# framework method itself checks the permission (the catalogue entry's) and throws.
JAVA_API: dict[str, tuple[str, str, str, str | None]] = {
    "android_id": ("android.provider.Settings$Secure", "getString", "android_id", None),
    "imei": ("android.telephony.TelephonyManager", "getImei", "", "android.permission.READ_PHONE_STATE"),
    "meid": ("android.telephony.TelephonyManager", "getMeid", "", "android.permission.READ_PHONE_STATE"),
    "imsi": ("android.telephony.TelephonyManager", "getSubscriberId", "", "android.permission.READ_PHONE_STATE"),
    "iccid": ("android.telephony.TelephonyManager", "getSimSerialNumber", "", "android.permission.READ_PHONE_STATE"),
    "serial": ("android.os.Build", "getSerial", "", "android.permission.READ_PHONE_STATE"),
    "phone_number": ("android.telephony.TelephonyManager", "getLine1Number", "", "android.permission.READ_PHONE_NUMBERS"),
    "mac": ("android.net.wifi.WifiInfo", "getMacAddress", "", None),
    "bluetooth_mac": ("android.bluetooth.BluetoothAdapter", "getAddress", "", "android.permission.BLUETOOTH_CONNECT"),
    "ssid": ("android.net.wifi.WifiInfo", "getSSID", "", "android.permission.ACCESS_FINE_LOCATION"),
    "bssid": ("android.net.wifi.WifiInfo", "getBSSID", "", "android.permission.ACCESS_FINE_LOCATION"),
    "advertising_id": ("com.google.android.gms.ads.identifier.AdvertisingIdClient$Info", "getId", "", None),
    "oaid": ("com.bun.miitmdid.interfaces.IdSupplier", "getOAID", "", None),
    "email": ("android.accounts.AccountManager", "getAccounts", "", "android.permission.GET_ACCOUNTS"),
    "location": ("android.location.LocationManager", "getLastKnownLocation", "gps", "android.permission.ACCESS_FINE_LOCATION"),
    "contacts": ("android.content.ContentResolver", "query", "content://com.android.contacts/data/phones", "android.permission.READ_CONTACTS"),
    "clipboard": ("android.content.ClipboardManager", "getPrimaryClip", "", None),
    "model": ("android.os.SystemProperties", "get", "ro.product.model", None),
}


class Actions:
    """Runs steps for one app process; native calls go through the behaviour's SDK module."""

    def __init__(self, cfg: dict[str, Any], chan: Channel):
        self.cfg = cfg
        self.chan = chan
        self.identity: dict[str, Any] = cfg.get("identity", {})
        self.internet: tuple[str, int] = tuple(cfg["internet"])  # type: ignore[assignment]
        self.tag = cfg.get("log_tag") or cfg["package"].rsplit(".", 1)[-1]
        self._libs: dict[str, ctypes.CDLL] = {}
        self.jvm: Jvm | None = None

    # -- the Java runtime --------------------------------------------------------------------
    def start_java(self) -> None:
        """Boot the app's JVM and its Application; raises JavaError."""
        java = self.cfg.get("java")
        if java is None:
            return
        self.jvm = Jvm(java)
        self.jvm.start(self.cfg["package"])
        self.jvm.grant(self._granted())

    def _granted(self) -> list[str]:
        """Permissions held now: the runtime's last state, or those held at launch before it."""
        return list(self.chan.state.get("granted", self.cfg.get("granted", ())))

    def call_java(self, sdk: str | None, method: str, arg: str) -> str | None:
        if self.jvm is None:
            raise JavaError("this app process has no Java VM")
        self.jvm.grant(self._granted())
        return self.jvm.call(sdk, method, arg)

    # -- native modules ------------------------------------------------------------------
    def lib(self, sdk: str | None) -> ctypes.CDLL:
        name = sdk or "simprop"
        lib = self._libs.get(name)
        if lib is None:
            lib = ctypes.CDLL(self.cfg["libs"][name])  # like System.loadLibrary: after release
            for fn in ("sdk_collect_file",):
                getattr(lib, fn).argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
            lib.sdk_collect_prop.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
            getattr(lib, "__system_property_get").argtypes = [ctypes.c_char_p, ctypes.c_char_p]
            self._libs[name] = lib
        return lib

    def load_libs(self, names: set[str | None]) -> None:
        for n in sorted(names, key=str):
            self.lib(n)

    # -- steps -----------------------------------------------------------------------------
    def run(self, step: dict[str, Any], sdk: str | None) -> None:
        kind, arg = next((k, v) for k, v in step.items() if v is not None)
        tag = sdk.capitalize() + "SDK" if sdk else self.tag
        try:
            getattr(self, f"do_{kind}")(arg, sdk, tag)
        except (OSError, ssl.SSLError, http.client.HTTPException, ValueError, JavaError) as e:
            self.chan.log(tag, f"{kind} failed: {type(e).__name__}: {e}", "W")

    def do_read_file(self, path: str, sdk: str | None, tag: str) -> None:
        host = self.cfg["root"] + path
        if sdk:
            buf = ctypes.create_string_buffer(4096)
            n = self.lib(sdk).sdk_collect_file(host.encode(), buf, len(buf))
            ok = n >= 0
        else:
            try:
                fd = os.open(host, os.O_RDONLY)
                try:
                    n = len(os.read(fd, 4096))
                finally:
                    os.close(fd)
                ok = True
            except OSError:
                ok, n = False, -1
        self.chan.log(tag, f"read {path}: {f'{n} bytes' if ok else 'failed'}", "D")

    def do_shell(self, spec: dict[str, Any], sdk: str | None, tag: str) -> None:
        """A command run from the SDK's native code (sdkshell.c) on the sim device's shell."""
        lib = self.lib(sdk)
        lib.sdk_shell.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
        buf = ctypes.create_string_buffer(8192)
        via = ("popen", "posix_spawn", "system").index(spec.get("via", "popen"))
        n = lib.sdk_shell(spec["cmd"].encode(), via, buf, len(buf))
        head = buf.value[:64].decode("utf-8", "replace").strip().replace("\n", " | ")
        self.chan.log(tag, f"sh: {spec['cmd'][:80]}: {n} bytes: {head}", "D")

    def do_getprop(self, key: str, sdk: str | None, tag: str) -> None:
        buf = ctypes.create_string_buffer(92)
        lib = self.lib(sdk)
        fn = lib.sdk_collect_prop if sdk else getattr(lib, "__system_property_get")  # no name mangling
        n = fn(key.encode(), buf)
        self.chan.log(tag, f"getprop {key}: {n} chars", "D")

    def do_read(self, key: str, sdk: str | None, tag: str) -> None:
        """The Java framework call for `key`, made from the SDK's (or the app's) Java code; without
        the permission the framework throws SecurityException after the call (JavaError here)."""
        value = self.call_java(sdk, "read", key)
        self.chan.log(tag, f"{JAVA_API[key][0].rsplit('.', 1)[-1]}.{JAVA_API[key][1]}: {'ok' if value else 'null'}", "D")

    def do_dns(self, host: str, sdk: str | None, tag: str) -> None:
        self.resolve(host)
        self.chan.log(tag, f"resolved {host}", "D")

    def resolve(self, host: str) -> None:
        # libc getaddrinfo with the name (what the hook sees); AI_NUMERICHOST keeps the host's real
        # DNS out of it: the sim's network is the sim internet, whatever the name.
        try:
            socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
        except socket.gaierror:
            pass

    def do_http(self, spec: dict[str, Any], sdk: str | None, tag: str) -> None:
        fields = []
        for s in spec.get("send", ()):
            v = identity_value(self.identity, s["key"])
            if v is not None:
                fields.append((s.get("name") or s["key"], encode(v, s.get("enc", "plain"))))
        url, body = spec["url"], None
        headers = dict(spec.get("headers", {}))
        into = spec.get("in", "query")
        if into == "query" and fields:
            # values already URL-encoded (enc: urlencoded) keep their %XX; plain ones keep ':' and ','
            url += ("&" if "?" in url else "?") + "&".join(f"{k}={quote(v, safe=':,.-_@%')}" for k, v in fields)
        elif into == "form":
            body = "&".join(f"{quote(k)}={quote(v, safe='%')}" for k, v in fields).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif into == "json":
            body = json.dumps(dict(fields)).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif into == "header":
            headers.update(fields)
        proxy = parse_proxy(self.chan.ask("get_proxy"))
        host = url.split("://", 1)[1].split("/", 1)[0].split(":")[0]
        if proxy is None:
            self.resolve(host)
        pinned = self.cfg["pin_ca_pem"].encode() if spec.get("pin") else None
        tls = trust_context(self.cfg["ca_dirs"], pinned)
        method = spec.get("method", "GET")
        try:
            status, _ = request(method, url, headers, body, proxy=proxy, internet=self.internet, tls=tls)
        except ssl.SSLError as e:
            if not (proxy and spec.get("fallback_direct")):
                raise
            # pinning failed through the proxy: like many SDKs, retry around the proxy
            self.chan.log(tag, f"javax.net.ssl.SSLHandshakeException: {e.reason or e}; retrying without proxy", "W")
            self.resolve(host)
            status, _ = request(method, url, headers, body, proxy=None, internet=self.internet, tls=tls)
        self.chan.log(tag, f"{method} {url.split('?')[0]} -> {status}", "D")

    def do_request_permissions(self, perms: list[str], sdk: str | None, tag: str) -> None:
        self.chan.send("request_permissions", permissions=list(perms))

    def do_start_app(self, package: str, sdk: str | None, tag: str) -> None:
        """Context.startService with an explicit intent to `package` (from the app's Java code)."""
        try:
            self.call_java(None, "startService", package)
        finally:
            self.chan.send("start_app", package=package)

    def do_show_screen(self, screen: str, sdk: str | None, tag: str) -> None:
        self.chan.send("show_screen", screen=screen)

    def do_screen_auto(self, screen: str, sdk: str | None, tag: str) -> None:
        """The app's own timer on `screen` ran out (a splash moving on): the system applies the
        screen's `auto:` action if that screen is still on top."""
        self.chan.send("screen_auto", screen=screen)

    def do_log(self, msg: str, sdk: str | None, tag: str) -> None:
        self.chan.log(tag, msg)
