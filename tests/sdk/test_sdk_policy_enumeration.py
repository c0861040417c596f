"""The policy enumeration behind the hand-written entries of December 2026 (analysis/sdk/policy_enumeration.py)
and the entries it led to: counting over policies, the CA4P reader's selection, and that the names policies
use now reach the database entry whose packages the vendors document."""

from __future__ import annotations

from analysis.policy.match import known_as_sdk
from analysis.sdk import load_db, lookup
from analysis.sdk.policy_enumeration import ca4p_names, count_names, main


def test_count_names_counts_policies_once_per_template_and_marks_known_names():
    db = load_db()
    names = {
        "label:a": {"极光推送", "某某未知科技SDK"},
        "label:b": {"极光推送", "某某未知科技SDK"},  # the same template as a: counts once
        "ca4p:0001": {"极光推送", "某某未知科技SDK", "只出现一次"},
    }
    rows = {r[1]: r for r in count_names(names, db, minimum=2)}
    assert set(rows) == {"极光推送", "某某未知科技SDK"}
    assert rows["极光推送"][0] == 2 and rows["极光推送"][2] == "jpush"
    assert rows["某某未知科技SDK"][2] == "" and rows["某某未知科技SDK"][3] == "none"


def test_ca4p_reader_skips_labelled_policies(tmp_path):
    raw = tmp_path / "raw_data"
    raw.mkdir()
    body = "<html><body><pre id='s1v1'>第三方SDK名称：极光推送SDK\n使用目的：消息推送</pre></body></html>"
    for pid in ("0500", "0501"):
        (raw / f"{pid}.html").write_text(body, encoding="utf-8")
    read, names = ca4p_names(raw, {"0501"}, load_db())
    assert read == ["0500"] and set(names) == {"ca4p:0500"}


def test_missing_raw_data_exits_2_naming_the_directory(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "raw_data" in capsys.readouterr().err


def test_enumerated_sdks_are_attributed_and_named():
    db = load_db()
    by_class = {
        "com.getui.gis.sdk.GInsightManager": "getui-ginsight",
        "com.analysys.AnalysysAgent": "analysys-ark",
        "cn.shuzilm.core.Main": "shumeng-did",
        "com.sensetime.stapi.http.STAPI": "sensetime-face",
        "com.meituan.android.walle.WalleChannelReader": "meituan-walle",
        "com.xiaomi.gamecenter.sdk.MiCommplatform": "xiaomi-game-sdk",
        "com.huawei.hms.jos.JosApps": "huawei-game-service",
    }
    for cls, sdk_id in by_class.items():
        assert lookup(cls, db)["sdk_id"] == sdk_id, cls
    assert lookup("com.meituan.android.walle.WalleChannelReader", db)["transparent"] is True
    by_name = {"个像": "getui-ginsight", "易观": "analysys-ark", "数盟": "shumeng-did", "商汤": "sensetime-face",
               "北京三快": "meituan-walle", "小米联运": "xiaomi-game-sdk", "华为联运": "huawei-game-service",
               "微信支付": "wechat-opensdk", "新浪微博": "weibo-sdk", "QQ登录": "tencent-qq-connect",
               "百度广告": "baidu-mobads", "腾讯广点通": "tencent-gdt", "百度TTS": "baidu-speech", "Chromium": "cronet"}
    for name, sdk_id in by_name.items():
        assert known_as_sdk(name, db) == sdk_id, name
