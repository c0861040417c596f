"""The `policy` scenario step: open the privacy policy, read it to the end, keep it in `policy/`,
and count the taps from the app's main screen to it; and `run --policy` (a policy supplied).

Where the text comes from, best first: the HTML page the app loaded while the policy was open
(the capture proxy saw it: tables and all), the texts of the screen's views (a WebView's text is in
its content-desc), OCR of the screenshots when neither has text (only if an OCR engine is
installed: harness/ui/ocr*). Everything read is capped; a page that never ends stops after
`max_scrolls` swipes; a policy that cannot be read is recorded as unreadable, never as absent, and
no failure here stops the run (the step reports what happened)."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import InputError
from harness.run.context import RunContext
from harness.run.policy_flows import best_page, html_pages
from harness.run.policy_nav import center, nav_candidates, policy_links, signature
from harness.run.policy_store import POLICY_DIR, PolicyStore
from harness.scenario.model import PolicyOptions, Step

KEY_BACK = 4
OPEN_TIMEOUT_S = 3.0
MAX_SCREEN_CHARS = 400_000
MAX_SUPPLIED_BYTES = 8 << 20
PAGE_LEAD_NS = 500_000_000  # a page request may start just before the tap lands (the app preloads)


@dataclass
class ReadResult:
    opened: bool
    text: str = ""
    html: bytes | None = None
    url: str | None = None
    screen_text: str = ""
    activity: str | None = None
    screenshots: list[str] = field(default_factory=list)
    scrolls: int = 0
    how: str = "none"  # html | screen | ocr | none
    window: tuple[int, int] | None = None  # run clock: the tap, and the end of reading


def _parse(ctx: RunContext):
    from harness.ui.hierarchy import parse

    return parse(ctx.device.ui_dump())


def _sleep(ctx: RunContext, seconds: float, monitor: Callable[[], None]) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        monitor()
        time.sleep(min(0.1, max(0.0, end - time.monotonic())))


def _shot(ctx: RunContext, tag: str) -> str | None:
    if ctx.observer is None:
        return None
    return ctx.observer.screenshot(ctx.now_ns(), tag)


def _ocr_text(pngs: list[bytes]) -> str | None:
    """Text of screenshots through the project's OCR module when one is installed, else None."""
    try:
        import importlib

        ocr = importlib.import_module("harness.ui.ocr")
    except ImportError:
        return None
    fn = next((getattr(ocr, n) for n in ("ocr_text", "image_text", "recognize_png", "read_png") if hasattr(ocr, n)), None)
    if fn is None:
        return None
    parts = []
    for png in pngs:
        try:
            got = fn(png)
        except Exception:  # noqa: BLE001 - OCR is a best effort on hostile images
            continue
        parts.append(got if isinstance(got, str) else " ".join(map(str, got or ())))
    return "\n".join(p for p in parts if p) or None


def _answer_prompt(ctx: RunContext, step_id: int | None) -> bool:
    """A system permission prompt on top is answered through the responder (the scenario's
    standing answer, else its default), recorded with the tap like every decision the harness
    makes; True when there was one. The policy step must never press BACK on a prompt: BACK denies
    it, and a denial nobody recorded (the app's second prompt then came up over the notice as its
    first: permissions_over_notice lost its permission-bundle at load 4)."""
    if ctx.observer is None:
        return False
    obs = ctx.observer.poll()
    if obs is None or obs.classification.kind != "permission_dialog":
        return False
    ctx.responder.answer_pending(step_id, fallback=True)
    return True


