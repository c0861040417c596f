"""The keep-rule extractor (analysis.sdk.keep_rules) applies the protocol's rule mechanically, and the
`keep-rules` reader turns the vendored records into entries or names the bad row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.errors import AnalysisInputError
from analysis.sdk import keep_rules
from analysis.sdk.builder.readers import read_keep_rules

SOURCE_DIR = Path(__file__).resolve().parents[2] / "analysis" / "sdk" / "sources" / "keep-rules" / "input"

APP_RULES = """# Add project specific ProGuard rules here.
# class:
#-keepclassmembers class fqcn.of.javascript.interface.for.webview {
#   public *;
#}
-keep class com.pili.pldroid.streaming.** { *; }

#高德地图
-keep class com.amap.api.maps.**{*;}
-keep class com.autonavi.**{*;}
-dontwarn com.amap.api.location.AMapLocation
# 保留bean类
-keep public class com.shop.demo.bean.**{*;}

# Keep Room entities
-keep class com.example.shop.data.model.** { *; }

# Hilt
-keep class dagger.hilt.** { *; }
-keep class javax.inject.** { *; }
-keepclasseswithmembernames class * { @javax.inject.Inject <fields>; }

-keep class com.unlabelled.sdk.** { *; }
# 保持
-keep class com.some.vendor.** { *; }
# Koin
-keep class org.koin.** { *; }
# Apache
-keep class org.conscrypt.** { *; }
"""


def test_records_are_comment_headed_blocks():
    recs = keep_rules.records(APP_RULES)
    labels = [label for label, _ in recs]
    assert "高德地图" in labels
    assert dict(recs)["高德地图"] == ["com.amap.api.maps", "com.autonavi", "com.amap.api.location"]
    # a commented-out rule body is not a label: the label above the template block is `class:`
    assert dict(recs)["class:"] == ["com.pili.pldroid.streaming"]
    # a comment after rules closes the record; rules after a blank line carry no label
    assert dict(recs)["保留bean类"] == ["com.shop.demo.bean"]
    assert all("com.unlabelled.sdk" not in p for _, p in recs)


def test_rule_packages_cut_wildcards_classes_and_annotations():
    assert keep_rules.rule_packages("-keep public class com.tencent.bugly.**{*;}") == ["com.tencent.bugly"]
    assert keep_rules.rule_packages("-keep class com.x.y.TabLayout$Tab {") == ["com.x.y"]
    assert keep_rules.rule_packages("-dontwarn com.a.b.**, com.c.d.E") == ["com.a.b", "com.c.d"]
    assert keep_rules.rule_packages("-keep @kotlinx.serialization.Serializable class * {*;}") == []
    assert keep_rules.rule_packages("-keep class * implements com.google.gson.TypeAdapter") == []
    assert keep_rules.rule_packages("-keepattributes *Annotation*") == []
    assert keep_rules.rule_packages("-keep class **.R$* {*;}") == []


def test_acceptance_rule_rejections():
    repo = "someone/shop-demo"
    assert keep_rules.rejection("Hilt", "javax.inject", repo) == "platform"
    assert keep_rules.rejection("Room", "androidx.room", repo) == "platform"
    assert keep_rules.rejection("Apache", "org.conscrypt", repo) == "too wide"
    assert keep_rules.rejection("Koin", "org.koin", repo) is None  # the label names the two-label vendor
    assert keep_rules.rejection("Keep Room entities", "com.example.shop.data.model", repo) == "app's own"
    assert keep_rules.rejection("保留bean类", "com.shop.demo.bean", repo) == "app's own"
    assert keep_rules.rejection("Hooks", "com.other.shop.hook", repo) == "app's own"  # a repository word
    assert keep_rules.rejection("保持", "com.some.vendor", repo) == "label names no SDK"
    assert keep_rules.rejection("class:", "com.pili.pldroid.streaming", repo) == "label names no SDK"
    assert keep_rules.rejection("高德地图", "com.amap.api.maps", repo) is None


def test_extract_keeps_distinct_accepted_records():
    kept, rejected = keep_rules.extract(APP_RULES, "someone/shop-demo")
    got = {(r.label, r.prefix) for r in kept}
    assert got == {("高德地图", "com.amap.api.maps"), ("高德地图", "com.autonavi"),
                   ("高德地图", "com.amap.api.location"), ("Hilt", "dagger.hilt"), ("Koin", "org.koin")}
    assert ("Hilt", "javax.inject", "platform") in rejected


def test_main_writes_provenance_per_row(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "42.pro").write_text(APP_RULES, encoding="utf-8")
    hits = tmp_path / "hits.csv"
    hits.write_text("draw,row,repo,path,commit,file_id,chars,status\n"
                    "1,1,someone/shop-demo,app/proguard-rules.pro,abc,42,0,read\n"
                    "1,2,someone/other,app/proguard-rules.pro,def,43,0,read\n", encoding="utf-8")
    assert keep_rules.main([str(hits), str(raw)]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert len(rows) == 5 and {r["file_id"] for r in rows} == {"42"}
    assert rows[0]["repo"] == "someone/shop-demo" and rows[0]["commit"] == "abc"


def test_reader_groups_the_vendored_records_by_file_and_label():
    entries = read_keep_rules(SOURCE_DIR, ["records.csv"])
    with (SOURCE_DIR / "records.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len({(r["file_id"], r["label"]) for r in rows}) == len(entries)
    amap = [e for e in entries if e["name"] == "高德地图"]
    assert amap and amap[0]["category_hint"] == "maps" and "com.amap.api.maps" in amap[0]["packages"]
    assert all(e["url"].startswith("https://github.com/") for e in entries)


def test_reader_names_file_and_line_of_a_bad_row(tmp_path):
    (tmp_path / "records.csv").write_text("label,prefix,repo,path,commit,file_id\n"
                                          "Bugly,com.tencent.bugly,a/b,p,c,1\n"
                                          "Broken,not a package,a/b,p,c,2\n", encoding="utf-8")
    with pytest.raises(AnalysisInputError) as err:
        read_keep_rules(tmp_path, ["records.csv"])
    assert "records.csv" in str(err.value) and "line 3" in str(err.value)
