"""The layout-independent record reader (analysis/policy/records.py) on small real-shaped samples:
sibling list items, each record's name wherever the record puts it, the SDK database as the
evidence that a list is an SDK list; tables whose cells spanned rows; one SDK written two ways.

Names the database knows (友盟, 极光推送, Bugly, 华为, OPPO, 小米) carry the evidence; made-up names
(青禾风控, 远帆推送, 明溪统计) stand for the SDKs a database lacks, so that no word list can pass
these tests: they are accepted only as members of a list the evidence says is an SDK list."""

from __future__ import annotations

from analysis.policy import read_policy
from analysis.policy.match import known_as_sdk, same_name_spellings
from analysis.policy.records import item_groups
from analysis.policy.sdks import joined_wrapped_lines
from analysis.policy.text import policy_text
from analysis.sdk import load_db


def names(text: str) -> set[str]:
    return {s.name for s in read_policy(text).sdks}


def test_quoted_names_of_numbered_records_not_their_providers():
    text = ("为了改进产品，我们需要使用第三方SDK：\n"
            "        1）、“友盟”：该SDK由“北京锐讯灵通科技有限公司”提供，用于统计崩溃记录。需要收集：设备信息（IMEI）\n"
            "        ios版本：设备信息（IDFA）\n"
            "        2）、“极光推送”：该SDK由“深圳市和讯华谷信息技术有限公司”提供，用于推送通知。\n"
            "        3）、“青禾风控”：由“上海青禾数据有限公司”提供，用于识别风险设备。\n")
    got = names(text)
    assert {"友盟", "极光推送", "青禾风控"} <= got
    assert not any("锐讯" in n or "和讯" in n for n in got)  # a provider beside its SDK is no second entry
    umeng = next(s for s in read_policy(text).sdks if s.name == "友盟")
    assert "device_id" in umeng.categories  # what its record says it collects (IMEI)


def test_subjects_of_the_collecting_verb_in_a_list_the_database_recognises():
    text = ("共享给第三方SDK：\n"
            "7、 当您使用APP发生崩溃时，Bugly会收集您的机型信息，用于定位问题；\n"
            "8、 当您使用APP时，友盟+SDK需要收集您的设备Mac地址，以提供统计分析服务；\n"
            "9、 当您使用APP时，青禾风控会收集您的设备信息，以判断是否为真实用户；\n"
            "10、 当您使用联系客服功能时，远帆客服会收集您的网络状态信息。\n")
    assert {"Bugly", "青禾风控", "远帆客服"} <= names(text)


def test_a_list_whose_names_the_database_does_not_know_is_not_taken_on_structure_alone():
    text = ("1、完成注册：当您注册时，我们需要收集您的手机号码。\n"
            "2、企业信息查询：当您查询时，我们需要您填写收件地址。\n"
            "3、人脉雷达：当您使用该功能时，我们会收集您的通讯录。\n")
    assert names(text) == set()


def test_a_kind_only_head_gives_the_members_the_database_knows():
    text = ("这些SDK包括：\n"
            "1）渠道SDK：如您使用华为、OPPO、小米等品牌手机并在其应用商店下载安装本游戏，我们接入的上述手机厂商"
            "登录、支付SDK需要收集手机唯一标识信息（例如IMEI）。\n"
            "2）友盟SDK：为了更精确的掌握用户的数据，我们借助友盟平台进行统计分析。\n"
            "3）Share SDK：为了实现社会化分享，我们会使用Share SDK。\n")
    got = names(text)
    assert {"华为", "OPPO", "小米", "友盟", "ShareSDK"} <= got
    assert "渠道" not in got


def test_a_service_head_whose_body_names_the_sdks_is_not_a_name():
    text = ("1、广告投放服务：我们会使用穿山甲、优量汇的SDK，由它们做出广告投放决策。\n"
            "2、推送服务：我们会使用极光推送的SDK向您推送消息。\n"
            "3、统计服务：我们会使用友盟的SDK统计崩溃。\n")
    got = names(text)
    assert {"穿山甲", "优量汇"} <= got
    assert "广告投放服务" not in got and "推送服务" not in got


