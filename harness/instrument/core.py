"""`Instrument`: attach (or spawn) through Frida, load the agent, send it the catalogue, and carry
its events to the run's journal.

Devices: "local" (the sim device's apps and local test processes are host processes), "usb"
(first USB device running frida-server), "remote:HOST:PORT" (frida-server over TCP, e.g. an
emulator with `adb forward tcp:27042 tcp:27042`), or an id such as an adb serial
(`emulator-5554`) as frida's device manager lists it. A `frida.core.Device` is accepted as is."""

from __future__ import annotations

import functools
import threading
import time
from pathlib import Path
from typing import Any

from harness._agent import bundle_source
from harness.catalogue import Catalogue, Hook, load_catalogue
from harness.errors import AgentError, AttachTimedOut, DeviceError
from harness.instrument.clock import measure
from harness.instrument.config import DEFAULT_PATHS, AgentOptions, agent_config, select_hooks
from harness.instrument.deadline import TEARDOWN_RPC_S, NoAnswer, call_within
from harness.instrument.messages import Detach, InstrumentSummary
from harness.instrument.rows import HookTable
from harness.instrument.writer import Writer
from harness.journal import Journal


def resolve_device(device: Any) -> Any:
    import frida

    if device is None or device == "local":
        return frida.get_local_device()
    if not isinstance(device, str):
        return device
    try:
        if device == "usb":
            return frida.get_usb_device(timeout=5)
        if device.startswith("remote:"):
            return frida.get_device_manager().add_remote_device(device.removeprefix("remote:"))
        return frida.get_device(device, timeout=5)
    except (frida.InvalidArgumentError, frida.TimedOutError, frida.ServerNotRunningError) as exc:
        raise DeviceError(f"frida device {device!r} not available: {exc}") from exc


class _Session:
    def __init__(self, pid: int, session: Any, script: Any):
        self.pid = pid
        self.session = session
        self.script = script
        self.detached: Detach | None = None
        self.script_destroyed_ns: int | None = None  # the agent's script went away while attached
        self.detached_event = threading.Event()
        self.clock_start: int = 0
        self.clock_rtt: int = 0
        self.clock_end: int | None = None
        self.unanswered: str | None = None  # why a call at the end of the run got no answer


ATTACH_TRIES = 3
_BYTECODE: dict[str, bytes] = {}
_BYTECODE_LOCK = threading.Lock()


def _create_agent(session: Any, source: str) -> Any:
    """The agent as a script in `session`, from bytecode compiled once per harness process: the
    bundle is ~600 KB of JavaScript, and parsing it took 0.3 s of every attach (more under load);
    from bytecode it takes milliseconds. Falls back to the source when compiling is refused."""
    import hashlib

    key = hashlib.sha256(source.encode()).hexdigest()
    with _BYTECODE_LOCK:
        code = _BYTECODE.get(key)
        if code is None:
            try:
                code = session.compile_script(source, name="consentry")
            except Exception:  # noqa: BLE001 - frida without compile support: plain source
                code = b""
            _BYTECODE[key] = code
    if code:
        return session.create_script_from_bytes(code, name="consentry")
    return session.create_script(source, name="consentry")


