"""The UI hierarchy parser and classifier (pure, never raise) on random hierarchies, mutated real
dumps and random bytes: always a Classification of a known kind, within the bounds."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.ui.classify import classify
from harness.ui.hierarchy import parse
from tests.fuzz.conftest import bounded

pytestmark = pytest.mark.fuzz

KINDS = {"consent_notice", "permission_dialog", "permission_rationale", "login_agreement", "other", "unknown"}
CORPUS = sorted((Path(__file__).resolve().parents[1] / "data" / "ui_corpus" / "dumps").glob("*.xml"))
WORDS = ["同意", "不同意", "Agree", "Disagree", "Allow", "Don't allow", "隐私政策", "Privacy Policy", "OK", "Cancel",
         "仅在使用中允许", "While using the app", "I have read and agree", "用户协议", "Continue", "拒绝", "\u202e", "\x00",
         "&amp;", "]]>", "<!--", "\ud800"]
CLASSES = ["android.widget.TextView", "android.widget.Button", "android.widget.CheckBox", "android.view.View",
           "android.widget.FrameLayout", "android.webkit.WebView", ""]
PACKAGES = ["com.example.app", "com.android.permissioncontroller", "com.google.android.permissioncontroller", ""]

text_values = st.one_of(st.sampled_from(WORDS), st.text(max_size=60))
bounds = st.one_of(st.tuples(*[st.integers(-5000, 5000)] * 4).map(lambda b: f"[{b[0]},{b[1]}][{b[2]},{b[3]}]"),
                   st.text(max_size=20))
attrs = st.fixed_dictionaries({}, optional={
    "text": text_values, "content-desc": text_values, "resource-id": st.text(max_size=30),
    "class": st.sampled_from(CLASSES), "package": st.sampled_from(PACKAGES), "bounds": bounds,
    "clickable": st.sampled_from(["true", "false", "yes", ""]), "checkable": st.sampled_from(["true", "false"]),
    "checked": st.sampled_from(["true", "false", "maybe"]), "index": st.text(max_size=4)})


def _node(a: dict, children: list[str]) -> str:
    def clean(v: str) -> str:
        return "".join(ch for ch in v if ch in "\t\n\r" or ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF)

    attr = " ".join(f"{k}={quoteattr(clean(v))}" for k, v in a.items())
    return f"<node {attr}>{''.join(children)}</node>"


trees = st.recursive(attrs.map(lambda a: _node(a, [])),
                     lambda kids: st.tuples(attrs, st.lists(kids, max_size=6)).map(lambda t: _node(t[0], t[1])),
                     max_leaves=40)


def _check(data: str | bytes) -> None:
    c = bounded(lambda: classify(data))
    assert c.kind in KINDS, c
    assert isinstance(c.reason, str)
    h = bounded(lambda: parse(data))
    assert h.error is None or isinstance(h.error, str)


@given(st.lists(trees, min_size=1, max_size=3))
def test_random_hierarchies(windows):
    _check("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\">"
           + "".join(windows) + "</hierarchy>")


@given(st.sampled_from(CORPUS), st.data())
def test_mutated_real_dumps(path, data):
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        pos = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[pos] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del raw[pos:pos + data.draw(st.integers(1, 400))]
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(max_size=40))
        else:
            raw[pos:pos] = raw[pos:pos + data.draw(st.integers(1, 2000))]
    _check(bytes(raw))
    _check(bytes(raw).decode("utf-8", errors="replace"))


@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
def test_random_input(data):
    _check(data)


def test_deep_nesting_and_entity_tricks_stay_bounded():
    deep = "<hierarchy>" + "<node text='x'>" * 5000 + "</node>" * 5000 + "</hierarchy>"
    _check(deep)
    billion = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
               '&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'
               '&lol2;">]><hierarchy><node text="&lol3;" /></hierarchy>')
    _check(billion)
    external = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                '<hierarchy><node text="&e;" /></hierarchy>')
    c = classify(external)
    assert "root:" not in " ".join(c.texts)
