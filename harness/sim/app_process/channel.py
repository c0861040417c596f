"""The app process's two pipes to the runtime: JSON lines out (stdout), state and replies in (stdin)."""

from __future__ import annotations

import itertools
import json
import os
import sys
import threading
from typing import Any

MAX_LINE = 1024 * 1024


class Channel:
    """Thread-safe sends; a reader thread keeps the latest state and answers `ask()` calls."""

    def __init__(self) -> None:
        self._out = sys.stdout.buffer
        self._out_lock = threading.Lock()
        self.cond = threading.Condition()
        self.state: dict[str, Any] = {"consent": "none", "permissions": {}, "foreground": True, "screen": None}
        self._replies: dict[int, Any] = {}
        self._ids = itertools.count(1)
        self.closed = False
        # other ops the runtime sends (e.g. "fault"), run on the reader thread
        self.handlers: dict[str, Any] = {}

    def send(self, op: str, **fields: Any) -> None:
        line = json.dumps({"op": op, **fields}, ensure_ascii=False).encode() + b"\n"
        with self._out_lock:
            try:
                self._out.write(line)
                self._out.flush()
            except (BrokenPipeError, ValueError):
                os._exit(0)  # the runtime is gone: a device without its system server

    def log(self, tag: str, msg: str, level: str = "I") -> None:
        self.send("log", tag=tag, level=level, msg=msg)

    def ask(self, op: str, timeout: float = 2.0, **fields: Any) -> Any:
        """A request the runtime answers (e.g. the current http_proxy); None on timeout."""
        rid = next(self._ids)
        self.send(op, id=rid, **fields)
        with self.cond:
            self.cond.wait_for(lambda: rid in self._replies or self.closed, timeout)
            return self._replies.pop(rid, None)

    def start_reader(self) -> None:
        threading.Thread(target=self._read, name="sim-app-stdin", daemon=True).start()

    def _read(self) -> None:
        for raw in sys.stdin.buffer:
            if len(raw) > MAX_LINE:
                continue
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            with self.cond:
                if msg.get("op") == "state":
                    self.state = {k: v for k, v in msg.items() if k != "op"}
                elif msg.get("op") == "reply":
                    self._replies[int(msg.get("id", 0))] = msg.get("value")
                self.cond.notify_all()
            handler = self.handlers.get(str(msg.get("op")))
            if handler is not None:
                handler(msg)
        # stdin closed: the runtime (the device) went away; an app cannot outlive its device
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        os._exit(0)
