"""Every rule, table-driven, on both sides of its threshold, through the real loader."""

from __future__ import annotations

import json

import pytest
from analysis_factories import (
    AMAP_LOCATION,
    APP_CONTACTS,
    NATIVE_JPUSH,
    UMENG_IMEI,
    RunBuilder,
    consent_flow_run,
)

import analysis
from analysis.rules import RULES, RuleConfig


def _launched(scenario="baseline", **kw) -> RunBuilder:
    run = RunBuilder("r1", scenario=scenario, **kw)
    run.step("launch", 0.0, 0.5)
    run.screen(0.8, "other")
    return run


def _accepted(at=1.0, **kw) -> RunBuilder:
    run = _launched("accept", **kw)
    run.screen(0.9, "consent_notice")
    run.consent("privacy_notice", "shown", 0.9, via="observed")
    run.consent("privacy_notice", "accepted", at)
    return run


def _refused(at=1.0) -> RunBuilder:
    run = _launched("refuse")
    run.screen(0.9, "consent_notice")
    run.consent("privacy_notice", "shown", 0.9, via="observed")
    run.consent("privacy_notice", "refused", at)
    return run


def _reads(run: RunBuilder, times, category="device_id", frames=UMENG_IMEI, **kw) -> RunBuilder:
    for t in times:
        run.api(t, category, frames=frames, **kw)
    return run


def _dialog(run: RunBuilder, t: float, group: str, state: str | None = None, rationale_at: float | None = None,
            rationale_group: str | None = None) -> RunBuilder:
    if rationale_at is not None:
        run.screen(rationale_at, "permission_rationale", permission=rationale_group or group)
        run.screen(rationale_at + 0.3, "other")
    run.screen(t, "permission_dialog", permission=group)
    run.consent(f"permission:{group}", "shown", t, via="observed")
    if state:
        run.consent(f"permission:{group}", state, t + 0.5)
    run.screen(t + 0.6, "other")
    return run


def _renag(subject_kind: str, repeats: int) -> RunBuilder:
    if subject_kind == "notice":
        run = _refused(1.0)
        for i in range(repeats):
            t = 10.0 + 10 * i
            run.screen(t, "consent_notice")
            run.consent("privacy_notice", "shown", t, via="observed")
            run.screen(t + 1, "other")
        return run
    run = _accepted(1.0)
    _dialog(run, 2.0, "CAMERA", "denied", rationale_at=1.5)
    for i in range(repeats):
        _dialog(run, 10.0 + 10 * i, "CAMERA", "denied", rationale_at=9.5 + 10 * i)
    return run


def _background(read_at: float, *, with_steps=True) -> RunBuilder:
    run = _accepted(1.0)
    if with_steps:
        run.step("home", 8.0, 8.2)
        run.screen(8.5, "other", package="com.android.launcher3")
        run.step("resume", 12.0, 12.3)
        run.screen(12.5, "other")
    else:
        run.screen(8.5, "other", package="com.android.launcher3")
        run.screen(12.5, "other")
    return run.api(read_at, "location", frames=AMAP_LOCATION)


def _flow(scheme="https", host="alog.umeng.com", detect=True, t=2.0) -> RunBuilder:
    run = _accepted(1.0)
    run.flow(t, host, scheme=scheme, query="imei=867530912345678",
             detections=[("imei", "plain", "query", "imei=867530912345678")] if detect else None)
    return run


def _launch_other(args: str) -> RunBuilder:
    run = _accepted(1.0)
    return run.api(3.0, "app_launch", api="Context.startActivity", pi=False, args=args)


def _first_run(*, notice: bool, fresh=None, app_seen=True) -> RunBuilder:
    run = RunBuilder("r1", scenario="baseline", fresh=fresh)
    run.step("launch", 0.0, 0.5)
    if app_seen:
        run.screen(0.8, "other")
    else:
        run.screen(0.8, "other", package="com.android.launcher3")
    if notice:
        run.screen(1.0, "consent_notice")
    return run


