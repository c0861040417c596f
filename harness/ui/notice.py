"""Privacy notices: a window that asks the user to agree to a privacy policy / user agreement, with
its controls; and login agreements. Decided from structure: privacy/terms wording or links in the
window, and controls whose roles come from wording (agree / disagree labels), position (the one
button beside or above a refusal is the primary, whatever it says) and form (a checkbox next to an
"I have read and agree" line). Variants: dialog, bottom sheet, full page, WebView text in
content-desc, agree-only, the checkbox form (`precheck` = its tick state), a refuse control that is
only a text link, and the second step of a refusal (仍不同意 / 退出应用, with 查看协议 as `back`).

A login or sign-up page carrying an agreement (a checkbox guarding the login button, or a "by
signing in you agree" line) is `login_agreement`, not the first-run notice. Not notices: a settings
page with a "Privacy" entry, a policy document page without a control to agree, a web page's cookie
banner (see docs/ui.md), special-access dialogs."""

from __future__ import annotations

import re

from harness.ui import lexicon as lx
from harness.ui.hierarchy import Node
from harness.ui.model import Classification, Control
from harness.ui.screen import Candidate, Screen, accept_score, best, make_control, refuse_score, texts_of

_AGREE_TEXT = re.compile(r"同意|阅读|閱讀|agree|accept|have read|gelesen|zustimm|accepte|acepto|he leído|동의|読み|akkoord|accett|"
                         r"aceito|concordo|принима|соглас|akceptuj|zgadzam|godkänn|godta|kabul", re.I)
_CHECK_RID = re.compile(r"check|agree|protocol|agreement|privacy|consent|select|radio|tick|policy|xieyi", re.I)
_LINK = re.compile(r"^[《<「“\"].*[》>」”\"]$")
_LINK_REFUSE = re.compile(r"不同意|拒绝|拒絕|disagree|decline|do not agree|don't agree|ablehnen|refuser|rechazar", re.I)


def _checkbox(s: Screen) -> Node | None:
    """The consent checkbox: a checkable view (or a clickable icon with a telling id) next to text
    that says "I have read and agree to ... policy"."""
    nodes = s.nodes
    for i, n in enumerate(nodes):
        short = n.short_cls
        is_box = n.checkable or short in ("CheckBox", "CheckedTextView", "RadioButton") or (
            n.clickable and short in ("ImageView", "View", "ImageButton", "FrameLayout") and _CHECK_RID.search(n.rid)) or (
            bool(n.desc) and len(n.desc) <= 40 and lx.CHECKBOX_DESC.search(n.desc) is not None)
        if not is_box or short == "Switch" or n.bounds is None:
            continue
        near = [n] + nodes[max(0, i - 3): i] + nodes[i + 1: i + 7]
        for m in near:
            lab = m.label
            if lab and _AGREE_TEXT.search(lab) and (lx.POLICY_STRONG.search(lab) or lx.POLICY_WEAK.search(lab) or (
                    len(lab) <= 40 and lx.POLICY_STRONG_LC.search(s.low))):
                return n
    return None


def ticked(s: Screen, box: Node) -> bool | None:
    """Is the consent box ticked? A checkable view says so; an icon drawn as a box may say it in
    its (or its parent's) content-desc; otherwise the view does not tell (None)."""
    if box.checkable:
        return box.checked
    descs = [box.desc] + ([s_n.desc for s_n in s.nodes if s_n.idx == box.parent] if box.parent >= 0 else [])
    for d in descs:
        if d and lx.UNCHECKED_DESC.search(d):
            return False
        if d and lx.CHECKED_DESC.search(d):
            return True
    return True if box.checked else None


def _link_refuse(s: Screen) -> Node | None:
    """A refuse link inside running text (the whole sentence is the clickable view)."""
    for n in s.nodes:
        lab = n.label
        if n.clickable and 6 < len(lab) <= 80 and _LINK_REFUSE.search(lab) and n.bounds is not None:
            return n
    return None


