"""The shapes of issue 10 that the classifier missed on real apps, as small screens: agree-only
notices, checkbox notices with their tick state, second-chance dialogs, a browser's own notice vs
a web page's banner, the system's "Don't allow anyway" step, in-app rationales, login pages with an
agreement. Each asserts the kind AND the controls an observer would tap."""

from __future__ import annotations

import pytest
from screens import dialog, system_prompt

from harness.ui import classify
from harness.ui.hierarchy import MAX_TEXT

NOTICES = [
    # (case, xml, accept, refuse, precheck)
    ("agree-only zh", dialog("com.a.app", "温馨提示", ["欢迎使用！我们依据最新法律要求更新了《隐私政策》，请您仔细阅读。"], ["同意并继续"]),
     "同意并继续", None, None),
    ("agree-only en", dialog("com.b.app", "Privacy Policy", [
        "To improve your experience, we need to collect necessary data. Please accept our privacy policy to continue."],
        ["Accept & continue"]), "Accept & continue", None, None),
    ("got it", dialog("com.c.app", "", ["We updated our Privacy Policy and Terms of Service. By continuing to use the "
                                          "app you agree to them."], ["Got it"]), "Got it", None, None),
    ("继续 + 继续使用即表示您同意", dialog("com.d.app", "隐私政策更新", ["我们更新了《隐私政策》，继续使用即表示您同意更新后的政策。"],
                                   ["继续"]), "继续", None, None),
    ("checkbox ticked", dialog("com.e.app", "用户协议与隐私政策", ["请阅读以下条款"], ["同意"],
                               checkbox=("我已阅读并同意《用户协议》和《隐私政策》", True)), "同意", None, True),
    ("checkbox not ticked", dialog("com.e.app", "", [
        "Dear users, welcome! In order to protect your privacy, please carefully read the Privacy Policy and User "
        "Agreement."], ["Disagree and exit", "Continue"], checkbox=("I have read and agree to the above terms", False)),
     "Continue", "Disagree and exit", False),
    ("unknown words, refusal paired", dialog("com.f.app", "个人信息保护指引", [
        "请您使用前充分阅读我们的《用户协议》和《隐私权政策》，请点击“继续使用”开始使用我们的产品和服务。"], ["放弃并退出", "继续使用"]),
     "继续使用", "放弃并退出", None),
    ("browser's own notice", dialog("com.sec.android.app.sbrowser", "Samsung Internet", [
        "To use Samsung Internet, you need to agree to the Terms and conditions and Privacy Notice."], ["Cancel", "Agree"]),
     "Agree", "Cancel", None),
    ("browser second chance", dialog("com.tencent.mtt", "温馨提示", ["若您不同意《隐私保护指引》，将无法使用浏览器的全部功能。"],
                                     ["拒绝并退出浏览器", "同意"]), "同意", "拒绝并退出浏览器", None),
]


@pytest.mark.parametrize("case,xml,accept,refuse,precheck", NOTICES, ids=[n[0] for n in NOTICES])
def test_notice_shapes(case, xml, accept, refuse, precheck):
    c = classify(xml)
    assert c.kind == "consent_notice", c.reason
    assert (c.accept.text if c.accept else None) == accept
    assert (c.refuse.text if c.refuse else None) == refuse
    assert c.precheck is precheck
    if precheck is not None:
        assert c.checkbox is not None and c.checkbox.style == "checkbox"


def test_second_chance_exit_or_view_agreement():
    """退出应用 / 查看协议: a notice (its second step); refuse ends it, 查看协议 is a "back" control
    and NOT accept, so tapping it is never recorded as agreeing."""
    c = classify(dialog("com.f.app", "温馨提示", ["十分抱歉，若您不同意本应用的《隐私政策》和《用户协议》，我们将无法为您提供服务。"],
                        ["退出应用", "查看协议"]))
    assert c.kind == "consent_notice" and c.refusal_confirm
    assert c.refuse.text == "退出应用" and c.accept is None
    assert c.control("back").text == "查看协议"


def test_web_page_banner_in_a_browser_is_not_the_apps_notice():
    xml = dialog("com.example.browser", "", [], [], url="www.example.com", webview_page=[
        "We value your privacy", "This site uses cookies. See our Privacy Policy.", "Agree", "Reject"])
    c = classify(xml)
    assert c.kind == "other", c.reason


def test_in_app_webview_notice_still_counts():
    """Outside a browser, a notice drawn in a WebView (text in content-desc) is the app's."""
    c = classify(dialog("com.g.app", "", ["请您务必审慎阅读《用户协议》和《隐私政策》，点击同意即表示您已阅读并同意。"],
                        ["不同意", "同意"], webview_body=True))
    assert c.kind == "consent_notice" and c.accept.text == "同意"


