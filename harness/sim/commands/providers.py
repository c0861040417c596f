"""`settings` and `content`: the settings provider and small contacts / call log / SMS providers.

`content` rows live in the device state (`content[<authority/path>]`); contacts get the two
derived views apps and harnesses read (`contacts`, `data/phones`)."""

from __future__ import annotations

import re

from harness.sim.shell_exec import Proc

NAMESPACES = ("global", "secure", "system")
NAME_MIME = "vnd.android.cursor.item/name"
PHONE_MIME = "vnd.android.cursor.item/phone_v2"
EMAIL_MIME = "vnd.android.cursor.item/email_v2"


def settings(p: Proc, args: list[str]) -> int:
    args = [a for a in args if a not in ("--user", "current", "0")] if "--user" in args else args
    if len(args) < 2 or args[0] not in ("get", "put", "delete", "list", "reset"):
        p.err("usage:  settings [--user <USER_ID> | current] get namespace key\n"
              "        settings [--user <USER_ID> | current] put namespace key value\n"
              "        settings [--user <USER_ID> | current] delete namespace key\n"
              "        settings [--user <USER_ID> | current] list namespace\n")
        return 1
    verb, ns = args[0], args[1]
    if ns not in NAMESPACES:
        p.err(f"Invalid namespace '{ns}'\n")
        return 1
    if verb == "get" and len(args) >= 3:
        value = p.device.settings_get(ns, args[2])
        p.out(("null" if value is None else value) + "\n")
    elif verb == "put" and len(args) >= 4:
        p.device.settings_put(ns, args[2], args[3])
    elif verb == "delete" and len(args) >= 3:
        p.out(f"Deleted {1 if p.device.settings_delete(ns, args[2]) else 0} rows\n")
    elif verb == "list":
        with p.device._lock:
            items = sorted(p.device.settings.get(ns, {}).items())
        p.out("".join(f"{k}={v}\n" for k, v in items))
    else:
        p.err("Invalid arguments\n")
        return 1
    return 0


def _uri_key(uri: str) -> str:
    return uri.removeprefix("content://").rstrip("/")


def _bind_value(spec: str) -> tuple[str, str]:
    name, _, rest = spec.partition(":")
    _type, _, value = rest.partition(":")
    return name, value


def _view(p: Proc, key: str) -> list[dict[str, str]] | None:
    c = p.device.content
    if key in ("com.android.contacts/contacts", "com.android.contacts/raw_contacts"):
        rows = []
        for raw in c.get("com.android.contacts/raw_contacts", []):
            data = [d for d in c.get("com.android.contacts/data", []) if d.get("raw_contact_id") == raw["_id"]]
            name = next((d.get("data1", "") for d in data if d.get("mimetype") == NAME_MIME), "")
            has_phone = any(d.get("mimetype") == PHONE_MIME for d in data)
            rows.append({**raw, "display_name": name or "NULL", "has_phone_number": "1" if has_phone else "0"})
        return rows
    if key in ("com.android.contacts/data/phones", "com.android.contacts/data/emails"):
        mime = PHONE_MIME if key.endswith("phones") else EMAIL_MIME
        return [d for d in c.get("com.android.contacts/data", []) if d.get("mimetype") == mime]
    return c.get(key)


def _matches(row: dict[str, str], where: str | None) -> bool:
    if not where:
        return True
    for clause in re.split(r"\s+AND\s+", where, flags=re.I):
        m = re.fullmatch(r"\s*(\w+)\s*=\s*['\"]?(.*?)['\"]?\s*", clause)
        if m and row.get(m.group(1)) != m.group(2):
            return False
    return True


def content(p: Proc, args: list[str]) -> int:
    if not args or args[0] not in ("query", "insert", "delete", "update"):
        p.err("usage: adb shell content [subcommand] [options]\n")
        return 1
    verb = args[0]
    opts: dict[str, list[str]] = {}
    i = 1
    while i < len(args):
        if args[i].startswith("--") and i + 1 < len(args):
            opts.setdefault(args[i][2:], []).append(args[i + 1])
            i += 2
        else:
            i += 1
    if "uri" not in opts:
        p.err("Error while accessing provider:null\njava.lang.IllegalArgumentException: Content provider URI not specified. "
              "Did you specify --uri argument?\n")
        return 1
    key = _uri_key(opts["uri"][0])
    dev = p.device
    with dev._lock:
        if verb == "insert":
            table = dev.content.setdefault(key, [])
            row = {"_id": str(max((int(r["_id"]) for r in table), default=0) + 1)}
            row.update(_bind_value(b) for b in opts.get("bind", []))
            table.append(row)
            dev.save()
            return 0
        if verb == "delete":
            where = opts.get("where", [None])[0]
            dev.content[key] = [r for r in dev.content.get(key, []) if not _matches(r, where)]
            dev.save()
            return 0
        if verb == "update":
            where = opts.get("where", [None])[0]
            for r in dev.content.get(key, []):
                if _matches(r, where):
                    r.update(_bind_value(b) for b in opts.get("bind", []))
            dev.save()
            return 0
        rows = _view(p, key)
    if rows is None:
        p.err(f"Error while accessing provider:{key.split('/')[0]}\n"
              f"java.lang.IllegalArgumentException: Unknown URI content://{key}\n")
        return 1
    where = opts.get("where", [None])[0]
    projection = opts["projection"][0].split(":") if "projection" in opts else None
    selected = [r for r in rows if _matches(r, where)]
    if not selected:
        p.out("No result found.\n")
        return 0
    for n, row in enumerate(selected):
        cols = projection or list(row)
        p.out(f"Row: {n} " + ", ".join(f"{c}={row.get(c, 'NULL')}" for c in cols) + "\n")
    return 0


COMMANDS = {"settings": settings, "content": content}
