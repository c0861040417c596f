"""The CA in the system store as Android 14 apps see it: a tmpfs over the legacy store bound over
the Conscrypt APEX in zygote's and each running app's mount namespace, checked there (not in
adbd's), idempotent (no stacked mounts on a second install), and removable."""

from __future__ import annotations

from harness.capture.ca import ensure_ca, subject_hash_old
from harness.capture.device_setup import APEX_STORE, ca_install_system, ca_install_user, ca_remove, ca_state


def test_apex_install_is_checked_in_app_namespaces_idempotent_and_removable(make_sim_device, tmp_path):
    sim = make_sim_device(profile="emulator-34")
    adb = sim.adb()
    pem = ensure_ca(tmp_path / "mitm").read_bytes()
    name = f"{subject_hash_old(pem)}.0"
    assert not ca_state(adb, pem).anywhere
    sim.adb_cli("shell", "am start -n com.consentry.sample.compliant/.MainActivity")  # an app already running
    assert ca_install_user(adb, pem).ok
    first = ca_install_system(adb, pem)
    assert first.ok and first.method == "tmpfs+apex-nsenter", first.detail
    state = ca_state(adb, pem)
    assert state.system and "3/3 namespaces (zygote + 1 apps)" in state.detail, state.detail
    # adbd's own namespace does not show the bind: a check there would say "missing" every run
    assert sim.adb_cli("shell", f"su 0 cat {APEX_STORE}/{name}").returncode != 0
    second = ca_install_system(adb, pem)
    assert second.ok and "0 new bind mount(s)" in second.detail and "tmpfs already in place" in second.detail
    zygote = sim.adb_cli("shell", "pidof zygote64").stdout.strip()
    mounts = sim.adb_cli("shell", f"su 0 nsenter --mount=/proc/{zygote}/ns/mnt -- mount").stdout
    assert mounts.count(f" {APEX_STORE} ") == 1  # not stacked
    # the original system CAs are still trusted through the tmpfs (the sim internet's CA)
    assert len(sim.adb_cli("shell", f"su 0 nsenter --mount=/proc/{zygote}/ns/mnt -- ls {APEX_STORE}").stdout.split()) >= 2
    removed = ca_remove(adb, pem)
    assert removed.ok and not ca_state(adb, pem).anywhere
    mounts = sim.adb_cli("shell", f"su 0 nsenter --mount=/proc/{zygote}/ns/mnt -- mount").stdout
    assert APEX_STORE not in mounts
