"""The generated SDK database: size and provenance, lookups the issue names, general-purpose libraries,
the app's own package, garbage queries, reproducible builds, malformed snapshots and --db files."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import AnalysisInputError
from analysis.sdk import load_db, lookup
from analysis.sdk.build import build, write
from analysis.sdk.builder.readers import host_suffixes, native_prefix, package_prefix
from analysis.sdk.builder.sources import SOURCES_DIR, discover
from analysis.sdk.db import COMPILED

CHINESE_VENDOR_SERVICES = {"huawei-hms-services", "xiaomi-miui-services", "oppo-heytap-services", "vivo-services",
                           "honor-services", "google-play-services"}


def test_compiled_database_is_shipped_big_and_has_provenance():
    doc = json.loads(gzip.decompress(COMPILED.read_bytes()))
    named = {s["name"] for s in doc["sources"]}
    assert {"exodus", "libchecker", "libradar", "libscout", "whotracksme", "hand-written"} <= named
    assert all(s.get("licence") for s in doc["sources"])
    sdks = [s for s in doc["sdks"] if not s.get("fallback")]
    assert len(sdks) >= 2000
    assert all(s["sources"] and s["source"] for s in doc["sdks"])
    code_sources = {"exodus", "libchecker", "libradar", "libscout", "hand-written"}
    with_code = [s for s in sdks if (s["packages"] or s["native"]) and code_sources & set(s["sources"])]
    chinese = [s for s in with_code if s["country"] == "CN"]
    western = [s for s in with_code if s["country"] and s["country"] != "CN"]
    assert len(chinese) >= 300 and len(western) >= 300 and len(chinese) >= 0.8 * len(western)
    db = load_db()
    assert CHINESE_VENDOR_SERVICES <= set(db.entries)
    assert all(db.entries[i].category == "os_vendor" for i in CHINESE_VENDOR_SERVICES)


def test_every_vendored_source_names_its_origin_and_licence():
    for s in discover():
        assert s.licence and s.url and s.commit and s.date, s.name
        assert (s.directory / "SOURCE.md").is_file(), s.name


def test_shipped_database_is_a_fresh_reproducible_build(tmp_path):
    a, b = write(build(), tmp_path / "a.json.gz"), write(build(), tmp_path / "b.json.gz")
    assert a.read_bytes() == b.read_bytes()  # deterministic
    assert a.read_bytes() == COMPILED.read_bytes(), "run `python -m analysis.sdk.build` and commit the result"


@pytest.mark.parametrize(("query", "sdk_id"), [
    ("com.amap.api.location.AMapLocationClient", "amap-location"),
    ("com.baidu.sofire.ac.FH.init(FH.java:12)", "sofire"),
    ("com.alipay.sdk.app.PayTask$1.run", "alipay-sdk"),
    ("googletagservices.com", "google-tag-manager"),
    ("adservice.google.com", "admob"),
    ("android.clients.google.com", "google-play-services"),
    ("impression.liftoff.io", "vungle"),
])
def test_issue_examples_are_attributed(query, sdk_id):
    assert lookup(query)["sdk_id"] == sdk_id


@pytest.mark.parametrize("query", ["okhttp3.OkHttpClient", "com.google.gson.Gson", "com.bumptech.glide.Glide",
                                   "androidx.appcompat.app.AppCompatActivity"])
def test_general_purpose_libraries_are_library_not_trackers(query):
    row = lookup(query)
    assert row["category"] == "library" and row["transparent"] is True


def test_inner_classes_and_obfuscated_tails_and_vendor_namespace():
    assert lookup("com.umeng.analytics.pro.a$b.c(Unknown Source)")["sdk_id"] == "umeng-analytics"
    row = lookup("com.tencent.someunlistedsdk.Core.start")
    assert row["company"] == "Tencent" and row["sdk_id"] == "vendor-tencent"


def test_the_apps_own_package_is_never_an_sdk():
    db = load_db()
    assert lookup("com.umeng.analytics.Foo", db, app="com.umeng.analytics")["sdk"] is None
    assert lookup("com.tencent.news.ui.Main", db, app="com.tencent.news")["sdk"] is None  # not the vendor fallback
    assert lookup("com.tencent.mm.opensdk.openapi.WXAPIFactory", db, app="com.tencent.news")["sdk_id"] == "wechat-opensdk"


@pytest.mark.parametrize("garbage", ["", " ", "." * 5000, "x" * 100_000, "例子.例子", "\x00\x01", "a..b...c",
                                     "$$$", "(((", "lib.so", ".so!", "http://", "[::1]:80", 12345, None])
def test_garbage_has_no_attribution_and_no_exception(garbage):
    db = load_db()
    row = lookup(garbage, db)
    assert row["sdk"] is None
    for kind in ("host", "class", "library"):
        assert lookup(garbage, db, kind=kind)["sdk"] is None
    assert db.by_class(garbage) is None and db.by_host(garbage) is None and db.by_library(garbage) is None


def test_signature_conversions():
    assert package_prefix("com.databerries.|com.geolocstation.") == "com.databerries"  # literal part only
    assert package_prefix("org.hapjs.(.*)") == "org.hapjs"
    assert package_prefix("android.app.Activity") is None  # platform
    assert native_prefix("libjcore(.*)\\.so") == "libjcore"
    assert host_suffixes(".*\\.jiguang\\.cn|mst[0-9]*\\.is\\.autonavi\\.com|adservice\\.google\\..*") == [
        "jiguang.cn", "is.autonavi.com", "adservice.google.com"]


def _copy_source(tmp_path: Path, name: str) -> Path:
    dst = tmp_path / name
    shutil.copytree(SOURCES_DIR / name, dst)
    return dst


@pytest.mark.parametrize(("name", "file", "text", "needle"), [
    ("exodus", "trackers.json", '{"trackers": {"1": {"code_signature": "x.y"}}}', "trackers[0]"),
    ("exodus", "trackers.json", "{not json", "not readable JSON"),
    ("libradar", "tag_rules.csv", "Package Name,Library Name,Type,Official Website\n,Foo,Utility,\n", "line 2"),
    ("libchecker", "rules.csv", "name,label,type,is_regex,regex_name\nlibfoo.so,Foo,zero,0,\n", "line 2"),
])
def test_malformed_snapshot_names_file_and_entry(tmp_path, name, file, text, needle):
    d = _copy_source(tmp_path, name)
    (d / file).write_text(text, encoding="utf-8")
    with pytest.raises(AnalysisInputError) as err:
        build([d])
    assert str(d / file) in str(err.value) and needle in str(err.value)
    proc = subprocess.run([sys.executable, "-m", "harness.cli.main", "sdk", "build", "--from", str(d), "--out",
                           str(tmp_path / "out.json.gz")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and str(d / file) in proc.stderr and "Traceback" not in proc.stderr


def test_build_from_newer_snapshot_replaces_vendored_one(tmp_path):
    d = _copy_source(tmp_path, "exodus")
    doc = json.loads((d / "trackers.json").read_text(encoding="utf-8"))
    doc["trackers"]["99999"] = {"id": 99999, "name": "Acme Beacon", "code_signature": "io.acmebeacon.sdk",
                                "network_signature": "beacon\\.acme-track\\.example", "website": "https://acme.example",
                                "categories": ["Analytics"], "description": ""}
    (d / "trackers.json").write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "db.json.gz"
    proc = subprocess.run([sys.executable, "-m", "harness.cli.main", "sdk", "build", "--from", str(d), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    db = load_db([out])
    assert lookup("io.acmebeacon.sdk.Beacon", db)["sdk"] == "Acme Beacon"
    assert lookup("x.beacon.acme-track.example", db)["category"] == "analytics"


def test_bad_db_file_names_file_and_entry_and_exits_2(tmp_path):
    bad = tmp_path / "lab.json"
    bad.write_text(json.dumps({"sdks": [{"id": "ok", "name": "Ok", "company": "C", "category": "analytics",
                                         "source": "s", "hosts": ["ok.example"]},
                                        {"id": "Bad Id", "name": "B", "company": "C", "category": "analytics",
                                         "source": "s", "hosts": ["b.example"]}]}), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "harness.cli.main", "sdk", "lookup", "--db", str(bad), "x.example"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and str(bad) in proc.stderr and "sdks[1]" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_list_filters_and_lookup_fields():
    proc = subprocess.run([sys.executable, "-m", "harness.cli.main", "sdk", "list", "--category", "push", "--country",
                           "CN", "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) >= 10 and all(r["category"] == "push" and r["country"] == "CN" for r in rows)
    proc = subprocess.run([sys.executable, "-m", "harness.cli.main", "sdk", "lookup", "--json", "libjcore247.so",
                           "okhttp3.Call"], capture_output=True, text=True, timeout=120)
    lib, okhttp = (json.loads(line) for line in proc.stdout.splitlines())
    assert lib["kind"] == "library" and lib["sdk"].startswith("JPush") and lib["transparent"] is False
    assert okhttp["category"] == "library" and okhttp["transparent"] is True and okhttp["source"]


def test_stack_attribution_knows_each_runs_app():
    import pandas as pd

    from analysis.sdk import attribute_stacks

    frames = ["android.telephony.TelephonyManager.getImei(TelephonyManager.java:1)",
              "com.tencent.news.push.Ids.imei(Ids.java:4)"]
    stacks = pd.DataFrame({"run_id": ["news", "shop"], "stack_id": ["s1", "s1"], "frames": [frames, frames]})
    got = attribute_stacks(stacks, load_db(), {"news": "com.tencent.news", "shop": "com.example.shop"})
    by_run = got.set_index("run_id")["sdk"].to_dict()
    assert pd.isna(by_run["news"])  # Tencent News's own code
    assert by_run["shop"] == "vendor-tencent"  # inside another app, Tencent code is Tencent's SDK
