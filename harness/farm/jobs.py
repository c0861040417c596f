"""A farm job and its key: (suite, app sha256, scenario sha256, repetition).

The key names what is being asked, never who runs it: the same job picked up by any worker, device
or client has the same key, which is what makes publishing it exactly once possible."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from harness.errors import InputError


@dataclass(frozen=True)
class FarmJob:
    """Everything a worker needs to run one job, with no access to the client's files."""

    job_key: str
    suite: str
    repetition: int
    package: str
    app_sha256: str
    apk_name: str
    apk_bytes: bytes
    scenario_name: str
    scenario_sha256: str
    scenario_text: str
    scenario_source: str

    def label(self) -> str:
        rep = f" #{self.repetition + 1}" if self.repetition else ""
        return f"{self.package}/{self.scenario_name}{rep}"


def job_key(suite: str, app_sha256: str, scenario_sha256: str, repetition: int, *, package: str = "",
            scenario: str = "") -> str:
    """`<package>-<scenario>-r<repetition>-<hash>`: readable prefix, identity in the hash."""
    digest = hashlib.sha256("\0".join((suite, app_sha256, scenario_sha256, str(repetition))).encode()).hexdigest()
    prefix = re.sub(r"[^A-Za-z0-9.]+", "-", f"{package}-{scenario}").strip("-.")[:80]
    return f"{prefix or 'job'}-r{repetition}-{digest[:16]}"


def build_jobs(suite_path: str, repeat: int = 1) -> tuple[list[FarmJob], float, str]:
    """The suite's jobs (apps x scenarios x repetitions), its time scale and its name.

    Apps must be APK files (or `samples`): a farm client has no device to pull installed apps from."""
    from harness.run.apk import read_apk
    from harness.run.apps import expand_app_refs
    from harness.scenario import load_suite, resolve_scenario

    if repeat < 1:
        raise InputError("must be at least 1", source="--repeat")
    spec = load_suite(suite_path)
    base = Path(spec.source).parent if spec.source else None
    apps = []
    for ref in expand_app_refs(list(spec.apps), base):
        if not Path(ref).is_file():
            raise InputError(f"app {ref!r} is not an APK file: the farm ships APKs to its workers "
                             "(installed package names work with `consentry suite`)", source=spec.source)
        apps.append(read_apk(ref))
    if not apps:
        raise InputError("the suite names no apps", source=spec.source)
    apk_bytes = {app.sha256: Path(app.path).read_bytes() for app in apps}  # one copy per app in memory
    jobs = []
    for name in spec.scenarios:
        scenario = resolve_scenario(name, base)
        text = Path(scenario.source).read_text(encoding="utf-8") if scenario.source else ""
        for app in apps:
            data = apk_bytes[app.sha256]
            for rep in range(repeat):
                key = job_key(spec.name, app.sha256, scenario.sha256 or "", rep, package=app.package,
                              scenario=scenario.name)
                jobs.append(FarmJob(key, spec.name, rep, app.package, app.sha256, Path(app.path).name, data,
                                    scenario.name, scenario.sha256 or "", text, scenario.source or name))
    keys = [j.job_key for j in jobs]
    if len(set(keys)) != len(keys):
        raise InputError("the suite names the same app and scenario twice", source=spec.source)
    return jobs, spec.time_scale, spec.name