class Instrument:
    """One run's Frida instrumentation; several processes may be attached (each gets the agent)."""

    def __init__(self, journal: Journal, run_dir: Path, t0_ns: int, *, device: Any = "local",
                 catalogue: Catalogue | None = None, categories: set[str] | None = None,
                 hook_ids: set[str] | None = None, paths: tuple[str, ...] | list[str] | None = None,
                 options: AgentOptions | None = None, ready_timeout: float = 20.0):
        self.journal = journal
        self.run_dir = Path(run_dir)
        self.t0_ns = t0_ns
        self.catalogue = catalogue or load_catalogue()
        self.hooks: list[Hook] = select_hooks(self.catalogue, categories, hook_ids)
        self.paths = tuple(paths) if paths is not None else (self.catalogue.paths or DEFAULT_PATHS)
        self.options = options or AgentOptions()
        self.ready_timeout = ready_timeout
        self.rpc_deadline_s = TEARDOWN_RPC_S  # bound of every call into an agent (init: 3x ready_timeout)
        self._source = bundle_source()
        self._device_spec = device
        self._device: Any = None
        self._sessions: dict[int, _Session] = {}
        self._spawned: list[int] = []
        self._lock = threading.Lock()
        self.writer = Writer(journal, self.run_dir, t0_ns, HookTable(self.hooks))
        self.writer.clock_probe = self._probe_clock
        self._stopped = False

    @property
    def device(self) -> Any:
        if self._device is None:
            self._device = resolve_device(self._device_spec)
        return self._device

    def attach(self, pid: int, *, tries: int = ATTACH_TRIES) -> None:
        """Attach to a running process and install the hooks; returns once the agent is ready.
        With `tries=1` a timed-out attach raises AttachTimedOut at once (see launch.py: a gated sim
        app whose JVM already runs is relaunched instead: attaching again to a process holding a
        half-injected agent crashed HotSpot, 1 run in about 200 at load 4-8)."""
        import frida

        try:
            session = self._attach_with_retries(pid, tries)
        except frida.ProcessNotFoundError as exc:
            raise AgentError(f"process {pid} not found on {self.device.name}: {exc}") from exc
        except frida.PermissionDeniedError as exc:
            raise AgentError(f"attaching to {pid} was refused (ptrace scope? root?): {exc}") from exc
        except (frida.ProcessNotRespondingError, frida.TimedOutError) as exc:
            raise AttachTimedOut(f"process {pid} did not answer Frida's attach in {tries} tries: {exc}") from exc
        self._load(pid, session)

    def _attach_with_retries(self, pid: int, tries: int = ATTACH_TRIES) -> Any:
        """Frida's attach injects its agent and waits for it to sync up; on a starved CPU (load 20
        and more on two cores) that wait can run out ("unexpectedly timed out trying to sync up
        with agent") although nothing is wrong. The process is held at its start (spawn gating)
        and the agent is shared per process, so trying again is safe; each retry is an event."""
        import frida

        for attempt in range(1, tries + 1):
            try:
                return self.device.attach(pid)
            except (frida.ProcessNotRespondingError, frida.TimedOutError) as exc:
                if attempt == tries:
                    raise
                self.writer.event("agent:attach-retry", {"pid": pid, "attempt": attempt, "error": str(exc)[:200]},
                                  source="instrument")
        raise AssertionError("unreachable")

    def spawn_and_attach(self, target: list[str] | str) -> int:
        """Spawn suspended (argv list, or an Android package name), load the agent, return the
        pid. Call `resume()` to let it run: hooks are in place before the app's first line."""
        import frida

        argv = [target] if isinstance(target, str) else list(target)
        try:
            pid = self.device.spawn(argv)
        except frida.ExecutableNotFoundError as exc:
            raise AgentError(f"cannot spawn {argv[0]!r}: {exc}") from exc
        self._spawned.append(pid)
        session = self.device.attach(pid)
        self._load(pid, session)
        return pid

    def resume(self) -> None:
        for pid in self._spawned:
            self.device.resume(pid)
        self._spawned.clear()

    def _load(self, pid: int, session: Any) -> None:
        script = _create_agent(session, self._source)
        s = _Session(pid, session, script)
        script.on("message", lambda message, data: self.writer.on_message(pid, message, data))
        session.on("detached", lambda reason, crash: self._on_detached(s, reason, crash))
        script.on("destroyed", lambda: self._on_script_destroyed(s))
        script.load()
        try:
            sample = call_within(lambda: measure(script.exports_sync.clock), self.rpc_deadline_s, f"clock of pid {pid}")
        except NoAnswer as exc:
            raise AgentError(f"the agent in pid {pid} did not answer after loading: {exc}") from exc
        s.clock_start = sample.offset_ns
        s.clock_rtt = sample.rtt_ns
        self.writer.set_offset(pid, sample.offset_ns)
        with self._lock:
            self._sessions[pid] = s
        try:  # installing the hooks takes seconds on a starved CPU; a hung process never answers
            call_within(lambda: script.exports_sync.init(agent_config(self.hooks, self.paths, self.options)),
                        self.ready_timeout * 3, f"agent init in pid {pid}")
        except Exception as exc:
            raise AgentError(f"agent init failed in pid {pid}: {exc}") from exc
        self.writer.event("clock", {"pid": pid, "when": "attach", "offset_ns": sample.offset_ns,
                                    "rtt_ns": sample.rtt_ns})

    def _on_detached(self, s: _Session, reason: str, crash: Any) -> None:
        # Frida's thread: record as data, queue only.
        crash_info = None
        if crash is not None:
            crash_info = {"summary": getattr(crash, "summary", None), "report": str(getattr(crash, "report", ""))[:65536],
                          "process_name": getattr(crash, "process_name", None)}
        t_ns = time.time_ns() - self.t0_ns
        s.detached = Detach(pid=s.pid, reason=str(reason), t_ns=t_ns, crash=crash_info)
        s.detached_event.set()
        if self._stopped and str(reason) == "application-requested":
            return  # our own detach at stop(): not an event of the run
        self.writer.event("detach", {"pid": s.pid, "reason": str(reason)}, t_ns)
        if crash_info is not None:
            self.writer.event("crash", {"pid": s.pid, **crash_info}, t_ns)

    def _on_script_destroyed(self, s: _Session) -> None:
        if self._stopped or s.detached is not None:
            return  # our own unload, or a consequence of a detach already recorded
        s.script_destroyed_ns = time.time_ns() - self.t0_ns
        self.writer.event("script-destroyed", {"pid": s.pid}, s.script_destroyed_ns)

    def lost(self, pid: int) -> str | None:
        """Why the agent no longer watches `pid` while the process may still run (detached for
        any reason but the process ending, or its script destroyed); None while it watches."""
        s = self._sessions.get(pid)
        if s is None or self._stopped:
            return None
        if s.detached is not None and s.detached.reason not in ("process-terminated", "process-replaced"):
            return f"the agent was detached from pid {pid} ({s.detached.reason})"
        if s.script_destroyed_ns is not None:
            # A dying process destroys the script first and detaches a moment later: wait for
            # that detach (an event, bounded) so a crash is reported as a crash, not a lost agent.
            if s.detached_event.wait(2.0) and s.detached is not None and \
                    s.detached.reason in ("process-terminated", "process-replaced"):
                return None
            return f"the agent's script in pid {pid} was destroyed"
        return None

    def flush(self) -> None:
        """Ask every live agent to send what it holds, and wait until it is in the journal (an
        agent that does not answer within the deadline is left; stop() records it)."""
        for s in list(self._sessions.values()):
            if s.detached is None:
                try:
                    call_within(s.script.exports_sync.flush, self.rpc_deadline_s, f"flush of pid {s.pid}")
                except Exception:
                    pass
        self.writer.drain()

    def _probe_clock(self, pid: int) -> Any:
        """The device-host offset of `pid` measured now (the writer's check of a clock jump), or
        None when the process is gone or does not answer."""
        with self._lock:
            s = self._sessions.get(pid)
        if s is None or s.detached is not None:
            return None
        try:
            return call_within(lambda: measure(s.script.exports_sync.clock, samples=3), self.rpc_deadline_s,
                               f"clock of pid {pid}")
        except Exception:  # noqa: BLE001 - a dying or hung process: no confirmation
            return None

    def stop(self) -> InstrumentSummary:
        """Measure the clock again, undo the hooks, flush, detach; return the summary. Every call
        into an agent is bounded (deadline.py): a process that hangs while it dies must not hold
        the run's teardown; it is recorded in `unanswered` instead."""
        if not self._stopped:
            self._stopped = True
            for s in list(self._sessions.values()):
                if s.detached is not None:
                    continue
                try:
                    call_within(functools.partial(self._finish, s), self.rpc_deadline_s, f"the agent in pid {s.pid}")
                except NoAnswer as exc:
                    s.unanswered = str(exc)
                    self.writer.event("agent:unanswered", {"pid": s.pid, "at": "stop", "detail": str(exc)})
                except Exception:
                    pass  # the process may have died between the check and the call
                try:
                    call_within(s.session.detach, self.rpc_deadline_s, f"detach from pid {s.pid}")
                except Exception:
                    pass
            self.writer.close()
            self.journal.flush()
        c = self.writer.counts
        return InstrumentSummary(
            events=c["events"], calls=c["calls"], stacks=c["stacks"], flows=self.writer.tls.flows,
            dropped=c["dropped"], warnings=tuple(self.writer.warnings),
            detaches=tuple(s.detached for s in self._sessions.values() if s.detached is not None),
            clock={pid: {"start_offset_ns": s.clock_start, "start_rtt_ns": s.clock_rtt,
                         **({"end_offset_ns": s.clock_end} if s.clock_end is not None else {}),
                         "jumps": sum(1 for j in self.writer.clock_jumps if j["pid"] == pid)}
                   for pid, s in self._sessions.items()},
            unhandled=c["unhandled"],
        )

    def _finish(self, s: _Session) -> None:
        """The end-of-run clock sample, then the agent's dispose (undo hooks, send what it holds)."""
        end = measure(s.script.exports_sync.clock)
        s.clock_end = end.offset_ns
        # drift against the offset rows were last placed with (a jump re-bases it)
        placed = self.writer.offsets.get(s.pid, s.clock_start)
        self.writer.event("clock", {"pid": s.pid, "when": "end", "offset_ns": end.offset_ns,
                                    "rtt_ns": end.rtt_ns, "drift_ns": end.offset_ns - placed,
                                    "jump_ns": placed - s.clock_start})
        s.script.exports_sync.dispose()

    def unanswered(self) -> list[str]:
        """Why agents did not answer at the end of the run (empty when all did)."""
        return [s.unanswered for s in self._sessions.values() if s.unanswered]

    def __enter__(self) -> Instrument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