def _preticked(precheck_first: bool, ticked_later: bool = False) -> RunBuilder:
    run = _launched()
    run.screen(1.0, "consent_notice", precheck=precheck_first)
    if ticked_later:
        run.screen(2.0, "consent_notice", precheck=True)  # the user ticked it: same showing
    return run


def _two_identifiers() -> RunBuilder:
    run = _accepted()
    run.api(2.0, "device_id", hook="settings.android_id", frames=UMENG_IMEI)
    return run.api(2.001, "device_id", hook="libc.open.mac", frames=UMENG_IMEI)


def _prompts_together() -> RunBuilder:
    run = _accepted()
    run.screen(2.0, "permission_rationale")
    _dialog(run, 3.0, "CAMERA", "granted")
    _dialog(run, 3.7, "LOCATION", "granted")
    return run.api(6.0, "location", frames=AMAP_LOCATION)


def _prompt_before_any_screen() -> RunBuilder:
    run = RunBuilder("r1", scenario="baseline")
    run.step("launch", 0.0, 0.5)
    run.screen(0.6, "permission_dialog", permission="CAMERA")
    return run


BUGLY_NATIVE = ["libc.so!open+0x10", "libbugly_sim.so!report+0x20"]

CASES = [
    # rule, builder, expected, note
    ("collect-before-consent", lambda: consent_flow_run(before=4.9, after=None), True, "read 100 ms before the tap"),
    ("collect-before-consent", lambda: consent_flow_run(before=None, after=5.1), False, "read 100 ms after the tap"),
    ("collect-before-consent", lambda: _reads(_launched(), [2.0]), True, "no notice at all"),
    ("collect-before-consent", lambda: _reads(_launched(), [2.0], pi=False), False, "not personal information"),
    ("collect-before-consent", lambda: _flow(t=0.95), True, "PI in traffic before acceptance"),
    ("collect-before-consent", lambda: _flow(t=1.05), False, "PI in traffic after acceptance"),
    ("collect-after-refusal", lambda: _reads(_refused(5.0), [5.1]), True, "read after refusal"),
    ("collect-after-refusal", lambda: _reads(_refused(5.0), [4.9]), False, "read before refusal"),
    ("collect-after-refusal", lambda: _reads(_dialog(_accepted(), 3.0, "LOCATION", "denied", rationale_at=2.0),
                                             [5.0], "location", AMAP_LOCATION), True, "location after denial"),
    ("collect-after-refusal", lambda: _reads(_dialog(_accepted(), 3.0, "LOCATION", "granted", rationale_at=2.0),
                                             [5.0], "location", AMAP_LOCATION), False, "location after grant"),
    ("collect-after-refusal", lambda: _reads(_dialog(_accepted(), 3.0, "LOCATION", "denied", rationale_at=2.0),
                                             [5.0]), False, "IMEI is not governed by LOCATION"),
    ("permission-before-consent", lambda: _dialog(_accepted(5.0), 2.0, "LOCATION", "granted"), True, "prompt first"),
    ("permission-before-consent", lambda: _dialog(_accepted(1.0), 3.0, "LOCATION", "granted"), False, "notice first"),
    ("sensitive-without-permission-flow", lambda: _reads(_accepted(), [3.0], "location", AMAP_LOCATION), True, "never asked"),
    ("sensitive-without-permission-flow", lambda: _reads(_dialog(_accepted(), 2.0, "LOCATION", "granted", 1.5),
                                                         [3.0], "location", AMAP_LOCATION), False, "asked first"),
    ("sensitive-without-permission-flow", lambda: _reads(_accepted(), [3.0], "contacts", APP_CONTACTS), True, "contacts"),
    ("sensitive-without-permission-flow", lambda: _reads(_accepted(), [3.0]), False, "IMEI is not in the sensitive set"),
    ("excessive-frequency", lambda: _reads(_accepted(), [2, 4, 6]), False, "3 reads, 2 s apart"),
    ("excessive-frequency", lambda: _reads(_accepted(), [2, 4, 6, 8]), True, "4 reads in a run"),
    ("excessive-frequency", lambda: _reads(_accepted(), [2.0, 2.5]), True, "2 reads within 1 s"),
    ("excessive-frequency", lambda: _reads(_accepted(), [2.0, 3.5]), False, "2 reads 1.5 s apart"),
    ("excessive-frequency", lambda: _reads(_accepted(), [2.0], count=4), True, "one rate-capped row folding 4"),
    ("excessive-frequency", _two_identifiers, False, "Android ID and MAC in the same ms are two kinds"),
    ("sensitive-without-permission-flow", _prompts_together, False, "two prompts 0.7 s apart both count as asked"),
    ("no-notice-on-first-run", _prompt_before_any_screen, True, "only the app's permission prompt was seen"),
    ("third-party-sdk", lambda: _reads(_accepted(), [2.0], frames=BUGLY_NATIVE, layer="native"), True,
     "native library name matched case-insensitively"),
    ("background-collection", lambda: _background(9.0), True, "read between home and resume"),
    ("background-collection", lambda: _background(8.1), False, "read while the home step runs"),
    ("background-collection", lambda: _background(13.0), False, "read after resume"),
    ("background-collection", lambda: _background(9.0, with_steps=False), True, "launcher seen in UI only"),
    ("background-collection", lambda: _reads(_dialog(_accepted(), 3.0, "LOCATION"), [3.2], "location", AMAP_LOCATION),
     False, "system dialog over the app is still foreground"),
    ("third-party-sdk", lambda: _reads(_accepted(), [2.0]), True, "Umeng frames"),
    ("third-party-sdk", lambda: _reads(_accepted(), [2.0], frames=NATIVE_JPUSH, layer="native"), True, "JPush native"),
    ("third-party-sdk", lambda: _reads(_accepted(), [2.0], "contacts", APP_CONTACTS), False, "app's own code"),
    ("third-party-sdk", lambda: _flow(host="t.appsflyer.com"), True, "PI to an SDK host"),
    ("pi-cleartext", lambda: _flow("http"), True, "http"),
    ("pi-cleartext", lambda: _flow("https"), False, "https"),
    ("pi-cleartext", lambda: _flow("http", detect=False), False, "http without PI"),
    ("pi-to-third-party", lambda: _flow(host="alog.umeng.com"), True, "Umeng host"),
    ("pi-to-third-party", lambda: _flow(host="api.example-shop.com"), False, "unknown (first-party) host"),
    ("renag-after-refusal", lambda: _renag("notice", 2), True, "notice shown twice more after refusal"),
    ("renag-after-refusal", lambda: _renag("notice", 1), False, "one second-chance notice"),
    ("renag-after-refusal", lambda: _renag("permission", 2), True, "permission asked twice more after denial"),
    ("renag-after-refusal", lambda: _renag("permission", 1), False, "permission asked once more"),
    ("unrelated-app-launch", lambda: _launch_other('["com.other.game/.Main"]'), True, "another package"),
    ("unrelated-app-launch", lambda: _launch_other('["com.example.shop/.Detail"]'), False, "its own activity"),
    ("no-notice-on-first-run", lambda: _first_run(notice=False), True, "fresh launch, no notice"),
    ("no-notice-on-first-run", lambda: _first_run(notice=True), False, "notice shown"),
    ("no-notice-on-first-run", lambda: _first_run(notice=False, fresh=False), False, "not a fresh launch"),
    ("no-notice-on-first-run", lambda: _first_run(notice=False, app_seen=False), False, "app never came up"),
    ("permission-without-rationale", lambda: _dialog(_accepted(), 20.0, "CAMERA", "granted", rationale_at=9.0), True,
     "rationale 11 s before"),
    ("permission-without-rationale", lambda: _dialog(_accepted(), 20.0, "CAMERA", "granted", rationale_at=10.5), False,
     "rationale 9.5 s before"),
    ("permission-without-rationale", lambda: _dialog(_accepted(), 20.0, "CAMERA", "granted", rationale_at=15.0,
                                                     rationale_group="LOCATION"), True, "rationale for another group"),
    ("permission-without-rationale", lambda: _dialog(_accepted(), 20.0, "CAMERA", "granted"), True, "no rationale"),
    ("preticked-consent", lambda: _preticked(True), True, "ticked when shown"),
    ("preticked-consent", lambda: _preticked(False), False, "not ticked"),
    ("preticked-consent", lambda: _preticked(False, ticked_later=True), False, "ticked by the user later"),
]


