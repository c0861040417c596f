"""One run: one app through one scenario on one device, start to finish.

root and frida-server (emulators) -> prepare (install, fresh state, identity, canaries) -> capture
(proxy, CA) -> observer -> steps (launch spawn-gated under the agent) -> teardown -> compact the journal -> manifest -> findings.

Every run ends with an explicit status: `complete`; `incomplete` when the device, the app, the
proxy or the agent went away mid-scenario (everything captured so far is kept); `failed` when it
could not start at all. Teardown runs each part under its own guard so one failure never loses
what the others captured."""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.device import Device
from harness.errors import ConsentryError, DeviceError, DeviceLost
from harness.journal import Journal, compact
from harness.run import parts
from harness.run.apk import ApkInfo
from harness.run.context import RunAborted, RunContext
from harness.run.identity import plant_canaries, read_identity, write_identity
from harness.run.manifest import new_manifest, read_manifest, utc_now, write_manifest
from harness.run.secrets import mask, protect
from harness.run.steps import run_steps
from harness.scenario.model import Scenario

CRASH_SIGNATURES = ("FATAL EXCEPTION", "Fatal signal", "has died", "ANR in")


@dataclass(frozen=True)
class RunOptions:
    out: Path
    time_scale: float = 1.0
    instrument: bool = True
    capture: bool = True
    observe: bool = True
    analyse: bool = True
    install: bool = True
    proxy_host: str | None = None  # address the device uses to reach the proxy (default: loopback + adb reverse)
    proxy_listen: str | None = None  # address the proxy listens on (default: only where the device reaches it)
    frida_server: Path | None = None  # frida-server binary to push when the device has none of the host's version
    policy: Path | None = None  # `run --policy`: the app's privacy policy (file, or a file holding its URL)


@dataclass(frozen=True)
class RunResult:
    run_id: str
    run_dir: Path
    package: str
    scenario: str
    serial: str
    status: str
    reason: str | None
    duration_s: float
    waited_s: float
    steps_s: float
    findings: int | None
    timings: dict[str, float] | None = None  # prepare, attach (agent attach and launch gating), teardown, compact, steps

    @property
    def overhead_s(self) -> float:
        """Harness time outside the scenario's steps: prepare, capture and agent set-up, teardown,
        compaction and findings."""
        return self.duration_s - self.steps_s


def make_run_id(package: str, scenario: str, serial: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")[:-3]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", serial).strip("-")
    return f"{stamp}-{package}-{scenario}-{slug}"


def _fresh_state(ctx: RunContext, scenario: Scenario) -> None:
    device, app = ctx.device, ctx.app
    device.app_stop(app.package)
    if scenario.fresh:
        device.app_clear(app.package)
        from analysis.permissions import group_of

        for perm in app.permissions:
            if group_of(perm):
                device.sh_rc(f"pm revoke {app.package} {perm}")


def _monitor_factory(ctx: RunContext) -> Callable[[], None]:
    """A check run between actions and during waits: raises RunAborted when the run cannot go on."""
    last = [0.0]
    exited = [False]

    def monitor() -> None:
        if ctx.responder is not None:
            ctx.responder.tick()
        now = time.monotonic()
        if now - last[0] < 1.0:
            return
        last[0] = now
        if not ctx.device.alive():
            raise DeviceLost(f"device {ctx.device.serial} disappeared")
        if ctx.journal.error:
            raise RunAborted(f"the run directory cannot be written ({ctx.journal.error})")
        if ctx.proxy is not None and not ctx.proxy.alive():
            raise RunAborted("the capture proxy died")
        lost = ctx.instrument.lost(ctx.pid) if ctx.instrument is not None and ctx.pid is not None else None
        if ctx.pid is not None and not exited[0] and ctx.device.app_pid(ctx.app.package) is None:
            exited[0] = True
            log = ctx.device.logcat_dump()
            crash = [ln for ln in log.splitlines()
                     if any(sig in ln for sig in CRASH_SIGNATURES) and (ctx.app.package in ln or str(ctx.pid) in ln)]
            if crash:
                ctx.event("runner", "app:crash", pid=ctx.pid, logcat=crash[-5:])
                raise RunAborted(f"{ctx.app.package} crashed (pid {ctx.pid}): {crash[-1].strip()[:200]}")
            ctx.event("runner", "app:exit", pid=ctx.pid)
        if lost and not exited[0]:  # API calls from here on would be missing: the run cannot be complete
            ctx.event("runner", "agent:lost", pid=ctx.pid, reason=lost)
            raise RunAborted(f"{lost}; API calls after it were not recorded")
    return monitor


