"""Execute scenario steps on a device, one at a time, each recorded in `steps` with host times.

Consent and permission steps are carried out by the UI observer, which finds the control itself
and records the exact tap time as the consent transition. A `permissions:` step also sets a
standing answer: every later permission prompt (of that group, or any) gets the same answer, which
is what "deny every permission" in a scenario means."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from harness.errors import ConsentryError, DeviceError
from harness.run.context import RunAborted, RunContext
from harness.run.launch import launch_app, relaunch_app
from harness.scenario.model import Scenario, Step

KEY_HOME, KEY_BACK = 3, 4
NOTICE_TIMEOUT_S = 12.0
PROMPT_WAIT_S = 2.0


class StepFailed(Exception):
    """A step could not be carried out; the run goes on (the step is recorded as failed)."""


def _sleep_monitored(ctx: RunContext, seconds: float, monitor: Callable[[], None]) -> None:
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        if ctx.stop_event.wait(min(0.25, left)):
            raise RunAborted("stopped by the user")
        monitor()


def _find_node(ctx: RunContext, step: Step):
    from harness.ui.hierarchy import parse

    target = step.target
    assert target is not None
    hierarchy = parse(ctx.device.ui_dump())
    for node in hierarchy.nodes:
        if not node.bounds:
            continue
        if (target.text and target.text in (node.text, node.desc)) or (
            target.resource_id and (node.rid == target.resource_id or node.rid.endswith(":id/" + target.resource_id))
        ) or (target.desc and node.desc == target.desc):
            return node
    return None


def _center(bounds: tuple[int, int, int, int]) -> tuple[int, int]:
    return (bounds[0] + bounds[2]) // 2, (bounds[1] + bounds[3]) // 2


def _explore(ctx: RunContext, step: Step, monitor: Callable[[], None], step_id: int | None = None) -> str:
    """Bounded exploration: on each screen not seen before, tap clickable elements that are not
    consent or permission controls; BACK when a screen offers nothing new. Screens are identified
    by package, and the sorted labels and ids of their clickable elements.

    The screen exploring starts on is its root: when it offers nothing new, exploring ends there
    instead of pressing BACK, which would close the app's task and leave it in the background until
    it is launched again. That window was real time in the background (a tracker reading on a timer
    read there, or not, depending on how long the relaunch took), so the scenario, not the
    explorer, decides when the app goes to the background."""
    from harness.ui.classify import classify_hierarchy
    from harness.ui.hierarchy import parse

    assert step.explore is not None
    budget_steps = step.explore.max_steps
    deadline = time.monotonic() + step.explore.max_seconds * ctx.time_scale
    tapped: set[tuple[str, str]] = set()
    screens: set[str] = set()
    root: str | None = None  # the signature of the app screen exploring started on
    taps = 0
    while taps < budget_steps and time.monotonic() < deadline:
        monitor()
        hierarchy = parse(ctx.device.ui_dump())
        kind = classify_hierarchy(hierarchy).kind
        clickables = [n for n in hierarchy.nodes if n.clickable and n.enabled and n.bounds and n.area > 0]
        signature = hashlib.sha1("|".join(sorted(f"{n.pkg}:{n.rid}:{n.label}" for n in clickables)).encode()).hexdigest()
        screens.add(signature)
        if kind in ("consent_notice", "permission_dialog"):
            # Not ours to decide here: the standing answers of earlier steps decide. A prompt with no
            # standing answer gets the scenario's default through the responder (recorded with its
            # tap), never BACK, which denies it with no record; a notice with none gets BACK (what
            # the observer then sees is evidence: the notice stays, or goes and is `dismissed`).
            if ctx.responder.answer_pending(step_id, fallback=kind == "permission_dialog") is None:
                ctx.device.ui_key(KEY_BACK)
                taps += 1
            _sleep_monitored(ctx, step.explore.settle_seconds, monitor)
            continue
        if ctx.app.package not in {n.pkg for n in hierarchy.nodes}:
            # A tap or BACK left the app: bring it back (a user exploring an app stays in it, and
            # the next step must not run with the app in the background), and stop exploring.
            relaunch_app(ctx)
            break
        if root is None:
            root = signature
        fresh = [n for n in clickables if (signature, f"{n.rid}:{n.label}") not in tapped]
        if not fresh and signature == root:
            break  # back on the screen it started on, with nothing left to try there
        if not fresh:
            ctx.device.ui_key(KEY_BACK)
            taps += 1
            _sleep_monitored(ctx, step.explore.settle_seconds, monitor)
            continue
        node = fresh[0]
        tapped.add((signature, f"{node.rid}:{node.label}"))
        x, y = _center(node.bounds)  # type: ignore[arg-type]
        ctx.device.ui_tap(x, y)
        taps += 1
        _sleep_monitored(ctx, step.explore.settle_seconds, monitor)
    else:
        # Budget spent: the last action may have been a BACK out of the app.
        if ctx.app.package not in {n.pkg for n in parse(ctx.device.ui_dump()).nodes}:
            relaunch_app(ctx)
    return f"{taps} actions over {len(screens)} screens"


def execute_step(ctx: RunContext, scenario: Scenario, step_id: int, step: Step, monitor: Callable[[], None]) -> str:
    """Carry out one step; return a short outcome detail. Raises StepFailed or RunAborted."""
    action = step.action
    if action in ("consent", "permissions", "explore", "revoke", "policy") and ctx.responder is None:
        raise StepFailed(f"{action} needs the UI observer, which is off for this run")
    if action == "launch":
        return launch_app(ctx, fresh_process=True)
    if action == "restart":
        ctx.device.app_stop(ctx.app.package)
        return launch_app(ctx, fresh_process=True)
    if action == "resume":
        return relaunch_app(ctx)
    if action == "wait":
        seconds = (step.seconds or 0) * ctx.time_scale
        start = time.monotonic()
        _sleep_monitored(ctx, seconds, monitor)
        ctx.waited_s += time.monotonic() - start
        return f"waited {seconds:.1f}s"
    if action == "consent":
        outcome = ctx.responder.consent(step.decision, step_id, NOTICE_TIMEOUT_S)
        if not outcome.ok:
            raise StepFailed(f"{outcome.status}: {outcome.reason}")
        return outcome.reason
    if action == "permissions":
        ctx.responder.set_permission_policy(step.decision == "grant", step.group)
        # Wait a little for the first prompt (apps often show a rationale first); not scaled, since
        # a scaled-down scenario must not outrun the app's own timing.
        outcome = ctx.responder.answer_pending(step_id, wait_s=PROMPT_WAIT_S)
        standing = f"standing answer: {step.decision} {step.group or 'all'}"
        return f"{outcome.reason}; {standing}" if outcome is not None else standing
    if action == "tap":
        node = _find_node(ctx, step)
        if node is None:
            raise StepFailed(f"no element matches {step.describe()}")
        ctx.device.ui_tap(*_center(node.bounds))
        return f"tapped {node.label or node.rid}"
    if action == "back":
        ctx.device.ui_key(KEY_BACK)
        return "BACK"
    if action == "home":
        ctx.device.ui_key(KEY_HOME)
        return "HOME"
    if action == "text":
        ctx.device.ui_text(step.text or "")
        return "typed"
    if action == "swipe":
        assert step.swipe is not None
        ctx.device.ui_swipe(*step.swipe)
        return "swiped"
    if action == "revoke":
        from analysis.permissions import group_of

        revoked = [p for p in ctx.app.permissions if group_of(p) == step.group]
        for perm in revoked:
            ctx.device.permission_revoke(ctx.app.package, perm)
        ctx.observer.check_grants()
        return f"revoked {', '.join(revoked) or 'nothing'}"
    if action == "stop":
        ctx.device.app_stop(ctx.app.package)
        return "force-stopped"
    if action == "explore":
        return _explore(ctx, step, monitor, step_id)
    if action == "policy":
        from harness.run.policy import capture_policy

        return capture_policy(ctx, step_id, step, monitor)
    raise StepFailed(f"action {action} not implemented")  # unreachable: the model validates actions


def run_steps(ctx: RunContext, scenario: Scenario, monitor: Callable[[], None]) -> None:
    """Execute every step, recording each in the `steps` table. Aborts propagate."""
    for step_id, step in enumerate(scenario.steps):
        t_start = ctx.now_ns()
        attach_before = ctx.attach_s
        outcome, error = "ok", None
        detail = ""
        try:
            detail = execute_step(ctx, scenario, step_id, step, monitor)
        except StepFailed as exc:
            outcome, error = ("skipped" if step.optional else "failed"), str(exc)
        except (RunAborted, DeviceError) as exc:
            outcome, error = "aborted", str(exc)
            raise
        except ConsentryError as exc:
            outcome, error = "failed", str(exc)
        finally:
            ctx.steps_s += (ctx.now_ns() - t_start) / 1e9
            ctx.steps_s -= ctx.attach_s - attach_before  # attach and gating are the harness's, not the app's
            ctx.journal.append("steps", {
                "step_id": step_id, "t_start_ns": t_start, "t_end_ns": ctx.now_ns(), "action": step.action,
                "target": step.describe(), "outcome": outcome,
                "error": error, "detail": detail,
            })
