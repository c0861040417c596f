"""End to end on sim devices through the real adb server, Frida, mitmproxy and the UI observer.

The suite test runs the `demo` suite as a user does (`consentry suite`), and holds every sample
app to the findings its model declares under each scenario: the ground truth of the project."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from harness.device import connect_device
from harness.run.apk import read_apk
from harness.run.runner import RunOptions, execute_run
from harness.scenario.loader import parse_scenario

ROOT = Path(__file__).resolve().parents[2]
CONSENTRY = [sys.executable, "-m", "harness"]
DATA = ROOT / "tests" / "data" / "sim_apps"


SCENARIOS = ("baseline", "refuse", "accept", "accept-grant", "background")
_DEMO_RUNS: dict[str, Path] = {}  # the demo suite's runs folder, once it ran in this session
# (per process: under pytest-xdist (`--dist loadfile`) this whole file is one unit, so they run
# on the worker that ran the suite, in file order, after it)
_SAMPLE_RUNS: dict[str, Path] = {}  # sample name -> runs folder of that sample alone


def _sample_names() -> list[str]:
    from harness.sim.samples import sample_models

    return sorted(sample_models())


def _cli(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CONSENTRY, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def _adb(*args: str) -> str:
    return subprocess.run(["adb", *args], capture_output=True, text=True, timeout=30).stdout


def _start_and_connect(sims: list) -> None:
    """Start each sim device and wait (bounded) until the real adb server lists it as `device`."""
    for sim in sims:
        sim.start()
        for _ in range(50):
            if "connected to" in _adb("connect", sim.serial) and _adb("-s", sim.serial, "get-state").strip() == "device":
                break
            time.sleep(0.1)


@pytest.fixture(scope="module")
def demo_suite(tmp_path_factory, adb_server):
    """Six sim devices with the sample apps, and `consentry suite demo` across them. A demo run mostly
    waits (scaled scenario waits, app timers), so devices beyond the core count still add throughput."""
    from harness.run.apps import sample_apks
    from harness.sim.server import SimDevice

    root = tmp_path_factory.mktemp("sims")
    sims = [SimDevice(root / f"sim{i}", apps=sample_apks()) for i in range(6)]
    out = tmp_path_factory.mktemp("suite")
    try:
        _start_and_connect(sims)
        proc = _cli("suite", "demo", "--devices", ",".join(s.serial for s in sims), "--out", str(out), timeout=2300)
    finally:
        for sim in sims:
            _adb("disconnect", sim.serial)
            sim.stop()
    _DEMO_RUNS["runs"] = out / "runs"
    return out, proc


def _sample_runs(name: str, root: Path) -> Path:
    """The runs of sample `name` under the demo scenarios: the demo suite's when it already ran in
    this session, else the demo's scenarios and time scale for that app alone on two sim devices."""
    if "runs" in _DEMO_RUNS:
        return _DEMO_RUNS["runs"]
    if name in _SAMPLE_RUNS:
        return _SAMPLE_RUNS[name]
    from harness.sim.samples import sample_app_paths
    from harness.sim.server import SimDevice

    apk = sample_app_paths()[name]
    suite = root / "one.yaml"
    suite.write_text(f"name: {name}\napps: [{apk}]\nscenarios: [{', '.join(SCENARIOS)}]\ntime_scale: 0.2\n",
                     encoding="utf-8")
    sims = [SimDevice(root / f"sim{i}", apps=[apk]) for i in range(2)]
    try:
        _start_and_connect(sims)
        proc = _cli("suite", str(suite), "--devices", ",".join(s.serial for s in sims), "--out", str(root / "out"),
                    "--no-report")
    finally:
        for sim in sims:
            _adb("disconnect", sim.serial)
            sim.stop()
    # Not asserted here: a run that failed to start shows as not `complete` in the tests that read it.
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    out = root / "out"
    _SAMPLE_RUNS[name] = out / "runs" if (out / "runs").is_dir() else out  # runs/ beside report/ when reporting
    return _SAMPLE_RUNS[name]


def _run_dir(runs: Path, package: str, scenario: str) -> Path:
    for manifest in runs.glob("*/manifest.json"):
        m = json.loads(manifest.read_text())
        if m["app"]["package"] == package and m["scenario"]["name"] == scenario:
            return manifest.parent
    raise AssertionError(f"no run of {package} / {scenario} under {runs}")