class _WithPolicy:
    """A run plus the `policy/` record the policy step would have written."""

    def __init__(self, run: RunBuilder, status: str, text: str | None = None, **extra):
        self.run, self.status, self.text, self.extra = run, status, text, extra

    def write(self, root):
        d = self.run.write(root)
        (d / "policy").mkdir()
        meta = {"status": self.status, "t_ns": 1_200_000_000, **self.extra}
        if self.text is not None:
            (d / "policy" / "text.txt").write_text(self.text, encoding="utf-8")
            meta["text_file"] = "policy/text.txt"
        (d / "policy" / "policy.json").write_text(json.dumps(meta), encoding="utf-8")
        return d


def _exit_after_refusal(home_first: bool) -> RunBuilder:
    run = _refused(1.0)
    if home_first:
        run.step("home", 1.1)
    run.screen(1.3, "other", package="com.android.launcher3")
    return run


def _asks(groups, at=2.0, gap=1.0, used_at=None) -> RunBuilder:
    run = _accepted(fresh=True)
    if used_at is not None:
        run.step("explore", used_at, used_at + 5)
    for i, g in enumerate(groups):
        _dialog(run, at + i * gap, g, "denied")
    return run


POLICY_TEXT = "我们会收集您的设备标识符（IMEI）。\nSDK名称 | 提供方 | 使用目的\n友盟统计SDK | 友盟 | 统计分析"
CASES += [
    ("no-privacy-policy", lambda: _WithPolicy(_accepted(), "absent"), True, "none on the notice or in the app"),
    ("no-privacy-policy", lambda: _WithPolicy(_accepted(), "unreadable"), False, "found but unreadable"),
    ("policy-hard-to-reach", lambda: _WithPolicy(_accepted(), "read", POLICY_TEXT, taps_from_main=5), True, "5 taps"),
    ("policy-hard-to-reach", lambda: _WithPolicy(_accepted(), "read", POLICY_TEXT, taps_from_main=4), False, "4 taps"),
    ("pi-not-disclosed", lambda: _WithPolicy(_reads(_accepted(), [2.0], "location", AMAP_LOCATION), "read",
                                             POLICY_TEXT), True, "location not in the policy"),
    ("pi-not-disclosed", lambda: _WithPolicy(_reads(_accepted(), [2.0]), "read", POLICY_TEXT), False, "IMEI declared"),
    ("pi-not-disclosed", lambda: _WithPolicy(_reads(_accepted(), [2.0], "location", AMAP_LOCATION), "unreadable"),
     False, "policy not read"),
    ("sdk-not-disclosed", lambda: _WithPolicy(_reads(_accepted(), [2.0], "location", AMAP_LOCATION), "read",
                                              POLICY_TEXT), True, "AMap not listed"),
    ("sdk-not-disclosed", lambda: _WithPolicy(_reads(_accepted(), [2.0]), "read", POLICY_TEXT), False, "Umeng listed"),
    ("forced-consent", lambda: _exit_after_refusal(False), True, "left the screen after the refusal"),
    ("forced-consent", lambda: _exit_after_refusal(True), False, "the harness pressed HOME"),
    ("forced-consent", lambda: _refused(1.0).step("explore", 0.95, 4.0).screen(1.3, "other", package="com.android.launcher3"),
     False, "refused during explore, which then left the app"),
    ("forced-consent", lambda: _dialog(_accepted(), 2.0, "LOCATION").consent("permission:LOCATION", "denied", 2.4,
                                                                            via="observed")
     .screen(2.5, "other", package="com.android.launcher3"), False, "a prompt dismissed, not refused by the user"),
    ("permission-bundle", lambda: _asks(["CAMERA", "LOCATION"]), True, "two groups 1 s apart"),
    ("permission-bundle", lambda: _asks(["CAMERA", "LOCATION"], gap=8.0), False, "8 s apart"),
    ("permission-bundle", lambda: _asks(["CAMERA", "LOCATION"], used_at=1.5), False, "after the app was used"),
]


