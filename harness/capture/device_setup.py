"""Device side of the capture: the global proxy, the CA in the user and system stores, and a check
that interception really works. All functions take an `adbutils.AdbDevice` (emulator, device or
sim) and return frozen dataclasses that say what happened, in words a user can act on.

System store methods (rooted emulators; see docs/traffic.md):
- Android <= 13: a tmpfs is mounted over /system/etc/security/cacerts holding the existing CAs
  plus ours (no remount of /system, undone by a reboot).
- Android 14+: system CAs are read from the Conscrypt APEX (/apex/com.android.conscrypt/cacerts),
  which is mounted per mount namespace. We build the same tmpfs, then bind-mount it over the APEX
  path inside zygote's / zygote64's namespace (new apps inherit it) and inside every running app's
  namespace, entering them with `nsenter --mount=/proc/PID/ns/mnt`."""

from __future__ import annotations

import io
import shlex
import time
import uuid
from dataclasses import dataclass
from typing import Any

from harness.capture.ca import subject_hash_old
from harness.capture.marker import MARKER_HOST

USER_STORE = "/data/misc/user/0/cacerts-added"
SYSTEM_STORE = "/system/etc/security/cacerts"
APEX_STORE = "/apex/com.android.conscrypt/cacerts"
STAGING = "/data/local/tmp/consentry-ca"
EMULATOR_HOST_LOOPBACK = "10.0.2.2"  # how an Android emulator reaches the host's 127.0.0.1


@dataclass(frozen=True)
class CaInstall:
    store: str  # user | system
    path: str
    ok: bool
    method: str  # push | su | tmpfs | tmpfs+apex-nsenter | none
    detail: str = ""


@dataclass(frozen=True)
class InterceptionCheck:
    ok: bool
    method: str  # curl | browser-intent | observed-flows | none
    detail: str
    client_ip: str | None = None


