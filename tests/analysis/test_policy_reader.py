"""The policy reader on hand-made and hostile inputs: HTML tables, key blocks, enumerations,
negations, encodings, caps, and the `consentry policy read` CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import AnalysisInputError
from analysis.policy import read_policy, read_policy_file
from analysis.policy.text import MAX_TEXT_CHARS, decode, policy_text

ROOT = Path(__file__).resolve().parents[2]

TABLE_HTML = """<html><head><meta charset="utf-8"><script>alert(1)</script><style>p{}</style></head><body>
<p>我们会收集您的设备标识符（IMEI、Android ID）和位置信息。我们不会收集您的通讯录。</p>
<table><tr><th>SDK名称</th><th>第三方名称</th><th>使用目的</th><th>收集个人信息类型</th><th>隐私政策链接</th></tr>
<tr><td>极光推送SDK</td><td>深圳市和讯华谷信息技术有限公司</td><td>消息推送</td><td>设备标识符、MAC地址</td><td>https://www.jiguang.cn/license/privacy</td></tr>
<tr><td>高德定位SDK</td><td>高德软件有限公司</td><td>定位</td><td>位置信息</td><td>-</td></tr>
</table></body></html>"""


def test_a_chinese_html_table_gives_categories_sdks_with_database_ids_and_purposes():
    r = read_policy(TABLE_HTML.encode("utf-8"))
    assert r.lang == "zh"
    assert {"device_id", "location", "wifi_info"} <= set(r.categories)
    assert "contacts" not in r.categories  # "我们不会收集您的通讯录" is a denial
    names = {s.name: s for s in r.sdks}
    assert set(names) == {"极光推送", "高德定位"}
    assert names["极光推送"].sdk == "jpush" and names["极光推送"].company.startswith("深圳市和讯华谷")
    assert names["极光推送"].categories == ["device_id", "wifi_info"]
    assert names["高德定位"].sdk == "amap-location"
    assert "push" in r.purposes and "alert" not in json.dumps(r.to_json())  # the script is not text


def test_key_value_blocks_and_enumerations_in_running_text():
    text = ("第三方SDK名称：友盟统计SDK\n用途：统计分析\n收集个人信息的类型：设备标识符\n"
            "第三方SDK名称：微信SDK\n用途：分享\n\n"
            "广告投放：我们会使用优量汇、穿山甲、百青藤的SDK。消息推送：PUSH SDK(华为、小米)。")
    names = {s.name for s in read_policy(text).sdks}
    assert {"友盟统计", "微信", "优量汇", "穿山甲", "百青藤", "华为", "小米"} <= names
    assert not any(n in names for n in ("PUSH", "第三方", "广告投放"))


def test_english_policy_names_services_from_the_database_and_ignores_plain_words():
    text = ("We use third-party services: Google Play Services, Firebase Crashlytics and AdMob. "
            "We collect your email address and IP address. We do not collect your location.")
    r = read_policy(text)
    assert r.lang == "en"
    assert {"accounts", "network_info"} <= set(r.categories) and "location" not in r.categories
    assert {"firebase-crashlytics", "admob"} <= r.sdk_ids


def test_definitions_are_not_declarations():
    text = "个人敏感信息是指，一旦泄露可能危害人身安全的信息；包括通讯录、短信、通话记录、行踪轨迹等。\n我们会收集您的手机号码。"
    assert read_policy(text).categories == ["phone_number"]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-16"])
def test_encodings_are_decoded(encoding):
    raw = "我们会收集您的位置信息。".encode(encoding)
    if encoding == "utf-16":
        assert decode(raw)[0].startswith("我们")
    assert "location" in read_policy(raw).categories


def test_broken_bytes_and_broken_html_never_raise():
    junk = b"<html><body><table><tr><td>\xff\xfe\x00SDK\xc3<td><p>" * 1000 + "位置信息".encode() + b"<<<>>>&#99999999;"
    r = read_policy(junk)
    assert r.lang in ("zh", "en", "unknown") and isinstance(r.sdks, list)


def test_huge_input_is_capped():
    big = ("<p>" + "我们会收集您的位置信息。" * 400_000 + "</p>").encode()
    t = policy_text(big)
    assert t.truncated and len(t.text) <= MAX_TEXT_CHARS


def test_markdown_tables_with_wrapped_cells():
    text = "SDK名称\n|\n可能收集的个人信息\n|\n使用场景\n---|---|---\n穿山甲\n|\nIMEI、MAC地址\n|\n推送广告\n小米推送\n|\nIMEI\n|\n推送消息\n"
    r = read_policy(text)
    assert {s.name for s in r.sdks} == {"穿山甲", "小米推送"}
    assert "device_id" in next(s for s in r.sdks if s.name == "穿山甲").categories


def test_read_policy_file_errors_name_the_file(tmp_path):
    with pytest.raises(AnalysisInputError, match="nope.html"):
        read_policy_file(tmp_path / "nope.html")
    empty = tmp_path / "empty.txt"
    empty.write_text("  ")
    with pytest.raises(AnalysisInputError, match="empty"):
        read_policy_file(empty)


def test_cli_policy_read_json_has_the_design_fields(tmp_path):
    f = tmp_path / "p.html"
    f.write_text(TABLE_HTML, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "harness", "policy", "read", str(f), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout.splitlines()[0])
    assert {"lang", "categories", "sdks", "purposes"} <= set(obj)
    assert {"name", "sdk", "company", "purpose", "categories"} <= set(obj["sdks"][0])
    bad = subprocess.run([sys.executable, "-m", "harness", "policy", "read", str(tmp_path / "missing.txt")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and "missing.txt" in bad.stderr and "Traceback" not in bad.stderr


def test_the_scorer_gives_a_name_written_as_labelled_its_own_label():
    from analysis.policy.evaluate import score_names
    s = score_names(["腾讯Bugly系统日志上报分析", "腾讯Bugly"], ["腾讯Bugly", "腾讯Bugly系统日志上报 分析"])
    assert (s.tp, s.fp, s.fn) == (2, 0, 0)


def test_a_hostile_page_of_company_names_reads_to_the_planted_names():
    # (its speed is bench/policy_hostile.py's: linear in page size; here only the result is held)
    from analysis.policy.entries import company_short
    from analysis.policy.sdks import MAX_ENTRIES
    chars = "青禾远帆明溪望舒星河云岚松柏竹梅兰菊鹤鹿"
    companies = [f"北京{chars[i % 20]}{chars[i // 20 % 20]}{chars[i // 400 % 20]}科技有限公司" for i in range(1500)]
    planted = {company_short(c) for c in companies}
    for layout in ("{}SDK、", "共享至{}、"):
        got = [s.name for s in read_policy("".join(layout.format(c) for c in companies)).sdks]
        assert len(got) == MAX_ENTRIES and set(got) <= planted, (layout, [n for n in got if n not in planted][:3])


def test_an_email_account_named_without_the_word_address_is_accounts():
    from analysis.policy.categories import categories_in
    assert "accounts" in categories_in("该SDK需要获取您的邮箱账号和密码")
    assert "accounts" in categories_in("您需要提供您的电子邮箱用于找回密码")


def test_the_platforms_own_system_sdks_and_absent_kinds_name_no_third_party():
    text = ("第三方SDK目录\n\n一、Apple系统SDK\n\n1. Foundation\n   • 提供方：Apple Inc.\n   • 功能：基础框架\n\n"
            "2. UIKit\n   • 提供方：Apple Inc.\n   • 收集信息：设备名称\n\n二、第三方商业SDK\n\n本应用未集成任何第三方商业SDK，包括：\n"
            "• 无广告SDK\n• 无推送SDK\n\n三、第三方SDK\n\n1. 极光推送SDK\n   • 提供方：深圳市和讯华谷信息技术有限公司\n"
            "   • 服务地址：api.jpush.cn.example\n   • 收集信息：设备标识符\n")
    names = [s.name for s in read_policy(text).sdks]
    assert any("极光" in n for n in names)
    assert not {"Foundation", "UIKit", "Apple系统", "商业", "无广告", "无推送"} & set(names), names
    assert not any(n.count(".") >= 2 for n in names), names  # a service address is not a name


def test_first_party_and_local_sdks_and_package_names_are_no_entries():
    text = ("本软件除了开发商的自有SDK外，还接入了以下第三方SDK：\n\nSDK名称：微信OpenSDK\n使用方式：本机SDK\n"
            "收集信息：应用基本信息（健康APP包名、应用商店包名）\n")
    names = [s.name for s in read_policy(text).sdks]
    assert any("微信" in n for n in names) and not {"自有", "本机", "健康APP包名"} & set(names), names


def test_providers_in_a_bracket_with_a_remark_after_the_enumeration():
    text = ("您可以选择与我们合作的第三方支付机构（包括但不限于支付宝、微信支付等支付通道，以下称“支付机构”）所提供的支付服务，"
            "此时可能需要您提供银行卡卡号。")
    names = {s.name for s in read_policy(text).sdks}
    assert {"支付宝", "微信支付"} <= names, names


def test_a_list_of_records_each_opening_with_its_provider_in_brackets():
    text = ("第三方SDK清单\n\n【基础功能类】\n• Foo引擎（Example LLC）：应用运行框架，不收集个人信息。\n"
            "• Bar通知插件（开源社区）：本地消息通知，仅使用通知权限状态。\n• Baz存储（某某网络科技有限公司）：文件存储，收集设备型号。\n")
    names = " ".join(s.name for s in read_policy(text).sdks)
    assert "Foo引擎" in names and "Bar通知插件" in names and "Baz存储" in names, names


def test_a_denial_covers_what_follows_it_in_its_clause_not_what_a_comma_sets_off_before_it():
    got = set(read_policy("Flutter引擎在文本输入时自动读取剪贴板描述信息用于粘贴菜单判断，不读取或上传剪贴板具体内容。").categories)
    assert "clipboard" in got
    assert "contacts" not in set(read_policy("我们不会收集您的通讯录，也不会读取您的短信。").categories)
    assert "location" not in set(read_policy("未经您的同意，我们不会收集您的位置信息。").categories)


def test_checking_whether_an_app_is_installed_declares_installed_apps():
    assert "installed_apps" in read_policy("收集信息：微信客户端安装状态（仅Android，用于确认设备是否支持微信登录）。").categories
