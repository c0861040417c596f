"""Generate the labelled UI corpus: `python tests/data/ui_corpus/generate.py` writes `dumps/*.xml`
and `labels.csv` next to this file (both committed). Deterministic (fixed seed).

Every screen is written from scratch from what real screens look like (layouts, resource ids,
wording of Chinese and Western apps, AOSP/Google/OEM permission prompts of Android 6-15); the
generator varies screen size, producer (Android 6-9, 10+, uiautomator2 multi-window), widget
classes and formatting so the classifier is tested on variants, not one template."""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from dumpkit import SCREENS, N, button, column, nav_bar, row, serialize, status_bar, text  # noqa: E402

HERE = Path(__file__).parent
R = random.Random(20240611)
BTN = ["android.widget.Button", "androidx.appcompat.widget.AppCompatButton",
       "com.google.android.material.button.MaterialButton", "android.widget.TextView"]
rows: list[dict[str, object]] = []


def emit(name: str, windows: list[tuple[str, N]], *, kind: str, lang: str = "", permission: str = "",
         accept: str = "", refuse: str = "", precheck: str = "", two_step: bool = False, note: str = "",
         style: str | None = None, bars: bool | None = None, W: int = 1080, H: int = 1920) -> None:
    style = style or R.choice(["old", "new", "new", "u2"])
    if bars is None:
        bars = style == "u2"
    if bars:
        windows = [status_bar(W)] + windows + [nav_bar(W, H)]
    xml = serialize(windows, style=style, pretty=R.random() < 0.4 or style == "u2")
    (HERE / "dumps" / f"{name}.xml").write_text(xml, encoding="utf-8")
    rows.append({"file": f"{name}.xml", "kind": kind, "lang": lang, "permission": permission, "accept": accept,
                 "refuse": refuse, "precheck": precheck, "two_step": "true" if two_step else "", "note": note})


def size() -> tuple[int, int]:
    return R.choice(SCREENS)


# --- app screens -------------------------------------------------------------------------------

