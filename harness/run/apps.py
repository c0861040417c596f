"""Resolve what a user names as an app: an APK file, a package installed on the device (its APK is
pulled and read), or `samples` (the sim device's sample apps)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from harness.device import Device
from harness.errors import InputError
from harness.run.apk import ApkInfo, read_apk


def sample_apks() -> list[Path]:
    from harness.sim.samples import sample_app_paths

    paths = sample_app_paths()
    return list(paths.values()) if isinstance(paths, dict) else list(paths)


def expand_app_refs(refs: list[str] | tuple[str, ...], base: Path | None = None) -> list[str]:
    out: list[str] = []
    for ref in refs:
        if ref == "samples":
            out.extend(str(p) for p in sample_apks())
        else:
            p = Path(ref)
            if base is not None and not p.is_absolute() and (base / p).exists():
                p = base / p
            out.append(str(p) if p.suffix == ".apk" or p.exists() else ref)
    return out


def resolve_app(ref: str, device: Device | None = None) -> ApkInfo:
    """An ApkInfo for a path or an installed package name."""
    path = Path(ref)
    if path.suffix == ".apk" or path.exists():
        return read_apk(path)
    if device is None:
        raise InputError(f"{ref!r} is neither an APK file nor (without a device) a package name")
    paths = [line.split(":", 1)[1] for line in device.sh(f"pm path {ref}").splitlines() if line.startswith("package:")]
    if not paths:
        raise InputError(f"{ref!r} is not an APK file, and no such package is installed on {device.serial}")
    local = Path(tempfile.mkdtemp(prefix="consentry-apk-")) / f"{ref}.apk"
    local.write_bytes(device.pull_bytes(paths[0]))
    return read_apk(local)
