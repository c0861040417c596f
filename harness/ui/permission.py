"""Runtime-permission screens: the system prompt (permissioncontroller of AOSP and Google,
packageinstaller of Android 6-9, OEM security centres) and the app's own rationale before it.

The system prompt is recognised by who draws it (package, resource ids such as
`permission_allow_foreground_only_button`) and by its choices (Allow / While using the app / Only
this time / Deny / Don't allow / Deny & don't ask again, and 允许 / 仅使用期间允许 / 拒绝 / 禁止 ...);
the group comes from the message ("Allow X to access this device's location?")."""

from __future__ import annotations

from harness.ui import lexicon as lx
from harness.ui.model import Classification, Control
from harness.ui.screen import Candidate, Screen, make_control, texts_of

# resource-id suffix -> role (AOSP GrantPermissionsActivity, Android 6-15; legacy review screen)
_RID_ROLES = (
    ("permission_allow_always_button", "allow_always"),
    ("permission_allow_foreground_only_button", "allow_foreground"),
    ("permission_allow_one_time_button", "allow_once"),
    ("permission_allow_selected_button", "allow_once"),
    ("permission_allow_all_button", "allow"),
    ("permission_allow_button", "allow"),
    ("permission_deny_and_dont_ask_again_button", "deny_dont_ask"),
    ("permission_deny_dont_ask_again_button", "deny_dont_ask"),
    ("permission_deny_button", "deny"),
    ("permission_no_upgrade_button", "deny"),
    ("permission_no_upgrade_and_dont_ask_again_button", "deny_dont_ask"),
    ("continue_button", "allow"),
    ("cancel_button", "deny"),
)
ALLOW_ROLES = ("allow_foreground", "allow", "allow_once", "allow_always")  # preference for "grant"
DENY_ROLES = ("deny", "deny_dont_ask")


def _label_role(key: str) -> str | None:
    if key in lx.PERM_DENY_DONT_ASK:
        return "deny_dont_ask"
    if key in lx.PERM_ALLOW_ALWAYS:
        return "allow_always"
    if key in lx.PERM_ALLOW_FOREGROUND:
        return "allow_foreground"
    if key in lx.PERM_ALLOW_ONCE:
        return "allow_once"
    if key in lx.PERM_DENY:
        return "deny"
    if key in lx.PERM_ALLOW:
        return "allow"
    return None


def _rid_role(rid: str) -> str | None:
    if not rid:
        return None
    tail = rid.rsplit("/", 1)[-1]
    for suffix, role in _RID_ROLES:
        if tail == suffix:
            return role
    return None


_ALLOW_PREFIX = ("yes", "turnon", "enable", "allow", "允许", "开启", "打开", "去开启", "去设置", "立即开启", "立即授权", "立即允许",
                 "前往开启", "前往设置", "erlauben", "autoriser", "permitir", "activer", "activar")
_DENY_PREFIX = ("no", "notnow", "不", "暂不", "以后", "稍后", "取消", "nichtjetzt", "plustard", "ahorano")


def _rationale_role(key: str) -> str | None:
    """`deny`, `allow` (a grant-type label: Allow, Turn on, 去开启, Settings) or `confirm` (a generic
    OK / Next / 继续, which answers a permission request only when its sentence asks for one)."""
    if key in lx.RATIONALE_DENY or (len(key) <= 16 and key.startswith(_DENY_PREFIX)):
        return "deny"
    if key in lx.RATIONALE_ALLOW or (len(key) <= 16 and key.startswith(_ALLOW_PREFIX)):
        return "allow"
    if key in lx.RATIONALE_CONFIRM:
        return "confirm"
    return None


def explicit_request(t: str) -> bool:
    """The sentence itself asks for (or about) a permission: it says permission / 权限 / 授权, or
    asks to allow / turn on a named resource (允许"X"使用您的位置, Allow X to access ..., Turn on
    notifications), or says access to a named resource (access to your contacts, 读取通讯录).
    A bare "access" ("sign in to access your library") or a resource named in passing ("use your
    camera to scan receipts") is not a request."""
    if lx.PERMISSION_WORD_STRICT.search(t) or lx.ASKING.search(t):
        return True
    group = lx.ANY_GROUP.search(t)
    return bool(group and (lx.ACCESS_WORD.search(t) or lx.ALLOW_VERB.search(t)))


def group_of_text(text: str) -> str | None:
    """The permission group a sentence names (first, most specific match). Searched lower-cased
    with the case-sensitive twins: fifteen case-insensitive alternations over a whole dialog's text
    were a fifth of the classifier's time."""
    low = text.lower()
    for group, rx in lx.PERMISSION_TERMS_LC:
        if rx.search(low):
            return group
    return None


def _choices(s: Screen) -> tuple[list[tuple[str, Candidate]], bool]:
    out: list[tuple[str, Candidate]] = []
    by_rid = False
    for c in s.candidates:
        role = _rid_role(c.node.rid)
        if role:
            by_rid = True
        else:
            role = _label_role(c.key) if c.in_clickable else None
        if role:
            out.append((role, c))
    return out, by_rid


