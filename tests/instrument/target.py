"""A controllable local process for the Frida tests: reads one Python statement per line on stdin,
runs it, answers "ok" (or "err <msg>") on stdout. Attach, then drive it step by step, so every
event the test expects happens after the hooks are in place, without sleeps."""

import json
import sys

env: dict = {}
print("ready", flush=True)
for line in sys.stdin:
    try:
        exec(json.loads(line), env)
        print("ok", flush=True)
    except Exception as exc:  # report, keep serving
        print(f"err {exc!r}".replace("\n", " "), flush=True)
