"""Agent batches -> journal rows (api_calls, stacks), vectorised with numpy/pandas.

JS-path rows (Java hooks, folded counts) arrive as JSON arrays; native rows as fixed binary
headers plus a string blob. Both are joined to their catalogue entry by hook index (the position
in the config sent with `init`), their device time converted to host-relative `t_ns`, and
serialised with one `DataFrame.to_json` per batch. Only the native rows that carry strings (paths,
host names, sockaddrs, property values: rare by nature) are decoded one by one."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from harness.catalogue import PI_CATEGORIES, Hook
from harness.instrument.messages import EVENT_COLUMNS, decode_native

# Native rows whose meaning depends on the argument: which identifier a path or property is.
PATH_CATEGORIES = (
    (r"/sys/class/net/[^/]+/address|/data/misc/wifi/", "wifi_info"),
    (r"/sys/class/bluetooth/", "bluetooth"),
    (r"/proc/net/", "network_info"),
)
PROP_PI = r"serial|imei|meid|iccid|imsi|msisdn|gsm\.sim|android_?id|oaid|\.mac|macaddr|wifi\.addr|bt\.addr|bluetooth|phone|line1|ril\.oem"
PROP_CATEGORIES = ((r"gsm\.sim|iccid|imsi|operator", "sim_info"), (r"wifi|\.mac|macaddr", "wifi_info"),
                   (r"bt\.|bluetooth", "bluetooth"), (r"phone|msisdn|line1", "phone_number"))
# Settings.Secure/Global keys that hold identifiers (the agent's Java extractor has the same map:
# hooks/src/java/extractors.ts); a `settings get` in a shell command is read through it too.
ID_SETTINGS = {"android_id": "device_id", "bluetooth_address": "bluetooth", "bluetooth_name": "bluetooth",
               "device_name": "device_id", "wifi_mac_address": "wifi_info"}

ANONYMISED_VALUES = ("02:00:00:00:00:00",)

API_COLUMNS = ["t_ns", "layer", "hook_id", "category", "api", "args", "ret", "thread", "stack_id", "pid",
               "count", "pi", "permission"]


def cap_json(value: Any, cap: int) -> str | None:
    if value is None:
        return None
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text if len(text) <= cap else json.dumps({"truncated": text[: cap - 32]}, ensure_ascii=False)


class HookTable:
    """Columns of the hooks sent to the agent, indexable by hook index."""

    def __init__(self, hooks: Sequence[Hook]):
        self.hooks = list(hooks)
        self.ids = np.array([h.id for h in hooks], dtype=object)
        self.layer = np.array([h.layer for h in hooks], dtype=object)
        self.category = np.array([h.category for h in hooks], dtype=object)
        self.api = np.array([h.api for h in hooks], dtype=object)
        self.pi = np.array([h.pi for h in hooks], dtype=bool)
        self.permission = np.array([h.permission for h in hooks], dtype=object)
        # JSON fragments for the native hot path (rows formatted as text, see RowBuilder.native_rows)
        self.category_json = np.array([json.dumps(h.category) for h in hooks], dtype=object)
        self.pi_json = np.array(["true" if h.pi else "false" for h in hooks], dtype=object)
        self.head_json = np.array([
            f'"layer":"native","hook_id":{json.dumps(h.id)},"api":{json.dumps(h.api)},"permission":{json.dumps(h.permission)},' for h in hooks], dtype=object)
        self.extractor = np.array([h.extractor or ("raw" if h.layer == "native" else "generic") for h in hooks],
                                  dtype=object)



class ModuleMap:
    """Loaded modules of one process (from agent:modules), to turn return addresses into frames."""

    def __init__(self) -> None:
        self.bases = np.zeros(0, dtype=np.uint64)
        self.ends = np.zeros(0, dtype=np.uint64)
        self.names: list[str] = []
        self.known: dict[int, str] = {}  # return address -> stack id
        self.known_json: dict[int, str] = {}  # return address -> '"stack id"' (JSON)

    def add(self, modules: list[dict[str, Any]]) -> None:
        entries = list(zip(self.bases.tolist(), self.ends.tolist(), self.names, strict=True))
        for m in modules:
            base = int(str(m["base"]), 16)
            entries.append((base, base + int(m["size"]), str(m["name"])))
        entries.sort()
        self.bases = np.array([e[0] for e in entries], dtype=np.uint64)
        self.ends = np.array([e[1] for e in entries], dtype=np.uint64)
        self.names = [e[2] for e in entries]

    def frames(self, ras: np.ndarray) -> list[str]:
        idx = np.searchsorted(self.bases, ras, side="right") - 1
        out = []
        for ra, i in zip(ras.tolist(), idx.tolist(), strict=True):
            if i >= 0 and ra < int(self.ends[i]):
                out.append(f"{self.names[i]}+0x{ra - int(self.bases[i]):x}")
            else:
                out.append(f"0x{ra:x}")
        return out

    def stack_ids(self, ras: np.ndarray) -> tuple[np.ndarray, list[dict[str, Any]]]:
        """Stack id per address, and the new `stacks` rows (one per address never seen)."""
        uniq = np.unique(ras)
        fresh = [int(r) for r in uniq.tolist() if int(r) not in self.known and r != 0]
        new_rows = []
        if fresh:
            for ra, frame in zip(fresh, self.frames(np.array(fresh, dtype=np.uint64)), strict=True):
                sid = "n" + hashlib.sha1(frame.encode()).hexdigest()[:15]
                self.known[ra] = sid
                self.known_json[ra] = f'"{sid}"'
                new_rows.append({"stack_id": sid, "frames": [frame]})
        ids = pd.Series(ras).map(self.known).to_numpy(dtype=object)
        return ids, new_rows


def _sockaddr(raw: bytes) -> dict[str, Any]:
    fam = struct.unpack_from("<H", raw, 0)[0]
    if fam == 2 and len(raw) >= 8:
        port = struct.unpack_from(">H", raw, 2)[0]
        return {"family": "inet", "ip": str(ipaddress.IPv4Address(raw[4:8])), "port": port}
    if fam == 10 and len(raw) >= 24:
        port = struct.unpack_from(">H", raw, 2)[0]
        return {"family": "inet6", "ip": str(ipaddress.IPv6Address(raw[8:24])), "port": port}
    return {"family": fam}


_NATIVE_ROW = '{%s"t_ns":%d,"category":%s,"pi":%s,"args":%s,"ret":"%d","thread":"%d","stack_id":%s,"pid":%d,"count":1}'
_PATH_RES = tuple((re.compile(p), c) for p, c in PATH_CATEGORIES)
_PROP_RES = tuple((re.compile(p), c) for p, c in PROP_CATEGORIES)
_PROP_PI_RE = re.compile(PROP_PI)


def _refine(kind: str, value: dict[str, Any]) -> tuple[str | None, bool | None] | None:
    """Category/pi of a path or property row from the path or key itself."""
    if kind == "path":
        path = str(value.get("path", ""))
        return next((c for r, c in _PATH_RES if r.search(path)), None), None
    if kind == "prop":
        name = str(value.get("name", "")).lower()
        return next((c for r, c in _PROP_RES if r.search(name)), None), bool(_PROP_PI_RE.search(name))
    return None


def _native_args(kind: str, a0: int, blob: bytes) -> dict[str, Any]:
    if kind == "path":
        return {"path": blob.decode("utf-8", "replace")}
    if kind == "str2":
        node, _, service = blob.partition(b"\0")
        return {"node": node.decode("utf-8", "replace") or None, "service": service.decode("utf-8", "replace") or None}
    if kind == "sockaddr":
        return {"fd": a0, **_sockaddr(blob)}
    if kind == "prop":
        name, _, value = blob.partition(b"\0")
        return {"name": name.decode("utf-8", "replace"), "value": value.decode("utf-8", "replace")}
    if kind in ("command", "argv"):
        from harness.instrument.commands import native_value

        return native_value(kind, blob)
    return {"a0": a0}


class RowBuilder:
    """Converts one process's batches; `offset_ns` is device minus host, `t0_ns` the run start."""

    def __init__(self, table: HookTable, pid: int, offset_ns: int, t0_ns: int, args_cap: int = 2048):
        self.table = table
        self.pid = pid
        self._t0_ns = t0_ns
        self.shift = offset_ns + t0_ns
        self.straddle: tuple[int, int] | None = None  # (previous shift, latest t_ns) across a clock jump
        self.args_cap = args_cap
        self.modules = ModuleMap()

    def rebase(self, offset_ns: int, received_ns: int | None = None, margin_ns: int = 0) -> None:
        """The device's clock moved: later rows convert with the new offset (modules are kept).

        The batch that revealed the jump can hold rows stamped on both sides of it. Until
        `end_straddle`, each of its rows takes the offset that places it no later than the batch's
        arrival (`received_ns` on the run's time line, plus `margin_ns`), and of two such places the
        later one: on the wrong side, a forward jump would put a row after it arrived and a backward
        one would put it |jump| too early, while on the right side it lands within a batch's delay."""
        if received_ns is not None:
            self.straddle = (self.shift, received_ns + margin_ns)
        self.shift = offset_ns + self.t0_ns

    def end_straddle(self) -> None:
        self.straddle = None

    def _t_ns(self, t_us: np.ndarray) -> np.ndarray:
        t_new = t_us.astype(np.int64) * 1000 - self.shift
        if self.straddle is None:
            return t_new
        old_shift, bound = self.straddle
        t_old = t_new + (self.shift - old_shift)
        ok_old, ok_new = t_old <= bound, t_new <= bound
        return np.where(ok_old & ok_new, np.maximum(t_old, t_new), np.where(ok_old, t_old, t_new))

    @property
    def t0_ns(self) -> int:
        return self._t0_ns

    def _frame(self, hook: np.ndarray, t_us: np.ndarray) -> pd.DataFrame:
        t = self.table
        return pd.DataFrame({
            "t_ns": self._t_ns(t_us),
            "layer": t.layer[hook],
            "hook_id": t.ids[hook],
            "category": t.category[hook],
            "api": t.api[hook],
        })

    def js_rows(self, events: list[list[Any]]) -> pd.DataFrame:
        ev = pd.DataFrame(events, columns=list(EVENT_COLUMNS))
        hook = ev["hook"].to_numpy(dtype=np.int64)
        df = self._frame(hook, ev["t_us"].to_numpy(dtype=np.int64))
        override = ev["cat"]
        has = override.notna().to_numpy()
        df["category"] = np.where(has, override.to_numpy(dtype=object), df["category"].to_numpy())
        commands = np.flatnonzero(self.table.extractor[hook] == "command")
        if len(commands):  # Runtime.exec / ProcessBuilder: what the command reads (rare rows)
            from harness.instrument.commands import refine as refine_command

            for i in commands.tolist():
                a = ev.at[i, "args"]
                if isinstance(a, dict) and a.get("command") is not None:
                    cat, cpi, ev.at[i, "args"] = refine_command(a)
                    df.at[i, "category"] = cat
                    override.at[i] = cat
            has = override.notna().to_numpy()
        df["args"] = ev["args"].map(lambda v: cap_json(v, self.args_cap))
        df["ret"] = ev["ret"].map(lambda v: cap_json(v, self.args_cap))
        df["thread"] = ev["tid"].astype(str)
        df["stack_id"] = ev["stack_id"]
        df["pid"] = self.pid
        df["count"] = ev["count"].astype(np.int64)
        pi = np.where(has, override.isin(PI_CATEGORIES).to_numpy(), self.table.pi[hook])
        # Since API 23 WifiInfo.getMacAddress and BluetoothAdapter.getAddress return this constant to
        # apps: a read that returned it obtained no identifier.
        df["pi"] = pi & ~ev["ret"].isin(ANONYMISED_VALUES).to_numpy()
        df["permission"] = self.table.permission[hook]
        return df[API_COLUMNS]

    def native_rows(self, data: bytes, n: int) -> tuple[str, int, list[dict[str, Any]]]:
        """One batch of native records as a JSON array text (journal.append_raw), its row count,
        and the new `stacks` rows. This is the hot path (hundreds of thousands of rows per
        second): rows are formatted by `str.__mod__` mapped over column lists, about 1 us a row,
        where pandas 3's Arrow-backed strings cost about 13 us a row for the same JSON."""
        arr, blob = decode_native(data, n)
        hook = arr["hook"].astype(np.int64)
        kinds = self.table.extractor[hook]
        t_ns = self._t_ns(arr["t_us"]).tolist()
        a0 = arr["a0"].astype(np.int64).tolist()
        a1 = arr["a1"].astype(np.int64).tolist()
        args = list(map('"[%d,%d]"'.__mod__, zip(a0, a1, strict=True)))
        cats = self.table.category_json[hook].tolist()
        heads = self.table.head_json[hook].tolist()
        pis = self.table.pi_json[hook].tolist()
        for i in np.flatnonzero(kinds != "raw").tolist():
            off = int(arr["soff"][i])
            value = _native_args(kinds[i], a0[i], blob[off: off + int(arr["slen"][i])])
            if kinds[i] in ("command", "argv"):  # shell commands: what they read (harness/instrument/commands.py)
                from harness.instrument.commands import refine as refine_command

                ccat, cpi, value = refine_command(value)
                cats[i], pis[i] = json.dumps(ccat), "true" if cpi else "false"
            text = cap_json(value, self.args_cap) or "null"
            args[i] = json.dumps(text, ensure_ascii=False)
            refined = _refine(kinds[i], value)
            if refined is not None:
                rcat, rpi = refined
                if rcat is not None:
                    cats[i] = json.dumps(rcat)
                if rpi is not None:
                    pis[i] = "true" if rpi else "false"
        ids, new_stacks = self.modules.stack_ids(arr["ra"])
        sids = ["null" if v is None else f'"{v}"' for v in ids.tolist()] if new_stacks or len(ids) < 64 else \
            list(map(self.modules.known_json.get, arr["ra"].tolist(), ["null"] * n))
        pid = self.pid
        rows = map(_NATIVE_ROW.__mod__, zip(heads, t_ns, cats, pis, args, arr["ret"].tolist(), arr["tid"].tolist(),
                                             sids, [pid] * n, strict=True))
        return "[" + ",".join(rows) + "]", n, new_stacks

    def t_ns(self, t_us: int) -> int:
        return int(t_us) * 1000 - self.shift
