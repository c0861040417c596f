"""Leave-one-source-out coverage of the SDK database, per public source, against the issue's goals.

Each public build source is left out in turn, the database rebuilt from the rest, and recall measured
on that source's own entries; host contacts are weighted by the number of real apps (PlatformControl
data) that made them. Figures for the hand-written entries are never part of these numbers."""

from __future__ import annotations

import pytest

from analysis.sdk.coverage import GOAL_HOST_CONTACTS, GOAL_PACKAGES, measure, table


@pytest.fixture(scope="module")
def coverage():
    rows = measure()
    print("\n" + table(rows))
    return {r.source: r for r in rows}


def test_every_source_is_measured(coverage):
    assert set(coverage) == {"exodus", "libchecker", "libradar", "libscout", "whotracksme", "androlibzoo", "admob-mediation",
                             "adlibr-mediation", "adguard-trackers (held out)"}


@pytest.mark.parametrize("source", ["exodus", "whotracksme", "adguard-trackers (held out)"])
def test_tracker_host_contacts_of_real_apps(coverage, source):
    r = coverage[source].host_contacts
    assert r.total > 10_000  # thousands of app-host contacts, weighted by apps
    assert r.recall >= GOAL_HOST_CONTACTS


@pytest.mark.parametrize(("source", "region"), [("exodus", "CN"), ("libradar", "CN"), ("libradar", "other"),
                                                ("libchecker", "other"), ("libscout", "other")])
def test_package_prefixes_goal_met(coverage, source, region):
    assert coverage[source].packages[region].recall >= GOAL_PACKAGES


@pytest.mark.parametrize(("source", "region", "floor"), [("libchecker", "CN", 0.865), ("exodus", "other", 0.89)])
def test_package_prefixes_below_goal_do_not_regress(coverage, source, region, floor):
    """Below the 0.9 goal today (docs/sdk.md says why); held at the measured level so it cannot slip."""
    assert coverage[source].packages[region].recall >= floor


def test_library_lists_only_fill_gaps(coverage):
    """A list naming no SDK (AndroLibZoo) never takes code from a named SDK: what it attributes of the
    Chinese and other-country SDK lists is a small part of their recall."""
    for source in ("exodus", "libchecker"):
        for region in ("CN", "other"):
            assert coverage[source].packages[region].list_share <= 0.05


def test_the_brand_label_rule_rarely_names_a_general_library(coverage):
    """The brand-label rule gives a named SDK to few of AndroLibZoo's library prefixes that no named entry
    covers (measured 0.2%, most of them the vendor's own libraries, see docs/sdk.md)."""
    r = coverage["androlibzoo"].brand_rule
    assert r.total > 20_000 and r.recall <= 0.01