def _message(s: Screen, choice_nodes: set[int]) -> str:
    msgs = [n.label for n in s.nodes if n.label and n.idx not in choice_nodes
            and n.rid.rsplit("/", 1)[-1] in ("permission_message", "alertTitle", "message", "permissions_message",
                                              "title", "summary", "permission_title")]
    if not msgs:
        msgs = [n.label for n in s.nodes if n.label and n.idx not in choice_nodes]
    return "\n".join(msgs)[:4000]


def _by_position(s: Screen) -> list[tuple[str, Candidate]]:
    """Roles of a system dialog's buttons when their words are unknown (a locale the lexicon lacks):
    AlertDialog ids (button1 positive, button2 negative), else the platform's order (the grant
    choice first, the denial last)."""
    buttons = [c for c in s.candidates if c.in_clickable and len(c.key) <= 30 and (
        c.node.clickable or "Button" in c.node.cls)]
    if not 2 <= len(buttons) <= 5:
        return []
    out: list[tuple[str, Candidate]] = []
    ids = {c.node.rid.rsplit("/", 1)[-1]: c for c in buttons}
    if "button1" in ids and "button2" in ids:
        return [("allow", ids["button1"]), ("deny", ids["button2"])]
    out.append(("allow", buttons[0]))
    out.append(("deny", buttons[-1]))
    return out


def system_prompt(s: Screen, lang: str | None) -> Classification | str | None:
    """A permission_dialog Classification, a negative reason (special access), or None."""
    system = s.package in lx.PERMISSION_PACKAGES
    choices, by_rid = _choices(s)
    anyway = [c for c in s.candidates if c.in_clickable and len(c.key) <= 30 and lx.DENY_ANYWAY.search(c.node.label)]
    if system and anyway:
        choices = [(r, c) for r, c in choices if c.node.idx != anyway[0].node.idx] + [("deny", anyway[0])]
    roles = {r for r, _ in choices}
    allowish = bool(roles & set(ALLOW_ROLES))
    denyish = bool(roles & set(DENY_ROLES))
    deny_anyway = system and bool(anyway)
    positional = False
    if (system and not by_rid and not (allowish and denyish) and not deny_anyway and not s.full_screen
            and not lx.SPECIAL_ACCESS_LC.search(s.low)
            and any(len(t) > 8 and (t.rstrip().endswith(("?", "？", "吗", "嗎", "か", "까")) or lx.ANY_GROUP.search(t))
                    for t in s.labels)):
        guessed = _by_position(s)
        if guessed:
            choices, positional = guessed, True
            allowish = denyish = True
    if not by_rid and lx.SPECIAL_ACCESS_LC.search(s.low) and (system or s.package in lx.SETTINGS_PACKAGES):
        return "special-access dialog (not a runtime permission)"
    if system and not by_rid and s.full_screen and not deny_anyway:
        return "permission settings page (not a prompt)"
    if system and (by_rid or (allowish and denyish) or deny_anyway):
        confidence = 0.97 if by_rid else (0.75 if positional else 0.9)
        why = f"system permission prompt ({s.package})" + (
            "; choices placed by position (their words are not in the lexicon)" if positional else "")
    elif (not system and s.package not in lx.SETTINGS_PACKAGES and denyish and allowish
          and roles & {"allow_foreground", "allow_once", "allow_always", "deny_dont_ask"}
          and any(lx.PROMPT_QUESTION.search(t) for t in s.labels)):
        confidence = 0.7
        why = f"permission prompt by its wording and choices ({s.package})"
    else:
        return None
    nodes = {c.node.idx for _, c in choices}
    group = group_of_text(_message(s, nodes))
    controls = tuple(make_control(c.node, role) for role, c in choices)
    accept = next((c for r in ALLOW_ROLES for c in controls if c.role == r), None)
    refuse = next((c for r in DENY_ROLES for c in controls if c.role == r), None)
    if deny_anyway:
        refuse = next((c for c in controls if lx.DENY_ANYWAY.search(c.text)), refuse)
        accept = None
        why += ", confirm denial for an app built for old Android"
    if group is None:
        confidence -= 0.1
    return Classification(kind="permission_dialog", reason=why, confidence=confidence, lang=lang, accept=accept,
                          refuse=refuse, permission=group, package=s.package, controls=controls, texts=texts_of(s))


def _asks(t: str) -> bool:
    """A sentence that asks for or explains a permission: names a group or the word permission /
    access, and either asks (a question, 允许…吗) or says why (purpose) or that it is off/denied."""
    if len(t) > 220:
        return False
    if not (lx.PERMISSION_WORD.search(t) or lx.ANY_GROUP.search(t)):
        return False
    return bool(lx.PURPOSE.search(t) or lx.ASKING.search(t) or lx.POST_DENIAL.search(t)
                or t.rstrip().endswith(("?", "？", "吗")))


def _near(a: tuple[int, int, int, int] | None, b: tuple[int, int, int, int] | None, reach: int) -> bool:
    """b (a control) lies below or beside a (a sentence), within `reach` pixels vertically."""
    if a is None or b is None:
        return True
    return b[1] >= a[1] - 40 and b[1] - a[3] <= reach