def test_sibling_items_and_their_wrapped_lines():
    lines = ["以下SDK：", "1、 青禾：说明", "续行", "a、 子项一", "b、 子项二", "2、 远帆：说明", "3、 明溪：说明", "正文。"]
    groups = item_groups(lines, set())
    top = next(g for g in groups if g[0].kind.startswith("num"))
    assert [it.number for it in top] == [(1,), (2,), (3,)]
    assert "续行" in top[0].text
    assert any(g[0].kind == "letter" and len(g) == 2 for g in groups)


def test_a_markdown_table_with_rowspan_reads_only_the_rows_that_name_an_sdk():
    text = ("第三方 SDK 使用情况\n"
            "SDK 名称 | SDK 使用目的 | 信息收集内容 | 备注说明  \n---|---|---|---  \n"
            "青禾推送SDK | 提供通知栏消息推送 | 读取外置存储卡 | 读取文件  \n"
            "开机启动 | 接收开机启动广播时需要  \n"
            "读取手机状态和身份 | 读取手机状态和身份  \n"
            "远帆统计 SDK | 提供数据统计 | 获取粗略位置 | 获取粗略位置  \n"
            "写入外部存储卡 | 写入文件  \n"
            "MMKV | 内容存储 | 检索正在运行的应用 | 检索正在运行的应用  \n")
    got = names(text)
    assert {"青禾推送", "远帆统计", "MMKV"} <= got
    assert not {"开机启动", "读取手机状态和身份", "写入外部存储卡"} & got


def test_a_table_row_under_spanning_cells_is_read_from_the_right():
    text = ("附件1 第三方服务列表\n"
            "功能类型| 使用目的| 第三方名称| 涉及个人信息| 第三方隐私政策  \n---|---|---|---|---  \n"
            "支付结算| 提供支付功能| 青禾支付（深圳市青禾计算机系统有限公司）| 设备信息|<https://pay.example.com/privacy>  \n"
            "远帆钱包（远帆（中国）网络技术有限公司）| 设备信息| <https://wallet.example.com/p>  \n"
            "云服务商| 提供云端存储| 明溪云盘| 用户上传的文档| <https://disk.example.com/gdpr>  \n")
    got = names(text)
    assert {"青禾支付", "远帆钱包", "明溪云盘"} <= got
    assert not any("有限公司" in n or "设备信息" in n for n in got)


def test_key_value_records_with_keys_no_reader_knows():
    text = ("接入的第三方服务：\n"
            "插件：友盟统计\n作用：统计分析\n官方链接：https://www.umeng.com/page/policy\n"
            "插件：极光推送\n作用：消息推送\n官方链接：https://www.jiguang.cn/license/privacy\n"
            "插件：青禾风控\n作用：识别风险设备\n官方链接：https://risk.example.com/privacy\n")
    assert {"友盟统计", "极光推送", "青禾风控"} <= names(text)


def test_an_sdk_word_wrapped_onto_the_next_line_is_put_back():
    assert joined_wrapped_lines(["当您使用华为/OPPO手机时，华为/OPPO Push", "SDK需要读取您的设备识别号；"]) == \
        ["当您使用华为/OPPO手机时，华为/OPPO Push SDK需要读取您的设备识别号；"]
    # a Chinese heading, or a key line after a name, stays apart
    assert joined_wrapped_lines(["第三方 SDK 使用情况", "SDK 全称 Software Development Kit"]) == \
        ["第三方 SDK 使用情况", "SDK 全称 Software Development Kit"]
    assert joined_wrapped_lines(["38、青禾 SDK（com.qinghe.sdk）", "SDK用途：统计"])[1] == "SDK用途：统计"


def test_database_evidence_is_strict():
    db = load_db()
    assert known_as_sdk("腾讯Bugly", db) and known_as_sdk("Bugly", db) and known_as_sdk("华为 Push", db)
    assert known_as_sdk("账号登录功能", db) is None and known_as_sdk("广告投放服务", db) is None
    assert known_as_sdk("青禾风控", db) is None


