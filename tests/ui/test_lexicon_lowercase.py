"""The lexicon's lower-case twins (searched on lower-cased screen text, for speed) must find what
the case-insensitive patterns find: their patterns may hold no upper-case letter."""

from __future__ import annotations

import re

from harness.ui import lexicon as lx


def test_lowered_patterns_have_no_upper_case_letters():
    for name, rx in lx.LOWERED.items():
        assert not re.findall(r"(?<!\\)[A-Z]", rx.pattern), name


def test_lowered_search_agrees_on_mixed_case_text():
    text = "Please READ our Privacy Policy and Terms of Service. We need ACCESS to your Location."
    for name, rx in lx.LOWERED.items():
        fast = getattr(lx, name + "_LC")
        assert bool(rx.search(text)) == bool(fast.search(text.lower())), name


def test_permission_terms_lower_case_twins_agree():
    text = "Allow APP to access this device's LOCATION? Take Pictures and Record Video. Send you Notifications"
    for (group, rx), (group_lc, fast) in zip(lx.PERMISSION_TERMS, lx.PERMISSION_TERMS_LC, strict=True):
        assert group == group_lc
        assert not re.findall(r"(?<!\\)[A-Z]", fast.pattern), group
        assert bool(rx.search(text)) == bool(fast.search(text.lower())), group