def _findings_by_run(runs: Path) -> dict[tuple[str, str], tuple[str, set[str]]]:
    out = {}
    for manifest in runs.glob("*/manifest.json"):
        m = json.loads(manifest.read_text())
        f = manifest.parent / "findings.parquet"
        rules = set(pd.read_parquet(f)["rule"]) if f.exists() else {"<findings.parquet missing>"}
        out[(m["app"]["package"], m["scenario"]["name"])] = (m["status"], rules)
    return out


@pytest.mark.xdist_group("demo")  # reuses the demo suite's runs: one worker runs them all
@pytest.mark.timeout(2400)  # the fixture runs 5 scenarios x every sample app on six sims
def test_demo_suite_runs_everything_and_writes_every_report(demo_suite):
    out, proc = demo_suite
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = _findings_by_run(out / "runs")
    from harness.sim.samples import sample_models

    assert len(runs) == 5 * len(sample_models()) and all(status == "complete" for status, _ in runs.values())
    report = out / "report"
    for name in ("report.html", "report.xlsx", "report.json", "junit.xml"):
        assert (report / name).stat().st_size > 0, name


@pytest.mark.xdist_group("demo")  # reuses the demo suite's runs: one worker runs them all
@pytest.mark.timeout(2400)
def test_every_sample_app_yields_exactly_its_declared_findings(demo_suite):
    from harness.sim.samples import sample_models

    out, _ = demo_suite
    runs = _findings_by_run(out / "runs")
    mismatches = []
    for model in sample_models().values():
        for scenario in ("baseline", "refuse", "accept", "accept-grant", "background"):
            want = set(model.expect.get(scenario, ()))
            status, got = runs[(model.package, scenario)]
            if got != want:
                mismatches.append(f"{model.package} / {scenario}: missing {sorted(want - got)}, extra {sorted(got - want)}")
    assert not mismatches, "\n".join(mismatches)
    assert runs[("com.consentry.sample.compliant", "accept-grant")][1] == set()


@pytest.mark.xdist_group("demo")  # reuses the demo suite's runs: one worker runs them all
@pytest.mark.parametrize("name", _sample_names())
def test_sample_app_yields_its_declared_findings(name, tmp_path_factory, adb_server):
    """One sample under every demo scenario (`-k <sample>` runs it alone; after the demo suite it
    reads the suite's runs)."""
    from harness.sim.samples import sample_models

    model = sample_models()[name]
    runs = _findings_by_run(_sample_runs(name, tmp_path_factory.mktemp(name)))
    mismatches = []
    for scenario in SCENARIOS:
        status, got = runs[(model.package, scenario)]
        want = set(model.expect.get(scenario, ()))
        if status != "complete" or got != want:
            mismatches.append(f"{scenario} ({status}): missing {sorted(want - got)}, extra {sorted(got - want)}")
    assert not mismatches, "\n".join(mismatches)


def _consent(run_dir: Path) -> pd.DataFrame:
    c = pd.read_parquet(run_dir / "consent.parquet")
    c["ev"] = [json.loads(e) if isinstance(e, str) else {} for e in c["evidence"]]
    return c


@pytest.mark.xdist_group("demo")  # reuses the demo suite's runs: one worker runs them all
def test_permissions_over_notice_prompt_before_consent_has_tap_precise_evidence(tmp_path_factory, adb_server):
    """A system prompt over the unanswered notice: the notice stays `shown` under it (never
    `accepted (observed)`), and the finding names the prompt's time and the host time of the tap
    that accepted the notice afterwards."""
    run = _run_dir(_sample_runs("permissions_over_notice", tmp_path_factory.mktemp("po")),
                   "com.consentry.sample.permsover", "accept")
    c = _consent(run)
    notice = c[c["subject"] == "privacy_notice"]
    assert "observed" not in set(notice.loc[notice["state"] != "shown", "via"])
    accepted = notice[notice["state"] == "accepted"]
    assert len(accepted) == 1 and accepted["via"].iloc[0] == "step"
    tap = int(accepted["t_ns"].iloc[0])
    ev = accepted["ev"].iloc[0]
    assert ev["taps"][-1]["t_ns"] == tap and ev["taps"][-1]["text"] == "同意" and ev["proof_t_ns"] >= tap
    prompts = c[c["subject"].str.startswith("permission:") & (c["state"] == "shown")]
    assert len(prompts) and int(prompts["t_ns"].min()) < tap
    assert prompts["ev"].iloc[0].get("covers") in ("privacy_notice", None)
    f = pd.read_parquet(run / "findings.parquet")
    pbc = f[f["rule"] == "permission-before-consent"]
    assert len(pbc)
    for evidence in pbc["evidence"]:
        detail = json.loads(evidence)["detail"]
        assert detail["notice_state"] in ("none", "shown")
        assert detail["notice_decision"]["t_ns"] == tap and detail["notice_decision"]["via"] == "step"
        assert detail["prompt_t_ns"] < tap and detail["notice_decision"]["after_prompt_ms"] > 0