def app_dialog(pkg: str, W: int, H: int, title: str, body: list[str], buttons: list[str], *,
               layout: str = "dialog", checkbox: tuple[str, bool, str] | None = None, link: str | None = None,
               webview: bool = False, background: list[str] | None = None, vertical: bool = False,
               rid_prefix: str | None = None) -> N:
    """A notice-like dialog / bottom sheet / full screen of an app. Returns the window root."""
    rp = rid_prefix if rid_prefix is not None else f"{pkg}:id/"
    cls_btn = R.choice(BTN)
    if layout == "dialog":
        x1, x2 = W // 12, W - W // 12
        y = H // 4
    elif layout == "sheet":
        x1, x2, y = 0, W, H // 2 - 80
    else:
        x1, x2, y = 0, W, 120
    pad = 48
    items: list[tuple[N, int]] = []
    if title:
        items.append((text(title, rp + R.choice(["tv_title", "title", "dialog_title", "privacy_title"])), 72))
    for t in body:
        h = 60 + 46 * (len(t) // 22)
        if webview:
            items.append((N(cls="android.view.View", desc=t), h))
        else:
            items.append((text(t, rp + R.choice(["tv_content", "content", "message", "desc", ""])), h))
    inner, y2 = column(x1 + pad, y + pad, x2 - pad, items)
    if checkbox:
        label, ticked, kind = checkbox
        if kind == "CheckBox":
            box = N(cls="android.widget.CheckBox", rid=rp + "cb_agree", checkable=True, checked=ticked, clickable=True,
                    bounds=(x1 + pad, y2, x1 + pad + 72, y2 + 72))
        else:
            box = N(cls="android.widget.ImageView", rid=rp + R.choice(["iv_check", "iv_agreement", "protocol_check"]),
                    clickable=True, checkable=ticked, checked=ticked, bounds=(x1 + pad, y2, x1 + pad + 72, y2 + 72))
        lab = text(label, rp + "tv_agreement", clickable=R.random() < 0.5, bounds=(x1 + pad + 90, y2, x2 - pad, y2 + 100))
        row_node = N(cls="android.widget.LinearLayout", bounds=(x1 + pad, y2, x2 - pad, y2 + 100)).add(box, lab)
        inner.append(row_node)
        y2 += 124
    bnodes = []
    for i, b in enumerate(buttons):
        rid = rp + R.choice(["btn_agree", "tv_agree", "positive", "btn_ok"] if i == len(buttons) - 1 else
                            ["btn_disagree", "tv_disagree", "negative", "btn_cancel"])
        if webview:
            bnodes.append(N(cls="android.view.View", desc=b, clickable=True))
        else:
            bnodes.append(button(b, rid, cls=cls_btn))
    if vertical:
        for i, bn in enumerate(reversed(bnodes)):
            bn.bounds = (x1 + pad, y2 + i * 150, x2 - pad, y2 + i * 150 + 126)
        y2 += 150 * len(bnodes)
    else:
        row(x1 + pad, y2, x2 - pad, bnodes, 126)
        y2 += 150
    if link:
        inner.append(text(link, rp + "tv_exit", clickable=R.random() < 0.6,
                          bounds=(W // 2 - 150, y2, W // 2 + 150, y2 + 60)))
        y2 += 84
    panel = N(cls="android.widget.LinearLayout", rid=rp + "ll_dialog", bounds=(x1, y, x2, y2 + pad))
    if webview:
        panel = N(cls="android.webkit.WebView", bounds=(x1, y, x2, y2 + pad)).add(
            N(cls="android.view.View", bounds=(x1, y, x2, y2 + pad)).add(*inner, *bnodes))
    else:
        panel.add(*inner, *bnodes)
    if layout == "dialog":
        return N(bounds=(x1, y, x2, y2 + pad)).add(N(rid="android:id/content", bounds=(x1, y, x2, y2 + pad)).add(panel))
    root = N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)))
    content = root.children[0]
    if background:
        bg, _ = column(0, 140, W, [(text(t, rp + "item_title", clickable=True), 90) for t in background])
        content.add(*bg)
    content.add(panel)
    return root


def page(pkg: str, W: int, H: int, title: str, items: list[str], *, buttons: list[str] = (), edits: list[str] = (),
         password: bool = False, switches: int = 0, webview: bool = False, long_text: list[str] = ()) -> N:
    """An ordinary activity: toolbar title, clickable rows, optional inputs, buttons, long text."""
    rp = f"{pkg}:id/"
    nodes: list[N] = [N(cls="android.widget.ImageButton", desc="Navigate up", clickable=True, bounds=(0, 72, 144, 216)),
                      text(title, rp + "toolbar_title", bounds=(170, 100, 900, 190))]
    y = 240
    for e in edits:
        nodes.append(N(cls="android.widget.EditText", text=e, rid=rp + "et_input", clickable=True,
                       password=password and "assword" in e or e in ("密码",), bounds=(60, y, W - 60, y + 130)))
        y += 160
    for t in long_text:
        h = 60 + 46 * (len(t) // 24)
        if webview:
            nodes.append(N(cls="android.view.View", text=t, bounds=(40, y, W - 40, min(H, y + h))))
        else:
            nodes.append(text(t, rp + "content", bounds=(40, y, W - 40, min(H, y + h))))
        y += h + 20
    for i, t in enumerate(items):
        rowc = N(cls="android.widget.LinearLayout", clickable=True, bounds=(0, y, W, y + 150)).add(
            text(t, "android:id/title", bounds=(60, y + 30, W - 200, y + 110)))
        if i < switches:
            rowc.add(N(cls="android.widget.Switch", rid="android:id/switch_widget", checkable=True,
                       checked=R.random() < 0.5, bounds=(W - 180, y + 40, W - 40, y + 110)))
        nodes.append(rowc)
        y += 160
    for b in buttons:
        nodes.append(button(b, rp + "btn_" + str(len(nodes)), cls=R.choice(BTN), bounds=(60, y, W - 60, y + 130)))
        y += 160
    body = N(rid="android:id/content", bounds=(0, 0, W, H))
    if webview:
        body.add(N(cls="android.webkit.WebView", text=title, bounds=(0, 216, W, H)).add(*nodes[2:]))
        body.children[0:0] = nodes[:2]
    else:
        body.add(*nodes)
    return N(bounds=(0, 0, W, H)).add(body)


def perm_dialog(era: str, W: int, H: int, message: str, buttons: list[tuple[str, str]], *,
                pkg: str | None = None, never_ask: bool = False, extra: list[N] = ()) -> tuple[str, N]:
    """The system prompt. era: a6 (packageinstaller, Android 6-9: message + horizontal DENY/ALLOW),
    a10 (permissioncontroller, vertical buttons), oem (a security-centre dialog without AOSP ids)."""
    if pkg is None:
        pkg = {"a6": "com.android.packageinstaller", "a10": R.choice(["com.android.permissioncontroller",
                                                                      "com.google.android.permissioncontroller"])}.get(
            era, "com.lbe.security.miui")
    rp = f"{pkg}:id/" if era != "oem" else R.choice([f"{pkg}:id/", ""])
    x1, x2 = W // 14, W - W // 14
    y = H // 3
    kids: list[N] = []
    if era == "a10":
        kids.append(N(cls="android.widget.ImageView", rid=rp + "permission_icon", bounds=(W // 2 - 40, y + 40, W // 2 + 40, y + 120)))
    msg = text(message, rp + ("permission_message" if era != "oem" else R.choice(["tv_title", "title", "message"])),
               bounds=(x1 + 60, y + 140, x2 - 60, y + 300))
    kids.append(msg)
    yb = y + 320
    for e in extra:
        e.bounds = (x1 + 60, yb, x2 - 60, yb + 140)
        kids.append(e)
        yb += 160
    if never_ask:
        kids.append(N(cls="android.widget.CheckBox", text="Never ask again", rid=rp + "do_not_ask_checkbox",
                      checkable=True, clickable=True, bounds=(x1 + 60, yb, x2 - 60, yb + 90)))
        yb += 110
    bnodes = [button(t, (rp + r) if r else "", cls=R.choice(BTN[:3])) for t, r in buttons]
    if era == "a6":
        row(x1 + 60, yb, x2 - 60, bnodes, 120)
        yb += 140
    else:
        for b in bnodes:
            b.bounds = (x1 + 40, yb, x2 - 40, yb + 126)
            yb += 140
    grant = N(cls="android.widget.LinearLayout", rid=rp + ("grant_dialog" if era != "oem" else "parentPanel"),
              bounds=(x1, y, x2, yb + 40)).add(*kids, *bnodes)
    return pkg, N(bounds=(x1, y, x2, yb + 40)).add(N(rid="android:id/content", bounds=(x1, y, x2, yb + 40)).add(grant))


def app_home(pkg: str, W: int, H: int, titles: list[str]) -> N:
    return page(pkg, W, H, titles[0], titles[1:])


# --- scenes ---------------------------------------------------------------------------------------

ZH_BODY = [
    "感谢您信任并使用{app}！我们依据相关法律制定了《用户协议》和《隐私政策》，请您在点击同意之前仔细阅读并充分理解相关条款。",
    "为了向您提供浏览、搜索等基本服务，我们会收集您的设备信息、操作日志等个人信息。您可以在设置中查看、变更、删除个人信息并管理您的授权。",
]
ZH_BODY2 = ["欢迎使用{app}！我们非常重视您的个人信息和隐私保护。在您使用我们的服务前，请您务必审慎阅读、充分理解《{app}隐私保护指引》各条款。",
            "如您同意上述内容，请点击“同意”开始接受我们的服务。"]
EN_BODY = ["Welcome to {app}! Please read our Terms of Service and Privacy Policy carefully before using the app.",
           "We collect device information and usage data to provide and improve our services. By tapping Agree you accept these terms."]
APPS_ZH = [("com.example.news", "今日新闻"), ("com.example.shop", "优选商城"), ("com.example.video", "看点视频"),
           ("com.example.map", "出行地图"), ("com.example.bank", "掌上银行"), ("com.example.reader", "书香阅读")]
APPS_EN = [("com.example.weather", "WeatherNow"), ("com.example.fit", "FitTrack"), ("com.example.chat", "ChatterBox"),
           ("com.example.photo", "SnapEdit")]


def fmt(lines: list[str], app: str) -> list[str]:
    return [x.format(app=app) for x in lines]


def notices() -> None:
    n = 0

    def zh(title: str, body: list[str], buttons: list[str], accept: str, refuse: str, lang: str = "zh-Hans", **kw):
        nonlocal n
        pkg, app = APPS_ZH[n % len(APPS_ZH)]
        W, H = size()
        extra = {k: kw.pop(k) for k in ("precheck", "two_step", "note", "bars", "style") if k in kw}
        root = app_dialog(pkg, W, H, title, fmt(body, app), buttons, **kw)
        wins = [(pkg, root)]
        if kw.get("layout", "dialog") == "dialog" and R.random() < 0.3:
            wins = [(pkg, app_home(pkg, W, H, ["首页", "推荐", "热点"]))] + wins
            extra.setdefault("bars", True)
        emit(f"notice_{lang}_{n:02d}", wins, kind="consent_notice", lang=lang, accept=accept, refuse=refuse, W=W, H=H, **extra)
        n += 1

    zh("个人信息保护指引", ZH_BODY, ["不同意", "同意"], "同意", "不同意")
    zh("用户协议与隐私政策", ZH_BODY2, ["同意并继续", "不同意"], "同意并继续", "不同意", vertical=True)
    zh("服务协议和隐私政策", ZH_BODY, ["暂不同意", "同意"], "同意", "暂不同意", layout="sheet",
       background=["首页", "热门推荐", "关于隐私的讨论"])
    zh("欢迎使用", ZH_BODY + ZH_BODY2[1:], ["不同意并退出", "同意并进入"], "同意并进入", "不同意并退出", layout="full")
    zh("温馨提示", ZH_BODY2, ["同意并继续"], "同意并继续", "不同意", link="不同意", note="refuse is a text link")
    zh("隐私政策提示", ZH_BODY, ["同意"], "同意", "不同意，仅浏览", link="不同意，仅浏览", note="refuse link")
    zh("个人信息保护提示", ZH_BODY, ["不同意", "同意"], "同意", "不同意", webview=True, note="WebView content-desc")
    zh("", ["请阅读并同意以下协议后开始使用{app}。我们将严格保护您的个人信息安全。"], ["进入应用"], "进入应用", "",
       layout="full", checkbox=("我已阅读并同意《用户协议》和《隐私政策》", False, "CheckBox"), precheck="false",
       note="checkbox form")
    zh("欢迎来到{app}".format(app="优选商城"), ["在使用前，请您仔细阅读《隐私政策》。"], ["同意并继续"], "同意并继续", "",
       layout="full", checkbox=("我已阅读并同意《用户服务协议》《隐私政策》", True, "ImageView"), precheck="true",
       note="checkbox form, pre-ticked")
    zh("温馨提示", ["您需要同意《隐私政策》后才能继续使用我们的服务。若不同意，将无法使用完整功能。"], ["仍不同意", "同意并继续"],
       "同意并继续", "仍不同意", two_step=True, note="second step")
    zh("", ["确定不同意吗？不同意将无法使用{app}的全部功能，您可以选择仅浏览模式。"], ["退出应用", "再想想"], "", "退出应用",
       two_step=True, note="second step, exit")
    zh("隐私保护指引概要", ["感谢你选择使用{app}！在使用我们的服务前，请阅读并同意《{app}隐私保护指引》，了解个人信息的使用情况与自主选择的权利。"],
       ["确定"], "确定", "", note="single generic confirm")
    zh("隐私政策", ZH_BODY, ["拒绝", "接受"], "接受", "拒绝")
    zh("\U0001F389 欢迎", ZH_BODY2, ["不同意", "同意"], "同意", "不同意", note="emoji as numeric char ref", style="new")
    zh("用户协议及隐私政策", ZH_BODY, ["不同意", "同意并继续"], "同意并继续", "不同意", style="u2", bars=True)
    zh("温馨提示", ZH_BODY2, ["不同意", "我同意"], "我同意", "不同意", layout="sheet", background=["消息", "我的"])
    zh("隱私權政策", ["歡迎使用！請您務必審慎閱讀、充分理解《服務條款》與《隱私權政策》各條款，我們將依法保護您的個人資料。"],
       ["不同意", "同意"], "同意", "不同意", lang="zh-Hant")
    zh("使用者條款與隱私權", ["感謝您使用本服務，在使用前請仔細閱讀《隱私權政策》，點擊同意即表示您已閱讀並同意。"],
       ["拒絕", "同意並繼續"], "同意並繼續", "拒絕", lang="zh-Hant")
    zh("個人資料保護", ["歡迎使用！我們依據《隱私權政策》收集及使用您的個人資料，請您務必審慎閱讀。"], ["同意並繼續"],
       "同意並繼續", "不同意並退出", lang="zh-Hant", link="不同意並退出")

    m = 0

    def other(lang: str, title: str, body: list[str], buttons: list[str], accept: str, refuse: str, **kw):
        nonlocal m
        pkg, app = APPS_EN[m % len(APPS_EN)]
        W, H = size()
        extra = {k: kw.pop(k) for k in ("precheck", "two_step", "note", "bars", "style") if k in kw}
        root = app_dialog(pkg, W, H, title, fmt(body, app), buttons, **kw)
        emit(f"notice_{lang}_{m:02d}", [(pkg, root)], kind="consent_notice", lang=lang, accept=accept, refuse=refuse,
             W=W, H=H, **extra)
        m += 1

    other("en", "Terms and Privacy Policy", EN_BODY, ["Disagree", "Agree"], "Agree", "Disagree")
    other("en", "Your privacy", EN_BODY, ["Decline", "Accept"], "Accept", "Decline", layout="sheet",
          background=["Home", "Discover", "Profile"])
    other("en", "Before you start", EN_BODY, ["Disagree and quit", "Agree and continue"], "Agree and continue",
          "Disagree and quit", vertical=True)
    other("en", "Welcome to {app}".format(app="FitTrack"), EN_BODY, ["I agree"], "I agree", "Disagree",
          layout="full", link="Disagree", note="refuse link")
    other("en", "", ["Please review our Terms of Service and Privacy Policy before you continue."], ["Continue"],
          "Continue", "", layout="full", checkbox=("I have read and agree to the Terms of Service and Privacy Policy",
                                                    False, "CheckBox"), precheck="false", note="checkbox form")
    other("en", "Are you sure?", ["Without your consent to the Privacy Policy you can't use {app}."], ["Exit app", "Go back"],
          "", "Exit app", two_step=True, note="second step")
    other("en", "Privacy notice", EN_BODY, ["Disagree", "Agree"], "Agree", "Disagree", webview=True)
    other("en", "We value your privacy", EN_BODY, ["Don't agree", "Agree & continue"], "Agree & continue", "Don't agree",
          style="u2", bars=True)
    other("en", "Privacy Policy", EN_BODY, ["Reject", "I accept"], "I accept", "Reject", layout="sheet")
    other("de", "Datenschutz", ["Willkommen bei {app}! Bitte lesen Sie unsere Datenschutzerklärung und Nutzungsbedingungen.",
                                "Mit Ihrer Zustimmung verarbeiten wir personenbezogene Daten."], ["Ablehnen", "Zustimmen"],
          "Zustimmen", "Ablehnen")
    other("de", "Ihre Privatsphäre", ["Bitte lesen Sie die Datenschutzerklärung. Stimmen Sie der Verarbeitung Ihrer Daten zu?"],
          ["Nicht zustimmen", "Akzeptieren und fortfahren"], "Akzeptieren und fortfahren", "Nicht zustimmen", vertical=True)
    other("fr", "Confidentialité", ["Bienvenue ! Veuillez lire notre politique de confidentialité et nos conditions d'utilisation.",
                                    "En cliquant sur Accepter, vous acceptez le traitement de vos données personnelles."],
          ["Refuser", "Accepter"], "Accepter", "Refuser")
    other("fr", "Avant de commencer", ["Veuillez lire la politique de confidentialité de {app}."], ["Je refuse", "J'accepte"],
          "J'accepte", "Je refuse", layout="sheet")
    other("es", "Privacidad", ["Bienvenido. Por favor, lee nuestra política de privacidad y los términos y condiciones.",
                               "Al pulsar Aceptar, aceptas el tratamiento de tus datos personales."], ["Rechazar", "Aceptar"],
          "Aceptar", "Rechazar")
    other("es", "Antes de empezar", ["Por favor, lee la política de privacidad de {app}."], ["No acepto", "Acepto"], "Acepto",
          "No acepto", vertical=True)
    other("ja", "プライバシーポリシー", ["{app}をご利用いただきありがとうございます。利用規約とプライバシーポリシーをお読みください。",
                                  "個人情報の取り扱いに同意の上、ご利用ください。"], ["同意しない", "同意する"], "同意する", "同意しない")
    other("ja", "利用規約への同意", ["ご利用の前に利用規約およびプライバシーポリシーをお読みください。"], ["同意しません", "同意して始める"],
          "同意して始める", "同意しません", layout="full")
    other("ko", "개인정보처리방침", ["{app} 이용을 위해 이용약관 및 개인정보처리방침을 읽고 동의해 주세요."], ["동의 안함", "동의"], "동의",
          "동의 안함")
    other("ko", "서비스 이용 동의", ["서비스 이용약관과 개인정보 수집 및 이용에 동의해 주세요."], ["거부", "동의하고 계속"], "동의하고 계속", "거부",
          layout="sheet")


A6 = [("DENY", "permission_deny_button"), ("ALLOW", "permission_allow_button")]
A11 = [("While using the app", "permission_allow_foreground_only_button"),
       ("Only this time", "permission_allow_one_time_button"), ("Deny", "permission_deny_button")]
A12 = [("While using the app", "permission_allow_foreground_only_button"),
       ("Only this time", "permission_allow_one_time_button"), ("Don’t allow", "permission_deny_button")]
A13 = [("Allow", "permission_allow_button"), ("Don’t allow", "permission_deny_button")]


def permissions() -> None:
    k = 0

    def pd(era: str, msg: str, buttons: list[tuple[str, str]], group: str, accept: str, refuse: str, lang: str = "en",
           over_app: bool = False, **kw):
        nonlocal k
        pkg_app, app = APPS_EN[k % len(APPS_EN)] if lang != "zh-Hans" else APPS_ZH[k % len(APPS_ZH)]
        W, H = size()
        note = kw.pop("note", era)
        style = kw.pop("style", "old" if era == "a6" else None)
        pkg, root = perm_dialog(era, W, H, msg.format(app=app), buttons, **kw)
        wins = [(pkg, root)]
        bars = None
        if over_app:
            wins = [(pkg_app, app_home(pkg_app, W, H, [app, "Home", "Nearby", "Privacy settings"]))] + wins
            bars, style = True, "u2"
        emit(f"perm_{lang}_{k:02d}", wins, kind="permission_dialog", lang=lang, permission=group, accept=accept,
             refuse=refuse, note=note, style=style, bars=bars, W=W, H=H)
        k += 1

    pd("a6", "Allow {app} to access this device's location?", A6, "LOCATION", "ALLOW", "DENY")
    pd("a6", "Allow {app} to take pictures and record video?", A6, "CAMERA", "ALLOW", "DENY", never_ask=True,
       note="a6 second request with Never ask again")
    pd("a6", "Allow {app} to access your contacts?", A6, "CONTACTS", "ALLOW", "DENY")
    pd("a6", "Allow {app} to make and manage phone calls?", A6, "PHONE", "ALLOW", "DENY")
    pd("a6", "Allow {app} to send and view SMS messages?", A6, "SMS", "ALLOW", "DENY")
    pd("a6", "Allow {app} to access photos, media, and files on your device?", A6, "STORAGE", "ALLOW", "DENY")
    pd("a6", "要允许“{app}”获取此设备的位置信息吗？", [("拒绝", "permission_deny_button"), ("允许", "permission_allow_button")],
       "LOCATION", "允许", "拒绝", lang="zh-Hans")
    pd("a10", "Allow {app} to access this device's location?",
       [("Allow all the time", "permission_allow_always_button"),
        ("Allow only while using the app", "permission_allow_foreground_only_button"), ("Deny", "permission_deny_button")],
       "LOCATION", "Allow only while using the app", "Deny")
    pd("a10", "Allow {app} to record audio?", [("Allow", "permission_allow_button"), ("Deny", "permission_deny_button"),
                                               ("Deny & don’t ask again", "permission_deny_and_dont_ask_again_button")],
       "MICROPHONE", "Allow", "Deny")
    pd("a10", "Allow {app} to access this device’s location?", A11, "LOCATION", "While using the app", "Deny", note="a11")
    pd("a10", "Allow {app} to take pictures and record video?", A11, "CAMERA", "While using the app", "Deny", note="a11",
       over_app=True)
    pd("a10", "Allow {app} to access this device’s location?", A12, "LOCATION", "While using the app", "Don’t allow",
       extra=[N(cls="android.widget.RadioButton", text="Precise", checkable=True, checked=True, clickable=True),
              N(cls="android.widget.RadioButton", text="Approximate", checkable=True, clickable=True)], note="a12")
    pd("a10", "Allow {app} to send you notifications?", A13, "NOTIFICATIONS", "Allow", "Don’t allow", note="a13")
    pd("a10", "Allow {app} to access photos and videos on this device?", A13, "READ_MEDIA_VISUAL", "Allow",
       "Don’t allow", note="a13")
    pd("a10", "Allow {app} to find, connect to, and determine the relative position of nearby devices?", A13,
       "NEARBY_DEVICES", "Allow", "Don’t allow", note="a12")
    pd("a10", "Allow {app} to access your physical activity?", A13, "ACTIVITY_RECOGNITION", "Allow", "Don’t allow")
    pd("a10", "Allow {app} to access your calendar?", A13, "CALENDAR", "Allow", "Don’t allow", over_app=True)
    pd("a10", "Allow {app} to access sensor data about your vital signs?", A13, "SENSORS", "Allow", "Don’t allow")
    pd("a10", "Allow {app} to access music and audio on this device?", A13, "READ_MEDIA_AURAL", "Allow", "Don’t allow")
    pd("a10", "Allow {app} to access your phone call logs?", A13, "CALL_LOG", "Allow", "Don’t allow")
    pd("a10", "Allow {app} to access photos and videos on this device?",
       [("Allow limited access", "permission_allow_selected_button"), ("Allow all", "permission_allow_all_button"),
        ("Don’t allow", "permission_deny_button")], "READ_MEDIA_VISUAL", "Allow all", "Don’t allow", note="a14")
    pd("a10", "要允许“{app}”访问此设备的位置信息吗？",
       [("仅在使用该应用时允许", "permission_allow_foreground_only_button"), ("仅限这一次", "permission_allow_one_time_button"),
        ("不允许", "permission_deny_button")], "LOCATION", "仅在使用该应用时允许", "不允许", lang="zh-Hans", note="a15 zh")
    pd("a10", "要允許「{app}」存取這部裝置的位置資訊嗎？",
       [("使用應用程式時允許", "permission_allow_foreground_only_button"), ("僅限這一次", "permission_allow_one_time_button"),
        ("不允許", "permission_deny_button")], "LOCATION", "使用應用程式時允許", "不允許", lang="zh-Hant")
    pd("a10", "Zulassen, dass {app} auf den Standort dieses Geräts zugreift?",
       [("Während der App-Nutzung", "permission_allow_foreground_only_button"), ("Nur dieses Mal", "permission_allow_one_time_button"),
        ("Nicht zulassen", "permission_deny_button")], "LOCATION", "Während der App-Nutzung", "Nicht zulassen", lang="de")
    pd("a10", "Autoriser {app} à accéder à la position de cet appareil ?",
       [("Lorsque vous utilisez l'appli", "permission_allow_foreground_only_button"),
        ("Uniquement cette fois-ci", "permission_allow_one_time_button"), ("Ne pas autoriser", "permission_deny_button")],
       "LOCATION", "Lorsque vous utilisez l'appli", "Ne pas autoriser", lang="fr")
    pd("a10", "¿Permitir que {app} acceda a la cámara?",
       [("Mientras la app está en uso", "permission_allow_foreground_only_button"),
        ("Solo esta vez", "permission_allow_one_time_button"), ("No permitir", "permission_deny_button")],
       "CAMERA", "Mientras la app está en uso", "No permitir", lang="es")
    pd("a10", "このデバイスの位置情報へのアクセスを「{app}」に許可しますか？",
       [("アプリの使用時のみ", "permission_allow_foreground_only_button"), ("今回のみ", "permission_allow_one_time_button"),
        ("許可しない", "permission_deny_button")], "LOCATION", "アプリの使用時のみ", "許可しない", lang="ja")
    pd("a10", "{app}에서 이 기기의 위치에 액세스하도록 허용하시겠습니까?",
       [("앱 사용 중에만 허용", "permission_allow_foreground_only_button"), ("이번만 허용", "permission_allow_one_time_button"),
        ("허용 안함", "permission_deny_button")], "LOCATION", "앱 사용 중에만 허용", "허용 안함", lang="ko")
    pd("oem", "允许“{app}”获取位置信息？", [("始终允许", ""), ("仅在使用中允许", ""), ("拒绝", "")], "LOCATION",
       "仅在使用中允许", "拒绝", lang="zh-Hans", pkg="com.lbe.security.miui", note="MIUI")
    pd("oem", "是否允许“{app}”访问您的相机？", [("使用期间允许", ""), ("本次使用允许", ""), ("禁止", "")], "CAMERA",
       "使用期间允许", "禁止", lang="zh-Hans", pkg="com.oplus.securitypermission", note="ColorOS")
    pd("oem", "允许“{app}”访问您的通讯录？", [("禁止", ""), ("允许", "")], "CONTACTS", "允许", "禁止", lang="zh-Hans",
       pkg="com.huawei.systemmanager", note="EMUI")
    pd("oem", "“{app}”申请获取电话权限，用于读取本机识别码", [("拒绝", ""), ("允许", "")], "PHONE", "允许", "拒绝",
       lang="zh-Hans", pkg="com.vivo.permissionmanager", note="vivo")
    pd("oem", "要允许“{app}”使用麦克风录音吗？", [("仅使用期间允许", ""), ("本次允许", ""), ("禁止", "")], "MICROPHONE",
       "仅使用期间允许", "禁止", lang="zh-Hans", pkg="com.oem.securitycenter", note="unknown OEM package, by wording")
    # Legacy review screen (app built for Android 5 on Android 10+) and the "deny anyway" confirmation.
    W, H = size()
    pkg = "com.google.android.permissioncontroller"
    rows_ = []
    y = 400
    for t, s in (("Location", "access this device's location"), ("Contacts", "access your contacts")):
        rows_.append(N(cls="android.widget.LinearLayout", clickable=True, bounds=(0, y, W, y + 180)).add(
            text(t, "android:id/title", bounds=(180, y + 20, W - 200, y + 90)),
            text(s, "android:id/summary", bounds=(180, y + 90, W - 200, y + 160)),
            N(cls="android.widget.Switch", text="ON", rid="android:id/switch_widget", checkable=True, checked=True,
              bounds=(W - 180, y + 50, W - 40, y + 130))))
        y += 200
    root = N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)).add(
        text("Choose what to allow WeatherNow to access", f"{pkg}:id/permissions_message", bounds=(60, 200, W - 60, 380)),
        *rows_, button("CANCEL", f"{pkg}:id/cancel_button", bounds=(W - 600, H - 200, W - 340, H - 80)),
        button("CONTINUE", f"{pkg}:id/continue_button", bounds=(W - 320, H - 200, W - 40, H - 80))))
    emit("perm_en_legacy_review", [(pkg, root)], kind="permission_dialog", lang="en", permission="LOCATION",
         accept="CONTINUE", refuse="CANCEL", note="legacy app permission review", W=W, H=H)
    root2 = app_dialog(pkg, W, H, "", ["This app was designed for an older version of Android. Denying permission may "
                                       "cause it to no longer function as intended."], ["CANCEL", "DENY ANYWAY"],
                       rid_prefix="android:id/")
    emit("perm_en_deny_anyway", [(pkg, root2)], kind="permission_dialog", lang="en", accept="", refuse="DENY ANYWAY",
         note="deny-anyway confirmation", W=W, H=H)


def rationales() -> None:
    specs = [
        ("zh-Hans", "权限申请", ["需要获取存储权限才可以下载，是否允许？"], ["不允许", "允许"], "STORAGE", "允许", "不允许"),
        ("zh-Hans", "位置权限使用说明", ["用于为您推荐附近的门店与服务，我们需要获取您的位置信息。"], ["暂不开启", "去开启"], "LOCATION",
         "去开启", "暂不开启"),
        ("zh-Hans", "开启相机权限", ["扫一扫需要使用相机权限，用于扫描二维码。"], ["取消", "确定"], "CAMERA", "确定", "取消"),
        ("zh-Hans", "通讯录权限申请", ["为了帮助您找到通讯录好友，我们需要访问您的通讯录。"], ["以后再说", "好的"], "CONTACTS", "好的",
         "以后再说"),
        ("en", "We need your location", ["To show restaurants near you, we need access to your location."],
         ["Not now", "Continue"], "LOCATION", "Continue", "Not now"),
        ("en", "Allow microphone access", ["{app} needs microphone permission to record voice messages."], ["Cancel", "OK"],
         "MICROPHONE", "OK", "Cancel"),
        ("en", "Turn on notifications", ["Get alerts about deliveries. We'll send you notifications when your order moves."],
         ["No thanks", "Turn on"], "NOTIFICATIONS", "Turn on", "No thanks"),
        ("en", "Find your friends", ["We use your contacts to help you find friends who already use {app}."],
         ["Skip", "Allow access"], "CONTACTS", "Allow access", "Skip"),
        ("de", "Standortzugriff", ["Wir benötigen Zugriff auf Ihren Standort, um Filialen in Ihrer Nähe anzuzeigen."],
         ["Nicht jetzt", "Erlauben"], "LOCATION", "Erlauben", "Nicht jetzt"),
    ]
    for i, (lang, title, body, buttons, group, acc, ref) in enumerate(specs):
        pkg, app = (APPS_ZH if lang.startswith("zh") else APPS_EN)[i % 4]
        W, H = size()
        root = app_dialog(pkg, W, H, title, fmt(body, app), buttons, layout=R.choice(["dialog", "dialog", "sheet"]))
        emit(f"rationale_{lang}_{i:02d}", [(pkg, root)], kind="permission_rationale", lang=lang, permission=group,
             accept=acc, refuse=ref, W=W, H=H)
    for i, (lang, title, body, group) in enumerate((
        ("en", "Find stores near you", "{app} uses your location to show stores near you. Your location is never shared.",
         "LOCATION"),
        ("zh-Hans", "相机权限使用说明", "{app}需要使用相机权限，用于扫描二维码和拍摄头像。我们不会在后台使用相机。", "CAMERA"),
    )):
        pkg, app = (APPS_ZH if lang.startswith("zh") else APPS_EN)[i]
        W, H = size()
        root = app_dialog(pkg, W, H, title, [body.format(app=app)], [], layout="full")
        emit(f"rationale_{lang}_text_only_{i}", [(pkg, root)], kind="permission_rationale", lang=lang,
             permission=group, note="text-only explanation before the prompt", W=W, H=H)


def negatives() -> None:
    i = 0

    def neg(pkg: str, root: N, note: str, lang: str = "", W: int = 1080, H: int = 1920, extra: list | None = None,
            kind: str = "other", precheck: str = "", accept: str = "", refuse: str = "", permission: str = ""):
        nonlocal i
        emit(f"neg_{i:02d}", (extra or []) + [(pkg, root)], kind=kind, lang=lang, note=note, W=W, H=H,
             precheck=precheck, accept=accept, refuse=refuse, permission=permission)
        i += 1

    W, H = size()
    neg("com.example.news", page("com.example.news", W, H, "设置", ["账号与安全", "隐私设置", "通知设置", "清除缓存", "用户协议",
                                                               "隐私政策", "关于我们", "退出登录"], switches=2),
        "settings page with privacy links", "zh-Hans", W, H)
    neg("com.example.fit", page("com.example.fit", W, H, "Settings", ["Account", "Notifications", "Privacy",
                                                                     "Terms of Service", "Privacy Policy", "About", "Log out"]),
        "settings page with privacy links", "en", W, H)
    neg("com.example.shop", page("com.example.shop", W, H, "关于优选商城", ["版本 5.2.0", "用户协议", "隐私政策", "第三方信息共享清单",
                                                                      "个人信息收集清单", "检查更新"]), "about page", "zh-Hans", W, H)
    neg("com.android.settings", page("com.android.settings", W, H, "Privacy", ["Permission manager", "Privacy dashboard",
                                                                              "Show passwords", "Notifications on lock screen",
                                                                              "Android System Intelligence"], switches=1),
        "system privacy settings", "en", W, H)
    neg("com.example.chat", page("com.example.chat", W, H, "Create account", [], edits=["Email", "Password"], password=True,
                                 long_text=["By signing up, you agree to our Terms of Service and Privacy Policy."],
                                 buttons=["Sign up"]), "sign-up footnote", "en", W, H, kind="login_agreement")
    root = page("com.example.video", W, H, "手机号登录", [], edits=["请输入手机号", "请输入验证码"], buttons=["登录"])
    root.children[0].add(N(cls="android.widget.LinearLayout", bounds=(60, 900, W - 60, 1000)).add(
        N(cls="android.widget.CheckBox", rid="com.example.video:id/cb_protocol", checkable=True, clickable=True,
          bounds=(60, 910, 130, 980)),
        text("我已阅读并同意《用户协议》和《隐私政策》", "com.example.video:id/tv_protocol", bounds=(140, 900, W - 60, 1000))))
    neg("com.example.video", root, "login form with agreement checkbox", "zh-Hans", W, H, kind="login_agreement",
        precheck="false")
    neg("com.example.bank", page("com.example.bank", W, H, "欢迎登录", [], long_text=[
        "138****0000", "登录即代表同意《中国移动认证服务条款》以及《用户协议》和《隐私政策》"], buttons=["本机号码一键登录", "其他手机号登录"]),
        "one-tap login footnote", "zh-Hans", W, H, kind="login_agreement")
    neg("com.example.reader", page("com.example.reader", W, H, "隐私政策", [], long_text=[
        "更新日期：2024年3月1日", "书香阅读（以下简称“我们”）深知个人信息对您的重要性，并会尽全力保护您的个人信息安全可靠。",
        "一、我们如何收集和使用您的个人信息。我们会出于本政策所述的以下目的，收集和使用您的个人信息。",
        "二、我们如何使用Cookie和同类技术。三、我们如何共享、转让、公开披露您的个人信息。"]),
        "policy document page", "zh-Hans", W, H)
    neg("com.example.weather", page("com.example.weather", W, H, "Privacy Policy", [], webview=True, long_text=[
        "Last updated: March 2024", "This Privacy Policy describes how WeatherNow collects, uses and shares your personal information.",
        "1. Information we collect. We collect information you provide directly to us.",
        "2. How we use information. We use the information we collect to provide and improve the services."]),
        "policy document page in a WebView", "en", W, H)
    neg("com.example.map", page("com.example.map", W, H, "用户服务协议", [], long_text=[
        "欢迎您使用出行地图服务！为使用本服务，您应当阅读并遵守《用户服务协议》。请您务必审慎阅读、充分理解各条款内容。",
        "除非您已阅读并接受本协议所有条款，否则您无权使用本服务。"], buttons=["返回"]), "agreement document with back button",
        "zh-Hans", W, H)
    root = app_dialog("com.android.chrome", W, H, "", ["We use cookies to improve your experience. See our Privacy Policy."],
                      ["Reject all", "Accept all cookies"], layout="sheet", webview=True, background=["news.example.com"])
    neg("com.android.chrome", root, "cookie banner in a browser", "en", W, H)
    root = app_dialog("org.mozilla.firefox", W, H, "", ["This site uses cookies. Read our privacy policy. By continuing you agree."],
                      ["Decline", "Accept"], layout="sheet", webview=True, background=["www.example.org"])
    neg("org.mozilla.firefox", root, "consent banner of a site in a browser", "en", W, H)
    root = app_dialog("com.example.news", W, H, "", ["We use cookies and similar technologies on this site. Cookie Policy"],
                      ["Manage settings", "Accept cookies"], layout="sheet", webview=True, background=["Top stories"])
    neg("com.example.news", root, "web cookie banner in an in-app WebView", "en", W, H)
    for title, body, buttons, note, pkg in (
        ("Allow notification access for {app}?", ["{app} will be able to read all notifications, including personal "
                                                  "information such as contact names and the text of messages you receive."],
         ["Deny", "Allow"], "special access: notification listener", "com.android.settings"),
        ("Let app always run in background?", ["Allowing {app} to always run in the background may reduce battery life "
                                               "(battery optimization)."], ["Deny", "Allow"], "special access: battery", "android"),
        ("允许“{app}”访问通知？", ["“{app}”将能够读取所有通知（通知使用权），包括联系人姓名等个人信息。"], ["拒绝", "允许"],
         "special access zh", "com.android.settings"),
    ):
        root = app_dialog(pkg, W, H, title.format(app="ChatterBox"), fmt(body, "ChatterBox"), buttons,
                          rid_prefix="android:id/")
        neg(pkg, root, note, "zh-Hans" if "允许" in title else "en", W, H)
    neg("com.android.settings", page("com.android.settings", W, H, "Display over other apps", ["Allow display over other apps"],
                                     switches=1, long_text=["Allow this app to display on top of other apps you're using."]),
        "special access page", "en", W, H)
    neg("com.android.settings", page("com.android.settings", W, H, "Install unknown apps", ["Allow from this source"], switches=1),
        "special access page", "en", W, H)
    root = page("com.google.android.permissioncontroller", W, H, "Location permission", [], long_text=[
        "LOCATION ACCESS FOR THIS APP"])
    content = root.children[0]
    y = 700
    for t in ("Allow all the time", "Allow only while using the app", "Ask every time", "Don’t allow"):
        content.add(N(cls="android.widget.RadioButton", text=t, rid="com.android.permissioncontroller:id/radio",
                      checkable=True, clickable=True, checked=t == "Don’t allow", bounds=(60, y, W - 60, y + 130)))
        y += 150
    neg("com.google.android.permissioncontroller", root, "permission settings page (radio buttons), not a prompt", "en", W, H)
    neg("com.google.android.permissioncontroller", page("com.google.android.permissioncontroller", W, H, "App permissions",
                                                        ["ALLOWED", "Camera", "NOT ALLOWED", "Location", "Microphone"]),
        "app permissions list", "en", W, H)
    for pkg, title, body, buttons, note, lang in (
        ("com.example.news", "提示", ["确定要退出今日新闻吗？"], ["取消", "退出"], "exit confirmation", "zh-Hans"),
        ("com.example.shop", "发现新版本", ["1. 优化了购物体验\n2. 修复了已知问题"], ["以后再说", "立即更新"], "update dialog", "zh-Hans"),
        ("com.example.fit", "Enjoying FitTrack?", ["Rate us on Google Play. It only takes a minute."], ["Not now", "Rate"],
         "rating dialog", "en"),
        ("com.example.photo", "", ["Failed to get camera permission, please authorize in the Settings before use."], ["OK"],
         "post-denial error", "en"),
        ("com.example.map", "定位失败", ["定位权限已被拒绝，请前往设置开启位置权限。"], ["取消", "去设置"], "post-denial error zh", "zh-Hans"),
        ("com.example.bank", "", ["确定退出登录吗？"], ["取消", "确定"], "logout confirmation", "zh-Hans"),
        ("com.example.chat", "Delete chat?", ["This chat will be deleted for you. You can't undo this."], ["Cancel", "Delete"],
         "destructive confirm", "en"),
        ("com.example.video", "青少年模式", ["为呵护未成年人健康成长，看点视频推出青少年模式。"], ["我知道了"], "youth mode notice",
         "zh-Hans"),
        ("android", "WeatherNow isn't responding", ["Do you want to close it?"], ["Close app", "Wait"], "ANR", "en"),
        ("com.android.camera2", "Remember photo locations?", ["Tag your photos and videos with the locations where they're taken."],
         ["NEXT"], "camera location tagging opt-in", "en"),
        ("org.mozilla.firefox", "Allow search suggestions in private sessions?",
         ["Firefox will share everything you type in the address bar with your default search engine."],
         ["Don’t allow", "Allow"], "browser data-sharing prompt", "en"),
        ("com.example.news", "推送通知", ["打开推送，第一时间获取热点新闻"], ["暂不", "好的"], "push opt-in without permission words",
         "zh-Hans"),
    ):
        # Decisions of issue 10 (from the real labels of ../shared/ui-samples-2): a post-denial dialog
        # that leads to the settings, and a push/notification pre-prompt, are the app asking for a
        # permission (rationales); an error with only OK is not.
        kind = "permission_rationale" if note in ("post-denial error zh", "push opt-in without permission words") \
            else "other"
        asks = kind == "permission_rationale"
        neg(pkg, app_dialog(pkg, W, H, title, body, buttons), note, lang, W, H, kind=kind,
            accept=buttons[-1] if asks else "", refuse=buttons[0] if asks else "",
            permission=("LOCATION" if "定位" in title else "NOTIFICATIONS") if asks else "")
        W, H = size()
    for pkg, titles, lang in (
        ("com.example.news", ["推荐", "关于用户隐私保护的新规出台", "热榜", "视频", "同意不同意都要看完的文章"], "zh-Hans"),
        ("com.example.weather", ["Today", "Sunny 24°", "Hourly forecast", "Privacy matters: how apps use your data"], "en"),
        ("com.example.shop", ["首页", "分类", "购物车", "我的", "同意书模板 限时特价"], "zh-Hans"),
        ("com.example.chat", ["Chats", "Alice: do you agree?", "Bob: Accept the invite", "Settings"], "en"),
        ("com.example.video", ["跳过 5", "广告"], "zh-Hans"),
        ("com.example.reader", ["书架", "继续阅读", "确定", "取消"], "zh-Hans"),
    ):
        W, H = size()
        neg(pkg, app_home(pkg, W, H, titles), "ordinary screen", lang, W, H)
    W, H = size()
    neg("com.example.fit", page("com.example.fit", W, H, "Feedback", [], edits=["Your email", "Tell us more"],
                                buttons=["Submit"]), "form", "en", W, H)
    neg("com.example.news", page("com.example.news", W, H, "隐私设置", ["个性化推荐", "允许通过手机号找到我", "系统权限管理",
                                                                 "个人信息收集清单"], switches=2), "privacy settings page", "zh-Hans", W, H)


def unknowns() -> None:
    W, H = size()
    emit("unk_empty", [], kind="unknown", note="empty hierarchy")
    emit("unk_secure", [("com.example.bank", N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H))))],
         kind="unknown", note="secure window: no text")
    (HERE / "dumps" / "unk_truncated.xml").write_text(
        (HERE / "dumps" / "notice_zh-Hans_00.xml").read_text(encoding="utf-8")[:1500], encoding="utf-8")
    rows.append({"file": "unk_truncated.xml", "kind": "unknown", "note": "truncated dump"})
    (HERE / "dumps" / "unk_null_root.xml").write_text("ERROR: null root node returned by UiTestAutomationBridge.\n",
                                                     encoding="utf-8")
    rows.append({"file": "unk_null_root.xml", "kind": "unknown", "note": "uiautomator error output"})
    (HERE / "dumps" / "unk_entities.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>\n'
        '<hierarchy rotation="0"><node text="&lol2;" bounds="[0,0][10,10]"/></hierarchy>\n', encoding="utf-8")
    rows.append({"file": "unk_entities.xml", "kind": "unknown", "note": "entity expansion refused"})


def main() -> None:
    out = HERE / "dumps"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.xml"):
        old.unlink()
    notices()
    permissions()
    rationales()
    negatives()
    unknowns()
    fields = ["file", "kind", "lang", "permission", "accept", "refuse", "precheck", "two_step", "note"]
    with open(HERE / "labels.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in fields})
    print(f"wrote {len(rows)} dumps to {out}")


if __name__ == "__main__":
    main()