def _sh(device: Any, cmd: str, timeout: float = 30) -> tuple[int, str]:
    """Run a shell command; (exit code, combined output). Works with adbutils' shell2."""
    try:
        res = device.shell2(cmd, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - adbutils: AdbError, ValueError on odd output, timeouts
        return 1, f"{type(exc).__name__}: {exc}"
    return res.returncode, (res.output or "").strip()


# -- proxy ---------------------------------------------------------------------------------
def proxy_get(device: Any) -> str | None:
    _, out = _sh(device, "settings get global http_proxy")
    return None if out in ("", "null", ":0") else out


def proxy_set(device: Any, host: str, port: int) -> str:
    """Point the device's global HTTP proxy at host:port (apps using the system proxy follow it).
    For an emulator and a proxy on the host's loopback, pass host=EMULATOR_HOST_LOOPBACK."""
    value = f"{host}:{port}"
    _sh(device, f"settings put global http_proxy {shlex.quote(value)}")
    now = proxy_get(device)
    if now != value:
        from harness.errors import DeviceError

        raise DeviceError(f"{device.serial}: global http_proxy is {now!r} after setting {value!r}")
    return value


def proxy_clear(device: Any) -> None:
    """`:0` first (apps listening for the change see 'no proxy'), then delete the keys."""
    _sh(device, "settings put global http_proxy :0")
    for key in ("http_proxy", "global_http_proxy_host", "global_http_proxy_port"):
        _sh(device, f"settings delete global {key}")


# -- CA ------------------------------------------------------------------------------------
def _is_root(device: Any) -> bool:
    return _sh(device, "id -u")[1].strip() == "0"


def _has_su(device: Any) -> bool:
    code, out = _sh(device, "su 0 id -u")
    return code == 0 and out.strip().endswith("0")


def _as_root(device: Any, script: str) -> tuple[int, str]:
    if _is_root(device):
        return _sh(device, f"sh -c {shlex.quote(script)}", timeout=60)
    return _sh(device, f"su 0 sh -c {shlex.quote(script)}", timeout=60)


def _is_sim(device: Any) -> bool:
    return bool(_sh(device, "getprop consentry.sim.internet")[1])


def ca_install_user(device: Any, pem: bytes) -> CaInstall:
    """Install into the user store. Needs root (adb root or su) on real Android 7+; a sim device
    accepts the push directly. Apps trust user CAs only when their network security config says
    so (debug builds, or targetSdk < 24): for the others use the system store."""
    name = f"{subject_hash_old(pem)}.0"
    dest = f"{USER_STORE}/{name}"
    try:
        device.sync.push(io.BytesIO(pem), dest, 0o644)
        if _sh(device, f"ls {dest}")[0] == 0:
            return CaInstall("user", dest, True, "push")
    except Exception:  # noqa: BLE001 - adbutils raises several types for a refused push
        pass
    staged = f"/data/local/tmp/{name}"
    device.sync.push(io.BytesIO(pem), staged, 0o644)
    if _is_root(device) or _has_su(device):
        code, out = _as_root(device, f"mkdir -p {USER_STORE} && cp {staged} {dest} && chmod 644 {dest} && "
                                     f"chown system:system {dest} 2>/dev/null; ls {dest}")
        if code == 0:
            return CaInstall("user", dest, True, "su")
        return CaInstall("user", dest, False, "su", f"copy as root failed: {out[:300]}")
    return CaInstall("user", dest, False, "none",
                     f"no root on {device.serial}: install {staged} by hand (Settings > Security > Encryption & "
                     "credentials > Install a certificate > CA certificate), or use a rooted emulator image "
                     "(google_apis, not google_apis_playstore) with `adb root`")


def system_ca_script(name: str, sdk: int) -> str:
    """The root shell script that adds {STAGING}/{name} to the system store (see module doc)."""
    lines = [
        "set -e",
        f"mkdir -p {STAGING}/store",
        f"cp {SYSTEM_STORE}/* {STAGING}/store/ 2>/dev/null || true",
    ]
    if sdk >= 34:
        lines.append(f"cp {APEX_STORE}/* {STAGING}/store/ 2>/dev/null || true")
    lines += [
        f"cp {STAGING}/{name} {STAGING}/store/{name}",
        f"mount -t tmpfs tmpfs {SYSTEM_STORE}",
        f"cp {STAGING}/store/* {SYSTEM_STORE}/",
        f"chown root:root {SYSTEM_STORE}/*",
        f"chmod 644 {SYSTEM_STORE}/*",
        f"chcon u:object_r:system_file:s0 {SYSTEM_STORE}/* 2>/dev/null || true",
    ]
    if sdk >= 34:
        lines += [
            "set +e",
            "ZYGOTES=\"$(pidof zygote) $(pidof zygote64)\"",
            "for Z in $ZYGOTES; do",
            f"  nsenter --mount=/proc/$Z/ns/mnt -- /bin/mount --bind {SYSTEM_STORE} {APEX_STORE}",
            "done",
            "for Z in $ZYGOTES; do",
            "  for P in $(ps -o PID= -P $Z); do",
            f"    nsenter --mount=/proc/$P/ns/mnt -- /bin/mount --bind {SYSTEM_STORE} {APEX_STORE} &",
            "  done",
            "done",
            "wait",
            f"nsenter --mount=/proc/$(pidof zygote64 || pidof zygote)/ns/mnt -- ls {APEX_STORE}/{name}",
        ]
    else:
        lines.append(f"ls {SYSTEM_STORE}/{name}")
    return "\n".join(lines)


def ca_install_system(device: Any, pem: bytes) -> CaInstall:
    """Install into the system store of a rooted emulator (all apps trust it). Lasts until reboot."""
    name = f"{subject_hash_old(pem)}.0"
    sdk = int(_sh(device, "getprop ro.build.version.sdk")[1] or 0)
    dest = f"{APEX_STORE if sdk >= 34 else SYSTEM_STORE}/{name}"
    if not (_is_root(device) or _has_su(device)):
        return CaInstall("system", dest, False, "none",
                         f"{device.serial} is not rooted: run `adb root` on an emulator image without Play Store")
    if _is_sim(device):  # the sim's system store is a plain folder: push, as `adb remount` would allow
        dest = f"{SYSTEM_STORE}/{name}"
        try:
            device.sync.push(io.BytesIO(pem), dest, 0o644)
        except Exception as exc:  # noqa: BLE001
            return CaInstall("system", dest, False, "push", f"push refused: {exc}")
        return CaInstall("system", dest, _sh(device, f"ls {dest}")[0] == 0, "push")
    _sh(device, f"mkdir -p {STAGING}")
    device.sync.push(io.BytesIO(pem), f"{STAGING}/{name}", 0o644)
    code, out = _as_root(device, system_ca_script(name, sdk))
    method = "tmpfs+apex-nsenter" if sdk >= 34 else "tmpfs"
    return CaInstall("system", dest, code == 0, method, "" if code == 0 else out[-400:])


# -- check ---------------------------------------------------------------------------------
def check_interception(device: Any, service: Any, *, timeout: float = 10.0) -> InterceptionCheck:
    """Prove that a request from the device reaches this proxy. A marker request
    (http://consentry-check.invalid/<token>, answered by the proxy itself) is sent with the
    device's curl when it has one, else opened in the browser by intent; if neither arrives, any
    flow the proxy records from the device within `timeout` (an app's own traffic) counts."""
    marker = service.marker
    token = uuid.uuid4().hex
    url = f"http://{MARKER_HOST}/{token}"
    proxy = proxy_get(device)
    if proxy is None:
        return InterceptionCheck(False, "none", f"{device.serial}: no global http_proxy is set")
    before = service.cap.flow_count
    method = "none"
    if _sh(device, "command -v curl")[0] == 0:
        method = "curl"
        _sh(device, f"curl -s -m {int(timeout)} -x {shlex.quote(proxy)} {url}", timeout=timeout + 5)
    else:
        code, _ = _sh(device, f"am start -a android.intent.action.VIEW -d {url}")
        method = "browser-intent" if code == 0 else "none"
    if marker is not None:
        ip = marker.wait(token, timeout if method != "none" else 0.1)
        if ip is not None:
            return InterceptionCheck(True, method, f"marker request from the device reached the proxy via {proxy}", ip)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.cap.flow_count > before:
            return InterceptionCheck(True, "observed-flows", f"the proxy recorded device traffic via {proxy}")
        time.sleep(0.1)
    host = (service.address or ("?", 0))[0]
    hint = (f" An emulator reaches the host's loopback as {EMULATOR_HOST_LOOPBACK}: start the proxy with "
            "listen_host='0.0.0.0' or point http_proxy at 10.0.2.2." if host in ("127.0.0.1", "localhost") else "")
    return InterceptionCheck(False, method, f"nothing from {device.serial} reached the proxy within {timeout:.0f} s "
                                            f"(device http_proxy={proxy}, proxy listens on {service.address}).{hint}")


def sim_internet(device: Any) -> tuple[str, bytes | None] | None:
    """On a sim device: (upstream URL of the sim internet, its CA PEM from the system store)."""
    _, addr = _sh(device, "getprop consentry.sim.internet")
    if not addr:
        return None
    ca = None
    _, names = _sh(device, f"ls {SYSTEM_STORE}")
    for name in names.split():
        data = device.sync.read_bytes(f"{SYSTEM_STORE}/{name}")
        if b"consentry sim internet" in data or _is_sim_ca(data):
            ca = data
            break
    return f"http://{addr}", ca


def _is_sim_ca(pem: bytes) -> bool:
    from cryptography import x509

    try:
        return "consentry sim internet" in x509.load_pem_x509_certificate(pem).subject.rfc4514_string()
    except ValueError:
        return False
