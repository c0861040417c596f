"""Scenario files: built-ins load and match the JSON Schema; bad files name the file, line and key."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from harness.errors import ScenarioError
from harness.scenario import builtin_scenarios, load_scenario, load_suite, resolve_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_builtins_are_the_documented_five_and_validate_against_the_schema():
    scenarios = builtin_scenarios()
    assert set(scenarios) == {"baseline", "refuse", "accept", "accept-grant", "background"}
    schema = json.loads((ROOT / "scenarios" / "schema.json").read_text())
    for path in (ROOT / "scenarios").glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    assert scenarios["baseline"].total_wait() == 30
    assert [s.action for s in scenarios["background"].steps] == ["launch", "policy", "consent", "permissions", "policy",
                                                                 "wait", "home", "wait"]
    assert scenarios["refuse"].steps[2].decision == "refuse"


def test_step_forms_are_normalised(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(
        "name: mine\nsteps:\n  - launch\n  - wait: 2.5\n  - permissions: deny:location\n"
        "  - tap: 同意\n  - tap: {id: btn_ok}\n  - {consent: accept, optional: true}\n  - explore: {max_steps: 3}\n"
        "  - swipe: [1, 2, 3, 4]\n  - revoke: CAMERA\n",
        encoding="utf-8",
    )
    s = load_scenario(f)
    assert s.steps[2].group == "LOCATION" and s.steps[2].decision == "deny"
    assert s.steps[3].target.text == "同意" and s.steps[4].target.resource_id == "btn_ok"
    assert s.steps[5].optional and s.steps[6].explore.max_steps == 3
    assert s.sha256 and len(s.sha256) == 64


@pytest.mark.parametrize(
    "body, where, words",
    [
        ("name: x\nsteps:\n  - launch\n  - wait: -1\n", "line 4", "greater than 0"),
        ("name: x\nsteps:\n  - launch\n  - consent: maybe\n", "line 4: steps[1].consent", "not one of"),
        ("name: x\nsteps:\n  - launch\n  - jump: 3\n", "line 4: steps[1].jump", "unknown action"),
        ("name: x\nsteps:\n  - fly\n", "line 3: steps[0]", "unknown step"),
        ("name: x\nsteps: [launch\n", "line", "not valid YAML"),
        ("name: x\nsteps:\n  - {wait: 1, home: null}\n", "line 3", "exactly one action"),
        ("name: x\nsteps: 3\n", "line 2: steps", "must be a list"),
        ("name: 'bad name!'\nsteps: [launch]\n", "line 1: name", "pattern"),
    ],
)
def test_bad_files_name_file_line_and_key(tmp_path, body, where, words):
    f = tmp_path / "bad.yaml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    message = str(exc.value)
    assert str(f) in message and where in message and words in message, message
    assert exc.value.exit_code == 2


def test_unknown_scenario_and_binary_file(tmp_path):
    with pytest.raises(ScenarioError, match="no built-in scenario"):
        resolve_scenario("nope")
    f = tmp_path / "bin.yaml"
    f.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(f)


def test_suites_resolve_builtin_names_and_check_their_scenarios(tmp_path):
    assert load_suite("demo").time_scale < 1
    f = tmp_path / "suite.yaml"
    f.write_text("name: s\napps: [x.apk]\nscenarios: [baseline, missing]\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"line 3: scenarios\[1\]"):
        load_suite(f)


def test_policy_step_forms_and_errors():
    from harness.scenario.loader import parse_scenario

    sc = parse_scenario("name: p\nsteps:\n  - launch\n  - policy\n  - policy: {where: app, max_taps: 5}\n  - explore\n",
                        "p.yaml")
    # A bare `policy` / `explore` has every option at its default (a bare explore once reached the
    # explorer with no options and ended the run with an internal error).
    assert sc.steps[1].policy.where == "auto" and sc.steps[1].describe() == "policy"
    assert sc.steps[2].policy.where == "app" and sc.steps[2].policy.max_taps == 5
    assert sc.steps[3].explore is not None and sc.steps[3].explore.max_steps > 0
    assert sc.steps[2].describe() == "policy app"
    with pytest.raises(ScenarioError, match=r"p.yaml: line 4: steps\[1\].policy.max_taps"):
        parse_scenario("name: p\nsteps:\n  - launch\n  - policy: {max_taps: 99}\n", "p.yaml")