@pytest.mark.parametrize("pkg,message,buttons,refuse", [
    ("com.google.android.permissioncontroller", "This app was designed for an older version of Android. Denying "
     "permission may cause it to no longer function as intended.", [("Cancel", ""), ("Don’t allow anyway", "")],
     "Don’t allow anyway"),
    ("com.android.permissioncontroller", "此应用专为旧版 Android 打造。拒绝权限可能会导致其无法正常运行。",
     [("取消", ""), ("仍然不允许", "")], "仍然不允许"),
])
def test_dont_allow_anyway_step(pkg, message, buttons, refuse):
    c = classify(system_prompt(pkg, message, buttons))
    assert c.kind == "permission_dialog" and c.refuse.text == refuse and c.accept is None


def test_oem_prompt_in_a_locale_the_lexicon_lacks_is_placed_by_position():
    c = classify(system_prompt("com.coloros.securitypermission", "Разрешить приложению Example доступ к контактам?",
                               [("Разрешить", ""), ("Запретить", "")]))
    assert c.kind == "permission_dialog" and c.accept.text == "Разрешить" and c.refuse.text == "Запретить"


@pytest.mark.parametrize("title,body,buttons,group,accept,refuse", [
    ("", ["允许“美团”使用您的位置？", "用于为您推荐附近的商家"], ["不允许", "允许"], "LOCATION", "允许", "不允许"),
    ("开启推送通知", ["及时获取订单状态和优惠信息"], ["暂不", "前往开启"], "NOTIFICATIONS", "前往开启", "暂不"),
    ("发现通讯录朋友", ["看看通讯录里谁在使用"], ["拒绝", "继续"], "CONTACTS", "继续", "拒绝"),
    ("Play audio files from your device?", ["Allow Example to access and play music files"], ["Not now", "Allow"],
     None, "Allow", "Not now"),
])
def test_in_app_rationales(title, body, buttons, group, accept, refuse):
    c = classify(dialog("com.h.app", title, body, buttons, sheet=True))
    assert c.kind == "permission_rationale", c.reason
    assert c.accept.text == accept and c.refuse.text == refuse
    if group:
        assert c.permission == group


def test_error_with_only_ok_is_not_a_rationale():
    c = classify(dialog("com.i.app", "", ["Failed to get camera permission, please authorize in the Settings."], ["OK"]))
    assert c.kind == "other"


@pytest.mark.parametrize("ticked", [True, False])
def test_login_page_with_agreement_checkbox(ticked):
    from dumpkit import N, button, column, serialize, text

    items = [(N(cls="android.widget.EditText", text="请输入手机号", rid="p:id/et_phone", clickable=True), 120),
             (button("登录", "p:id/btn_login"), 140)]
    nodes, y = column(80, 400, 1000, items)
    nodes.append(N(cls="android.widget.LinearLayout", bounds=(80, y, 1000, y + 100)).add(
        N(cls="android.widget.CheckBox", rid="p:id/cb", checkable=True, checked=ticked, clickable=True,
          bounds=(80, y, 150, y + 70)),
        text("我已阅读并同意《用户协议》和《隐私政策》", "p:id/tv", bounds=(160, y, 1000, y + 100))))
    c = classify(serialize([("com.j.app", N(bounds=(0, 0, 1080, 2340)).add(*nodes))]))
    assert c.kind == "login_agreement" and c.precheck is ticked
    assert c.accept.text == "登录" and c.checkbox is not None


def test_login_form_without_agreement_is_other():
    from dumpkit import N, button, column, serialize

    nodes, _ = column(80, 400, 1000, [(N(cls="android.widget.EditText", text="Password", password=True,
                                         clickable=True), 120), (button("Sign in"), 140)])
    assert classify(serialize([("com.k.app", N(bounds=(0, 0, 1080, 2340)).add(*nodes))])).kind == "other"


@pytest.mark.parametrize("data", [
    b"", b"\xff\xfe\x00\x01garbage", "<hierarchy>" + "<node>" * 5000, "<hierarchy><node text='" + "同" * 10_000_000,
    "<hierarchy>" + "<node text='x' bounds='[0,0][1,1]'>" * 3000 + "</node>" * 3000 + "</hierarchy>",
    '<hierarchy><node text="' + "隐私政策 同意 " * (MAX_TEXT) + '" bounds="[0,0][10,10]" clickable="true"/></hierarchy>',
])
def test_hostile_dumps_never_raise(data):
    c = classify(data)
    assert c.kind in ("unknown", "other") and c.reason