def test_one_sdk_written_two_ways_is_one_entry():
    assert same_name_spellings("华为推送") & same_name_spellings("华为 Push")
    assert not same_name_spellings("华为推送") & same_name_spellings("小米推送")
    text = ("我们接入了华为推送SDK、小米推送SDK。\n"
            "1、当您使用华为手机时，华为 Push SDK需要读取您的设备识别号；\n"
            "2、当您使用APP时，友盟SDK需要收集您的设备Mac地址；\n")
    got = [s.name for s in read_policy(text).sdks]
    assert "华为推送" in got and "华为 Push" not in got


def test_the_definition_of_the_word_sdk_names_nothing():
    assert "简称" not in names("我们可能会使用第三方服务商提供的软件服务工具包（简称SDK）来为您提供服务。")


def test_flattened_text_keeps_the_rowspan_rows_right_aligned():
    text = ("SDK 名称 | 目的 | 内容 | 备注\n---|---|---|---\n青禾SDK | 推送 | 存储 | 文件\n"
            "开机启动 | 广播\n状态 | 身份\n")
    rows = policy_text(text).text.splitlines()
    assert " |  | 开机启动 | 广播" in rows


def test_names_closed_by_deng_before_the_word_sdk():
    got = names("读取系统底层日志：Bugly、青禾统计等第三方SDK为了方便我们抓取代码中的错误。\n"
                "收集位置权限：广点通、远帆广告联盟等SDK获取用户的定位信息。\n"
                "如您发现这等SDK或其他类似的应用程序存在风险时，请联系我们。\n")
    assert {"Bugly", "青禾统计", "广点通", "远帆广告联盟"} <= got
    assert not any("发现" in n for n in got)  # 这等/该等 is "such", not the end of a list


def test_a_description_before_de_and_a_name_the_database_knows():
    got = names("我们接入了基于地图服务的百度地图SDK，会申请您的位置信息；基于消息推送的个推SDK，会申请您的设备信息。\n"
                "（9）基于批量打包生成不同渠道号的apk包的SDK接入\n")
    assert {"百度地图", "个推"} <= got
    assert "apk包" not in got  # what follows 的 is a name only on the database's evidence


def test_names_in_brackets_after_a_word_for_third_parties():
    got = names("我们的广告SDK服务由第三方合作伙伴【如青禾广告、远帆联盟、明溪传媒】提供。\n"
                "您可以选择与我们合作的第三方支付机构（如青禾支付、远帆钱包等支付通道）所提供的支付服务。\n"
                "我们需要向提供钱包功能的第三方服务商【武汉青禾科技有限公司】获取您的用户标识。\n")
    assert {"青禾广告", "远帆联盟", "明溪传媒", "青禾支付", "远帆钱包"} <= got
    assert not any("武汉" in n for n in got)  # one registered name in 【】 is a remark, not a list


def test_typesetting_spaces_in_chinese_text_hide_no_names():
    got = names("我们的产品集成友盟 +SDK ，友盟 +SDK 需要收集您的设备 Mac 地址。\n"
                "我们可能会使用程序化广告 SDK （穿山甲、广点通、 青禾广告 ）来为你推荐广告。\n"
                "我们会共享必要信息给服务提供商（lkme.cc/北京微方程科技有限公司） linkedme SDK隐私说明\n")
    assert {"友盟+", "穿山甲", "广点通", "青禾广告", "linkedme"} <= got
    assert not any("公司" in n for n in got)  # the space after a closing bracket parts two things


def test_a_kind_before_sdk_whose_bracket_lists_database_sdks_is_no_name():
    got = names("我们可能会使用程序化广告SDK（穿山甲、广点通、青禾广告）来为你推荐广告。\n"
                "我们接入了火山引擎智能营销套件SDK（增长分析、A/B测试）。\n")
    assert {"穿山甲", "广点通", "青禾广告", "火山引擎智能营销套件"} <= got
    assert "程序化广告" not in got and "增长分析" not in got


