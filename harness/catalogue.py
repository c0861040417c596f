"""The hook catalogue (`hooks/catalogue.yaml`): loaded once, validated, frozen.

One list of what is watched serves three readers: the agent (through the config the instrument
sends with `init`), the instrument (which joins every event back to its entry's category, pi,
permission) and `consentry hooks list/validate`. Structure errors name the file and the entry."""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from harness.errors import InputError
from harness.yamlload import safe_load as yaml_safe_load

REPO_CATALOGUE = Path(__file__).resolve().parent.parent / "hooks" / "catalogue.yaml"
PACKAGED_CATALOGUE = Path(__file__).resolve().parent / "_agent" / "catalogue.yaml"

# DESIGN.md's category list, plus the non-personal signals the consent observer and the
# app-behaviour rules use (permission requests, UI events, network endpoints, TLS plaintext).
PI_CATEGORIES = (
    "location", "contacts", "camera", "microphone", "device_id", "phone_number", "sim_info", "sms",
    "call_log", "calendar", "accounts", "installed_apps", "clipboard", "wifi_info", "bluetooth",
    "sensors", "network_info", "storage", "app_launch", "install", "ip_address",
)
OTHER_CATEGORIES = ("permission_request", "ui", "network", "tls", "content_other", "browser", "process")
CATEGORIES = PI_CATEGORIES + OTHER_CATEGORIES

ORIGINS = ("sdk", "play-services", "androidx", "support-library", "vendor-oaid", "internal", "native")
JAVA_EXTRACTORS = ("generic", "uri", "settings_key", "permissions", "intent", "package_arg", "list_size",
                   "location", "view_text", "self_class", "command", "prop", "ip")
NATIVE_EXTRACTORS = ("raw", "path", "str2", "sockaddr", "prop", "tls_write", "tls_read", "tls_write_ex",
                     "tls_read_ex", "command", "argv")


class Hook(BaseModel):
    """One catalogue entry. Java: class + method (+ overloads, each a list of Java type names;
    absent = every overload). Native: module globs + export."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str
    layer: Literal["java", "native"]
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    permission: str | None = None
    pi: bool
    refs: tuple[str, ...] = ()
    extractor: str | None = None
    params: dict[str, int | str] | None = None
    cap: int | None = Field(default=None, ge=0)
    stack: bool = True
    origin: Literal[ORIGINS] = "sdk"  # type: ignore[valid-type]
    note: str | None = None
    # java
    class_: str | None = Field(default=None, alias="class")
    method: str | None = None
    # the class apps really reach (hidden implementation or overriding subclass): hooked instead
    # of `class`, which stays the declared API that `hooks validate` checks
    impl: str | None = None
    overloads: tuple[tuple[str, ...], ...] | None = None
    # native
    module: tuple[str, ...] | None = None
    export: str | None = None

    @model_validator(mode="after")
    def _layer_fields(self) -> Hook:
        if self.layer == "java":
            if not self.class_ or not self.method:
                raise ValueError("a java entry needs `class` and `method`")
            if self.module or self.export:
                raise ValueError("a java entry has no `module`/`export`")
            if self.impl is not None and not re.fullmatch(r"[\w.$]+", self.impl):
                raise ValueError(f"`impl` must be a Java class name, not {self.impl!r}")
            if self.extractor and self.extractor not in JAVA_EXTRACTORS:
                raise ValueError(f"unknown java extractor {self.extractor!r} (known: {', '.join(JAVA_EXTRACTORS)})")
        else:
            if not self.module or not self.export:
                raise ValueError("a native entry needs `module` (list of globs) and `export`")
            if self.class_ or self.method or self.overloads or self.impl:
                raise ValueError("a native entry has no `class`/`method`/`overloads`")
            if self.extractor and self.extractor not in NATIVE_EXTRACTORS:
                raise ValueError(f"unknown native extractor {self.extractor!r} (known: {', '.join(NATIVE_EXTRACTORS)})")
        return self

    @property
    def api(self) -> str:
        return f"{self.class_}.{self.method}" if self.layer == "java" else f"{self.export}"

    @property
    def in_sdk(self) -> bool:
        return self.layer == "java" and self.origin == "sdk"

    def agent_spec(self) -> dict[str, object]:
        """What the agent needs of this entry (metadata stays on the host)."""
        spec: dict[str, object] = {"id": self.id, "layer": self.layer, "extractor": self.extractor,
                                   "params": self.params, "stack": self.stack}
        if self.cap is not None:
            spec["cap"] = self.cap
        if self.layer == "java":
            spec.update({"class": self.impl or self.class_, "method": self.method,
                         "overloads": [list(o) for o in self.overloads] if self.overloads is not None else None})
        else:
            spec.update({"module": list(self.module or ()), "export": self.export})
        return spec


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = 1
    paths: tuple[str, ...] = ()
    refs: dict[str, str] = {}
    hooks: tuple[Hook, ...]

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        dup = [i for i, n in Counter(h.id for h in self.hooks).items() if n > 1]
        if dup:
            raise ValueError(f"duplicate hook ids: {', '.join(sorted(dup))}")
        unknown = sorted({r for h in self.hooks for r in h.refs if self.refs and r not in self.refs})
        if unknown:
            raise ValueError(f"refs not in the `refs` legend: {', '.join(unknown)}")
        return self

    def by_id(self) -> dict[str, Hook]:
        return {h.id: h for h in self.hooks}

    def select(self, categories: set[str] | None = None, layers: set[str] | None = None) -> list[Hook]:
        return [h for h in self.hooks
                if (categories is None or h.category in categories) and (layers is None or h.layer in layers)]

    def counts(self) -> dict[str, int]:
        c = Counter(h.layer for h in self.hooks)
        return {"java": c["java"], "native": c["native"], "total": len(self.hooks)}


def default_path() -> Path:
    """The repo's catalogue when running from a checkout, the packaged copy in a wheel."""
    return REPO_CATALOGUE if REPO_CATALOGUE.is_file() else PACKAGED_CATALOGUE


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    path = Path(path) if path is not None else default_path()
    return _load(str(path.resolve()), path.stat().st_mtime_ns if path.exists() else 0)


@functools.lru_cache(maxsize=8)
def _load(path: str, _mtime: int) -> Catalogue:
    p = Path(path)
    if not p.is_file():
        raise InputError("hook catalogue not found", source=path)
    try:
        raw = yaml_safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", source=path, where=where) from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("hooks"), list):
        raise InputError("expected a mapping with a `hooks` list", source=path)
    for i, entry in enumerate(raw["hooks"]):
        if not isinstance(entry, dict):
            raise InputError("entry is not a mapping", source=path, where=f"hooks[{i}]")
        try:
            Hook.model_validate(entry)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(x) for x in err["loc"])
            raise InputError(f"{err['msg']}" + (f" (at {loc})" if loc else ""), source=path,
                             where=f"hooks[{i}] id={entry.get('id', '?')}") from None
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        raise InputError(exc.errors()[0]["msg"], source=path) from None
