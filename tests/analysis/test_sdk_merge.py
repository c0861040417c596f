"""The merge's structural rules on small made-up sources: a vendor's domain stands for its Java
namespaces, a brand label under another first segment is the same vendor, company groups share a
namespace, a company named by one brand word owns com.<brand>, and a library list only fills gaps."""

from __future__ import annotations

from pathlib import Path

from analysis.sdk.builder.merge import merge
from analysis.sdk.builder.sources import Source
from analysis.sdk.index import SdkDb


def _source(name: str, fill: bool = False) -> Source:
    return Source(name=name, title=f"{name} (test)", format="sdk-db", files=(), directory=Path("."),
                  licence="MIT", url=f"https://example.org/{name}", fill=fill)


def _raw(name: str, company: str, category: str = "advertising", packages=(), hosts=(), transparent=False) -> dict:
    return {"ref": name, "name": name, "company": company, "country": None, "category": category,
            "packages": list(packages), "native": [], "hosts": list(hosts), "transparent": transparent, "url": None}


def _db(*sources) -> SdkDb:
    return SdkDb(merge([], list(sources)))


def test_a_vendor_domain_stands_for_its_reversed_and_com_namespaces():
    db = _db((_source("hosts"), [_raw("Adformish", "Adformish", hosts=["track.adformish.net"])]))
    assert db.by_class("net.adformish.sdk.Ad").name == "Adformish"
    assert db.by_class("com.adformish.sdk.Ad").name == "Adformish"
    shared = _db((_source("hosts"), [_raw("Speedy", "Speedy", hosts=["speedy-ads.akamaized.net"])]))
    assert shared.by_class("com.akamaized.x") is None  # a shared CDN domain names nobody's code


def test_a_brand_label_under_another_first_segment_is_the_same_vendor():
    db = _db((_source("code"), [_raw("Gemiusish", "Gemiusish SA", packages=["pl.gemiusish.sdk"])]))
    assert db.by_class("com.gemiusish.sdk.Tracker").company == "Gemiusish SA"
    two = _db((_source("code"), [_raw("A", "Alpha Corp", packages=["pl.sharedlabel.a"]),
                                 _raw("B", "Beta Corp", packages=["de.sharedlabel.b"])]))
    assert two.by_class("com.sharedlabel.x") is None  # two companies use the label: nobody's


def test_company_group_owns_a_shared_namespace_and_a_brand_word():
    db = _db((_source("code"), [_raw("Push", "Bigco Cloud", "push", packages=["com.bigco.push"]),
                                _raw("Maps", "Bigco", "maps", packages=["com.bigco.maps"]),
                                _raw("Pay", "Bigco Pay", "payment", packages=["com.bigco.pay"])]))
    other = db.by_class("com.bigco.unlisted.Thing")
    assert other is not None and other.fallback and other.company.startswith("Bigco")
    assert db.by_class("cn.bigco.x.Y").fallback  # the brand under the usual first segments
    named = _db((_source("code"), [_raw("Router", "Didiish (open source)", "library", packages=["com.didiish.router"],
                                        transparent=True)]))
    assert named.by_class("org.didiish.plugin.Z") is not None


def test_a_library_list_only_fills_gaps():
    named = (_source("code"), [_raw("Ads", "Adco", packages=["com.adco.ads"])])
    listed = (_source("list", fill=True), [_raw("com.adco", "com.adco", "library", packages=["com.adco", "com.adco.ads.x"],
                                                transparent=True),
                                           _raw("org.utilib", "org.utilib", "library", packages=["org.utilib.core"],
                                                transparent=True)])
    db = _db(named, listed)
    assert db.by_class("com.adco.ads.x.Banner").name == "Ads"  # never taken from the named SDK
    lib = db.by_class("org.utilib.core.Strings")
    assert lib is not None and lib.transparent and lib.category == "library"
    assert sum(1 for e in db.entries.values() if "list" in e.sources) == 1  # one compact entry