def _paired_button(s: Screen, ref: Candidate) -> Candidate | None:
    """The one other button beside (or above) the refusal: the notice's primary control whatever
    its words (知道了, 继续使用, 同意并使用, 请先阅读并同意以上条款)."""
    rb = ref.node.bounds
    if rb is None or ref.node.short_cls.startswith("Image"):
        return None
    found: list[Candidate] = []
    for c in s.candidates:
        b = c.node.bounds
        if c is ref or b is None or not c.in_clickable or len(c.key) > 20 or not c.key or _LINK.match(c.node.label):
            continue
        if not (c.node.clickable or "Button" in c.node.cls) or c.node.short_cls.startswith("Image"):
            continue
        same_row = abs((b[1] + b[3]) - (rb[1] + rb[3])) // 2 < max(40, (rb[3] - rb[1]))
        stacked = abs(b[0] + b[2] - rb[0] - rb[2]) // 2 < 200 and 0 < rb[1] - b[3] < 300
        if same_row or stacked:
            found.append(c)
    return found[0] if len(found) == 1 else None


def _height(b: tuple[int, int, int, int]) -> int:
    return b[3] - b[1]


def _is_login(s: Screen) -> bool:
    """A login or sign-up form: a credential field (password, or an input labelled phone / code /
    e-mail), or a short control that logs in or signs up."""
    if s.has_edittext:
        for n in s.nodes:
            if n.short_cls.endswith("EditText") and (n.password or lx.LOGIN_HINT.search(n.label + " " + n.rid)):
                return True
        if any(len(t) <= 30 and lx.LOGIN_HINT.search(t) for t in s.labels):
            return True
    return any(c.in_clickable and not lx.LOGOUT_WORD.search(c.node.label) and (
        c.key in lx.LOGIN_BUTTON or (len(c.key) <= 16 and lx.LOGIN_WORD.search(c.node.label))) for c in s.candidates)


def _agreement_line(s: Screen) -> bool:
    """The page names the agreement: a sentence or a link carrying policy/terms wording (not a
    paragraph of an article that happens to say "privacy")."""
    for n in s.nodes:
        lab = n.label
        if not lab or len(lab) > 240:
            continue
        if lx.POLICY_STRONG.search(lab) or (len(lab) <= 30 and lx.POLICY_WEAK.search(lab) and n.clickable):
            return True
    return False


def _login_agreement(s: Screen, lang: str | None, policy: bool) -> Classification | str:
    """A login or sign-up page carrying an agreement (a checkbox that guards the login button, or a
    "by signing in you agree to ..." line): not the first-run notice, but its tick state matters
    (a pre-ticked box is `preticked-consent`)."""
    if not policy or not _agreement_line(s):
        return "login or sign-up form without privacy/terms wording"
    box = _checkbox(s)
    login = next((c for c in s.candidates if c.in_clickable and c.key in lx.LOGIN_BUTTON), None)
    checkbox = make_control(box, "checkbox", style="checkbox") if box is not None else None
    precheck = ticked(s, box) if box is not None else None
    accept = make_control(login.node, "accept") if login is not None else None
    why = "login or sign-up page with an agreement checkbox" if checkbox else \
        "login or sign-up page with an agreement line (agreeing by logging in)"
    controls = tuple(c for c in (accept, checkbox) if c is not None)
    return Classification(kind="login_agreement", reason=why, confidence=0.8 if checkbox else 0.65, lang=lang,
                          accept=accept, checkbox=checkbox, precheck=precheck, package=s.package, controls=controls,
                          texts=texts_of(s))


