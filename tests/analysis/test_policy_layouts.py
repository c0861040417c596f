"""SDK-list layouts the reader must recognise by their structure, one hand-made example each
(own material, not the labelled real policies): company names, tables whose pipes were lost,
bulleted lists under a lead-in, blocks named by their heading, enumerations referred back to,
headers without the word SDK, mis-declared encodings. Names used here are deliberately made up
where the layout, not the name, is under test, so that no word list can pass them."""

from __future__ import annotations

from analysis.policy import read_policy
from analysis.policy.entries import clean_name, company_short, enumerated
from analysis.policy.text import policy_text


def names(text: str | bytes) -> set[str]:
    return {s.name for s in read_policy(text).sdks}


def test_company_names_shorten_to_their_trade_name():
    assert company_short("上海禾赞网络科技有限公司") == "上海禾赞"
    assert company_short("腾讯科技（深圳）有限公司") == "腾讯"
    assert company_short("中国电信股份有限公司") == "中国电信"
    assert company_short("高德地图") is None  # no legal form: not a company name
    assert clean_name("我们的关联公司") is None and clean_name("这些公司") is None
    assert clean_name("十一") is None and clean_name("https://example.com/privacy") is None


def test_providers_named_instead_of_sdks():
    text = ("目前我们的广告服务由北京青禾远帆科技有限公司、杭州明溪数据有限公司提供，我们会接入这些公司的SDK，"
            "他们会通过SDK收集您的设备标识。")
    assert {"北京青禾远帆", "杭州明溪"} <= names(text)


def test_a_markdown_table_one_row_per_line_keeps_the_rows_that_lost_their_pipes():
    text = ("以下为第三方SDK：\n第三方 SDK | 收集信息 | 目的\n---|---|---\n青禾统计 SDK | 设备标识 | 统计\n"
            "远帆推送 SDK\n明溪地图 SDK | 位置信息 | 地图\n")
    got = policy_text(text).text.splitlines()
    assert "远帆推送 SDK |  | " in got
    assert {"青禾统计", "远帆推送", "明溪地图"} <= names(text)


def test_a_row_ending_in_a_pipe_continues_on_the_next_line():
    text = ("第三方SDK | 服务功能 | 隐私政策\n---|---|---\n青禾推送SDK | 推送 |\nhttps://example.com/p\n"
            "明溪地图SDK | 地图 | https://example.com/m\n")
    assert names(text) == {"青禾推送", "明溪地图"}


def test_an_english_bulleted_list_under_a_third_party_lead_in():
    html = ("<h2>Third-Party Services</h2><p>We use third-party services that may collect information:</p>"
            "<ul><li>Quillfeather Insights</li><li>Brambleton Push - notifications</li><li>Device ID</li></ul>"
            "<h2>5. Contact Us</h2><p>Write to us.</p>")
    got = names(html.encode())
    assert {"Quillfeather Insights", "Brambleton Push"} <= got
    assert not got & {"Device ID", "Contact Us"}


def test_a_chinese_numbered_list_of_names_with_descriptions():
    text = "我们接入的第三方SDK如下：\n1. 青禾统计：用于统计分析\n2. 远帆推送（远帆公司）：用于消息推送\n3、用于客服功能，包括在线客服\n"
    got = names(text)
    assert {"青禾统计", "远帆推送"} <= got and not any(n.startswith("用于") for n in got)


def test_a_list_of_data_under_a_data_lead_in_names_no_sdk():
    text = "第三方SDK会收集以下信息：\n- 设备型号\n- 操作系统版本\n"
    assert names(text) == set()


def test_blocks_named_by_their_heading():
    text = ("为实现相关功能，我们接入了以下第三方SDK：\n**青禾地图**\n运营方：青禾软件有限公司\n功能：地图展示\n"
            "收集个人信息类型：位置信息\n**远帆推送SDK**\n**使用目的：**消息推送\n**数据类型：**设备标识信息\n"
            "推送通知消息（明溪推送SDK）\n第三方名称：明溪科技有限公司\n使用目的：推送\n")
    r = read_policy(text)
    by_name = {s.name: s for s in r.sdks}
    assert {"青禾地图", "远帆推送", "明溪推送"} <= set(by_name)
    assert by_name["青禾地图"].company == "青禾软件有限公司" and by_name["青禾地图"].categories == ["location"]


