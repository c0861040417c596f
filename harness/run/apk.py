"""What an APK declares, read before installing: package, version, permissions, components, the
launcher activity and the third-party SDK packages present in its dex files.

Analysis sets declared permissions against used ones and bundled SDKs against active ones, so
this goes into the manifest. APKs come from outside: sizes and compression ratios are checked
before androguard decompresses anything. Sim apps (zips holding `consentry-sim-app.yaml`) are read
from their model, since they carry no AndroidManifest.xml."""

from __future__ import annotations

import hashlib
import logging
import zipfile
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.errors import InputError
from harness.yamlload import safe_load as yaml_safe_load

MAX_APK_BYTES = 2 * 1024**3
MAX_ENTRY_BYTES = 512 * 1024**2
MAX_RATIO = 200  # uncompressed / compressed, per entry (zip bombs)
SIM_MODEL = "consentry-sim-app.yaml"
MAX_MODEL_BYTES = 4 * 1024**2
MAX_SDK_PREFIXES = 400


@dataclass(frozen=True)
class ApkInfo:
    path: str
    sha256: str
    package: str
    version_name: str | None
    version_code: int | None
    label: str | None
    permissions: list[str]
    activities: list[str]
    services: list[str]
    receivers: list[str]
    providers: list[str]
    launcher_activity: str | None
    min_sdk: int | None
    target_sdk: int | None
    sdk_packages: list[str] = field(default_factory=list)  # distinct package prefixes found in dex
    native_libs: list[str] = field(default_factory=list)
    kind: str = "apk"  # apk | sim

    def component(self) -> str:
        """`pkg/activity` for `am start -n`."""
        if not self.launcher_activity:
            raise InputError("declares no launcher activity (MAIN/LAUNCHER)", source=self.path)
        act = self.launcher_activity
        if act.startswith(self.package + "."):
            act = act[len(self.package):]
        return f"{self.package}/{act}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _check_zip(path: Path) -> zipfile.ZipFile:
    size = path.stat().st_size
    if size > MAX_APK_BYTES:
        raise InputError(f"APK too large ({size} bytes)", source=str(path))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not an APK (zip) file: {exc}", source=str(path)) from None
    for info in zf.infolist():
        if info.file_size > MAX_ENTRY_BYTES or (
            info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_RATIO and info.file_size > 1 << 20
        ):
            raise InputError(f"entry {info.filename!r} expands to {info.file_size} bytes: refused as a zip bomb",
                             source=str(path))
    for info in zf.infolist():
        if _larger_than_declared(path, info):
            raise InputError(f"entry {info.filename!r} holds more than the {info.file_size} bytes its header "
                             "declares: refused as a zip bomb", source=str(path))
    return zf