def _env_frida_server() -> Path | None:
    """`CONSENTRY_FRIDA_SERVER`: the frida-server binary for suites and farms (no per-run option)."""
    import os

    value = os.environ.get("CONSENTRY_FRIDA_SERVER")
    return Path(value) if value else None


def _frida_failure(exc: BaseException, serial: str) -> str | None:
    """A clear reason for Frida's transport errors (frida-server gone, not running, refused)."""
    if type(exc).__module__.split(".")[0] != "frida":
        return None
    name = type(exc).__name__
    if name in ("ServerNotRunningError", "TransportError", "TimedOutError", "InvalidOperationError"):
        return (f"frida-server on {serial} stopped answering ({name}: {exc}); "
                f"check it with `consentry doctor --device {serial} --fix`")
    if name == "ProcessNotRespondingError":
        return f"the app's process on {serial} stopped answering Frida ({exc})"
    if name in ("PermissionDeniedError", "NotSupportedError"):
        return f"Frida refused on {serial} ({name}: {exc}): frida-server must run as root"
    return None


def execute_run(device: Device, app: ApkInfo, scenario: Scenario, options: RunOptions) -> RunResult:
    """Run `scenario` on `app` on `device` and write the run directory. Never raises for a
    run-time failure: the status says what happened."""
    started = time.monotonic()
    info = device.info()
    run_id = make_run_id(app.package, scenario.name, device.serial)
    run_dir = Path(options.out) / run_id
    Path(options.out).mkdir(parents=True, exist_ok=True)
    run_dir.mkdir(mode=0o700)  # identity values, traffic and screens: readable by the owner only
    run_dir.chmod(0o700)  # whatever the umask
    (run_dir / "screenshots").mkdir()
    reserve = _reserve_space(run_dir)
    t0 = time.time_ns()
    journal = Journal(run_dir)
    manifest = new_manifest(
        run_id,
        app={"package": app.package, "version": app.version_name, "version_code": app.version_code,
             "sha256": app.sha256, "apk": app.path, "label": app.label, "permissions": app.permissions,
             "activities": app.activities, "launcher_activity": app.launcher_activity,
             "sdk_packages": app.sdk_packages, "native_libs": app.native_libs, "kind": app.kind,
             "target_sdk": app.target_sdk},
        device={"serial": device.serial, "model": info.model, "manufacturer": info.manufacturer,
                "sdk": info.sdk, "release": info.release, "abi": info.abi, "kind": info.kind},
        scenario={"name": scenario.name, "sha256": scenario.sha256, "source": scenario.source,
                  "time_scale": options.time_scale, "steps": [s.describe() for s in scenario.steps]},
        t0_ns=t0,
    )
    write_manifest(run_dir, manifest)
    if options.policy is not None:
        from harness.run.policy import supply_policy

        supply_policy(run_dir, options.policy, time.time_ns() - t0)
    ctx = RunContext(run_id=run_id, run_dir=run_dir, device=device, device_kind=info.kind, app=app,
                     journal=journal, t0_ns=t0, time_scale=options.time_scale)
    status, reason = "complete", None
    timings: dict[str, float] = {}
    try:
        if options.capture:
            parts.launch_capture(ctx, options.proxy_host, options.proxy_listen)
        if options.instrument:  # first: on emulators it roots the device (adb root restarts adbd)
            parts.create_instrument(ctx, options.frida_server or _env_frida_server())
        if options.install and not device.app_installed(app.package):
            device.app_install(app.path)
        _fresh_state(ctx, scenario)
        ident, notes = read_identity(device)
        notes += plant_canaries(device, ident)
        protect(ident)  # from here on no log line or diagnostic event carries these values
        write_identity(run_dir, ident)
        for note in notes:
            ctx.event("runner", "identity:note", note=note)
        device.logcat_clear()
        if options.capture:
            parts.finish_capture(ctx)
        if options.observe:
            parts.start_observer(ctx, scenario)
        timings["prepare"] = time.monotonic() - started
        run_steps(ctx, scenario, _monitor_factory(ctx))
    except DeviceLost as exc:
        status, reason = "incomplete", str(exc)
    except RunAborted as exc:
        status, reason = "incomplete", exc.reason
    except DeviceError as exc:
        status, reason = ("incomplete" if ctx.pid else "failed"), str(exc)
    except ConsentryError as exc:
        status, reason = ("incomplete" if ctx.pid else "failed"), str(exc)
    except KeyboardInterrupt:
        status, reason = "incomplete", "interrupted by the user"
    except Exception as exc:  # noqa: BLE001 - a bug must still leave a readable run
        frida_reason = _frida_failure(exc, device.serial)
        if frida_reason is not None:
            status, reason = ("incomplete" if ctx.pid else "failed"), frida_reason
            ctx.event("runner", "frida:error", error=repr(exc))
        else:
            status, reason = "failed", f"internal error: {exc!r}"
            ctx.event("runner", "internal-error", traceback=traceback.format_exc()[-4000:])
    mark = time.monotonic()
    teardown_errors = parts.teardown(ctx)
    unanswered = ctx.instrument.unanswered() if ctx.instrument is not None else []
    if unanswered and status == "complete":  # a hung app: what its agent still held is lost
        status, reason = "incomplete", f"the app stopped answering at the end of the run ({'; '.join(unanswered)})"
    teardown_errors += _attach_late_policy_page(run_dir)
    for err in teardown_errors:
        ctx.event("runner", "teardown:error", error=err)
    journal.close()
    reserve.unlink(missing_ok=True)  # room for compaction and the manifest, even on a full disk
    if journal.error and status == "complete":
        status, reason = "incomplete", f"the run directory cannot be written ({journal.error})"
    if journal.rows_dropped():
        manifest["rows_dropped"] = journal.rows_dropped()
    timings["teardown"] = time.monotonic() - mark
    mark = time.monotonic()
    try:
        counts = compact(run_dir)
    except OSError as exc:  # the journal stays: `consentry recover` compacts it once there is room
        counts = {}
        status = "incomplete"
        reason = f"{reason or 'compaction failed'}; compaction failed ({exc.strerror or exc}): the journal is kept, " \
                 f"run `consentry recover {run_dir}` once there is space"
    timings["compact"] = time.monotonic() - mark
    timings["steps"] = ctx.steps_s
    timings["attach"] = ctx.attach_s
    manifest.update(status=status, reason=mask(reason) if reason else reason, ended=utc_now(), rows=counts,
                    timings={k: round(v, 3) for k, v in timings.items()},
                    duration_s=round(time.monotonic() - started, 3), waited_s=round(ctx.waited_s, 3),
                    steps_s=round(ctx.steps_s, 3))
    write_manifest(run_dir, manifest)
    mark = time.monotonic()
    n_findings = parts.analyse(run_dir) if options.analyse else None
    if options.analyse:
        manifest["timings"]["analyse"] = round(time.monotonic() - mark, 3)
        write_manifest(run_dir, manifest)
    return RunResult(run_id, run_dir, app.package, scenario.name, device.serial, status, reason,
                     time.monotonic() - started, ctx.waited_s, ctx.steps_s, n_findings, dict(timings))