def test_keys_prefixed_by_whose_they_are():
    text = "1、青禾游戏SDK\nSDK用途：登录和支付\n第三方机构名称：青禾网络科技有限公司\n2、远帆授权登录\nSDK用途：账号登录\n"
    assert {"青禾游戏", "远帆授权登录"} <= names(text)


def test_an_enumeration_that_a_later_sdk_reference_points_back_to():
    text = "青禾、远帆、明溪是委托我们进行广告投放的合作伙伴，为此我们需要接入这些第三方的SDK。"
    assert {"青禾", "远帆", "明溪"} <= names(text)
    data = "我们会收集您的IMEI、MAC地址，以接入上述SDK。"
    assert names(data) == set()


def test_sibling_of_a_named_sdk():
    assert {"青禾", "远帆支付"} <= names("支付服务：青禾SDK、远帆支付可能会收集您的设备信息。")


def test_name_cells_holding_several_names_are_split():
    assert enumerated("青禾、远帆及明溪分享") == ["青禾", "远帆", "明溪分享"]
    text = "第三方SDK | 目的\n---|---\n青禾、远帆及明溪分享 | 分享\n"
    assert {"青禾", "远帆", "明溪分享"} <= names(text)


def test_a_header_without_the_word_sdk_counts_under_an_sdk_lead_in():
    text = "我们接入的第三方SDK清单如下：\n名称 | 提供方 | 使用目的\n---|---|---\n青禾统计 | 青禾科技有限公司 | 统计\n"
    assert names(text) == {"青禾统计"}
    plain = "各项权限的调用情况如下：\n名称 | 使用目的\n---|---\n相机 | 扫码\n"
    assert names(plain) == set()


def test_a_row_naming_only_its_provider():
    text = "第三方名称 | SDK名称 | 目的\n---|---|---\n青禾网络科技有限公司 |  | 统计\n"
    assert names(text) == {"青禾"}


def test_utf8_bytes_declared_as_gbk_are_read_as_utf8():
    page = '<html><head><meta charset="gbk"></head><body><p>我们会收集您的位置信息，并接入青禾定位SDK。</p></body></html>'
    r = read_policy(page.encode("utf-8"))
    assert r.encoding == "utf-8" and "location" in r.categories and "青禾定位" in names(page.encode("utf-8"))
    gbk = page.encode("gbk")
    assert "location" in read_policy(gbk).categories


def test_dictionary_names_keep_the_database_word_breaks():
    # "Thirdparty" is a library in the SDK database; the heading "Third-Party Services" is two words
    text = "Third-Party Services. We use Google Play Services and Firebase Crashlytics."
    got = names(text)
    assert "Third-Party" not in got and {"Google Play Services", "Firebase Crashlytics"} <= got


def test_a_row_whose_cells_hold_a_remark_is_not_taken_for_a_header():
    text = ("我公司接入的第三方SDK包括：\nSDK名称 | 可能收集的个人信息 | 使用场景 | SDK所属公司\n---|---|---|---\n"
            "青禾推送 | IMEI | 推送 | 青禾公司\n"
            "远帆SDK | 付款信息（不会获取包括支付账号、密码在内的其他信息） | 为了实现登录的付款功能 | 远帆公司\n"
            "明溪统计 | IMEI | 统计 | 明溪公司\n")
    assert {"青禾推送", "远帆", "明溪统计"} <= names(text)


def test_table_header_with_kind_and_developer_columns_and_two_rows_on_one_line():
    text = ("我们通过SDK收集的情形逐项列举如下：\nSDK名称 | 类型 | 开发商 | 收集信息 | 隐私政策\n---|---|---|---|---\n"
            "青禾统计 | 统计 | 青禾公司 | 设备信息 | https://qinghe.example/p https://qinghe.example/p 远帆客服 | 通信 | "
            "远帆公司 | 相册 | https://yuanfan.example/p\n明溪推送 | 推送 | 明溪公司 | 设备信息 | https://mingxi.example/p\n")
    assert {"青禾统计", "远帆客服", "明溪推送"} <= names(text)


def test_blocks_named_by_a_numbered_heading_with_data_keys():
    text = ("我们对接入的相关开源第三方SDK逐项列举，详见如下：\n（1）qinghe_store\n使用数据：无\n使用目的：本地缓存\n"
            "（2）yuanfan_player\n收集的数据：网络状态\n使用目的：视频播放\n")
    got = names(text)
    assert {"qinghe_store", "yuanfan_player"} <= got and "开源" not in got


