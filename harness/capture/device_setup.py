"""Device side of the capture: the global proxy, the CA in the user and system stores, and a check
that interception really works. All functions take an `adbutils.AdbDevice` (emulator, device or
sim) and return frozen dataclasses that say what happened, in words a user can act on.

System store methods (rooted emulators; see docs/traffic.md), one command per step so each result
is checked and a second install changes nothing (no stacked mounts):
- Android <= 13: a tmpfs is mounted over /system/etc/security/cacerts holding the existing CAs
  plus ours (no remount of /system, undone by a reboot or `consentry doctor --remove-ca`).
- Android 14+: system CAs are read from the Conscrypt APEX (/apex/com.android.conscrypt/cacerts),
  which is mounted per mount namespace. We build the same tmpfs, then bind-mount it over the APEX
  path inside zygote's / zygote64's namespace (new apps inherit it) and inside every running app's
  namespace, entering them with `nsenter --mount=/proc/PID/ns/mnt`, only where no bind exists yet;
  presence is checked in those namespaces, never in adbd's."""

from __future__ import annotations

import io
import shlex
import time
import uuid
from dataclasses import dataclass
from typing import Any

from harness.capture.ca import subject_hash_old
from harness.capture.marker import MARKER_HOST
from harness.device.root import RootAccess

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
    """The default sim profile (its system store is a plain folder); the sim's emulator profile
    is an emulator here and takes the tmpfs/APEX path."""
    return _sh(device, "getprop ro.consentry.sim")[1].strip() == "1"


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


def _root(device: Any) -> RootAccess:
    """How to run as root here (adbd root, AOSP `su 0`, or `su -c`), probed once per call."""
    if _is_root(device):
        return RootAccess("adbd", "adbd runs as root")
    if _has_su(device):
        return RootAccess("su 0", "AOSP su")
    code, out = _sh(device, "su -c 'id -u'")
    if code == 0 and out.strip().endswith("0"):
        return RootAccess("su -c", "su -c")
    return RootAccess(None, "no root")


def _sdk(device: Any) -> int:
    """The device's API level; a device that stopped answering is reported as lost, not parsed."""
    from harness.errors import DeviceError, DeviceLost

    text = _sh(device, "getprop ro.build.version.sdk")[1].strip()
    if text.isdigit():
        return int(text)
    if any(w in text for w in ("offline", "not found", "closed", "Connection")):
        raise DeviceLost(f"device {device.serial} was lost while setting up the CA ({text})")
    raise DeviceError(f"device {device.serial}: ro.build.version.sdk is {text!r}, not a number")


def _in_ns(pid: int, cmd: str) -> str:
    return f"nsenter --mount=/proc/{pid}/ns/mnt -- {cmd}"


def app_namespaces(device: Any) -> tuple[list[int], list[int]]:
    """(zygote pids, pids of processes forked from them): every mount namespace an app uses."""
    _, out = _sh(device, "pidof zygote64 zygote")
    zygotes = [int(x) for x in out.split() if x.isdigit()]
    _, table = _sh(device, "ps -A -o PID,PPID,NAME")
    apps = []
    for line in table.splitlines()[1:]:
        cols = line.split()
        if len(cols) >= 2 and cols[0].isdigit() and cols[1].isdigit() and int(cols[1]) in zygotes:
            apps.append(int(cols[0]))
    return zygotes, apps


def _mounted(device: Any, root: RootAccess, path: str, pid: int | None = None) -> bool:
    cmd = f"mountpoint -q {path}"
    return _sh(device, root.wrap(_in_ns(pid, cmd) if pid else cmd))[0] == 0


def _system_tmpfs(device: Any, root: RootAccess, sdk: int) -> tuple[bool, str]:
    """A tmpfs over /system/etc/security/cacerts holding the image's CAs, made once (idempotent)."""
    if _mounted(device, root, SYSTEM_STORE):
        return True, "tmpfs already in place"
    source = APEX_STORE if sdk >= 34 else SYSTEM_STORE
    for cmd in (f"rm -rf {STAGING}/store", f"mkdir -p {STAGING}/store", f"cp -a {source}/. {STAGING}/store/",
                f"mount -t tmpfs tmpfs {SYSTEM_STORE}", f"cp -a {STAGING}/store/. {SYSTEM_STORE}/"):
        code, out = _sh(device, root.wrap(cmd), timeout=60)
        if code != 0:
            return False, f"`{cmd}` failed: {out[-300:]}"
    return True, "tmpfs mounted"