def test_a_table_without_a_name_column_is_named_by_its_sdk_column_not_its_operator():
    text = ("第三方SDK场景描述| 第三方SDK运营方名称| 用途或目的| 第三方SDK运营方隐私政策\n---|---|---|---\n"
            "青禾登录/分享| 深圳市青禾计算机系统有限公司| 登录、分享| http://privacy.example.com/\n"
            "极光推送Jpush SDK| 深圳市和讯华谷信息技术有限公司| 推送信息| https://www.jiguang.cn/license/privacy\n")
    got = names(text)
    assert {"青禾登录", "极光推送Jpush"} <= got or {"青禾登录", "极光推送"} <= got
    assert not any("公司" in n or "和讯华谷" in n for n in got)


def test_phrases_before_the_word_sdk_and_first_party_subjects_are_no_names():
    got = names("我们收集的数据可能包括但不限于 SDK/API/JS代码版本、浏览器、IP地址。\n"
                "4）我们的产品会将收集到的相关个人信息回传给阿里，腾讯等稳定性第三方sdk。\n"
                "我们使用了第三方（友盟+）移动统计SDK服务提供数据统计功能，您需要授权移动统计SDK提供对应的服务；"
                "关于移动统计SDK所收集的信息种类，详见友盟移动统计SDK官网。\n")
    assert "腾讯" in got
    assert not {"但不限于", "产品", "移动统计", "关于移动统计"} & got
    assert not any("）" in n for n in got)  # "友盟+）移动统计": the bracket cut the name in two


def test_sdks_named_by_their_own_policy_links():
    got = names("本APP的登陆/推送功能使用第三方SDK，详情请见第三方隐私协议：\n"
                "登录：SHARESDK隐私协议：\nhttps://www.mob.com/about/policy\n"
                "推送：青禾推送隐私协议\nhttps://www.example.com/privacy\n")
    assert {"SHARESDK", "青禾推送"} <= got
    assert not names("请阅读我们的用户隐私协议：\nhttps://www.example.com/privacy\n")  # one link, no SDK lead


def test_parties_an_enumeration_counts_and_a_provider_named_by_its_company():
    got = names("极光一键登录SDK集成了中国移动通信有限公司、中国联合网络通信有限公司、青禾通信集团有限公司三大运营商的号码认证业务。\n"
                "我们可能会接入由第三方服务提供商提供的软件开发包（SDK）。服务提供商北京明溪网络科技有限公司向我们提供可信ID服务。\n")
    assert {"中国移动", "中国联合", "青禾", "北京明溪"} <= got
    assert {"移动", "联通", "电信"} <= names("2) 远帆SDK：提供一键登录服务（与移动、联通、电信三家运营商合作）。\n")


def test_clauses_around_the_word_sdk_are_no_names():
    got = names("我们会对SDK的接入和使用进行审核。为便于您更好地了解高德SDK采集的数据类型，请阅读其政策。\n")
    assert "会对" not in got and "解高德" not in got and "高德" in got


def test_a_record_headed_by_a_provider_and_its_role():
    text = ("我们接入的第三方服务供应商如下：\n"
            "(1)青禾服务供应商：由青禾（中国）信息技术有限公司提供。我们会向青禾提供您的姓名。\n"
            "(2)远帆服务供应商：由远帆科技有限公司提供，用于学习记录同步。\n")
    got = names(text)
    assert {"青禾", "远帆"} <= got
    assert "第三方" not in got


def test_an_adverbial_before_the_collecting_verb_is_no_subject():
    from analysis.policy.records import _subjects
    assert _subjects("获取应用列表权限。并根据需要收集唯一设备识别码") == []


def test_a_chinese_kind_head_is_not_squashed_into_a_product_name():
    from analysis.policy import read_policy
    text = ("第三方SDK：\n1）分享SDK：为了便于您使用分享功能，我们使用了青禾分享组件，需要访问您的设备标识。\n"
            "2）远帆推送SDK：用于推送消息，需要访问您的设备标识。\n")
    assert "分享SDK" not in {s.name for s in read_policy(text).sdks}