def read_opened(ctx: RunContext, before: str, opts: PolicyOptions, t_tap: int,
                monitor: Callable[[], None], step_id: int | None = None) -> ReadResult:
    """After a tap on a policy entry: did a page open, and what does it say (scrolled to the end).
    A permission prompt that comes up meanwhile is not the page: it is answered, and the wait goes on."""
    deadline = time.monotonic() + OPEN_TIMEOUT_S
    h = _parse(ctx)
    while time.monotonic() < deadline:
        if signature(h) != before:
            if not _answer_prompt(ctx, step_id):
                break
        _sleep(ctx, 0.25, monitor)
        h = _parse(ctx)
    if signature(h) == before or _is_prompt(ctx):
        return ReadResult(opened=False)
    _sleep(ctx, opts.settle_seconds, monitor)
    result = ReadResult(opened=True)
    first = _shot(ctx, "policy")
    seen: dict[str, None] = {}
    size = 0
    for i in range(opts.max_scrolls + 1):
        h = _parse(ctx)
        new = [n.label for n in h.nodes if n.label and n.pkg == ctx.app.package and n.label not in seen]
        for label in new:
            if size < MAX_SCREEN_CHARS:
                seen[label] = None
                size += len(label)
        if i and not new:
            break
        if i == opts.max_scrolls:
            break
        xs = [n.bounds for n in h.nodes if n.bounds]
        width = max((b[2] for b in xs), default=1080)
        height = max((b[3] for b in xs), default=2340)
        ctx.device.ui_swipe(width // 2, int(height * 0.75), width // 2, int(height * 0.3), 300)
        result.scrolls += 1
        _sleep(ctx, opts.settle_seconds, monitor)
    last = _shot(ctx, "policy-end")
    result.screenshots = [s for s in (first, last) if s]
    result.screen_text = "\n".join(seen)
    current = ctx.observer.poll() if ctx.observer is not None else None
    result.activity = f"{current.package}/{current.activity}" if current is not None and current.package else None
    # The page the screen loaded, when its flow is already journalled. It may complete later (a slow
    # server; the proxy journals a flow when its response completes; under load the sim's answer came
    # 5.7 s after the tap): the window is kept, and attach_late_page() looks again once the proxy
    # has stopped, instead of this step waiting for a page that may never come.
    result.window = (t_tap - PAGE_LEAD_NS, ctx.now_ns())
    best = best_page(html_pages(ctx.run_dir, *result.window))
    if best is not None:
        result.url, result.text, result.html, result.how = best[0].url, best[1], best[2], "html"
    elif result.screen_text.strip():
        result.text, result.how = result.screen_text, "screen"
    else:
        pngs = []
        for rel in result.screenshots:
            try:
                pngs.append((ctx.run_dir / rel).read_bytes())
            except OSError:
                pass
        ocr = _ocr_text(pngs)
        if ocr:
            result.text, result.how = ocr, "ocr"
    return result


def _save(store: PolicyStore, result: ReadResult, via: str, ctx: RunContext) -> None:
    """Keep what a look read: the first text found, or a page's HTML over a screen's text read
    before it; a look whose text did not come from a page leaves its window for attach_late_page()."""
    if result.opened and result.window is not None and result.how != "html":
        store.note(page_window={"via": via, "from": result.window[0], "to": result.window[1]})
    if not result.text.strip():
        return
    current = store.record
    if current.text_file and (current.source.get("text_from") == "html" or result.how != "html"):
        return
    source = {"kind": "url" if result.url else "screen", "url": result.url, "screen": result.activity,
              "text_from": result.how}
    store.save_text(result.text, via=via, source=source, t_ns=ctx.now_ns(), html=result.html,
                    screen_text=result.screen_text or None)


def attach_late_page(run_dir: Path) -> str | None:
    """After the run (the proxy stopped, every flow it finished is journalled; before compaction):
    when the policy's text came from the screen or OCR, or none was read, the HTML page whose request
    started while the policy was open becomes the policy's source (a WebView's page that completed
    after the step read the screen). Returns the page's URL when one was attached. Association is by
    the request's start time, so how long the server took does not matter."""
    run_dir = Path(run_dir)
    if not (run_dir / POLICY_DIR / "policy.json").is_file():
        return None
    store = PolicyStore(run_dir)
    r = store.record
    if r.supplied or r.source.get("text_from") == "html":
        return None
    for window in r.page_windows:
        try:
            t_from, t_to, via = int(window["from"]), int(window["to"]), str(window.get("via") or "notice")
        except (KeyError, TypeError, ValueError):
            continue
        best = best_page(html_pages(run_dir, t_from, t_to))
        if best is None:
            continue
        page, text, body = best
        source = {**r.source, "kind": "url", "url": page.url, "text_from": "html", "page_after_run": True}
        store.save_text(text, via=r.via or via, source=source, t_ns=r.t_ns or t_to, html=body)
        return page.url
    return None


def _wait_notice(ctx: RunContext, step_id: int, seconds: float):
    """The privacy notice, answering permission prompts in its way (as the consent step does).
    The wait is the app's time to show its notice: answering a prompt is harness time, so each
    answer gives the app a whole wait again (bounded by the prompts a launch can raise). On a
    loaded machine answering two prompts took longer than the whole time-scaled wait, and the
    notice under them was never read."""
    deadline = time.monotonic() + seconds
    answered = 0
    while time.monotonic() < deadline:
        obs = ctx.observer.wait_for({"consent_notice", "permission_dialog"}, max(0.1, deadline - time.monotonic()))
        if obs is None:
            return None
        if obs.classification.kind == "permission_dialog":
            ctx.responder.answer_pending(step_id, fallback=True)
            answered += 1
            if answered <= MAX_PROMPTS_BEFORE_NOTICE:
                deadline = max(deadline, time.monotonic() + seconds)
            continue
        return obs
    return None


MAX_PROMPTS_BEFORE_NOTICE = 8


def _is_prompt(ctx: RunContext) -> bool:
    obs = ctx.observer.poll() if ctx.observer is not None else None
    return obs is not None and obs.classification.kind == "permission_dialog"


def _back(ctx: RunContext, step_id: int | None, monitor: Callable[[], None], opts: PolicyOptions) -> None:
    """BACK towards where the step started, except on a permission prompt, which is answered."""
    if not _answer_prompt(ctx, step_id):
        ctx.device.ui_key(KEY_BACK)
    _sleep(ctx, opts.settle_seconds, monitor)


def _back_to_notice(ctx: RunContext, monitor: Callable[[], None], opts: PolicyOptions, step_id: int | None = None) -> bool:
    for _ in range(3):
        obs = ctx.observer.poll()
        if obs.classification.kind == "consent_notice":
            return True
        _back(ctx, step_id, monitor, opts)
    return ctx.observer.poll().classification.kind == "consent_notice"


def from_notice(ctx: RunContext, store: PolicyStore, opts: PolicyOptions, monitor: Callable[[], None],
                step_id: int | None = None) -> str:
    h = _parse(ctx)
    links = policy_links(h, ctx.app.package)
    if not links:
        store.note(notice_checked=True, attempt={"where": "notice", "result": "no policy link on the notice"})
        return "the notice has no privacy-policy link"
    link = links[0]
    t_tap = ctx.now_ns()
    ctx.device.ui_tap(*center(link))
    result = read_opened(ctx, signature(h), opts, t_tap, monitor, step_id)
    _save(store, result, "notice", ctx)
    back = _back_to_notice(ctx, monitor, opts, step_id) if result.opened else True
    store.note(entry_seen=True, notice_checked=True, screenshots=result.screenshots,
               attempt={"where": "notice", "link": link.label[:80], "opened": result.opened, "text_from": result.how,
                        "chars": len(result.text), "scrolls": result.scrolls, "back_on_notice": back})
    if not result.opened:
        return f"tapped {link.label[:40]!r}: nothing opened (unreadable)"
    return f"read {len(result.text)} characters from the {result.how} ({result.scrolls} scrolls)"


@dataclass
class _Search:
    max_taps: int
    max_screens: int
    screens: int = 0
    visited: set[str] = field(default_factory=set)
    path: list[str] = field(default_factory=list)
    step_id: int | None = None


def _search(ctx: RunContext, s: _Search, opts: PolicyOptions, monitor: Callable[[], None]) -> tuple[list[str], str] | None:
    """Depth-first search from the current screen: (labels tapped, screen signature before the last
    tap) of the first policy entry found within the bounds, else None. Returns to where it started."""
    h = _parse(ctx)
    sig = signature(h)
    if sig in s.visited or s.screens >= s.max_screens:
        return None
    s.visited.add(sig)
    s.screens += 1
    links = policy_links(h, ctx.app.package)
    if links:
        return [*s.path, links[0].label[:60]], sig
    if len(s.path) + 1 >= s.max_taps:
        return None
    for node in nav_candidates(h, ctx.app.package):
        monitor()
        ctx.device.ui_tap(*center(node))
        _sleep(ctx, opts.settle_seconds, monitor)
        after = _parse(ctx)
        if signature(after) == sig:
            continue
        if ctx.app.package not in {n.pkg for n in after.nodes}:
            _back(ctx, s.step_id, monitor, opts)
            continue
        s.path.append(node.label[:60])
        found = _search(ctx, s, opts, monitor)
        if found:
            return found
        s.path.pop()
        _back(ctx, s.step_id, monitor, opts)
    return None


def from_app(ctx: RunContext, store: PolicyStore, opts: PolicyOptions, monitor: Callable[[], None],
             step_id: int | None = None) -> str:
    from harness.ui.classify import classify_hierarchy

    h = _parse(ctx)
    if ctx.app.package not in {n.pkg for n in h.nodes}:
        store.note(attempt={"where": "app", "result": "the app is not in front"})
        return "the app is not in front: no search"
    if classify_hierarchy(h).kind in ("consent_notice", "permission_dialog"):
        store.note(attempt={"where": "app", "result": "a consent screen is in the way"})
        return "a consent screen is in the way: no search"
    search = _Search(opts.max_taps, opts.max_screens, step_id=step_id)
    found = _search(ctx, search, opts, monitor)
    info = {"path": found[0] if found else None, "screens": search.screens, "max_taps": opts.max_taps,
            "found": bool(found)}
    if not found:
        store.note(app_searched=True, search=info, attempt={"where": "app", "result": "no policy entry", **info})
        return f"no policy entry within {opts.max_taps} taps ({search.screens} screens)"
    path, before = found
    h = _parse(ctx)
    link = policy_links(h, ctx.app.package)[0]
    t_tap = ctx.now_ns()
    ctx.device.ui_tap(*center(link))
    result = read_opened(ctx, before, opts, t_tap, monitor, step_id)
    _save(store, result, "app", ctx)
    for _ in range(len(path) if result.opened else len(path) - 1):  # back to the main screen
        _back(ctx, step_id, monitor, opts)
    store.note(app_searched=True, entry_seen=True, taps_from_main=len(path), search=info,
               screenshots=result.screenshots,
               attempt={"where": "app", "result": "found", "taps": len(path), "opened": result.opened,
                        "text_from": result.how, "chars": len(result.text), **info})
    return f"policy {len(path)} taps from the main screen ({' > '.join(path)}); read {len(result.text)} characters"


def capture_policy(ctx: RunContext, step_id: int, step: Step, monitor: Callable[[], None]) -> str:
    """Carry out a `policy` step (see the module docstring); returns the step's outcome detail."""
    opts = step.policy or PolicyOptions()
    store = PolicyStore(ctx.run_dir)
    where = opts.where
    if where in ("auto", "notice"):
        obs = _wait_notice(ctx, step_id, opts.wait_seconds)
        if obs is not None:
            return from_notice(ctx, store, opts, monitor, step_id)
        store.note(notice_checked=True, attempt={"where": "notice", "result": "no privacy notice came up"})
        if where == "notice":
            return "no privacy notice came up"
    return from_app(ctx, store, opts, monitor, step_id)


def read_supplied(path: Path, *, fetch: bool = True) -> tuple[bytes, dict]:
    """`run --policy FILE_OR_URL_FILE`: the file's bytes, or, when the file holds just a URL, the
    page at that URL (fetched once, capped). Errors name the file."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_SUPPLIED_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read the policy ({exc.strerror or exc})", source=str(path)) from None
    if len(data) > MAX_SUPPLIED_BYTES:
        raise InputError(f"policy larger than {MAX_SUPPLIED_BYTES} bytes", source=str(path))
    line = data.strip()
    if line and b"\n" not in line and line.lower().startswith((b"http://", b"https://")) and len(line) < 2048:
        url = line.decode("ascii", "replace")
        if not fetch:
            return b"", {"kind": "url", "url": url, "file": str(path)}
        try:
            with urllib.request.urlopen(url, timeout=20) as resp:  # noqa: S310 - a URL the analyst gave
                body = resp.read(MAX_SUPPLIED_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot fetch the policy at {url} ({exc})", source=str(path)) from None
        return body[:MAX_SUPPLIED_BYTES], {"kind": "url", "url": url, "file": str(path)}
    if not line:
        raise InputError("empty policy file", source=str(path))
    return data, {"kind": "file", "file": str(path)}


def supply_policy(run_dir: Path, path: Path, t_ns: int) -> None:
    """Store an analyst's policy as the run's policy (the policy step then only measures taps)."""
    from analysis.policy.text import policy_text

    data, source = read_supplied(path)
    html = path.suffix.lower() in (".html", ".htm") or None
    text = policy_text(data, html=True if html else None).text
    store = PolicyStore(run_dir)
    store.save_text(text, via="supplied", source=source, t_ns=t_ns, html=data if policy_text(data).html else None)
    store.note(supplied=True, attempt={"where": "supplied", "file": str(path), "chars": len(text)})