def ca_install_system(device: Any, pem: bytes) -> CaInstall:
    """Install into the system store of a rooted device; lasts until reboot, idempotent.
    Android <= 13: our CA in a tmpfs over /system/etc/security/cacerts. Android 14+: the same
    tmpfs, bind-mounted over the Conscrypt APEX store in zygote's and every running app's mount
    namespace, where it is checked (adbd's namespace does not show the APEX mount)."""
    name = f"{subject_hash_old(pem)}.0"
    sdk = _sdk(device)
    dest = f"{APEX_STORE if sdk >= 34 else SYSTEM_STORE}/{name}"
    root = _root(device)
    if root.method is None:
        return CaInstall("system", dest, False, "none",
                         f"{device.serial} is not rooted: run `adb root` on an emulator image without Play Store")
    if _is_sim(device):  # the default sim's system store is a plain folder: push, as `adb remount` allows
        dest = f"{SYSTEM_STORE}/{name}"
        try:
            device.sync.push(io.BytesIO(pem), dest, 0o644)
        except Exception as exc:  # noqa: BLE001
            return CaInstall("system", dest, False, "push", f"push refused: {exc}")
        return CaInstall("system", dest, _sh(device, f"ls {dest}")[0] == 0, "push")
    _sh(device, f"mkdir -p {STAGING}")
    device.sync.push(io.BytesIO(pem), f"{STAGING}/{name}", 0o644)
    ok, detail = _system_tmpfs(device, root, sdk)
    if not ok:
        return CaInstall("system", dest, False, "tmpfs", detail)
    for cmd in (f"cp {STAGING}/{name} {SYSTEM_STORE}/{name}", f"chmod 644 {SYSTEM_STORE}/{name}",
                f"chown root:root {SYSTEM_STORE}/{name}", f"chcon u:object_r:system_file:s0 {SYSTEM_STORE}/{name}"):
        code, out = _sh(device, root.wrap(cmd))
        if code != 0 and not cmd.startswith("chcon"):
            return CaInstall("system", dest, False, "tmpfs", f"`{cmd}` failed: {out[-300:]}")
    if sdk < 34:
        return CaInstall("system", dest, _sh(device, f"cat {dest}")[1].strip() == pem.decode().strip(), "tmpfs", detail)
    zygotes, apps = app_namespaces(device)
    if not zygotes:
        return CaInstall("system", dest, False, "tmpfs+apex-nsenter", "no zygote process found (device still booting?)")
    bound = 0
    for pid in zygotes + apps:
        if not _mounted(device, root, APEX_STORE, pid):  # never stack a second bind mount
            code, out = _sh(device, root.wrap(_in_ns(pid, f"mount --bind {SYSTEM_STORE} {APEX_STORE}")))
            bound += code == 0
    state = ca_state(device, pem)
    return CaInstall("system", dest, state.system, "tmpfs+apex-nsenter",
                     f"{detail}; {bound} new bind mount(s); {state.detail}")


@dataclass(frozen=True)
class CaState:
    user: bool
    system: bool  # in the store apps read (Android 14+: in every app namespace checked)
    anywhere: bool
    detail: str


def ca_state(device: Any, pem: bytes) -> CaState:
    """Where our CA is: the user store, and the system store as apps see it (Android 14+: read in
    zygote's and each running app's mount namespace, since adbd's does not show the APEX mount)."""
    name = f"{subject_hash_old(pem)}.0"
    text = pem.decode("ascii", "replace").strip()
    sdk = _sdk(device)
    root = _root(device)
    wrap = root.wrap if root.method else (lambda c: c)
    user = _sh(device, wrap(f"cat {USER_STORE}/{name}"))[1].strip() == text
    if sdk < 34 or _is_sim(device):
        system = _sh(device, f"cat {SYSTEM_STORE}/{name}")[1].strip() == text
        where = f"system store {SYSTEM_STORE}" if system else "not in the system store"
        stacked = 0
    else:
        if root.method is None:
            return CaState(user, False, user, "cannot read app namespaces without root")
        zygotes, apps = app_namespaces(device)
        seen = [_sh(device, root.wrap(_in_ns(pid, f"cat {APEX_STORE}/{name}")))[1].strip() == text
                for pid in zygotes + apps]
        system = bool(seen) and all(seen)
        stacked = max((_mount_count(device, root, pid) for pid in zygotes + apps), default=0)
        where = (f"Conscrypt APEX in {sum(seen)}/{len(seen)} namespaces (zygote + {len(apps)} apps)"
                 + (f"; {stacked} mounts stacked on {APEX_STORE}" if stacked > 1 else ""))
    return CaState(user, system, user or system or stacked > 0,
                   f"user store: {'yes' if user else 'no'}; {where}")