@pytest.mark.parametrize(("rule", "build", "expected", "note"), CASES, ids=[f"{c[0]}:{c[3]}" for c in CASES])
def test_rule_cases(tmp_path, rule, build, expected, note):
    build().write(tmp_path)
    findings = analysis.evaluate(analysis.open_runs(tmp_path))
    got = findings[findings["rule"] == rule]
    assert (len(got) > 0) == expected, f"{rule} ({note}): {findings[['rule', 'category', 'count']].to_dict('records')}"
    if expected:
        assert got["severity"].iloc[0] in ("info", "low", "medium", "high")
        assert json.loads(got["evidence"].iloc[0])["consent"]["privacy_notice"] is not None


def test_every_rule_has_a_case_on_each_side():
    sides = {(c[0], c[2]) for c in CASES}
    for rule in RULES:
        assert (rule.id, True) in sides and (rule.id, False) in sides, rule.id


def test_thresholds_are_configurable(tmp_path):
    _reads(_accepted(), [2, 4, 6, 8]).write(tmp_path)
    runs = analysis.open_runs(tmp_path)
    assert "excessive-frequency" in set(analysis.evaluate(runs)["rule"])
    lax = RuleConfig(max_reads_per_run=10, max_reads_per_second=5)
    assert "excessive-frequency" not in set(analysis.evaluate(runs, lax)["rule"])
    only = RuleConfig(rules=("third-party-sdk",))
    assert set(analysis.evaluate(runs, only)["rule"]) == {"third-party-sdk"}


