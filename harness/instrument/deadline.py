"""Calls into an agent that may never answer, bounded by a deadline.

Frida's synchronous RPC (`script.exports_sync.f()`) waits on a condition with no timeout: it
returns when the agent answers or when Frida reports the script destroyed. A process that hangs
while it dies never does either. Seen here (gdb on the hung process): a sim app's JVM crashed
while the agent's JS thread was in `Java.enumerateClassLoadersSync()`, a JVMTI heap walk that
first handshakes every Java thread; the crashed thread, inside HotSpot's error handler, never
answered the handshake, so the JS thread waited forever, the process never ended, and the run's
teardown waited forever on its last clock RPC. Teardown must reach every part whatever the app
does, so its calls into the agent run on a worker thread and the caller gives up at the
deadline. The worker thread is left behind: Frida completes its call with an error once the
process is gone (the harness stops the app next)."""

from __future__ import annotations

import threading
from collections.abc import Callable

# A clock RPC answers in milliseconds; this is for a process that does not answer at all, so it
# is far above what a busy 2-core machine needs for a few round trips.
TEARDOWN_RPC_S = 10.0


class NoAnswer(Exception):
    """The call did not return within its deadline (the process is hung or dying)."""


def call_within[T](fn: Callable[[], T], seconds: float, what: str) -> T:
    """`fn()`'s value or exception, or NoAnswer when it has not returned after `seconds`."""
    box: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - carried to the caller as is
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name=f"bounded-{what}", daemon=True).start()
    if not done.wait(seconds):
        raise NoAnswer(f"{what}: no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
