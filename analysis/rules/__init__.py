"""The findings rules of DESIGN.md, in evaluation order, with severity, explanation and references.

References: `Regs Art.7(n)` is item (n) of Article 7 of the Regulations on the Management of Mobile
Internet Application Information Services (移动互联网应用程序信息服务管理规定, CAC 2016);
`MIIT x.y` is item y of section x of the method for identifying illegal collection and use of
personal information by apps (App违法违规收集使用个人信息行为认定方法, 国信办秘字〔2019〕191号);
full texts in docs/rules.md."""

from __future__ import annotations

from analysis.rules.base import HIT_COLUMNS, SEVERITIES, SEVERITY_RANK, Rule
from analysis.rules.collection import (
    background_collection,
    collect_after_refusal,
    collect_before_consent,
    excessive_frequency,
    sensitive_without_permission_flow,
    unrelated_app_launch,
)
from analysis.rules.config import RuleConfig
from analysis.rules.policy import no_privacy_policy, pi_not_disclosed, policy_hard_to_reach, sdk_not_disclosed
from analysis.rules.policy_consent import forced_consent, permission_bundle
from analysis.rules.screens import (
    no_notice_on_first_run,
    permission_before_consent,
    permission_without_rationale,
    preticked_consent,
    renag_after_refusal,
)
from analysis.rules.traffic import pi_cleartext, pi_to_third_party, third_party_sdk

RULES: tuple[Rule, ...] = (
    Rule("collect-before-consent", "high",
         "Personal information was read or sent before the privacy notice was accepted.",
         ("MIIT 3.1", "Regs Art.7(2)", "Regs Art.7(4)"), collect_before_consent),
    Rule("collect-after-refusal", "high",
         "Personal information was read or sent after the user refused the privacy notice or the matching permission.",
         ("MIIT 3.2", "Regs Art.7(4)"), collect_after_refusal),
    Rule("permission-before-consent", "high",
         "A runtime permission was requested before the privacy notice was accepted.",
         ("MIIT 3.1", "Regs Art.7(4)"), permission_before_consent),
    Rule("sensitive-without-permission-flow", "medium",
         "Location, contacts, camera or microphone was used without the user ever being asked for the permission.",
         ("MIIT 2.3", "MIIT 3.1", "Regs Art.7(4)"), sensitive_without_permission_flow),
    Rule("excessive-frequency", "medium",
         "One kind of personal information was read more often than the function needs.",
         ("MIIT 4.4", "Regs Art.7(2)"), excessive_frequency),
    Rule("background-collection", "high",
         "Personal information was read while the app was not in the foreground.",
         ("MIIT 3.3", "MIIT 4.4", "Regs Art.7(2)"), background_collection),
    Rule("third-party-sdk", "info",
         "A third-party SDK collected (by stack) or received (by host) personal information; it must be listed in the privacy policy.",
         ("MIIT 2.1", "MIIT 5.1"), third_party_sdk),
    Rule("pi-cleartext", "high",
         "Personal information was sent over unencrypted HTTP.",
         ("Regs Art.7(2)", "GB/T 35273-2020 6.3"), pi_cleartext),
    Rule("pi-to-third-party", "medium",
         "Personal information was sent to a known third-party SDK or tracker host.",
         ("MIIT 5.1", "Regs Art.7(2)"), pi_to_third_party),
    Rule("renag-after-refusal", "medium",
         "After a refusal the privacy notice or the permission was asked for again and again.",
         ("MIIT 3.2",), renag_after_refusal),
    Rule("unrelated-app-launch", "medium",
         "The app started or installed other apps.",
         ("Regs Art.7(4)", "MIIT 4.1"), unrelated_app_launch),
    Rule("no-notice-on-first-run", "high",
         "The first launch showed no privacy notice at all.",
         ("MIIT 1.2", "Regs Art.7(2)"), no_notice_on_first_run),
    Rule("permission-without-rationale", "medium",
         "A system permission prompt appeared with no in-app explanation of its purpose just before it.",
         ("MIIT 2.3",), permission_without_rationale),
    Rule("preticked-consent", "medium",
         "The consent checkbox of the privacy notice was already ticked when it was shown.",
         ("MIIT 3.4",), preticked_consent),
    # policy rules (analysis/rules/policy.py, policy_consent.py; texts quoted in docs/rules.md)
    Rule("no-privacy-policy", "high",
         "No privacy policy was reachable from the privacy notice or the app's screens.",
         ("MIIT 1.1",), no_privacy_policy),
    Rule("policy-hard-to-reach", "medium",
         "The privacy policy is more than 4 taps away from the app's main screen.",
         ("MIIT 1.3",), policy_hard_to_reach),
    Rule("pi-not-disclosed", "high",
         "A category of personal information was read or sent that the privacy policy does not declare.",
         ("MIIT 2.1", "MIIT 3.9", "Regs Art.7(2)"), pi_not_disclosed),
    Rule("sdk-not-disclosed", "high",
         "A third-party SDK read or received personal information but the privacy policy's SDK list does not name it.",
         ("MIIT 2.1", "Regs Art.7(2)"), sdk_not_disclosed),
    Rule("forced-consent", "high",
         "Refusing the privacy notice or a permission made the app leave the screen instead of carrying on.",
         ("MIIT 3.2", "Regs Art.7(4)"), forced_consent),
    Rule("permission-bundle", "medium",
         "Several dangerous permission groups were requested together at first launch, before any function needed them.",
         ("MIIT 2.3", "Regs Art.7(4)"), permission_bundle),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

__all__ = ["HIT_COLUMNS", "RULES", "RULES_BY_ID", "SEVERITIES", "SEVERITY_RANK", "Rule", "RuleConfig"]
