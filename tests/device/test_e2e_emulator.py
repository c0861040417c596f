"""The runner's emulator branches end to end on the sim's emulator-34 profile: `adb root` and the
wait for boot, frida-server pushed, started as root and stopped at the end, the proxy reached
through `adb reverse`, the CA in the Conscrypt APEX of the app namespaces, identity read through
parcels; the sample app's findings equal its declaration."""

from __future__ import annotations

import json

import pandas as pd

from harness.device import connect_device
from harness.run.apk import read_apk
from harness.run.runner import RunOptions, execute_run
from harness.scenario import resolve_scenario


def test_sample_app_on_the_emulator_profile(make_sim_device, standin, tmp_path):
    from harness.run.apps import sample_apks
    from harness.sim.samples import sample_models

    sim = make_sim_device(profile="emulator-34")
    apk = next(p for p in sample_apks() if "sdkearly" in p.name)
    model = next(m for m in sample_models().values() if m.package == "com.consentry.sample.sdkearly")
    result = execute_run(connect_device(sim.serial), read_apk(apk), resolve_scenario("accept"),
                         RunOptions(out=tmp_path / "runs", time_scale=0.3, frida_server=standin))
    assert result.status == "complete", result.reason
    rules = set(pd.read_parquet(result.run_dir / "findings.parquet")["rule"])
    assert rules == set(model.expect["accept"])
    events = pd.read_parquet(result.run_dir / "events.parquet")
    detail = {k: json.loads(v) for k, v in zip(events["kind"], events["detail"], strict=True)}
    assert detail["frida-server"]["started"] and detail["frida-server"]["root"] == "adbd"
    assert detail["proxy:device"]["dial"] == "127.0.0.1"
    assert detail["proxy:ca"]["system"] and detail["proxy:ca"]["method"] == "tmpfs+apex-nsenter"
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert manifest["device"]["kind"] == "emulator"
    ident = json.loads((result.run_dir / "identity.json").read_text())
    assert "as root (adbd)" in ident["read_how"]["imei"] and ident["imei"] == sim.device.identity.imei
    flows = pd.read_parquet(result.run_dir / "flows.parquet")
    assert (flows["host"] == "alog.umeng.com").any()
    # nothing left behind: frida-server stopped, reverse mapping and device proxy removed
    assert sim.adb_cli("shell", "pidof frida-server").stdout.strip() == ""
    assert sim.adb_cli("reverse", "--list").stdout.strip() == ""
    assert sim.adb_cli("shell", "settings get global http_proxy").stdout.strip() in ("null", ":0")
