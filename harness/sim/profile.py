"""Device profiles of the sim: the default `sim` (rooted adbd, booted, apps instrumented by the
host's Frida directly) and `emulator-34`, which behaves like an Android 14 emulator image so the
harness's emulator code paths run against it: adbd starts unrooted until `adb root` restarts it,
`sys.boot_completed` is set only after a boot delay, `su 0 CMD` exists (AOSP's su, not `su -c`),
the system CA store lives in the Conscrypt APEX with per-process mount namespaces, and a
frida-server must be pushed and started as root before instrumentation is possible."""

from __future__ import annotations

from dataclasses import dataclass

# A pushed file is treated as the frida-server stand-in when it is an ELF that carries this marker
# followed by the Frida version it claims to be (see `frida_standin.write_standin`).
STANDIN_MARKER = b"consentry-sim-frida-server "
FRIDA_PORT = 27042  # frida-server's default listening port on the device


@dataclass(frozen=True)
class Profile:
    name: str
    adbd_root_at_start: bool
    boot_delay_s: float
    emulator: bool  # claims ro.kernel.qemu (device kind `emulator`) instead of ro.consentry.sim
    conscrypt_apex: bool  # Android 14: system CAs in /apex/com.android.conscrypt/cacerts, per namespace
    su: bool = True  # AOSP's userdebug su exists
    debuggable: bool = True  # ro.debuggable=1: `adb root` allowed


PROFILES = {
    "sim": Profile("sim", adbd_root_at_start=True, boot_delay_s=0.0, emulator=False, conscrypt_apex=False),
    "emulator-34": Profile("emulator-34", adbd_root_at_start=False, boot_delay_s=3.0, emulator=True,
                           conscrypt_apex=True),
    # A retail phone: user build, no su, `adb root` refused (what a lab must not expect to root).
    "phone-34": Profile("phone-34", adbd_root_at_start=False, boot_delay_s=0.0, emulator=False,
                        conscrypt_apex=True, su=False, debuggable=False),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown sim profile {name!r} (known: {', '.join(PROFILES)})") from None


def profile_props(profile: Profile) -> dict[str, str]:
    """Properties that differ by profile (merged over the default ones)."""
    if profile.name == "sim":
        return {"ro.consentry.sim": "1", "service.adb.root": "1"}
    if not profile.emulator:
        return {"ro.consentry.sim.profile": profile.name, "ro.debuggable": "0", "ro.build.type": "user",
                "ro.build.tags": "release-keys", "service.adb.root": "0", "ro.secure": "1"}
    return {
        "ro.kernel.qemu": "1",
        "ro.boot.qemu": "1",
        "ro.boot.qemu.avd_name": "Pixel_6_API_34",
        "ro.consentry.sim.profile": profile.name,
        # The sim's app processes are host processes: once the stand-in frida-server answers,
        # the harness instruments them through the host's local Frida device.
        "ro.consentry.sim.frida": "local",
        "service.adb.root": "0",
        "ro.secure": "1",
    }