def test_brands_referred_back_to_past_kind_words_and_the_predicate():
    text = ("其中，如您使用青禾、远帆、明溪手机，本应用接入的上述手机厂商Push SDK需要收集手机唯一标识信息（例如IMEI）。")
    assert {"青禾", "远帆", "明溪"} <= names(text)


def test_providers_before_provided_push_sdk():
    text = "本应用接入的北京青禾信息技术有限公司和杭州远帆股份有限公司提供的Push SDK需要收集设备信息。"
    assert {"北京青禾", "杭州远帆"} <= names(text)


def test_partner_enumeration_closed_by_deng_and_quoted_names_after_sdk():
    got = names("我们可能会接入提供该服务的指定合作伙伴青禾、远帆、明溪等读取您的设备识别号。\n"
                "第三方SDK“北斗星”、“南风”用于第三方授权服务。\n")
    assert {"青禾", "远帆", "明溪", "北斗星", "南风"} <= got
    assert not names("第三方收集设备信息、位置信息、网络信息等数据。")  # data, not names


def test_list_items_wrap_over_lines_and_a_bare_bullet_takes_the_next_line():
    text = ("产品中集成的第三方SDK如下：\n1)\n青禾SDK：用于统计。\n您可以访问青禾的隐私政策了解更多\n"
            "2) 远帆 SDK：提供推送服务。\n3) 明溪一键登录。\n4. 在不透露单个用户隐私资料的前提下，我们有权分析数据；\n")
    got = names(text)
    assert {"青禾", "远帆", "明溪一键登录"} <= got and not any("前提" in n for n in got)


def test_slash_enumeration_gives_each_platform_its_kind_and_bracket_members():
    assert {"青禾分享", "远帆分享", "明溪分享"} <= names("接入的第三方SDK清单：\n**青禾/远帆/明溪分享**\n使用目的：分享内容\n")
    text = ("为了您能够接收信息推送，我们接入了第三方SDK：\n第三方名称 | 第三方提供的功能 | 第三方收集的个人信息\n"
            "---|---|---\n消息推送SDK （集成了青禾、远帆的SDK） | 推送 | IMEI\n")
    assert {"青禾", "远帆"} <= names(text)


def test_latin_names_after_a_verb_only_when_the_database_knows_them():
    got = names("其它功能：如App崩溃统计，我们使用了Bugly、Crashlytics 等，相关功能可能会获取设备信息。\n"
                "我们使用了HTTPS、Qinghelytics 等技术保护传输。\n")
    assert {"Bugly", "Crashlytics"} <= got and not {"HTTPS", "Qinghelytics"} & got


def test_a_provider_kind_with_its_name_in_brackets():
    got = names("我们会将GPS信息与位置服务提供商（青禾地图）共享，并与终端设备制造商（远帆、明溪）共享设备型号。\n"
                "数据分析服务商（为分析交易数据所必须的设备ID）。\n")
    assert {"青禾地图", "远帆", "明溪"} <= got and not any("设备ID" in n for n in got)


def test_wrapped_markdown_tables_with_a_short_row_and_a_second_table_right_after():
    def table(rows: list[list[str]]) -> str:
        head = "服务商\n|\n服务内容\n|\n获取个人信息类型\n|\n服务商隐私政策链接  \n  \n---|---|---|---  \n  \n"
        return head + "  \n  \n".join("\n|\n".join(r) for r in rows) + "  \n  \n"
    text = ("合作的第三方SDK服务商可能会收集您的个人信息：\n1）登录功能：\n"
            + table([["青禾", "使用青禾登录", "设备信息", "<https://qinghe.example/p>"],
                     ["远帆", "使用远帆登录", "<https://yuanfan.example/p>"],
                     ["明溪", "使用明溪登录", "<https://mingxi.example/p>"]])
            + "2）分享功能：\n"
            + table([["北斗", "分享内容到北斗", "设备信息", "<https://beidou.example/p>"],
                     ["南风", "分享内容到南风", "<https://nanfeng.example/p>"]]))
    assert {"青禾", "远帆", "明溪", "北斗", "南风"} <= names(text)