def test_excessive_frequency_evidence_counts(tmp_path):
    _reads(_accepted(), [2.0, 2.3, 2.6, 9.0], count=1).write(tmp_path)
    found = analysis.evaluate(analysis.open_runs(tmp_path))
    row = found[found["rule"] == "excessive-frequency"].iloc[0]
    detail = json.loads(row["evidence"])["detail"]
    assert detail["total_reads"] == 4 and detail["peak_reads_in_window"] == 3
    assert detail["reads_by_sdk"] == {"umeng-analytics": 4} and row["sdk"] == "umeng-analytics"


def test_shell_commands_are_kinds_of_their_own(tmp_path):
    """Two identifiers read through the same popen in one second are two kinds of read (as the
    Android ID and the MAC through two APIs are); the same command three times is frequent."""
    run = _accepted()
    for t, cmd in ((2.0, "getprop ro.serialno"), (2.1, "settings get secure android_id")):
        run.api(t, "device_id", hook="libc.popen", api="popen", layer="native", frames=UMENG_IMEI,
                args=json.dumps({"command": cmd, "reads": [{"tool": cmd.split()[0], "target": "x",
                                                              "category": "device_id"}]}))
    run.write(tmp_path / "a")
    assert "excessive-frequency" not in set(analysis.evaluate(analysis.open_runs(tmp_path / "a"))["rule"])
    again = _accepted()
    for t in (2.0, 2.1, 2.2, 2.3):
        again.api(t, "device_id", hook="libc.popen", api="popen", layer="native", frames=UMENG_IMEI,
                  args=json.dumps({"command": "getprop ro.serialno"}))
    again.write(tmp_path / "b")
    assert "excessive-frequency" in set(analysis.evaluate(analysis.open_runs(tmp_path / "b"))["rule"])
