"""The one writer thread. Frida's message callbacks only put (pid, message, data) on a queue;
this thread routes each message type to its handler and appends rows to the journal, so a slow
disk never blocks Frida's thread and every table has one writer. The router counts what it does
not know instead of failing (frida-tools' reactor idea)."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.instrument import messages as M
from harness.instrument.rows import HookTable, RowBuilder
from harness.instrument.tls_flows import TlsFlows
from harness.journal import Journal

log = logging.getLogger(__name__)
STOP = object()
# A batch whose send time (device clock) and receipt (host clock) disagree with the process's
# offset by more than this is a candidate clock jump. Delivery delays only make the device look
# behind, never ahead, and stay far below this on a loaded machine; a candidate is confirmed by
# measuring the offset again over rpc before anything is re-based.
CLOCK_JUMP_NS = 2_000_000_000


class Writer:
    def __init__(self, journal: Journal, run_dir: Path, t0_ns: int, table: HookTable, args_cap: int = 2048):
        self.journal = journal
        self.t0_ns = t0_ns
        self.table = table
        self.args_cap = args_cap
        self.q: queue.Queue[Any] = queue.Queue()
        self.builders: dict[int, RowBuilder] = {}
        self.offsets: dict[int, int] = {}
        self.tls = TlsFlows(run_dir, lambda rows: journal.extend("flows", rows), self._note)
        self.counts = {"events": 0, "calls": 0, "stacks": 0, "dropped": 0, "unhandled": 0, "batches": 0}
        self.warnings: list[dict[str, Any]] = []
        self.ready: dict[int, dict[str, Any]] = {}
        self.ready_event = threading.Event()
        self.java_ready: dict[int, dict[str, Any]] = {}
        self.java_ready_event = threading.Event()
        self.errors: list[str] = []
        # pid -> measure the device-host offset now (rpc round trips), None when it cannot;
        # set by the instrument, used from this thread to confirm a clock jump.
        self.clock_probe: Callable[[int], Any] | None = None
        self.clock_jumps: list[dict[str, Any]] = []
        self._recv_ns: int | None = None  # host clock when the message being routed arrived
        self._routes: dict[str, Callable[[int, dict[str, Any], bytes | None], None]] = {
            M.READY: self._ready, M.JAVA_READY: self._java_ready, M.WARNING: self._warning, M.MODULES: self._modules,
            M.BATCH: self._batch, M.STACKS: self._stacks, M.TLS: self._tls,
        }
        self.thread = threading.Thread(target=self._run, name="instrument-writer", daemon=True)
        self.thread.start()

    # Frida's thread: queue only.
    def on_message(self, pid: int, message: dict[str, Any], data: bytes | None) -> None:
        self.q.put((pid, message, data, time.time_ns()))

    def set_offset(self, pid: int, offset_ns: int) -> None:
        """Register a process before its messages are processed (called before the agent's init)."""
        self.offsets[pid] = offset_ns
        self.builders[pid] = RowBuilder(self.table, pid, offset_ns, self.t0_ns, self.args_cap)

    def host_t_ns(self, pid: int, t_us: int | float | None) -> int:
        if t_us is None:
            return time.time_ns() - self.t0_ns
        return int(t_us) * 1000 - self.offsets.get(pid, 0) - self.t0_ns

    def event(self, kind: str, detail: dict[str, Any], t_ns: int | None = None, source: str = "agent") -> None:
        self.q.put((0, {"type": "_event", "kind": kind, "detail": detail, "t_ns": t_ns, "source": source}, None))

    def _note(self, kind: str, detail: dict[str, Any]) -> None:
        self._write_event(kind, detail, time.time_ns() - self.t0_ns)

    def _write_event(self, kind: str, detail: dict[str, Any], t_ns: int, source: str = "agent") -> None:
        self.journal.append("events", {"t_ns": t_ns, "source": source, "kind": kind,
                                       "detail": json.dumps(detail, default=str)[:65536]})

    def _run(self) -> None:
        while True:
            item = self.q.get()
            try:
                if item is STOP:
                    return
                pid, message, data, *recv = item
                self._recv_ns = recv[0] if recv else None
                self._route(pid, message, data)
            except Exception as exc:  # one bad message never stops the writer
                log.exception("instrument writer: message failed")
                self.errors.append(repr(exc))
            finally:
                self.q.task_done()

    def _route(self, pid: int, message: dict[str, Any], data: bytes | None) -> None:
        mtype = message.get("type")
        if mtype == "send":
            payload = message.get("payload")
            kind = payload.get("type") if isinstance(payload, dict) else None
            handler = self._routes.get(kind) if kind else None
            if handler is None or not isinstance(payload, dict):
                self.counts["unhandled"] += 1
                return
            handler(pid, payload, data)
        elif mtype == "error":
            self._write_event("agent:error", {"pid": pid, "description": message.get("description"),
                                              "stack": message.get("stack")}, time.time_ns() - self.t0_ns)
        elif mtype == "_event":
            t_ns = message["t_ns"] if message["t_ns"] is not None else time.time_ns() - self.t0_ns
            self._write_event(message["kind"], message["detail"], t_ns, message.get("source", "agent"))
        else:
            self.counts["unhandled"] += 1

    def _builder(self, pid: int) -> RowBuilder:
        b = self.builders.get(pid)
        if b is None:
            self.set_offset(pid, 0)
            b = self.builders[pid]
        return b

    def _ready(self, pid: int, p: dict[str, Any], _: bytes | None) -> None:
        self.ready[pid] = p
        self._write_event("agent:ready", p, self.host_t_ns(pid, p.get("t_us")))
        self.ready_event.set()

    def _java_ready(self, pid: int, p: dict[str, Any], _: bytes | None) -> None:
        self.java_ready[pid] = p
        self._write_event("agent:java", p, self.host_t_ns(pid, p.get("t_us")))
        self.java_ready_event.set()

    def _warning(self, pid: int, p: dict[str, Any], _: bytes | None) -> None:
        w = {"pid": pid, "code": p.get("code"), "ids": p.get("ids"), "detail": p.get("detail")}
        self.warnings.append(w)
        self._write_event("agent:warning", w, self.host_t_ns(pid, p.get("t_us")))

    def _modules(self, pid: int, p: dict[str, Any], _: bytes | None) -> None:
        self._builder(pid).modules.add(list(p.get("modules") or []))

    def _stacks(self, pid: int, p: dict[str, Any], _: bytes | None) -> None:
        rows = [{"stack_id": s["id"], "frames": list(s["frames"])} for s in p.get("stacks") or []]
        if rows:
            self.journal.extend("stacks", rows)
            self.counts["stacks"] += len(rows)

    def _batch(self, pid: int, p: dict[str, Any], data: bytes | None) -> None:
        b = self._builder(pid)
        sent_us = p.get("sent_us")
        if isinstance(sent_us, (int, float)) and self._recv_ns is not None:
            self._check_clock(pid, b, int(sent_us) * 1000 - self._recv_ns)
        try:
            self._batch_rows(pid, b, p, data)
        finally:
            b.end_straddle()

    def _batch_rows(self, pid: int, b: RowBuilder, p: dict[str, Any], data: bytes | None) -> None:
        self.counts["batches"] += 1
        self.counts["dropped"] += int(p.get("dropped") or 0)
        if p.get("dropped"):
            self._write_event("agent:dropped", {"pid": pid, "dropped": p["dropped"]}, time.time_ns() - self.t0_ns)
        events = p.get("events") or []
        if events:
            self._api_rows(b.js_rows(events))
        native = p.get("native")
        if native and data:
            text, n, stacks = b.native_rows(data, int(native["n"]))
            if stacks:
                self.journal.extend("stacks", stacks)
                self.counts["stacks"] += len(stacks)
            if n:
                self.journal.append_raw("api_calls", text, n)
                self.counts["events"] += n
                self.counts["calls"] += n

    def _check_clock(self, pid: int, b: RowBuilder, seen_offset_ns: int) -> None:
        """The device's clock jumped (NTP, NITZ, a user changing the date) when a batch's send time
        disagrees with the offset by more than CLOCK_JUMP_NS and a fresh rpc measurement agrees.
        From this batch on, rows are placed with the new offset (this batch's rows row by row, as
        it may straddle the jump: RowBuilder.rebase); the jump is an event (`clock`,
        when `jump`) and goes into the summary. Without a probe only a forward jump is taken (a
        delay cannot make the device look ahead); a backward one needs the measurement."""
        current = self.offsets.get(pid, 0)
        if abs(seen_offset_ns - current) < CLOCK_JUMP_NS:
            return
        new: int | None = None
        rtt: int | None = None
        sample = self.clock_probe(pid) if self.clock_probe is not None else None
        if sample is not None:
            if abs(sample.offset_ns - current) >= CLOCK_JUMP_NS // 2:
                new, rtt = sample.offset_ns, sample.rtt_ns
        elif seen_offset_ns > current:
            new = seen_offset_ns
        if new is None:
            return
        self.offsets[pid] = new
        received = (self._recv_ns or time.time_ns()) - self.t0_ns
        b.rebase(new, received, CLOCK_JUMP_NS // 4)
        jump = {"pid": pid, "when": "jump", "offset_ns": new, "jump_ns": new - current,
                "rtt_ns": rtt, "confirmed": sample is not None}
        self.clock_jumps.append(jump)
        self._write_event("clock", jump, (self._recv_ns or time.time_ns()) - self.t0_ns, "instrument")

    def _api_rows(self, frame: Any) -> None:
        if len(frame) == 0:
            return
        self.journal.append_raw("api_calls", frame.to_json(orient="records", force_ascii=False), len(frame))
        self.counts["events"] += len(frame)
        self.counts["calls"] += int(frame["count"].sum())

    def _tls(self, pid: int, p: dict[str, Any], data: bytes | None) -> None:
        data = data or b""
        off = 0
        for chunk in p.get("chunks") or []:
            n = int(chunk.get("len", 0))
            self.tls.feed(pid, chunk, data[off: off + n], self.host_t_ns(pid, chunk.get("t_us")))
            off += n

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until everything queued so far is written."""
        deadline = time.monotonic() + timeout
        while self.q.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.q.unfinished_tasks == 0

    def close(self) -> None:
        self.drain()
        self.tls.close()
        self.q.put(STOP)
        self.thread.join(timeout=10)