@pytest.mark.xdist_group("demo")  # reuses the demo suite's runs: one worker runs them all
def test_second_chance_refusal_is_recorded_at_the_exit_tap(tmp_path_factory, adb_server):
    run = _run_dir(_sample_runs("second_chance", tmp_path_factory.mktemp("sc")),
                   "com.consentry.sample.secondchance", "refuse")
    c = _consent(run)
    notice = c[c["subject"] == "privacy_notice"]
    assert not notice["state"].isin(["accepted", "dismissed"]).any()
    refused = notice[notice["state"] == "refused"]
    assert len(refused) and set(refused["via"]) == {"step"}
    first = refused["ev"].iloc[0]
    assert [t["text"] for t in first["taps"]] == ["不同意", "退出应用"]
    assert int(refused["t_ns"].iloc[0]) == first["taps"][-1]["t_ns"]


def test_notice_autoclose_is_dismissed_and_collection_after_it_is_before_consent(tmp_path, make_sim_device):
    from harness.sim.samples import sample_app_paths

    apk = sample_app_paths()["notice_autoclose"]
    sim = make_sim_device(apps=[apk])
    scenario = parse_scenario("name: wait\nsteps:\n  - launch\n  - wait: 9\n", "wait")
    result = execute_run(connect_device(sim.serial), read_apk(apk), scenario, RunOptions(out=tmp_path / "runs"))
    assert result.status == "complete", result.reason
    c = _consent(result.run_dir)
    notice = c[c["subject"] == "privacy_notice"].sort_values("t_ns")
    assert notice["state"].tolist() == ["shown", "dismissed"], notice[["t_ns", "state", "via"]]
    assert notice["via"].tolist() == ["observed", "observed"]
    f = pd.read_parquet(result.run_dir / "findings.parquet")
    assert set(f["rule"]) == {"collect-before-consent"}


def test_explore_stays_in_the_app_and_leaves_backgrounding_to_the_scenario(tmp_path, make_sim_device):
    """The background tracker reads location every second once in the background. Exploring used to
    press BACK on the app's root screen, closing its task until a relaunch: under load that window
    held a read, and `background-collection` appeared in a scenario that never backgrounds the app."""
    from harness.sim.samples import sample_app_paths

    apk = sample_app_paths()["background_tracker"]
    sim = make_sim_device(apps=[apk])
    scenario = parse_scenario("name: explore\nsteps:\n  - launch\n  - consent: accept\n  - explore\n"
                              "  - wait: 2\n", "explore")
    result = execute_run(connect_device(sim.serial), read_apk(apk), scenario, RunOptions(out=tmp_path / "runs"))
    assert result.status == "complete", result.reason
    steps = pd.read_parquet(result.run_dir / "steps.parquet")
    explore = steps[steps["action"] == "explore"].iloc[0]
    assert explore["outcome"] == "ok", explore["error"]
    ui = pd.read_parquet(result.run_dir / "ui.parquet")
    after_launch = ui[ui["t_ns"] > steps[steps["action"] == "launch"].iloc[0]["t_end_ns"]]
    # The app, or the permission prompt it raises over itself: never the launcher.
    assert set(after_launch["package"]) <= {"com.consentry.sample.bgtracker", "com.google.android.permissioncontroller"}, \
        after_launch[["t_ns", "package"]]
    f = pd.read_parquet(result.run_dir / "findings.parquet")
    assert "background-collection" not in set(f["rule"])


