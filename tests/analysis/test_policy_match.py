"""Matching policy SDK names to the SDK database (analysis/policy/match.py): exact names, Chinese
type words for English database names, company words before a name, vendors named alone, and
partial matches only along word boundaries."""

from __future__ import annotations

import pytest

from analysis.policy.match import match_entry
from analysis.sdk import load_db


@pytest.fixture(scope="module")
def db():
    return load_db()


@pytest.mark.parametrize(("name", "sdk"), [
    ("极光推送", "jpush"),
    ("OPPO推送", "oppo-push"),  # the database says "OPPO Push"
    ("小米推送", "xiaomi-push"),
    ("腾讯Bugly", "bugly"),  # a company word before the database's "Tencent Bugly"
    ("Bugly", "bugly"),
    ("Crashlytics", "firebase-crashlytics"),  # not "Lytics", which it only contains
    ("Firebase Crashlytics", "firebase-crashlytics"),
    ("One Signal", "onesignal"),
])
def test_names_match_their_sdk(db, name, sdk):
    assert match_entry(name, None, None, db).sdk == sdk


def test_a_vendor_named_alone_matches_the_vendor_not_one_of_its_sdks(db):
    m = match_entry("小米", None, None, db)
    assert m.sdk == "vendor-xiaomi" and m.how == "company"


def test_a_short_latin_name_inside_another_word_matches_nothing(db):
    assert match_entry("QQ", None, None, db).sdk is None  # not a domain entry that happens to hold "qq"


def test_a_store_or_a_company_possessive_is_not_an_embedded_sdk():
    from analysis.policy import read_policy
    text = ("# Privacy Policy\n\nYou may share a review in the Google Play store. We use Firebase Crashlytics to "
            "collect crash reports.\n")
    got = {s.name for s in read_policy(text).sdks}
    assert "Google Play" not in got and any("Crashlytics" in n for n in got)


def test_the_catch_all_note_other_sdk_is_not_a_name():
    # hundreds of vendor rows are called "X (other SDK)": the bracket is a note, and a capitalised
    # "Other" opening a list item named them all
    from analysis.policy import read_policy
    text = ("# Privacy Policy\n\nWe use AdMob to show adverts.\n\n- Other user product interactions may be "
            "used to improve advertising.\n- Other data: crash logs.\n")
    names = [s.name for s in read_policy(text).sdks]
    assert "Other" not in names and any("AdMob" in n for n in names)
