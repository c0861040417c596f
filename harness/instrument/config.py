"""The config sent to the agent with `init`: the selected catalogue entries and the run's knobs.

Why at run time and not compiled in: one bundle serves every run; the catalogue, the identifier
path globs and the caps can change without a rebuild (and without node on the user's machine)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.catalogue import Catalogue, Hook
from harness.instrument.rows import PROP_CATEGORIES, PROP_PI

# Identifier files an app (or its SDK) reads behind the Java APIs. Globs match the whole path;
# "*" crosses "/", so a leading "*" also matches the sim device's files under its state dir
# (e.g. /tmp/x/fs/sys/class/net/wlan0/address).
DEFAULT_PATHS: tuple[str, ...] = (
    "*/sys/class/net/*/address",
    "*/sys/class/bluetooth/*/address",
    "*/proc/net/arp",
    "*/proc/net/tcp*",
    "*/proc/net/udp*",
    "*/proc/net/dev",
    "*/proc/net/if_inet6",
    "*/sys/block/mmcblk0/device/cid",
    "*/sys/block/mmcblk0/device/serial",
    "*/sys/devices/soc0/serial_number",
    "*/data/misc/wifi/*",
)


@dataclass(frozen=True)
class AgentOptions:
    batch_events: int = 1000
    batch_ms: int = 50
    cap: int = 0  # default events/s per hook before folding into counts; 0 = no cap
    tls_chunk_cap: int = 16384
    tls_conn_cap: int = 1 << 20
    args_cap: int = 512
    stack_depth: int = 24
    ring_slots: int = 32768  # 10 MB in the app; a full ring makes hooked threads wait (block_ms)
    block_ms: int = 200  # ... then drop, counted in `dropped`


def select_hooks(catalogue: Catalogue, categories: set[str] | None = None,
                 ids: set[str] | None = None) -> list[Hook]:
    hooks = catalogue.select(categories)
    if ids is not None:
        hooks = [h for h in hooks if h.id in ids]
    return hooks


def agent_config(hooks: list[Hook], paths: tuple[str, ...] | list[str], opts: AgentOptions) -> dict[str, Any]:
    return {
        "hooks": [h.agent_spec() for h in hooks],
        "paths": list(paths),
        "prop_pi": PROP_PI,
        "prop_categories": [list(pc) for pc in PROP_CATEGORIES],
        **opts.__dict__,
    }