def test_events_200ms_either_side_of_the_accept_tap_are_placed_correctly(tmp_path, make_sim_device):
    from analysis import open_runs
    from analysis.timeline import STATES, ConsentStates
    from harness.sim.model import build_apk

    apk = build_apk((DATA / "timing.yaml").read_bytes(), tmp_path / "timing.apk")
    sim = make_sim_device(apps=[])
    scenario = parse_scenario("name: timing\nsteps:\n  - launch\n  - wait: 1.5\n  - consent: accept\n  - wait: 1\n", "t")
    result = execute_run(connect_device(sim.serial), read_apk(apk), scenario,
                         RunOptions(out=tmp_path / "runs", capture=False))
    assert result.status == "complete", result.reason
    runs = open_runs(result.run_dir)
    consent = runs.consent
    tap = int(consent.loc[consent["state"] == "accepted", "t_ns"].iloc[0])
    api = runs.api_calls
    path = api["args"].astype(str)
    before = api[path.str.contains("wlan0/address")]
    after = api[path.str.contains("/proc/net/arp")]
    # The app's own view: reads right up to the tap were before consent, reads right after it after.
    near_before = before[(before["t_ns"] < tap) & (before["t_ns"] >= tap - 200_000_000)]
    near_after = after[(after["t_ns"] > tap) & (after["t_ns"] <= tap + 200_000_000)]
    assert len(near_before) and len(near_after), (tap, before["t_ns"].max(), after["t_ns"].min())
    states = ConsentStates(consent, pd.Index(runs.manifests["run_id"].astype(str)))
    run0 = lambda df: pd.Series(0, index=df.index).to_numpy()  # noqa: E731 - one run
    placed_before = [STATES[i] for i in states.notice_at(run0(near_before), near_before["t_ns"].to_numpy())]
    placed_after = [STATES[i] for i in states.notice_at(run0(near_after), near_after["t_ns"].to_numpy())]
    assert set(placed_before) <= {"none", "shown"} and set(placed_after) == {"accepted"}
    # And the findings agree: every pre-consent read, and none after, is collection before consent.
    f = pd.read_parquet(result.run_dir / "findings.parquet")
    early = f[f["rule"] == "collect-before-consent"]
    assert len(early) and int(early["last_t_ns"].max()) < tap
    assert int(early["count"].sum()) >= len(before[before["t_ns"] < tap])


def test_a_device_that_disappears_ends_the_run_incomplete_with_its_data(tmp_path, make_sim_device):
    from harness.run.apps import sample_apks

    sim = make_sim_device()
    apk = next(p for p in sample_apks() if "sdkearly" in p.name)
    scenario = parse_scenario("name: long\nsteps:\n  - launch\n  - wait: 30\n", "long")
    def stop_once_the_sdk_was_seen() -> None:
        # after the launch and the SDK's first reads and request were journalled (not after a
        # fixed time: on a loaded machine preparing the device alone can take longer)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            journal = list(tmp_path.glob("*/journal"))
            if journal and list(journal[0].glob("api_calls.*.jsonl")) and list(journal[0].glob("flows.*.jsonl")):
                break
            time.sleep(0.1)
        sim.device.stop()

    threading.Thread(target=stop_once_the_sdk_was_seen, daemon=True).start()
    result = execute_run(connect_device(sim.serial), read_apk(apk), scenario, RunOptions(out=tmp_path))
    assert result.status == "incomplete"
    assert "lost" in result.reason or "disappeared" in result.reason, result.reason
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert manifest["status"] == "incomplete"
    # What was captured before the loss is kept: the launch, the SDK's reads and its request.
    steps = pd.read_parquet(result.run_dir / "steps.parquet")
    assert steps.loc[steps["action"] == "launch", "outcome"].tolist() == ["ok"]
    assert len(pd.read_parquet(result.run_dir / "api_calls.parquet")) > 0
    assert (pd.read_parquet(result.run_dir / "flows.parquet")["host"] == "alog.umeng.com").any()