def _mount_count(device: Any, root: RootAccess, pid: int) -> int:
    _, out = _sh(device, root.wrap(_in_ns(pid, "mount")))
    return sum(1 for line in out.splitlines() if f" {APEX_STORE} " in line)


def ca_remove(device: Any, pem: bytes) -> CaInstall:
    """Undo `ca_install_*`: our CA out of the user store, the APEX bind mounts out of every app
    namespace and the tmpfs off the system store (Android 14+), or our file out of the sim's store."""
    name = f"{subject_hash_old(pem)}.0"
    sdk = _sdk(device)
    root = _root(device)
    if root.method is None:
        return CaInstall("system", "", False, "none", "removing the CA needs root (`adb root`)")
    _sh(device, root.wrap(f"rm -f {USER_STORE}/{name}"))
    if _is_sim(device):
        _sh(device, f"rm -f {SYSTEM_STORE}/{name}")
        return CaInstall("system", f"{SYSTEM_STORE}/{name}", True, "push", "removed from the user and system stores")
    unmounted = 0
    if sdk >= 34:
        zygotes, apps = app_namespaces(device)
        for pid in zygotes + apps:
            for _ in range(16):  # every stacked bind, not just the top one
                if not _mounted(device, root, APEX_STORE, pid):
                    break
                unmounted += _sh(device, root.wrap(_in_ns(pid, f"umount {APEX_STORE}")))[0] == 0
    for _ in range(16):
        if not _mounted(device, root, SYSTEM_STORE):
            break
        unmounted += _sh(device, root.wrap(f"umount {SYSTEM_STORE}"))[0] == 0
    _sh(device, root.wrap(f"rm -rf {STAGING}"))
    return CaInstall("system", "", True, "umount", f"removed from the user store; {unmounted} mount(s) undone")


# -- check ---------------------------------------------------------------------------------
def check_interception(device: Any, service: Any, *, timeout: float = 10.0, tls: bool = False) -> InterceptionCheck:
    """Prove that a request from the device reaches this proxy. A marker request
    (http://consentry-check.invalid/<token>, answered by the proxy itself) is sent with the
    device's curl when it has one, else opened in the browser by intent; if neither arrives, any
    flow the proxy records from the device within `timeout` (an app's own traffic) counts.
    With `tls=True` the marker URL is https: it arrives only if the device's client trusted the
    proxy's CA, so a pass proves the CA is installed where the client looks."""
    marker = service.marker
    token = uuid.uuid4().hex
    url = f"{'https' if tls else 'http'}://{MARKER_HOST}/{token}"
    proxy = proxy_get(device)
    if proxy is None:
        return InterceptionCheck(False, "none", f"{device.serial}: no global http_proxy is set")
    before = service.cap.flow_count
    method = "none"
    if not tls and _sh(device, "command -v curl")[0] == 0:  # a device curl may not use Android's CA stores
        method = "curl"
        _sh(device, f"curl -s -m {int(timeout)} -x {shlex.quote(proxy)} {url}", timeout=timeout + 5)
    else:
        code, _ = _sh(device, f"am start -a android.intent.action.VIEW -d {url}")
        method = "browser-intent" if code == 0 else "none"
    if marker is not None:
        ip = marker.wait(token, timeout if method != "none" else 0.1)
        if ip is not None:
            return InterceptionCheck(True, method, f"{'TLS ' if tls else ''}marker request from the device reached "
                                                   f"the proxy via {proxy}", ip)
    if tls:
        return InterceptionCheck(False, method, f"the https marker request from {device.serial} did not arrive within "
                                                f"{timeout:.0f} s: the device's client does not trust the proxy's CA, "
                                                f"or nothing reached the proxy (device http_proxy={proxy})")
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