def test_a_table_header_with_columns_the_reader_does_not_use_is_still_a_header():
    # "合作伙伴类型" and "合作方式" are labels (a label noun ends them), not values: the row is the header
    text = ("附录：第三方合作伙伴及共享信息说明\n"
            "合作伙伴类型 | 合作伙伴名称 | 合作目的 | 合作方式 | 共享个人信息字段 | 合作伙伴数据安全能力描述\n"
            "---|---|---|---|---|---\n"
            "数据分析服务合作方 | 青禾远帆（北京）科技有限公司 | 统计分析 | 嵌入第三方SDK | 设备标识 | 去标识化处理\n"
            "效果广告服务合作方 | 明溪星河联盟广告 | 广告投放 | 嵌入第三方SDK | 设备标识 | 三级等保\n")
    got = names(text)
    assert any(n.startswith("青禾远帆") for n in got) and "明溪星河联盟广告" in got
    assert not any("合作方" in n for n in got)


def test_digits_that_run_into_a_name_are_part_of_it_a_heading_number_is_not():
    assert clean_name("4399青禾联运SDK") == "4399青禾联运" and clean_name("360明溪商店") == "360明溪商店"
    assert clean_name("1.青禾推送") == "青禾推送" and clean_name("2、明溪统计") == "明溪统计"
    assert clean_name("(3)远帆地图") == "远帆地图"


def test_a_vendors_further_kinds_after_its_first_sdk_name_nothing():
    # "X联运SDK、广告SDK和计费SDK": the kinds after the first item are the same vendor's SDKs
    assert enumerated("4399青禾联运SDK、广告SDK和计费SDK") == ["4399青禾联运"]
    assert clean_name("第三方平台") is None


def test_a_wrapped_markdown_table_whose_rows_carry_long_runs_of_remarks_keeps_every_row():
    perms = "\n\n".join(["允许程序写入外部存储", "允许程序在后台运行", "获取粗略位置", "获取精确位置",
                         "读写系统设置", "挂载外部文件系统"])
    rows = "".join(f"{n}渠道联运SDK\n|\n联运\n|\n设备信息\n|\n[{n}隐私政策](https://example.com/{i})  \n\n{perms}\n\n"
                   for i, n in enumerate(["青禾", "远帆", "明溪"]))
    text = "第三方SDK如下：\n**第三方SDK**\n|\n**用途**\n|\n**收集的信息**\n|\n**隐私说明**\n---|---|---|---\n" + rows
    assert {"青禾渠道联运", "远帆渠道联运", "明溪渠道联运"} <= names(text)


def test_a_wrapped_markdown_table_cut_after_a_pipe_keeps_its_last_cell():
    text = ("合作伙伴类型\n|\n合作伙伴名称\n|\n合作目的\n---|---|---\n"
            "推送服务合作方\n|\n青禾推送服务\n|\n消息推送\n"
            "推送服务合作方\n|\n远帆推送服务")
    assert "远帆推送服务" in names(text)


def test_registered_companies_data_is_shared_with_are_parties():
    text = ("（1）我们可能将您的信息提供给合作伙伴：\n"
            "a)将您的IMEI信息共享至青禾远帆互联网有限公司、明溪星河网络通信集团有限公司用于一键登录验证\n"
            "b)将您的网络状态、定位信息共享至北京望舒信息技术有限公司的望舒地图SDK，用于推荐附近资料\n")
    got = names(text)
    assert {"青禾远帆", "明溪星河"} <= got and "望舒地图" in got
    assert "北京望舒" not in got and "网络状态" not in got  # the provider of the SDK named next; data


def test_an_sdk_sending_data_to_its_own_provider_adds_no_party():
    text = "青禾推送SDK会收集您的设备信息提供给浙江青禾网络科技股份有限公司，用于推送。"
    assert names(text) == {"青禾推送"}


def test_a_bare_kind_after_a_vendors_named_kind_is_that_vendors():
    text = "为了数据统计及用户分享，我们使用了青禾统计、分享SDK，需要访问您的设备标识。"
    assert {"青禾统计", "青禾分享"} <= names(text)


def test_a_kind_heading_over_a_paragraph_names_what_is_used():
    text = ("这些SDK包括：\n**登录SDK**\n为方便用户快捷登录，我们使用了第三方远帆/明溪登录，完成平台注册、登录功能。\n"
            "**定位SDK**\n我们使用的是青禾地图定位SDK，使用之前会询问位置权限。\n")
    got = names(text)
    assert {"远帆登录", "明溪登录", "青禾地图定位"} <= got
    assert not any(n.startswith("是") for n in got)


def test_an_sdk_the_policy_says_is_not_enabled_is_not_listed():
    text = ("第三方SDK如下：\n1.青禾推送SDK：用于推送消息，需要访问您的设备标识符。\n"
            "2.远帆OCR/明溪OCR：远帆OCR/明溪OCR用于识别证件号码。此第三方SDK在当前版本APP中暂未启用。\n")
    got = names(text)
    assert "青禾推送" in got and not {"远帆OCR", "明溪OCR"} & got