def notice(s: Screen, lang: str | None) -> Classification | str:
    """A consent_notice Classification, or the reason this window is not one."""
    blob = s.blob
    policy = lx.POLICY_STRONG_LC.search(s.low)
    policy_weak = policy or lx.POLICY_WEAK_LC.search(s.low)
    framing = lx.FRAMING_LC.search(s.low)
    question = lx.CONFIRM_QUESTION_LC.search(s.low)
    pair_gate = False
    if not (policy_weak or framing or question):
        pair_gate = s.longest_text >= 60 and s.clickable_count <= 6 and not lx.PERMISSION_WORD_LC.search(s.low)
        if not pair_gate:
            return "no consent wording"

    acc = best([(accept_score(c), c) for c in s.candidates])
    ref_scored = [(refuse_score(c), c) for c in s.candidates]
    if acc is not None:
        ref_scored = [x for x in ref_scored if x[1].node.idx != acc[1].node.idx]
    ref = best(ref_scored)
    a_score = acc[0] if acc else 0
    r_score = ref[0] if ref else 0
    if any(lx.COOKIE.search(c.node.label) for c in s.candidates if c.in_clickable):
        return "cookie banner (consent to a web page's cookies, not the app's notice)"
    if _is_login(s) and not (a_score >= 3 and r_score >= 3):
        return _login_agreement(s, lang, bool(policy_weak))

    if a_score < 3 and ref is not None:
        paired = _paired_button(s, ref[1])
        if paired is not None and (acc is None or acc[1] is paired):
            acc, a_score = (2, paired), 2

    box = _checkbox(s) if policy_weak else None
    confirm = [c for c in s.candidates if c.key in lx.REFUSE_CONFIRM and refuse_score(c) + int(c.in_clickable) > 0]
    two_step = bool(question and confirm and s.longest_text < 160 and (policy_weak or _AGREE_TEXT.search(blob)))

    if two_step:
        conf, why = 0.8, "second step of a refusal (asks again; refuse control ends it)"
    elif policy and a_score >= 3:
        conf = 0.75 + 0.1 * (r_score > 0) + 0.1 * bool(framing)
        why = "privacy/terms notice with an agree control"
    elif policy and a_score == 2 and r_score >= 1:
        conf, why = 0.7, "privacy/terms notice: a refusal and the button paired with it (the agree control)"
    elif (framing or pair_gate) and a_score >= 3 and r_score >= 3 and (pair_gate or _AGREE_TEXT.search(blob)):
        conf, why = 0.65, "consent request: agree/disagree pair under wording that asks to read and agree"
    elif policy_weak and box is not None and a_score >= 1:
        conf, why = 0.85, "checkbox form: tick the consent box, then the button"
    elif policy and framing and a_score >= 1 and (r_score > 0 or s.clickable_count <= 6 or not s.full_screen):
        conf, why = 0.65, "privacy notice with a generic confirm control"
    elif policy_weak and framing and a_score >= 3:
        conf, why = 0.6, "consent request mentioning privacy"
    elif policy or policy_weak:
        return "privacy/terms wording without a control to agree"
    else:
        return "no consent notice"

    accept: Control | None = make_control(acc[1].node, "accept") if acc else None
    refuse: Control | None = None
    back: Control | None = None
    if two_step:
        pick = max(confirm, key=lambda c: (refuse_score(c), c.in_clickable))
        refuse = make_control(pick.node, "refuse")
        if accept is not None and (accept.bounds == refuse.bounds or a_score < 3):
            accept = None  # only a real agree label agrees on a second step
        # 查看协议 / 再想想 goes back to the notice: a control of its own ("back"), never `accept`,
        # so a tap on it is not taken for agreeing.
        back_c = next((c for c in s.candidates if c.in_clickable and c.node.idx != pick.node.idx
                       and len(c.key) <= 12 and lx.REVIEW_AGAIN.search(c.node.label)), None)
        back = make_control(back_c.node, "back") if back_c is not None else None
    elif ref is not None:
        node = ref[1].node
        refuse = make_control(node, "refuse")
        if accept is not None and "Button" not in node.cls and _height(refuse.bounds) * 1.5 <= _height(accept.bounds):
            refuse = make_control(node, "refuse", style="link")  # a small text under a big button
    else:
        link = _link_refuse(s)
        if link is not None:
            refuse = make_control(link, "refuse", style="link")
    checkbox: Control | None = None
    precheck: bool | None = None
    if box is not None:
        checkbox = make_control(box, "checkbox", style="checkbox")
        precheck = ticked(s, box)
    if refuse is None:
        conf -= 0.1
        why += "; no refuse control found"
    controls = tuple(c for c in (accept, refuse, checkbox, back) if c is not None)
    return Classification(kind="consent_notice", reason=why, confidence=max(0.3, min(conf, 0.98)), lang=lang,
                          accept=accept, refuse=refuse, checkbox=checkbox, precheck=precheck,
                          refusal_confirm=two_step, package=s.package, controls=controls, texts=texts_of(s))
