"""Screens built from REAL wording placed in realistic structures (issue 10, item 3).

The texts come from `../shared/notice-texts/` at run time (nothing is copied into the project:
its README asks to learn from it, not redistribute it): `notices.jsonl` (privacy notices of 151
real apps, with their controls) and `permission_strings.jsonl` (the system grant dialog of Android
6-15 in 11 locales). Only the layout is ours: the texts, the button labels and the checkbox lines
are the apps' and the platform's own. Each notice is placed in one structure chosen by a hash of
its repository (dialog with a button row, bottom sheet over the app, full first-run page with a
text-link refusal, WebView body with native buttons, Compose-style Views, a browser's own
dialog), so the classifier meets the same wording in several shapes across the set.

Split: an item is `held-out` or `dev` by `harness.ui.evaluate.split_of("notice-texts", repo)`
(notices) or `split_of("permission-strings", "<version>/<lang>")` (system prompts), fixed before
tuning. Tune on dev only; read held-out scores, never tune on them."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from dumpkit import N, button, column, nav_bar, row, serialize, status_bar, text  # noqa: E402

from harness.ui.evaluate import shared_dir, split_of  # noqa: E402

NOTICE_TEXTS = shared_dir(Path(__file__)) / "notice-texts"

W, H = 1080, 2340
_PLACEHOLDER = re.compile(r"%\d*\$?[sd]|\$\{[^}]*\}|&[a-z_]+;|\$s")
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"(《[^》]{1,30}》)")


@dataclass(frozen=True)
class Item:
    """One built screen: its dump, the expected kind, and the part of the split it belongs to."""

    name: str
    xml: str
    kind: str
    part: str
    accept: str = ""
    refuse: str = ""
    precheck: bool | None = None
    permission: str = ""
    structure: str = ""


def _h(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")


def _fill(s: str, app: str) -> str:
    return _PLACEHOLDER.sub(app, _TAG.sub("", s or "")).strip()


def _body_views(body: str, rp: str, *, spans: bool, compose: bool) -> list[tuple[N, int]]:
    """The body as real apps draw it: one TextView, or split at 《links》 into clickable spans."""
    parts = [p for p in (_LINK.split(body) if spans else [body]) if p.strip()]
    out: list[tuple[N, int]] = []
    for p in parts:
        h = 60 + 44 * (len(p) // 24)
        is_link = bool(_LINK.fullmatch(p))
        if compose:
            out.append((N(cls="android.view.View", text=p, clickable=is_link), h))
        else:
            out.append((text(p, rp + ("tv_link" if is_link else "tv_content"), clickable=is_link), min(h, 900)))
    return out


def _notice_window(rec: dict, pkg: str, shape: str, *, accept: str, refuse: str, others: list[str],
                   checkbox: str | None, ticked: bool) -> list[tuple[str, N]]:
    app = rec.get("app") or "App"
    title = _fill(rec.get("title") or "", app)
    body = _fill(rec.get("body") or "", app)[:1500]
    rp = f"{pkg}:id/"
    compose = shape == "compose"
    btn_cls = "android.view.View" if compose else "android.widget.Button"
    if shape in ("dialog", "browser", "webview", "compose", "second_window"):
        x1, x2, y = 90, W - 90, 520
    elif shape == "sheet":
        x1, x2, y = 0, W, 1100
    else:  # full page
        x1, x2, y = 0, W, 160
    items: list[tuple[N, int]] = []
    if title:
        items.append((text(title, rp + "tv_title") if not compose else N(cls="android.view.View", text=title), 80))
    if shape == "webview":
        web = N(cls="android.webkit.WebView", rid=rp + "web_content")
        web.add(N(cls="android.view.View", desc=body[:800]))
        items.append((web, 700))
    else:
        items += _body_views(body, rp, spans=shape in ("dialog", "sheet", "compose", "browser"), compose=compose)
    inner, y2 = column(x1 + 48, y + 48, x2 - 48, items, gap=16)
    for kid in inner:
        if kid.cls == "android.webkit.WebView":
            kid.children[0].bounds = kid.bounds
    nodes: list[N] = list(inner)
    if checkbox:
        box = N(cls="android.widget.CheckBox", rid=rp + "cb_agree", checkable=True, checked=ticked, clickable=True,
                bounds=(x1 + 48, y2, x1 + 120, y2 + 72))
        lab = text(_fill(checkbox, app), rp + "tv_agree_line", bounds=(x1 + 130, y2, x2 - 48, y2 + 96))
        nodes.append(N(cls="android.widget.LinearLayout", bounds=(x1 + 48, y2, x2 - 48, y2 + 96)).add(box, lab))
        y2 += 120
    labels = [b for b in (refuse, *others, accept) if b]
    if shape == "full_page" and refuse:
        # a big primary button, the refusal as a small text link under it
        big = button(accept, rp + "btn_agree", cls=btn_cls, bounds=(x1 + 60, y2, x2 - 60, y2 + 140)) if accept else None
        link = text(refuse, rp + "tv_disagree", clickable=True, bounds=(W // 2 - 160, y2 + 170, W // 2 + 160, y2 + 226))
        nodes += [n for n in (big, link) if n is not None]
        y2 += 250
    else:
        bnodes = [button(b, rp + ("btn_agree" if b == accept else "btn_other"), cls=btn_cls) for b in labels]
        if compose:
            bnodes = [N(cls="android.view.View", clickable=True).add(N(cls="android.widget.TextView", text=b))
                      for b in labels]
        row(x1 + 48, y2, x2 - 48, bnodes, 130)
        for b in bnodes:
            for c in b.children:
                c.bounds = b.bounds
        nodes += bnodes
        y2 += 160
    panel = N(cls="android.widget.LinearLayout", rid=rp + "ll_dialog", bounds=(x1, y, x2, y2 + 48)).add(*nodes)
    if shape in ("dialog", "webview", "compose", "browser"):
        root = N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)).add(
            text(app, rp + "tv_splash", bounds=(300, 200, 780, 300)), panel))
        return [(pkg, root)]
    if shape == "second_window":
        under = N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)).add(
            N(cls="android.widget.ImageView", rid=rp + "iv_splash", bounds=(0, 0, W, H))))
        over = N(bounds=(x1, y, x2, y2 + 48)).add(N(rid="android:id/content", bounds=(x1, y, x2, y2 + 48)).add(panel))
        return [(pkg, under), (pkg, over)]
    if shape == "sheet":
        feed, _ = column(0, 200, W, [(text(t, rp + "item_title", clickable=True), 90)
                                     for t in ("首页", "推荐", "我的")])
        root = N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)).add(*feed, panel))
        return [(pkg, root)]
    root = N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)).add(panel))
    return [(pkg, root)]


_SHAPES = ("dialog", "dialog", "sheet", "full_page", "webview", "compose", "second_window", "browser")
_BROWSERS = ("com.tencent.mtt", "com.sec.android.app.sbrowser", "com.android.chrome", "com.UCMobile")


def _login_window(rec: dict, pkg: str, ticked: bool) -> list[tuple[str, N]] | None:
    app = rec.get("app") or "App"
    line = _fill(rec.get("title") or "", app)
    body = _fill(rec.get("body") or "", app)
    agree = line if _LINK.search(line) else body
    if not agree or len(agree) > 160:
        return None
    rp = f"{pkg}:id/"
    login = rec.get("accept") if rec.get("accept") and len(rec["accept"]) <= 12 else "登录"
    items = [(text(app, rp + "tv_app"), 100),
             (N(cls="android.widget.EditText", text="请输入手机号", rid=rp + "et_phone", clickable=True), 120),
             (N(cls="android.widget.EditText", text="请输入验证码", rid=rp + "et_code", clickable=True), 120),
             (button(login, rp + "btn_login"), 140)]
    nodes, y = column(80, 400, W - 80, items)
    box = N(cls="android.widget.CheckBox", rid=rp + "cb_protocol", checkable=True, checked=ticked, clickable=True,
            bounds=(80, y, 150, y + 70))
    lab = text(agree, rp + "tv_protocol", bounds=(160, y, W - 80, y + 110))
    nodes.append(N(cls="android.widget.LinearLayout", bounds=(80, y, W - 80, y + 110)).add(box, lab))
    root = N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)).add(*nodes))
    return [(pkg, root)]


def _policy_page(rec: dict, pkg: str) -> list[tuple[str, N]]:
    """A hard negative from the same wording: the policy document page (no control to agree)."""
    app = rec.get("app") or "App"
    rp = f"{pkg}:id/"
    body = _fill(rec.get("body") or "", app)
    nodes, _ = column(0, 80, W, [(N(cls="android.widget.ImageButton", desc="返回", rid=rp + "iv_back", clickable=True), 120),
                                 (text("隐私政策", rp + "tv_title"), 100), (text(body, rp + "tv_policy"), 1600)])
    root = N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)).add(*nodes))
    return [(pkg, root)]


def notice_items(path: Path = NOTICE_TEXTS / "notices.jsonl") -> Iterator[Item]:
    """Notices (first-run, agree-only, checkbox, second-chance), login agreements and policy pages."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        rec = json.loads(line)
        repo = rec["repo"]
        part = split_of("notice-texts", repo)
        pkg = "com." + re.sub(r"[^a-z0-9]", "", repo.split("/")[-1].lower())[:20] + ".app"
        kind = rec["kind"]
        accept = (rec.get("accept") or "").strip()
        refuse = (rec.get("refuse") or "").strip()
        others = [o for o in rec.get("other_controls") or [] if not o.startswith("《") and len(o) <= 12]
        h = _h(repo + str(i))
        base = f"real_{i:03d}"
        if kind == "login_agreement":
            ticked = h % 3 == 0
            win = _login_window(rec, pkg, ticked)
            if win:
                yield Item(base + "_login.xml", serialize(win), "login_agreement", part, precheck=ticked,
                           structure="login")
            continue
        if kind == "permission_rationale":
            continue  # two noisy extractions; in-app rationales are scored on the real screen sets
        if not (accept or refuse or others):
            continue
        shape = _SHAPES[h % len(_SHAPES)]
        if shape == "browser":
            pkg = _BROWSERS[h // 8 % len(_BROWSERS)]
        checkbox = rec.get("checkbox_text")
        ticked = bool(rec.get("prechecked"))
        if checkbox and not accept:
            accept = "同意" if rec.get("lang", "zh").startswith("zh") else ""
            if not accept:
                continue
        win = _notice_window(rec, pkg, shape, accept=accept, refuse=refuse, others=others, checkbox=checkbox,
                             ticked=ticked)
        style = ("old", "new", "u2")[h // 64 % 3]
        bars = style == "u2"
        if bars:
            win = [status_bar(W), *win, nav_bar(W, H)]
        yield Item(f"{base}_{shape}.xml", serialize(win, style=style, pretty=bars), "consent_notice", part,
                   accept=accept, refuse=refuse, precheck=ticked if checkbox else None, structure=shape)
        if h % 4 == 0 and len(rec.get("body") or "") > 200:
            yield Item(base + "_policy_page.xml", serialize(_policy_page(rec, pkg)), "other", part,
                       structure="policy_page")


# --- system permission prompts -----------------------------------------------------------------

_GROUP_STRINGS = {
    "LOCATION": "permgrouprequest_location", "CAMERA": "permgrouprequest_camera",
    "MICROPHONE": "permgrouprequest_microphone", "CONTACTS": "permgrouprequest_contacts",
    "CALENDAR": "permgrouprequest_calendar", "SMS": "permgrouprequest_sms", "PHONE": "permgrouprequest_phone",
    "CALL_LOG": "permgrouprequest_calllog", "STORAGE": "permgrouprequest_storage",
    "NOTIFICATIONS": "permgrouprequest_notifications", "ACTIVITY_RECOGNITION": "permgrouprequest_activityRecognition",
    "NEARBY_DEVICES": "permgrouprequest_nearby_devices", "READ_MEDIA_VISUAL": "permgrouprequest_read_media_visual",
}
_OEM = ("com.lbe.security.miui", "com.coloros.securitypermission", "com.huawei.systemmanager",
        "com.vivo.permissionmanager", "com.samsung.android.permissioncontroller")


def _strings(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    out: dict[tuple[str, str], dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out.setdefault((r["android_version_or_source"], r["lang"]), {})[r["string_name"]] = r["text"]
    return out


def _vnum(version: str) -> int:
    m = re.search(r"android-(\d+)", version)
    return int(m.group(1)) if m else 0


def _prompt(pkg: str, message: str, buttons: list[tuple[str, str]], *, aosp_ids: bool) -> list[tuple[str, N]]:
    """The grant dialog: message, then the choices stacked (Android 11+) with AOSP ids, or an OEM
    AlertDialog (android:id/button1..3) without them."""
    rp = f"{pkg}:id/"
    y = 1300
    msg = text(message, rp + "permission_message" if aosp_ids else "android:id/message", bounds=(120, y, W - 120, y + 160))
    nodes = [N(cls="android.widget.ImageView", rid=rp + "permission_icon", bounds=(500, y - 100, 580, y - 20)), msg]
    y += 190
    for label, rid in buttons:
        # an AlertDialog's ids are by meaning, not by place: button1 positive, button2 negative
        alert = "button1" if "allow" in rid or "more_info" in rid else "button2" if "deny" in rid else "button3"
        bid = rp + rid if aosp_ids else f"android:id/{alert}"
        nodes.append(button(label, bid, bounds=(90, y, W - 90, y + 130)))
        y += 140
    root = N(bounds=(60, 1100, W - 60, y + 40)).add(N(rid=rp + "grant_dialog", bounds=(60, 1100, W - 60, y + 40)).add(*nodes))
    app = N(bounds=(0, 0, W, H)).add(N(rid="android:id/content", bounds=(0, 0, W, H)).add(
        text("Example", "com.example.app:id/title", bounds=(40, 100, 600, 200))))
    return [("com.example.app", app), (pkg, root)]


def prompt_items(path: Path = NOTICE_TEXTS / "permission_strings.jsonl") -> Iterator[Item]:
    """System prompts of every version and locale in the file, AOSP and OEM-shaped, plus the
    "Don't allow anyway" second step. Versions without per-group messages (6, 10) borrow the
    message of version 11 in the same locale and keep their own buttons."""
    table = _strings(path)
    for (version, lang), s in sorted(table.items()):
        v = _vnum(version)
        part = split_of("permission-strings", f"{version}/{lang}")
        msgs = s if "permgrouprequest_location" in s else table.get(("android-11.0.0_r1", lang), {})
        allow, deny = s.get("grant_dialog_button_allow"), s.get("grant_dialog_button_deny")
        if not (allow and deny):
            continue
        for group, key in _GROUP_STRINGS.items():
            if key not in msgs or _h(f"{version}{lang}{group}") % 3:
                continue
            message = _fill(msgs[key], "Example")
            fg, once = s.get("grant_dialog_button_allow_foreground"), s.get("grant_dialog_button_allow_one_time")
            if v >= 11 and group in ("LOCATION", "CAMERA", "MICROPHONE") and fg and once:
                buttons = [(fg, "permission_allow_foreground_only_button"), (once, "permission_allow_one_time_button"),
                           (deny, "permission_deny_button")]
            elif v == 10 and group == "LOCATION" and fg:
                buttons = [(fg, "permission_allow_foreground_only_button"), (deny, "permission_deny_button")]
            else:
                buttons = [(allow, "permission_allow_button"), (deny, "permission_deny_button")]
            pkg = "com.android.packageinstaller" if v <= 9 else "com.google.android.permissioncontroller"
            yield Item(f"prompt_{v}_{lang}_{group}.xml", serialize(_prompt(pkg, message, buttons, aosp_ids=True)),
                       "permission_dialog", part, accept=buttons[0][0], refuse=deny, permission=group,
                       structure=f"aosp-{v}")
            oem = _OEM[_h(f"{lang}{group}{v}") % len(_OEM)]
            yield Item(f"prompt_{v}_{lang}_{group}_oem.xml",
                       serialize(_prompt(oem, message, list(reversed(buttons)), aosp_ids=False)),
                       "permission_dialog", part, accept=buttons[0][0], refuse=deny, permission=group,
                       structure=f"oem-{v}")
        anyway = s.get("grant_dialog_button_deny_anyway")
        if anyway and "grant_dialog_button_more_info" in s:
            pkg = "com.google.android.permissioncontroller"
            msg = _fill(msgs.get("permgrouprequest_location", ""), "Example")
            buttons = [(s["grant_dialog_button_more_info"], "permission_more_info_button"),
                       (anyway, "permission_deny_anyway_button")]
            yield Item(f"prompt_{v}_{lang}_deny_anyway.xml", serialize(_prompt(pkg, msg, buttons, aosp_ids=False)),
                       "permission_dialog", part, refuse=anyway, structure=f"deny-anyway-{v}")


def all_items() -> list[Item]:
    """Every built item, or an empty list when ../shared/notice-texts is absent."""
    if not (NOTICE_TEXTS / "notices.jsonl").exists():
        return []
    return [*notice_items(), *prompt_items()]
