"""Finding the privacy policy on screen: which controls open it, which lead towards it.

A privacy-policy link names the policy itself (隐私政策, 个人信息保护指引, Privacy Policy), not the
user agreement; the navigation words are the places apps keep it (我的, 设置, 关于, Settings,
About, Legal). Both are matched on short labels only: a long text that merely mentions the policy
is a paragraph, not a control."""

from __future__ import annotations

import hashlib
import re

from harness.ui.hierarchy import Hierarchy, Node

PRIVACY_LINK = re.compile(
    r"隐私政策|隐私协议|隐私保护指引|隐私保护政策|隐私权政策|隐私权保护|隐私声明|隐私指引|隐私条款|隐私保护说明|"
    r"个人信息保护(?:政策|指引|规则|说明)?|个人信息处理规则|隱私政策|隱私權|privacy\s+(?:policy|notice|statement)|"
    r"data\s+protection\s+(?:policy|notice)|datenschutzerklärung",
    re.I,
)
NAV_WORDS = re.compile(
    r"我的|设置|设定|关于|更多|帮助|法律|协议|条款|隐私|账号|账户|个人中心|安全|"
    r"^me$|profile|settings?|about|legal|more|help|account|privacy|terms",
    re.I,
)
MAX_LINK_LABEL = 40


def app_nodes(h: Hierarchy, package: str) -> list[Node]:
    return [n for n in h.nodes if n.pkg == package and n.bounds and n.area > 0]


def clickables(h: Hierarchy, package: str) -> list[Node]:
    return [n for n in app_nodes(h, package) if n.clickable and n.enabled and n.label]


def policy_links(h: Hierarchy, package: str) -> list[Node]:
    """Controls that open the privacy policy, the most link-like first (clickable, short label)."""
    found = [n for n in app_nodes(h, package) if n.label and len(n.label) <= MAX_LINK_LABEL
             and PRIVACY_LINK.search(n.label) and not n.checkable and n.clickable]
    return sorted(found, key=lambda n: (not n.label.startswith("《"), len(n.label)))


def nav_candidates(h: Hierarchy, package: str) -> list[Node]:
    """Controls that may lead towards the policy, in screen order."""
    return [n for n in clickables(h, package) if len(n.label) <= 20 and NAV_WORDS.search(n.label)
            and not n.checkable]


def signature(h: Hierarchy) -> str:
    """A screen's identity: the package, labels and ids of its clickable views."""
    parts = sorted(f"{n.pkg}:{n.rid}:{n.label}" for n in h.nodes if n.clickable and n.bounds)
    parts.append("|".join(n.label for n in h.nodes[:8] if n.label))
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def center(node: Node) -> tuple[int, int]:
    b = node.bounds
    assert b is not None
    return (b[0] + b[2]) // 2, (b[1] + b[3]) // 2