def test_an_english_sentence_denying_a_library_names_nothing_even_wrapped():
    text = ("The app does not include any advertisement libraries or any 3rd party tracking (analytics) code,\n"
            "such as Google Analytics.\n\nWe use Firebase Crashlytics to collect crash reports.\n")
    got = names(text)
    assert not any("Analytics" in n for n in got) and any("Crashlytics" in n for n in got)


def test_a_header_saying_what_is_obtained_is_a_data_column_and_commas_split_a_name_cell():
    text = ("第三方SDK类服务商：\nSDK服务 | 具体功能 | 获取信息\n---|---|---\n"
            "青禾支付SDK | 支付 | 网络状态\n远帆SDK，LinkedQi，明溪灯塔 | 统计 | 网络状态\n")
    assert {"青禾支付", "远帆", "LinkedQi", "明溪灯塔"} <= names(text)


def test_a_kind_word_glued_to_sdk_is_a_product_name_but_not_in_a_list_of_kinds():
    assert "shareSDK" in names("为了便于您使用分享功能，我们使用了shareSDK，需要访问您的设备标识。")
    got = names("我们接入的上述厂商登录、支付、PushSDK需要收集手机唯一标识信息。")
    assert "PushSDK" not in got
    assert "青禾分享" in names("（注：其中青禾分享SDK绑定IP归属地为香港）")


def test_a_table_that_lost_every_separator_is_read_row_by_row():
    text = ("第三方服务：\n第三方服务提供方名称收集的信息与目的隐私政策\n"
            "青禾移动统计青禾用于统计崩溃日志https://qinghe.example/policy.htmlYuanfan统计\n"
            "明溪统计远帆用于统计崩溃日志https://mingxi.example/help\n"
            "望舒IM望舒为了可以更快的与用户沟通https://wangshu.example/privacy\n"
            "4.保障产品安全\n我们使用第三方统计工具记录网络日志信息。\n")
    got = names(text)
    assert {"青禾移动统计", "Yuanfan统计", "望舒IM"} <= got
    assert any(n.startswith("明溪统计") for n in got)
    assert not any(n.startswith("保障") for n in got)


def test_a_first_person_subjects_predicate_before_sdk_names_nothing():
    text = "我们接入了青禾推送SDK。我们审慎挑选SDK提供商，并会定期复核和调整SDK使用情况。我们的合作伙伴远帆统计SDK会收集设备标识。"
    got = names(text)
    assert {"青禾推送", "远帆统计"} <= got
    assert not {"审慎挑选", "调整", "复核"} & got


def test_an_english_list_item_ending_in_a_common_noun_is_a_kind():
    text = ("We use the following third-party services:\n• Quillora Maps for store locations\n"
            "• Speech synthesis services for audio features\n• Analytics services to improve the app\n")
    got = names(text)
    assert "Quillora Maps" in got
    assert not {"Speech synthesis services", "Analytics services"} & got


def test_records_of_a_title_line_and_a_description_line_after_a_lead_in():
    text = ("We use the following third-party services to run the app:\nQuillora\n"
            "Database and file storage, hosted in the EU.\nBramblepay\nPayment processing. We never see your card.\n"
            "Each of these services has its own privacy policy.\n")
    assert {"Quillora", "Bramblepay"} <= names(text)
    one = "We use the following third-party services:\nQuillora\nDatabase and file storage.\n"
    assert "Quillora" not in names(one)  # one record is no evidence of the layout


def test_chinese_records_of_a_name_line_and_its_providers_registered_name():
    text = ("第三方SDK使用说明\n青禾广告平台\n北京青禾远帆科技有限公司\n使用目的\n广告展示\n收集的信息\n设备标识\n"
            "明溪支付\n杭州明溪数据有限公司\n使用目的\n在线支付\n")
    assert {"青禾广告平台", "明溪支付"} <= names(text)


def test_english_items_enumerated_after_a_lead_in_colon_on_one_line():
    text = ("We use the following third-party services: Quillora (authentication & database), "
            "Bramble Vision AI (analysis), and Larkspur API (profile import).\n")
    assert {"Quillora", "Bramble Vision AI", "Larkspur API"} <= names(text)