def test_adguard_reader_and_its_malformed_file(tmp_path):
    import json

    import pytest

    from analysis.errors import AnalysisInputError
    from analysis.sdk.builder.readers import read_adguard

    f = tmp_path / "trackers.json"
    f.write_text(json.dumps({"categories": {"4": "advertising"}, "trackers": {"acme": {"name": "Acme Ads", "categoryId": 4}},
                             "trackerDomains": {"ads.acme.example": "acme", "BAD DOMAIN": "acme"}}), encoding="utf-8")
    (entry,) = read_adguard(tmp_path, ["trackers.json"])
    assert entry["category"] == "advertising" and entry["hosts"] == ["ads.acme.example"]
    f.write_text(json.dumps({"trackers": {"x": {"categoryId": 4}}, "trackerDomains": {}}), encoding="utf-8")
    with pytest.raises(AnalysisInputError) as err:
        read_adguard(tmp_path, ["trackers.json"])
    assert str(f) in str(err.value) and "trackers.x" in str(err.value)


def test_a_vendor_brand_stands_for_its_native_libraries_where_a_word_ends():
    db = _db((_source("code"), [_raw("Rtc", "Agorish", "rtc", packages=["io.agorish.rtc"])]))
    assert db.by_library("libagorish-core.so").company == "Agorish"
    assert db.by_library("libagorish_fdkaac.so").company == "Agorish"
    assert db.by_library("libagorishmediaplayer.so") is None  # the letter run goes on: another name


def test_a_namespace_wide_entry_containing_the_apps_package_is_the_apps_vendor():
    db = _db((_source("hosts"), [_raw("Wetterish", "Wetterish", "other", hosts=["wetterish.com"])]),
             (_source("code"), [_raw("Ads", "Adco", packages=["com.wetterish.ads"])]))
    app = "com.wetterish.androidclient"
    assert db.by_class("com.wetterish.shared.Util") is not None  # in another app: the tracker's vendor
    assert db.by_class("com.wetterish.shared.Util", app=app) is None  # in its own app: first-party code
    assert db.by_class("com.wetterish.ads.Banner", app=app).name == "Ads"  # an SDK's own package still is


def test_a_brand_label_as_namespace_label_is_its_vendors_code():
    db = _db((_source("hosts"), [_raw("Caulish", "Caulish Inc", hosts=["ad.caulish.co.kr"])]))
    assert db.by_class("jp.caulish.sdk.Ad").company == "Caulish Inc"  # under any country-code first segment
    assert db.by_class("au.com.caulish.Ad").company == "Caulish Inc"  # after a second-level label
    assert db.by_class("caulish.adserver.Ad").company == "Caulish Inc"  # a vendor not using a domain at all
    assert db.by_class("com.fsnish.caulish.Ad") is None  # deeper, a word is as often an ordinary word
    assert db.by_class("jp.caulish.x.Y", app="jp.caulish.app") is None  # the app vendor's own code


def test_a_precise_prefix_wins_over_a_brand_label():
    db = _db((_source("hosts"), [_raw("Caulish", "Caulish Inc", hosts=["caulish.co.kr"])]),
             (_source("code"), [_raw("Wrap", "Wrapco", packages=["caulish.wrap"])]))
    assert db.by_class("caulish.wrap.Adapter").company == "Wrapco"
    assert db.by_class("caulish.other.Ad").company == "Caulish Inc"


def test_a_generic_word_or_a_shared_label_is_no_brand():
    # `analytics` is the vendor's domain label, but other vendors use it inside their own code
    generic = _db((_source("hosts"), [_raw("Analytix", "Analytix", "analytics", hosts=["analytics.example"])]),
                  (_source("code"), [_raw("A", "Alpha", packages=["com.alpha.analytics"]),
                                     _raw("B", "Beta", packages=["com.beta.analytics"])]))
    assert generic.by_class("de.analytics.Tracker") is None
    shared = _db((_source("hosts"), [_raw("X", "Xco", hosts=["twinbrand.com"]), _raw("Y", "Yco", hosts=["twinbrand.jp"])]))
    assert shared.by_class("de.twinbrand.Ad") is None  # two companies use the label: nobody's
    cdn = _db((_source("hosts"), [_raw("Fastcdn", "Fastcdn", "cdn", hosts=["fastcdnish.net"])]))
    assert cdn.by_class("de.fastcdnish.Util") is None  # CDNs, clouds and libraries name no code
    assert _db((_source("hosts"), [_raw("Contentish", "Contentish", hosts=["contentish.ad"])])).by_class(
        "android.contentish.Thing") is None  # never the platform's namespaces