def _input_fields(s: Screen) -> bool:
    """The window has a field to type into (an EditText that is not itself a long message: some
    apps draw their dialog text in a read-only EditText): a form, e.g. a login, never a rationale."""
    return any(n.cls.endswith("EditText") and len(n.label) <= 40 for n in s.nodes)


def _settings_list(s: Screen) -> bool:
    """Two or more switches / check boxes: a list of settings (Notifications [on], Location [off]),
    whose rows name resources but ask for nothing."""
    return sum(1 for n in s.nodes if n.checkable) >= 2


def _permission_list(s: Screen) -> bool:
    """Three or more grant-type controls (定位权限 [去设置], 相机权限 [去设置], ...): the app's
    permission management page, which lists permissions; a rationale asks for one request."""
    return sum(1 for c in s.candidates if c.in_clickable and _rationale_role(c.key) == "allow") >= 3


def rationale(s: Screen, lang: str | None) -> Classification | None:
    """The app's own request before (or after) a system prompt: a dialog, bottom sheet, banner or
    card whose sentence asks for a permission (权限申请, 允许"X"使用您的位置？, Play audio files
    from your device?, 开启推送通知, 发现通讯录朋友) with an allow-type control next to it
    (允许 / 去开启 / Allow / Grant permission / Settings), usually a deny-type one too.

    Decided from structure (docs/ui.md, "rationale or not"): a grant-type control (Allow, Turn on,
    Settings) next to a sentence naming the resource; a generic OK / Next / 继续 only when the
    sentence itself asks for the permission (`explicit_request`); never in a form with an input
    field (login, phone binding), nor in a list of switches (a settings page) or of grant buttons
    (the app's permission management page), nor when the question is answered by a check box (a
    feature setting: "Remember photo locations?")."""
    if s.package in lx.SETTINGS_PACKAGES or s.package in lx.PERMISSION_PACKAGES:
        return None
    if s.clickable_count > 40 or not (lx.PERMISSION_WORD_LC.search(s.low) or lx.ANY_GROUP_LC.search(s.low)):
        return None
    if _input_fields(s) or _settings_list(s) or _permission_list(s):
        return None
    h = s.size[1] or 2400
    sentences = [n for n in s.nodes if n.label and 4 <= len(n.label) <= 220 and _asks(n.label)]
    if not sentences:
        return None
    allow: Candidate | None = None
    deny: Candidate | None = None
    anchor = None
    for sent in sentences:
        asks_itself = explicit_request(sent.label)
        for c in s.candidates:
            if not c.in_clickable or c.node.idx == sent.idx or c.node.checkable \
                    or not _near(sent.bounds, c.node.bounds, h // 4):
                continue
            role = _rationale_role(c.key)
            if role is None and len(c.key) <= 24 and lx.GRANT_ACTION.search(c.node.label):
                role = "allow"
            if role == "confirm":
                role = "allow" if asks_itself else None
            if allow is None and role == "allow":
                allow, anchor = c, sent
            elif deny is None and role == "deny":
                deny = c
        if allow is not None:
            break
    texts = [n.label for n in sentences]
    group = group_of_text(anchor.label if anchor is not None else "\n".join(texts)) or group_of_text(
        "\n".join(texts))
    if allow is None:
        # A text-only explanation screen (the prompt follows by itself): one short sentence names
        # the permission and its purpose, on a screen with almost nothing else, and no control
        # unless the sentence asks for the permission itself (an onboarding page with Skip / Next
        # that mentions the camera is a feature tour).
        explains = [t for t in texts if len(t) > 16 and group_of_text(t) and lx.PURPOSE.search(t)
                    and (s.clickable_count == 0 or explicit_request(t))]
        if (not explains or s.clickable_count > 2 or len(s.labels) > 8 or lx.POLICY_STRONG.search(s.blob)
                or s.longest_text > 220):
            return None
        return Classification(kind="permission_rationale", reason="in-app explanation (text only) of a permission",
                              confidence=0.6, lang=lang, permission=group_of_text(explains[0]),
                              purpose=max(explains, key=len), package=s.package, texts=texts_of(s))
    if deny is None and not (anchor is not None and (lx.PERMISSION_WORD.search(anchor.label) or group)):
        return None
    if anchor is not None and lx.POST_DENIAL.search(anchor.label) and not lx.GRANT_ACTION.search(allow.node.label):
        return None  # "failed to get the permission" + OK: an error message, not a request
    controls: tuple[Control, ...] = (make_control(allow.node, "allow"),) + (
        (make_control(deny.node, "deny"),) if deny else ())
    word = anchor is not None and bool(lx.PERMISSION_WORD.search(anchor.label))
    conf = 0.6 + 0.15 * word + 0.1 * bool(deny) + 0.1 * bool(group)
    return Classification(kind="permission_rationale", reason="in-app request for a permission with its controls",
                          confidence=min(conf, 0.95), lang=lang, accept=controls[0],
                          refuse=controls[1] if deny else None, permission=group,
                          purpose=anchor.label if anchor is not None else None,
                          package=s.package, controls=controls, texts=texts_of(s))