def test_a_killed_harness_is_recovered(tmp_path, make_sim_device):
    from harness.run.apps import sample_apks

    sim = make_sim_device()
    apk = next(p for p in sample_apks() if "sdkearly" in p.name)
    scenario = tmp_path / "long.yaml"
    scenario.write_text("name: long\nsteps:\n  - launch\n  - wait: 60\n", encoding="utf-8")
    out = tmp_path / "runs"
    proc = subprocess.Popen([*CONSENTRY, "run", "--device", sim.serial, "--app", str(apk), "--scenario",
                             str(scenario), "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    run_dir = None
    while time.monotonic() < deadline:
        found = list(out.glob("*/journal/api_calls.*.jsonl"))
        if found and found[0].stat().st_size > 0:
            run_dir = found[0].parent.parent
            break
        time.sleep(0.2)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)  # the harness and its proxy child, as a crash or OOM would
    proc.wait(timeout=10)
    assert run_dir is not None, "the run never journalled an API call"
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "running"
    rec = _cli("recover", str(run_dir), timeout=120)
    assert rec.returncode == 0, rec.stderr
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "incomplete" and "recovered" in manifest["reason"]
    assert not (run_dir / "journal").exists()
    assert len(pd.read_parquet(run_dir / "api_calls.parquet")) > 0
    assert "collect-before-consent" in set(pd.read_parquet(run_dir / "findings.parquet")["rule"])


def test_a_bad_scenario_file_exits_2_naming_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nsteps:\n  - launch\n  - consent: perhaps\n", encoding="utf-8")
    proc = _cli("run", "--device", "127.0.0.1:1", "--app", "x.apk", "--scenario", str(bad), timeout=60)
    assert proc.returncode == 2
    assert f"{bad}: line 4: steps[1].consent" in proc.stderr and "Traceback" not in proc.stderr


POLICY_SAMPLES = ("policy_full", "sdk_omitted", "location_undeclared", "deep_policy", "no_policy", "exit_on_refusal",
                  "permission_bundle", "compliant")


@pytest.mark.xdist_group("demo")  # reuses the demo suite's runs: one worker runs them all
@pytest.mark.parametrize("name", POLICY_SAMPLES)
def test_policy_samples_keep_the_policy_they_read(name, tmp_path_factory, adb_server):
    """Each policy sample app, through each built-in scenario, gives exactly the findings its model
    declares, the policy rules included; and its run keeps the policy it read in policy/. Reads the
    demo suite's runs when it ran in this session (they are the same runs: one app, the demo's
    scenarios and time scale), else runs the sample alone on two sims."""
    from harness.sim.samples import sample_models

    model = sample_models()[name]
    runs = _sample_runs(name, tmp_path_factory.mktemp(name))
    for scenario in SCENARIOS:
        run_dir = _run_dir(runs, model.package, scenario)
        manifest = json.loads((run_dir / "manifest.json").read_text())
        assert manifest["status"] == "complete", (scenario, manifest.get("reason"))
        findings = pd.read_parquet(run_dir / "findings.parquet")
        got, want = set(findings["rule"]), set(model.expect.get(scenario, ()))
        assert got == want, (scenario, f"missing {sorted(want - got)}, extra {sorted(got - want)}",
                             findings[["rule", "category", "sdk", "evidence"]].to_dict("records"))
        if scenario == "baseline":
            continue
        meta = json.loads((run_dir / "policy" / "policy.json").read_text())
        if name == "no_policy":
            assert meta["status"] == "absent" and not meta["entry_seen"], (scenario, meta)
        else:
            assert meta["status"] == "read", (scenario, meta)
            text = (run_dir / meta["text_file"]).read_text()
            assert meta["source"]["kind"] == "url" and meta["html_file"], (scenario, meta)  # came over the proxy
            assert len(text) > 20 and meta["sha256"]
        if name == "deep_policy":
            assert meta["taps_from_main"] == 5, (scenario, meta)


@pytest.mark.xdist_group("demo")  # reuses the demo suite's runs: one worker runs them all
def test_shell_command_reads_are_findings_with_their_command(tmp_path_factory, adb_server):
    """The fingerprint SDK's shell commands ran on the sim device (the serial it read is the
    device's, not the host's) and each identifier read is a finding whose evidence is the command;
    a command that reads nothing is a process start, never an app launch."""
    run = _run_dir(_sample_runs("shell_fingerprint", tmp_path_factory.mktemp("shfp")),
                   "com.consentry.sample.shellfp", "refuse")
    serial = json.loads((run / "identity.json").read_text())["serial"]
    log = (run / "logcat.txt").read_text(encoding="utf-8", errors="replace")
    assert f"sh: getprop ro.serialno: {len(serial) + 1} bytes: {serial}" in log
    api = pd.read_parquet(run / "api_calls.parquet")
    shell = api[api["hook_id"].isin(["libc.popen", "libc.system", "libc.posix_spawn"])]
    by_cmd = {json.loads(a)["command"]: (c, p) for a, c, p in zip(shell["args"], shell["category"], shell["pi"], strict=True)}
    assert by_cmd["getprop ro.serialno"] == ("device_id", True)
    assert by_cmd["settings get secure android_id"] == ("device_id", True)
    assert by_cmd["sh -c 'cat /sys/class/net/wlan0/address'"] == ("wifi_info", True)
    assert by_cmd["ip addr show wlan0"] == ("ip_address", True)
    assert by_cmd["pm list packages"] == ("installed_apps", True)
    assert by_cmd["ls /data/data/com.consentry.sample.shellfp"] == ("process", False)
    assert not (api["category"] == "app_launch").any()
    f = pd.read_parquet(run / "findings.parquet")
    early = f[f["rule"] == "collect-before-consent"]
    assert {"device_id", "wifi_info", "ip_address", "installed_apps"} <= set(early["category"])
    commands = {json.loads(json.loads(e)["first"]["args"])["command"] for e in early["evidence"]}
    assert "getprop ro.serialno" in commands and "pm list packages" in commands
    assert set(early["sdk"]) == {"shumei"}
