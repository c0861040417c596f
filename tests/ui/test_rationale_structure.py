"""What makes a screen a permission rationale, from its structure (docs/ui.md, "rationale or not").

Each negative here is a screen that names a permission resource (camera, location, phone, contacts,
notifications) and carries a control that looked like an allow-type answer to the earlier rule; each
is something else: a login form, an update dialog, an onboarding page, a feature question answered by
a check box, a settings list of switches, the app's own permission management page. The positives
are the request forms seen on real screens: a question with Allow / Not now, 权限申请 with only 确定,
a push pre-prompt, a "requires camera permissions" card leading to the settings."""

from __future__ import annotations

import pytest
from screens import H, N, W, button, dialog, serialize, text  # the corpus' dump serializer, via the factories

from harness.ui.classify import classify
from harness.ui.permission import explicit_request


def _page(pkg: str, *nodes: N) -> str:
    return serialize([(pkg, N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)).add(*nodes)))])


def settings_list() -> str:
    p = "com.example.app:id/"
    rows, y = [], 300
    for title, summary in [("Allow notifications", "Get notified about new episodes"),
                           ("Location", "Allow the app to use your location to show nearby events"),
                           ("Camera access", "Used to scan QR codes")]:
        rows.append(N(cls="android.widget.LinearLayout", clickable=True, bounds=(0, y, W, y + 200)).add(
            text(title, p + "title", bounds=(48, y + 30, 800, y + 100)),
            text(summary, p + "summary", bounds=(48, y + 100, 800, y + 180)),
            N(cls="android.widget.Switch", rid=p + "switch_widget", checkable=True, clickable=True,
              bounds=(900, y + 60, 1030, y + 140))))
        y += 200
    return _page("com.example.app", text("Settings", p + "toolbar_title", bounds=(40, 100, 600, 200)), *rows)


def phone_binding_form() -> str:
    p = "com.example.app:id/"
    return _page("com.example.app",
                 text("绑定手机", p + "title", bounds=(60, 200, 1020, 300)),
                 N(cls="android.widget.EditText", rid=p + "phone", text="请输入手机号", clickable=True,
                   bounds=(60, 400, 1020, 520)),
                 text("我们将向您的手机发送验证码，用于验证您的电话号码", p + "hint", bounds=(60, 540, 1020, 640)),
                 button("下一步", p + "next", bounds=(60, 700, 1020, 830)))


def update_dialog() -> str:
    return dialog("com.example.app", "发现新版本", ["新版本优化了相机拍摄功能，需要更新后使用"], ["以后再说", "立即更新"])


def onboarding_page() -> str:
    p = "com.example.scan:id/"
    return _page("com.example.scan",
                 N(cls="android.widget.ImageView", bounds=(200, 300, 880, 980)),
                 text("Scan documents", p + "title", bounds=(60, 1050, 1020, 1150)),
                 text("Use your camera to scan receipts and save them as PDF files.", p + "body",
                      bounds=(60, 1170, 1020, 1300)),
                 button("Skip", p + "skip", bounds=(60, 2100, 500, 2230)),
                 button("Next", p + "next", bounds=(580, 2100, 1020, 2230)))


def feature_question() -> str:
    p = "com.example.cam:id/"
    return _page("com.example.cam",
                 text("Remember photo locations?", p + "title", bounds=(120, 250, 960, 340)),
                 N(cls="android.widget.CheckBox", rid=p + "check_box", checkable=True, clickable=True,
                   text="Tag your photos and videos with the locations where they're taken.", bounds=(80, 400, 1000, 520)),
                 button("Next", p + "confirm_button", bounds=(340, 600, 740, 730)))


def permission_management_page() -> str:
    p = "com.example.app:id/"
    rows, y = [], 300
    for line in ("定位权限：用于推荐附近的门店", "相机权限：用于扫码", "通知权限：用于接收订单消息"):
        rows.append(N(cls="android.widget.LinearLayout", bounds=(0, y, W, y + 180)).add(
            text(line, p + "perm", bounds=(48, y + 20, 800, y + 160)),
            button("去设置", p + "go", bounds=(820, y + 40, 1030, y + 140))))
        y += 180
    return _page("com.example.app", text("系统权限管理", p + "toolbar_title", bounds=(40, 100, 700, 200)), *rows)


NEGATIVES = {
    "settings list of switches": settings_list,
    "phone binding form": phone_binding_form,
    "update dialog": update_dialog,
    "onboarding page with Skip / Next": onboarding_page,
    "feature question answered by a check box": feature_question,
    "permission management page": permission_management_page,
}

POSITIVES = {
    "question with Allow / Not now": (dialog("com.example.music", "Play audio files from your device?",
                                             ["Allow Example Music to access and play music files"], ["Not now", "Allow"],
                                             sheet=True), None),
    "权限申请 with 允许": (dialog("com.example.dl", "权限申请", ["需要获取存储权限才可以下载，是否允许？"], ["不允许", "允许"]),
                       "STORAGE"),
    "权限申请 with only 确定": (dialog("com.example.dl", "权限申请",
                                   ["本应用请求存储空间权限用于保存下载的文件。请在【设置-应用-权限】中开启存储空间权限。"], ["确定"]),
                            "STORAGE"),
    "push pre-prompt": (dialog("com.example.news", "开启推送通知", ["及时获取新闻和消息提醒"], ["暂不开启", "去开启"]),
                        "NOTIFICATIONS"),
    "requires camera permissions, go to settings": (
        dialog("com.example.scan", "Camera permission needed",
               ["Example Scanner requires camera permissions to scan barcodes. Please allow camera access in Settings."],
               ["Cancel", "Go to settings"]), "CAMERA"),
    "allow location access? with Continue": (dialog("com.example.run", "Allow location access?",
                                                    ["We use your location to record your runs."],
                                                    ["No thanks", "Continue"]), "LOCATION"),
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_screens_that_name_a_resource_but_ask_for_nothing_are_not_rationales(name):
    c = classify(NEGATIVES[name]())
    assert c.kind != "permission_rationale", (name, c.reason, c.accept)


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_permission_requests_are_rationales(name):
    xml, group = POSITIVES[name]
    c = classify(xml)
    assert c.kind == "permission_rationale", (name, c.reason)
    assert c.accept is not None and c.permission == group


@pytest.mark.parametrize("sentence,asks", [
    ("需要获取存储权限才可以下载，是否允许？", True),
    ("Allow YouTube Music to access and play music files", True),
    ("Allow location access?", True),
    ("Turn on notifications to get updates", True),
    ("To show restaurants near you, we need access to your location.", True),
    ("We'd like to send you notifications about your orders.", True),
    ("为了给您推荐附近的门店，需要获取您的位置信息", True),
    ("Use your camera to scan receipts and save them as PDF files.", False),
    ("Sign in to access your library", False),
    ("新版本优化了相机拍摄功能，需要更新后使用", False),
    ("Remember photo locations?", False),
])
def test_explicit_request(sentence, asks):
    assert explicit_request(sentence) is asks