def test_a_list_without_bullets_set_apart_by_a_spaced_dash():
    text = "您主动配置并调用的第三方在线服务包括：\n青禾大模型 — 大语言模型 API\n远帆文献库（Yuanfan） — 文献检索\n以上服务的密钥由您保存。\n"
    assert {"青禾大模型", "远帆文献库"} <= names(text)


def test_he_joins_the_last_member_of_an_enumeration():
    assert enumerated("青禾统计、远帆推送、明溪地图和云雀存储") == ["青禾统计", "远帆推送", "明溪地图", "云雀存储"]
    assert enumerated("青禾统计和远帆推送") == ["青禾统计和远帆推送"]  # two members only: left as written


def test_a_chinese_denial_is_a_negator_before_a_verb_of_access():
    assert "bluetooth" not in read_policy("本应用未请求：定位、蓝牙、通讯录等权限。我们收集您的设备型号。").categories
    assert "location" not in read_policy("我们从未获取您的位置信息。").categories


def test_a_bare_contact_channel_in_a_data_enumeration():
    got = read_policy("我们收集您的联系方式（电话、电子邮件）以便回复询盘。").categories
    assert "phone_number" in got and "accounts" in got
    assert "phone_number" not in read_policy("我们会以邮件、信函、电话、推送通知等方式告知您。").categories


def test_an_english_permission_list_keyed_by_the_permission():
    text = ("We collect the permissions that you grant us:\nCamera: If you allow us, you can take a photo.\n"
            "Storage: If you allow us, you can upload your resume.\n")
    got = read_policy(text).categories
    assert "storage" in got and "camera" in got
    assert "storage" not in read_policy("Storage: we keep your data for a year.\n").categories


def test_a_markdown_table_framed_by_outer_pipes_keeps_its_first_column():
    text = ("## 内嵌第三方SDK清单\n\n| 序号 | SDK名称 | SDK运营方 | 使用目的 | 是否必要功能 |\n|---|---|---|---|---|\n"
            "| 1 | 青禾统计SDK | 青禾科技有限公司 | 统计分析 | 是 |\n| 2 | 远帆推送SDK | 远帆网络有限公司 | 消息推送 | 否 |\n")
    assert {"青禾统计", "远帆推送"} <= names(text)
    one_row = "| SDK名称 | SDK运营方 |\n|---|---|\n| 明溪地图SDK | 明溪有限公司 |\n以上SDK均经过评估。\n"
    assert "明溪地图" in names(one_row)


def test_a_predicate_before_the_word_sdk_names_nothing():
    text = ("（请您注意，com.example.x属于青禾广告sdk引入的组件，是jcenter下载sdk的方式，用这种方式代替离线导入sdk。）\n"
            "（2）请您注意，com.example.y并非sdk，来自应用本身。\n")
    got = names(text)
    assert not any(n.startswith(("是", "用这种")) or n.endswith("并非") for n in got), got


def test_a_name_in_lenticular_brackets_and_the_object_of_a_first_person_preposition():
    got = names("【青禾统计】SDK需要收集您的设备型号。\n我们需要向YuanfanData SDK共享您的设备信息。\n")
    assert {"青禾统计", "YuanfanData"} <= got


def test_english_items_keyed_by_name_or_closed_by_the_provider_in_brackets():
    keyed = ("We rely on the following third parties to operate the app:\nQuillora: database and authentication.\n"
             "Larkspur: transactional email.\n")
    assert {"Quillora", "Larkspur"} <= names(keyed)
    bracketed = ("Service providers we use\nWe share data only with the infrastructure providers that run the app:\n"
                 "• Hosting and application delivery (Bramblehost).\n• Database storage (Fernbase).\n")
    assert {"Bramblehost", "Fernbase"} <= names(bracketed)


def test_a_chinese_item_keyed_by_a_kind_of_party_names_the_parties_of_its_value():
    text = ("我们仅与受信处理方合作：\n• 云计算与存储服务商：Quillora（提供边缘网络加速）。\n"
            "• 图像模型服务商：Larkspur Image、Bramble 2（仅处理提示词）。\n• 支付结算服务商：安全承兑全球结账、处理销售税。\n")
    got = names(text)
    assert {"Quillora", "Larkspur Image", "Bramble 2"} <= got
    assert not any("结账" in n or "销售税" in n for n in got)


def test_an_enumeration_of_purposes_after_a_word_for_third_parties_names_nothing():
    text = "为了使您能够在第三方平台分享信息、使用地图服务、播放视频等必要的功能用途，我们会嵌入合作伙伴的SDK。"
    assert "播放视频" not in names(text)
