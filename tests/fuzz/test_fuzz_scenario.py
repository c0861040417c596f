"""The scenario loader on random text and random YAML structures: a Scenario or a ScenarioError
naming the file, never another exception."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from harness.errors import InputError
from harness.scenario.loader import parse_scenario
from harness.scenario.model import Scenario
from tests.fuzz.conftest import expect

pytestmark = pytest.mark.fuzz

ACTIONS = ["launch", "wait", "consent", "tap", "home", "resume", "permission", "explore", "back", "swipe", "text",
           "screenshot", "relaunch", "kill", "optional", "when", "repeat", "grant", "deny", "x"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                    st.text(max_size=20), st.sampled_from(ACTIONS + ["accept", "refuse", "grant", "deny"]))
values = st.recursive(scalars, lambda c: st.one_of(st.lists(c, max_size=5),
                                                   st.dictionaries(st.one_of(st.sampled_from(ACTIONS), st.text(max_size=8)),
                                                                   c, max_size=4)), max_leaves=25)
steps = st.lists(st.one_of(st.sampled_from(ACTIONS), st.dictionaries(st.sampled_from(ACTIONS), values, max_size=2), values),
                 max_size=8)
documents = st.fixed_dictionaries({"name": st.one_of(st.text(max_size=12), values), "steps": steps},
                                  optional={"fresh": values, "description": values, "time_scale": values,
                                            "extends": values, "extra": values})


def _check(text: str) -> None:
    got = expect(lambda: parse_scenario(text, "fuzz.yaml"), InputError)
    if isinstance(got, InputError):
        assert "fuzz.yaml" in str(got)
    else:
        assert isinstance(got, Scenario)


@given(st.text(max_size=400))
def test_random_text(text):
    _check(text)


@given(documents)
def test_random_scenario_structures(doc):
    _check(yaml.safe_dump(doc, allow_unicode=True))


@given(documents, st.integers(0, 400))
def test_truncated_scenarios(doc, cut):
    text = yaml.safe_dump(doc, allow_unicode=True)
    _check(text[:cut])


def test_yaml_bombs_are_refused_within_bounds():
    bomb = "a: &a [" + ",".join(["x"] * 10) + "]\n"
    for i in range(1, 12):
        bomb += f"a{i}: &a{i} [" + ",".join([f"*a{i - 1 if i > 1 else ''}"] * 10) + "]\n"
    bomb += "name: bomb\nsteps: [launch]\n"
    _check(bomb)
