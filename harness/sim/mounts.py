"""Mount namespaces of the sim, as far as a harness can observe them on Android 14.

- `init`: adbd and its shells. Mounts made here under /system are shared (Android mounts /system
  with shared propagation), so they appear in every namespace.
- `zygote`: zygote and zygote64. A bind mount made here (by `nsenter --mount=/proc/ZYGOTE/ns/mnt`)
  is private to it; app processes forked afterwards start with a copy of it.
- one namespace per app process, copied from zygote's when the app is first seen: a mount made in
  zygote's namespace after an app started does not reach that app (hence entering each running app).

A mount maps a device directory to a host directory (a fresh one for tmpfs, the source's for
`--bind`). A second mount on the same target stacks over the first, as on Linux: `umount` removes
the top one. Path resolution takes the longest mounted prefix in the namespace the calling thread
is in (`entered`), so every command sees the namespace `nsenter` put it in."""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ZYGOTE_PIDS = (298, 299)


@dataclass(frozen=True)
class Mount:
    target: str  # normalised device path, e.g. "/apex/com.android.conscrypt/cacerts"
    host_dir: Path
    fstype: str  # tmpfs | bind
    source: str


class MountTable:
    def __init__(self, tmp_root: Path):
        self.tmp_root = tmp_root
        self._lock = threading.RLock()
        self._ns: dict[str, list[Mount]] = {"init": [], "zygote": []}
        self._local = threading.local()
        self._ids = itertools.count(1)
        shutil.rmtree(tmp_root, ignore_errors=True)  # tmpfs does not survive a reboot

    # -- which namespace --------------------------------------------------------------------
    def ns_of_pid(self, pid: int, app_pids: set[int]) -> str | None:
        if pid in ZYGOTE_PIDS:
            return "zygote"
        if pid in app_pids:
            name = f"app:{pid}"
            with self._lock:
                if name not in self._ns:
                    self._ns[name] = list(self._ns["zygote"])
            return name
        return "init"

    def current(self) -> str:
        return getattr(self._local, "ns", "init")

    @contextmanager
    def entered(self, ns: str) -> Iterator[None]:
        before = self.current()
        self._local.ns = ns
        try:
            yield
        finally:
            self._local.ns = before

    # -- mounts -----------------------------------------------------------------------------
    def visible(self, ns: str | None = None) -> list[Mount]:
        ns = ns or self.current()
        with self._lock:
            shared = [m for m in self._ns["init"] if m.target.startswith("/system/")]
            own = self._ns.get(ns, []) if ns != "init" else self._ns["init"]
            return own if ns == "init" else shared + own

    def resolve(self, device_path: str) -> tuple[Mount, str] | None:
        """The top mount covering `device_path` and the rest of the path below it."""
        best: tuple[Mount, str] | None = None
        for m in self.visible():  # later mounts stack over earlier ones on the same target
            if device_path == m.target or device_path.startswith(m.target + "/"):
                if best is None or len(m.target) >= len(best[0].target):
                    best = (m, device_path[len(m.target):].lstrip("/"))
        return best

    def mount_tmpfs(self, target: str) -> None:
        host = self.tmp_root / f"tmpfs-{next(self._ids)}"
        host.mkdir(parents=True)
        self._add(Mount(target, host, "tmpfs", "tmpfs"))

    def mount_bind(self, source_host_dir: Path, source: str, target: str) -> None:
        self._add(Mount(target, source_host_dir, "bind", source))

    def _add(self, mount: Mount) -> None:
        with self._lock:
            self._ns.setdefault(self.current(), []).append(mount)

    def umount(self, target: str) -> bool:
        with self._lock:
            mounts = self._ns.setdefault(self.current(), [])
            for i in range(len(mounts) - 1, -1, -1):
                if mounts[i].target == target:
                    del mounts[i]
                    return True
            if self.current() != "init":  # a shared /system mount seen here is unmounted everywhere
                for i in range(len(self._ns["init"]) - 1, -1, -1):
                    if self._ns["init"][i].target == target and target.startswith("/system/"):
                        del self._ns["init"][i]
                        return True
        return False

    def count(self, target: str, ns: str | None = None) -> int:
        return sum(1 for m in self.visible(ns) if m.target == target)