def _larger_than_declared(path: Path, info: zipfile.ZipInfo) -> bool:
    """Whether an entry inflates to more than its header's size. zipfile (and androguard through
    it) inflates a whole entry in one call and only then cuts it to the declared size, so a header
    that lies about the size is a zip bomb the ratio check cannot see. Inflated here in bounded
    pieces, counted, never kept."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size > info.file_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return False  # not used by APKs; zipfile refuses or decodes what it supports
    try:
        with open(path, "rb") as fh:
            fh.seek(info.header_offset)
            local = fh.read(30)
            if len(local) < 30 or local[:4] != b"PK\x03\x04":
                return False  # zipfile reports the damage when the entry is read
            fh.seek(info.header_offset + 30 + int.from_bytes(local[26:28], "little")
                    + int.from_bytes(local[28:30], "little"))
            inflater = zlib.decompressobj(-15)
            left, total = info.compress_size, 0
            while left > 0 and not inflater.eof:
                chunk = fh.read(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)
                while chunk:
                    total += len(inflater.decompress(chunk, 1 << 20))
                    if total > info.file_size:
                        return True
                    chunk = inflater.unconsumed_tail
    except (OSError, zlib.error):
        return False  # a damaged stream: zipfile reports it when the entry is read
    return False


def _sdk_prefixes(class_names: list[str]) -> list[str]:
    """Distinct 3-segment package prefixes of dex classes (`Lcom/umeng/analytics/X;` -> `com.umeng.analytics`),
    most frequent first, capped."""
    counts: Counter[str] = Counter()
    for name in class_names:
        dotted = name.strip("L;").replace("/", ".")
        parts = dotted.split(".")[:-1]
        if len(parts) >= 2:
            counts[".".join(parts[:3])] += 1
    return [p for p, _ in counts.most_common(MAX_SDK_PREFIXES)]


def _read_sim(path: Path, zf: zipfile.ZipFile, digest: str) -> ApkInfo:
    try:
        # read in small pieces with a cap: the sizes in the zip headers may lie, and one large
        # read would inflate a whole bomb before its declared size is applied
        with zf.open(SIM_MODEL) as fh:
            chunks, total = [], 0
            while chunk := fh.read(64 * 1024):
                chunks.append(chunk)
                total += len(chunk)
                if total > MAX_MODEL_BYTES:
                    raise InputError(f"{SIM_MODEL} is larger than {MAX_MODEL_BYTES} bytes", source=str(path))
        raw = b"".join(chunks)
    except (zipfile.BadZipFile, NotImplementedError, zlib.error, EOFError, OSError, ValueError) as exc:
        # a damaged archive: bad CRC, unsupported method or flag, truncated stream
        raise InputError(f"{SIM_MODEL} cannot be read from the archive: {exc}", source=str(path)) from None
    try:
        model = yaml_safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{SIM_MODEL} does not parse: {exc}", source=str(path)) from None
    if not isinstance(model, dict) or not isinstance(model.get("package"), str):
        raise InputError(f"{SIM_MODEL}: `package` missing", source=str(path))
    def names(key: str, field: str) -> list[str]:
        """A list of names, each a string or a mapping with a string `field`; anything else names the key."""
        items = model.get(key) or []
        if not isinstance(items, list):
            raise InputError(f"{SIM_MODEL}: `{key}` must be a list", source=str(path))
        out = []
        for i, item in enumerate(items):
            value = item.get(field) if isinstance(item, dict) else item
            if value is None and isinstance(item, dict):
                continue
            if not isinstance(value, str):
                raise InputError(f"{SIM_MODEL}: `{key}[{i}]` must be a name", source=str(path))
            out.append(value)
        return out

    activities = names("activities", "name")
    launcher = model.get("launcher_activity") or (activities[0] if activities else None)
    sdks = names("sdks", "package")
    permissions = names("permissions", "name")
    for key, kinds in (("launcher_activity", str), ("version_code", int), ("target_sdk", int), ("label", str)):
        value = model.get(key)
        if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
            raise InputError(f"{SIM_MODEL}: `{key}` must be a {kinds.__name__}", source=str(path))
    return ApkInfo(
        path=str(path), sha256=digest, package=model["package"],
        version_name=str(model.get("version_name")) if model.get("version_name") is not None else None,
        version_code=model.get("version_code"), label=model.get("label"),
        permissions=permissions, activities=activities, services=[], receivers=[],
        providers=[], launcher_activity=launcher, min_sdk=None, target_sdk=model.get("target_sdk"),
        sdk_packages=[s for s in sdks if s], native_libs=[], kind="sim",
    )


def read_apk(path: str | Path) -> ApkInfo:
    """Read an APK (or a sim app package). Raises InputError naming the file for anything unreadable."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    zf = _check_zip(path)
    digest = _sha256(path)
    if SIM_MODEL in zf.namelist():
        return _read_sim(path, zf, digest)
    if "AndroidManifest.xml" not in zf.namelist():
        raise InputError("zip has no AndroidManifest.xml: not an APK", source=str(path))
    logging.getLogger("androguard").setLevel(logging.ERROR)
    try:
        from loguru import logger as _loguru  # androguard logs through loguru

        _loguru.remove()
    except Exception:  # noqa: BLE001 - quietening a logger is best effort
        pass
    from androguard.core.apk import APK

    try:
        apk = APK(str(path))
    except Exception as exc:  # noqa: BLE001 - androguard raises anything on a broken APK
        raise InputError(f"androguard could not read the APK: {exc}", source=str(path)) from None
    classes: list[str] = []
    try:
        from androguard.core.dex import DEX

        for dex in apk.get_all_dex():
            classes.extend(DEX(dex).get_classes_names())
    except Exception:  # noqa: BLE001 - SDK listing is best effort; the manifest is what matters
        pass
    libs = sorted({Path(n).name for n in zf.namelist() if n.startswith("lib/") and n.endswith(".so")})

    def _int(v: Any) -> int | None:
        try:
            return int(v)
        except (TypeError, ValueError):
            return None

    try:  # androguard's getters parse lazily and raise anything on a damaged manifest
        fields = dict(
            package=apk.get_package(), version_name=apk.get_androidversion_name(),
            version_code=_int(apk.get_androidversion_code()), label=apk.get_app_name(),
            permissions=sorted(apk.get_permissions()), activities=list(apk.get_activities()),
            services=list(apk.get_services()), receivers=list(apk.get_receivers()),
            providers=list(apk.get_providers()), launcher_activity=apk.get_main_activity(),
            min_sdk=_int(apk.get_min_sdk_version()), target_sdk=_int(apk.get_target_sdk_version()))
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"AndroidManifest.xml could not be read: {type(exc).__name__}: {exc}",
                         source=str(path)) from None
    if not isinstance(fields["package"], str) or not fields["package"]:
        raise InputError("AndroidManifest.xml names no package: not a valid APK", source=str(path))
    return ApkInfo(path=str(path), sha256=digest, sdk_packages=_sdk_prefixes(classes), native_libs=libs,
                   **fields)  # type: ignore[arg-type]