RESERVE_BYTES = 1 << 20


def _attach_late_policy_page(run_dir: Path) -> list[str]:
    """The policy page that completed after the policy step read the screen (the proxy has stopped:
    every flow it finished is in the journal, which compaction is about to fold). Never fails the run."""
    from harness.run.policy import attach_late_page

    try:
        attach_late_page(run_dir)
    except Exception as exc:  # noqa: BLE001 - the screen's text is kept; the run goes on
        return [f"policy page: {exc!r}"]
    return []


def _reserve_space(run_dir: Path) -> Path:
    """A 1 MB file that the run gives back at its end, so that a run whose disk fills up can
    still compact what it journalled and write its final manifest."""
    path = run_dir / ".space-reserve"
    try:
        with open(path, "wb") as fh:
            fh.write(b"\0" * RESERVE_BYTES)
    except OSError:
        path.unlink(missing_ok=True)
    return path


def recover_run(run_dir: Path, *, analyse: bool = True) -> dict:
    """Compact a run whose harness was killed, mark it `incomplete` and compute its findings."""
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    if not manifest and not (run_dir / "journal").exists():
        from harness.errors import InputError

        raise InputError("not a run directory (no manifest.json, no journal/)", source=str(run_dir))
    _attach_late_policy_page(run_dir)
    counts = compact(run_dir)
    if manifest.get("status") in (None, "running"):
        manifest["status"] = "incomplete"
        manifest["reason"] = "recovered: the harness stopped before the run ended"
        manifest["ended"] = manifest.get("ended") or utc_now()
    manifest["rows"] = counts
    manifest["recovered"] = utc_now()
    write_manifest(run_dir, manifest)
    if analyse:
        parts.analyse(run_dir)
    return manifest
