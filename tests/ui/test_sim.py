"""The observer on the sim device through the real adb server: the sim apps show a privacy notice
and Android-14-style permission prompts, answered by the actions with the tap time recorded."""

from __future__ import annotations

import time

import pytest

from harness.ui.device import AdbUiDevice
from harness.ui.observer import UiObserver


def _start(sim, component: str) -> AdbUiDevice:
    d = sim.adb()
    d.shell(f"am start -n {component}")
    return AdbUiDevice(d)


def _sample(sim, package: str) -> None:
    out = sim.adb().shell("pm list packages")
    if f"package:{package}" not in out:
        pytest.skip(f"sim sample app {package} not installed")


def test_notice_accept_then_permission_deny(sim_device, tmp_path):
    _sample(sim_device, "com.consentry.sample.compliant")
    dev = _start(sim_device, "com.consentry.sample.compliant/.MainActivity")
    obs = UiObserver(dev, None, tmp_path, time.time_ns(), fast=0.1, slow=0.5)
    shown = obs.wait_for(("consent_notice",), 15)
    assert shown is not None, obs.current
    assert obs.state("privacy_notice") == "shown"
    out = obs.accept_notice(step_id=1, timeout=5)
    assert out.ok, out.reason
    assert obs.state("privacy_notice") == "accepted"
    assert shown.t_ns < out.t_ns
    perm = obs.answer_permission(False, "LOCATION", step_id=2, timeout=15)
    assert perm.ok, perm.reason
    assert obs.state("permission:LOCATION") == "denied"
    assert (tmp_path / "screenshots").is_dir()


def test_two_step_refusal_on_sim(sim_device, tmp_path):
    _sample(sim_device, "com.consentry.sample.zhnews")
    dev = _start(sim_device, "com.consentry.sample.zhnews/.SplashActivity")
    obs = UiObserver(dev, None, tmp_path, time.time_ns(), fast=0.1, slow=0.5, screenshots=False)
    shown = obs.wait_for(("consent_notice",), 15)
    assert shown is not None, obs.current
    assert shown.classification.precheck is True  # the sample ticks its consent box in advance
    out = obs.refuse_notice(step_id=1, timeout=5)
    assert out.ok, out.reason
    assert [t[1] for t in out.taps] == ["不同意", "仍不同意"]
    assert obs.state("privacy_notice") == "refused"
