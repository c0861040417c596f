"""Sim app models: every sample loads, and every malformed input names the file and the key."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from harness.sim.model import MODEL_MEMBER, RULES, SCENARIOS, SimAppError, build_apk, load_app_package
from harness.sim.samples import HERE, sample_app_paths, sample_models

MINIMAL = """
package: com.x.app
label: X
activities: [.Main]
launcher: .Main
start: {none: main}
screens:
  - id: main
    activity: .Main
    elements:
      - {id: ok, text: OK, class: android.widget.Button, clickable: true, bounds: [0, 0, 100, 100]}
    on_tap: {ok: {goto: main}}
behaviours:
  - id: b
    steps: [{read_file: /proc/net/arp}]
expect: {baseline: []}
"""


def test_samples_cover_every_scenario_and_at_least_seven_apps(tmp_path):
    models = sample_models()
    assert len(models) >= 7
    packages = {m.package for m in models.values()}
    assert "com.consentry.sample.compliant" in packages
    for name, m in models.items():
        assert set(m.expect) == set(SCENARIOS), name
        assert all(r in RULES for rules in m.expect.values() for r in rules)
    assert all(not rules for rules in models["compliant"].expect.values())
    paths = sample_app_paths(tmp_path)
    assert load_app_package(paths["zh_news"]).label == "今日资讯"
    assert sample_app_paths(tmp_path) == paths  # cached, not rebuilt
    # every rule of DESIGN.md but sensitive-without-permission-flow is someone's ground truth
    covered = {r for m in models.values() for rules in m.expect.values() for r in rules}
    assert set(RULES) - covered == {"sensitive-without-permission-flow"}


def test_yaml_and_apk_load_the_same(tmp_path):
    y = tmp_path / "m.yaml"
    y.write_text(MINIMAL)
    apk = build_apk(MINIMAL.encode(), tmp_path / "com.x.app.apk")
    assert load_app_package(y) == load_app_package(apk)
    assert build_apk(MINIMAL.encode(), tmp_path / "again.apk").read_bytes() == apk.read_bytes()  # reproducible


@pytest.mark.parametrize(("old", "new", "where"), [
    ("bounds: [0, 0, 100, 100]", "bounds: [0, 0, 100]", "m.yaml: screens[0].elements[0].bounds: expected [x1,y1,x2,y2]"),
    ("bounds: [0, 0, 100, 100]", "bounds: [100, 0, 0, 100]", "m.yaml: screens[0].elements[0].bounds: expected"),
    ("{goto: main}", "{goto: nowhere}", "m.yaml: model: screens[0].on_tap.ok: unknown screen 'nowhere'"),
    ("on_tap: {ok:", "on_tap: {missing:", "m.yaml: model: screens[0].on_tap.missing: no element with this id"),
    ("expect: {baseline: []}", "expect: {baseline: [made-up]}", "m.yaml: expect: baseline: unknown rule(s) made-up"),
    ("expect: {baseline: []}", "expect: {nightly: []}", "m.yaml: expect: unknown scenario 'nightly'"),
    ("[{read_file: /proc/net/arp}]", "[{read_file: /a, getprop: b}]", "m.yaml: behaviours[0].steps[0]: a step needs exactly one"),
    ("[{read_file: /proc/net/arp}]", "[{read: shoe_size}]", "m.yaml: behaviours[0].steps[0]: unknown identity key 'shoe_size'"),
    ("launcher: .Main", "launcher: .Other", "m.yaml: model: launcher: '.Other' is not in activities"),
    ("package: com.x.app", "package: not a package", "m.yaml: package: expected a Java package name"),
    ("label: X", "label: [X]", "m.yaml: label: Input should be a valid string"),
    ("label: X", "label: X\ncolour: red", "m.yaml: colour: Extra inputs are not permitted"),
    ("label: X", "label: X\n  bad: [", "m.yaml: line"),
])
def test_malformed_model_names_file_and_key(tmp_path, old, new, where):
    assert old in MINIMAL
    p = tmp_path / "m.yaml"
    p.write_text(MINIMAL.replace(old, new, 1))
    with pytest.raises(SimAppError) as e:
        load_app_package(p)
    assert str(e.value).startswith(where), str(e.value)


def test_bad_packages(tmp_path: Path):
    def fail(path: Path, expected: str) -> None:
        with pytest.raises(SimAppError) as e:
            load_app_package(path)
        assert expected in str(e.value) and path.name in str(e.value)

    not_mapping = tmp_path / "list.yaml"
    not_mapping.write_text("- a\n- b\n")
    fail(not_mapping, "expected a mapping at the top level")
    fail(tmp_path / "missing.apk", "cannot read")
    no_model = tmp_path / "empty.apk"
    with zipfile.ZipFile(no_model, "w") as zf:
        zf.writestr("classes.dex", b"dex\n035")
    fail(no_model, f"{MODEL_MEMBER}: missing")
    bomb = tmp_path / "bomb.apk"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MODEL_MEMBER, b"a: " + b"x" * (4 * 1024 * 1024))  # compresses to ~4 KB
    assert bomb.stat().st_size < 64 * 1024
    fail(bomb, "larger than")
    broken = tmp_path / "broken.apk"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    fail(broken, "not a readable zip")


def test_sample_files_are_the_shipped_ones():
    assert sorted(p.stem for p in HERE.glob("*.yaml")) == sorted(sample_models())