def test_a_brand_label_never_overrides_a_named_entry_but_does_a_library_list():
    named = (_source("hosts"), [_raw("Caulish", "Caulish Inc", hosts=["caulish.co.kr"])])
    listed = (_source("list", fill=True), [_raw("com.fsnish", "com.fsnish", "library", packages=["com.fsnish"],
                                                transparent=True),
                                           _raw("jp.caulish", "jp.caulish", "library", packages=["jp.caulish.x"],
                                                transparent=True)])
    db = _db(named, listed)
    assert db.by_class("jp.caulish.x.Ad").company == "Caulish Inc"  # the list names no SDK
    assert db.by_class("com.fsnish.util.Strings").transparent  # the rest stays a library


def test_mediation_adapters_reader_and_its_malformed_file(tmp_path):
    import pytest

    from analysis.errors import AnalysisInputError
    from analysis.sdk.builder.readers import read_mediation_adapters

    f = tmp_path / "adapters.csv"
    f.write_text("adapter,packages,imports\nacmeads,com.acmeads.sdk io.acmeads,12\n", encoding="utf-8")
    (entry,) = read_mediation_adapters(tmp_path, ["adapters.csv"])
    assert entry["name"] == "acmeads" and entry["category"] == "advertising"
    assert entry["packages"] == ["com.acmeads.sdk", "io.acmeads"]
    f.write_text("adapter,packages,imports\nacmeads,com.acmeads.sdk,3\nbroken,not a package!,1\n", encoding="utf-8")
    with pytest.raises(AnalysisInputError) as err:
        read_mediation_adapters(tmp_path, ["adapters.csv"])
    assert str(f) in str(err.value) and "line 3" in str(err.value)


def test_the_adlibr_snapshot_names_network_sdks_not_platform_namespaces():
    """The vendored adlibr adapters give each network its SDK's own packages: Samsung AdHub is
    `com.sec.android.ad`, never Samsung's platform namespace `com.sec.android` (derive_adlibr.py's longest shared
    package), and the shipped database attributes the networks' classes to advertising entries."""
    from pathlib import Path

    from analysis.sdk.builder.readers import read_mediation_adapters
    from analysis.sdk.db import load_db

    directory = Path(__file__).parents[2] / "analysis/sdk/sources/adlibr-mediation"
    entries = {e["name"]: e for e in read_mediation_adapters(directory, ["adapters.csv"])}
    assert len(entries) >= 15 and entries["AdHub"]["packages"] == ["com.sec.android.ad"]
    assert all(p.count(".") >= 1 and p not in ("com.sec.android", "com.google", "com.android")
               for e in entries.values() for p in e["packages"])
    db = load_db()
    for cls in ("com.fsn.cauly.CaulyAdView", "mediba.ad.sdk.android.openx.MasAdView", "kr.co.uplusad.dmpcontrol.LGUDMPAdView",
                "com.sec.android.ad.AdHubView"):
        assert db.by_class(cls).category == "advertising", cls
    assert db.by_class("com.sec.android.app.camera.Camera") is None or db.by_class(
        "com.sec.android.app.camera.Camera").category != "advertising"


def test_brands_travel_in_lab_files_and_the_compiled_form(tmp_path):
    from analysis.sdk.db import read_db_file
    from analysis.sdk.entry import parse_entry

    e = parse_entry({"id": "caulish", "name": "Caulish", "company": "Caulish Inc", "category": "advertising",
                     "source": "https://caulish.example", "hosts": ["caulish.example"],
                     "brands": ["Caulish", "no", "bad label!"]}, "lab.yaml", "sdks[0]")
    assert e.brands == ("caulish",)  # lower case; too short or not a label: dropped
    f = tmp_path / "db.json"
    import json

    f.write_text(json.dumps({"sdks": [e.as_record()]}), encoding="utf-8")
    (back,) = read_db_file(f)
    assert back.brands == ("caulish",) and SdkDb([back]).by_class("jp.caulish.Ad").id == "caulish"


def test_the_lookup_knows_every_country_code_the_builder_does():
    from analysis.sdk.builder.classify import CCTLD
    from analysis.sdk.index import DOMAIN_PARTS

    assert CCTLD <= DOMAIN_PARTS
