"""The SDK database and attribution: coverage, lookups, lab extension, the CLI's JSON."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from analysis_factories import AMAP_LOCATION, NATIVE_JPUSH, UMENG_IMEI

from analysis.errors import AnalysisInputError
from analysis.sdk import attribute_stacks, load_db, lookup
from analysis.sdk.db import read_db_file

REQUIRED = {
    "umeng-analytics", "jpush", "getui-push", "bugly", "tencent-gdt", "tencent-tpns", "baidu-location", "baidu-map",
    "baidu-mobads", "amap-location", "amap-map", "pangle-csj", "kuaishou-ads", "sensors-data", "growingio",
    "talkingdata", "shumei", "mob-sharesdk", "alipay-sdk", "wechat-opensdk", "huawei-push", "xiaomi-push",
    "oppo-push", "vivo-push", "meizu-push", "firebase-analytics", "google-analytics", "admob", "facebook-core",
    "appsflyer", "adjust", "branch", "onesignal", "unity-ads", "applovin", "ironsource", "sentry", "amplitude",
    "mixpanel", "segment",
}


def test_database_size_and_coverage():
    db = load_db()
    assert len(db) >= 300
    assert REQUIRED <= set(db.entries)
    assert all(e.source for e in db.entries.values())


@pytest.mark.parametrize(("query", "kind", "sdk_id"), [
    ("alog.umeng.com", "host", "umeng-analytics"),
    ("https://t.appsflyer.com:443/api/v4?x=1", "host", "appsflyer"),
    ("sdk.e.qq.com", "host", "tencent-ams-wx"),  # longer suffix wins over e.qq.com
    ("gdt.qq.com", "host", "tencent-gdt"),
    ("com.umeng.analytics.MobclickAgent", "class", "umeng-analytics"),
    ("com.google.android.gms.ads.identifier.AdvertisingIdClient", "class", "google-adid"),  # longest prefix
    ("com.google.android.gms.ads.AdView", "class", "admob"),
    ("com.mobfox.sdk.Banner", "class", "mobfox"),  # not MobTech's com.mob
    ("libjcore247.so", "library", "jpush"),
    ("libbugly_sim.so!report+0x1", "library", "bugly"),
    ("example.org", "host", None),
])
def test_lookup(query, kind, sdk_id):
    row = lookup(query)
    assert row["kind"] == kind and row["sdk_id"] == sdk_id
    assert set(row) >= {"query", "kind", "sdk", "company", "category", "country", "transparent", "source"}


def test_stack_attribution_skips_framework_and_utilities():
    stacks = pd.DataFrame({"run_id": "r", "stack_id": ["a", "b", "c", "d"], "frames": [
        UMENG_IMEI, NATIVE_JPUSH, AMAP_LOCATION,
        ["java.net.Socket.connect(Socket.java:1)", "okhttp3.RealCall.execute(RealCall.java:1)",
         "com.example.shop.Api.get(Api.java:3)"]]})
    got = attribute_stacks(stacks, load_db()).set_index("stack_id")["sdk"].to_dict()
    assert got["a"] == "umeng-analytics" and got["b"] == "jpush" and got["c"] == "amap-location"
    assert pd.isna(got["d"])  # OkHttp is transparent, the app's own code is not an SDK


def test_lab_extension_yaml_csv_env(tmp_path, monkeypatch):
    extra = tmp_path / "lab.yaml"
    extra.write_text("version: 1\nsdks:\n- {id: acme-track, name: Acme Tracker, company: Acme, category: analytics,"
                     " country: DE, packages: [io.acme.track], hosts: [acme-track.example], source: lab notebook 7}\n")
    assert lookup("io.acme.track.Agent", load_db([extra]))["sdk"] == "Acme Tracker"
    csv = tmp_path / "lab.csv"
    csv.write_text("id,name,company,category,country,packages,native,hosts,source\n"
                   "umeng-analytics,Umeng (lab),Umeng,analytics,CN,com.umeng,,umeng.com,lab\n")
    monkeypatch.setenv("CONSENTRY_SDK_DB", str(csv))
    assert lookup("a.umeng.com", load_db())["sdk"] == "Umeng (lab)"  # a later file overrides by id


@pytest.mark.parametrize(("text", "needle"), [
    ("sdks:\n- {id: x, name: X}\n", "missing"),
    ("sdks:\n- {id: x, name: X, company: C, category: nonsense, source: s, hosts: [x.example]}\n", "unknown category"),
    ("sdks: [\n", "not valid YAML"),
    ("- just a list\n", "sdks"),
])
def test_bad_database_files_name_file_and_place(tmp_path, text, needle):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(AnalysisInputError) as err:
        read_db_file(bad)
    assert str(bad) in str(err.value) and needle in str(err.value)


def test_cli_lookup_json():
    proc = subprocess.run([sys.executable, "-m", "harness.cli.main", "sdk", "lookup", "--json", "alog.umeng.com",
                           "com.igexin.push.core.X", "unknown.example"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["host", "class", "host"]
    assert rows[0]["sdk"].startswith("Umeng") and rows[0]["company"] and rows[0]["country"] == "CN"
    assert rows[1]["category"] == "push"
    assert rows[2]["sdk"] is None and rows[2]["country"] is None
