"""The sim app model: what an installable sim app is (an APK-like zip holding
`consentry-sim-app.yaml`), validated into frozen pydantic models.

The model is hostile input (anyone can build an .apk for the sim), so loading caps sizes, refuses
zip members that would expand beyond a bound, and turns every validation error into one
`SimAppError` naming the file and the key path (`com.x.apk: screens[2].elements[0].bounds: ...`).
The same model is the ground truth of the project: `expect` lists the findings a correct analysis
must report for the app under each built-in scenario."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from harness.yamlload import safe_load as yaml_safe_load

MODEL_MEMBER = "consentry-sim-app.yaml"
MAX_MODEL_BYTES = 512 * 1024  # the YAML itself
MAX_APK_BYTES = 32 * 1024 * 1024  # the whole zip on disk
MAX_MEMBER_BYTES = 8 * 1024 * 1024  # any one member, uncompressed
MAX_MEMBERS = 256

SCENARIOS = ("baseline", "refuse", "accept", "accept-grant", "background")
RULES = (
    "collect-before-consent",
    "collect-after-refusal",
    "permission-before-consent",
    "sensitive-without-permission-flow",
    "excessive-frequency",
    "background-collection",
    "third-party-sdk",
    "pi-cleartext",
    "pi-to-third-party",
    "renag-after-refusal",
    "unrelated-app-launch",
    "no-notice-on-first-run",
    "permission-without-rationale",
    "preticked-consent",
    "no-privacy-policy",
    "policy-hard-to-reach",
    "pi-not-disclosed",
    "sdk-not-disclosed",
    "forced-consent",
    "permission-bundle",
)
# Identity keys an app can obtain (DESIGN.md identity.json) and the encodings it can send them in.
IDENTITY_KEYS = (
    "android_id", "imei", "meid", "imsi", "iccid", "serial", "mac", "bluetooth_mac", "advertising_id",
    "oaid", "phone_number", "email", "ssid", "bssid", "location", "contacts", "clipboard", "model",
)
ENCODINGS = ("plain", "urlencoded", "base64", "hex", "md5", "sha1", "sha256", "sha256(md5)", "upper", "nosep")
ConsentState = Literal["none", "shown", "accepted", "refused"]


class SimAppError(ValueError):
    """A sim app package or model that cannot be used; the message names the file and the key."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


Bounds = tuple[int, int, int, int]


class Element(_Frozen):
    """One view of a screen, rendered as a uiautomator `<node>`."""

    id: str | None = None  # model-local name that transitions refer to
    text: str = ""
    resource_id: str = Field("", alias="resource-id")
    cls: str = Field("android.widget.TextView", alias="class")
    bounds: Bounds
    clickable: bool = False
    checkable: bool = False
    checked: bool = False
    content_desc: str = Field("", alias="content-desc")
    # Text drawn only in pixels (a WebView, canvas or image that exposes nothing to accessibility):
    # the screenshot shows it, the hierarchy dump does not (the observer must read it with OCR).
    drawn_text: str = Field("", alias="drawn-text")
    package: str | None = None  # defaults to the app's package
    enabled: bool = True
    scrollable: bool = False
    password: bool = False
    children: tuple[Element, ...] = ()

    @field_validator("bounds", mode="before")
    @classmethod
    def _bounds(cls, v: Any) -> Any:
        if not (isinstance(v, list | tuple) and len(v) == 4 and all(isinstance(i, int) for i in v)):
            raise ValueError("expected [x1,y1,x2,y2]")
        x1, y1, x2, y2 = v
        if x2 < x1 or y2 < y1 or min(v) < 0 or max(v) > 100_000:
            raise ValueError("expected [x1,y1,x2,y2] with x1<=x2, y1<=y2, all >= 0")
        return tuple(v)


class Action(_Frozen):
    """What a tap, a key or a timer does. Fields combine; they apply in the order listed here."""

    consent: Literal["accepted", "refused"] | None = None  # the app records the user's choice
    check: str | None = None  # toggle a checkable element (by id)
    request_permissions: tuple[str, ...] = ()  # show the system dialog(s) for these
    goto: str | None = None  # push a screen
    replace: str | None = None  # replace the top screen
    back: bool = False  # pop the top screen
    finish: bool = False  # close the app's task (the app goes to the background)
    requires_checked: str | None = None  # do nothing unless this checkbox (element id) is ticked


class Screen(_Frozen):
    id: str
    activity: str  # ".MainActivity" or fully qualified
    title: str | None = None
    notice: bool = False  # a privacy notice: showing it marks consent `shown`
    dialog: tuple[int, int, int, int] | None = None  # a dialog window: only it is dumped, with these bounds
    elements: tuple[Element, ...] = ()
    on_tap: dict[str, Action] = {}  # element id -> action
    on_back: Action | None = None  # default: pop
    auto: AutoAction | None = None

    @field_validator("dialog", mode="before")
    @classmethod
    def _dialog(cls, v: Any) -> Any:
        return Element._bounds(v) if v is not None else None


class AutoAction(_Frozen):
    """A screen that moves on by itself (a splash), after `after_s` on screen, counted by the app
    process from when it runs and sees the screen (as an Activity's own `postDelayed` would)."""

    after_s: float = Field(ge=0, le=600)
    action: Action
    # The countdown ends for good once something covers the screen before it fires (the user opened
    # a link on it): the screen then stays until it is answered. Off, the countdown restarts each
    # time the screen is on top again.
    once: bool = False


class When(_Frozen):
    """When a behaviour fires: all given conditions hold, then `after_s` more seconds pass.

    Time counts from the moment the conditions became true (for no conditions: the process's
    release, i.e. launch, or SIGCONT after `am start -D`)."""

    after_s: float = Field(default=0.0, ge=0, le=3600)
    consent: tuple[ConsentState, ...] | None = None  # any of these
    granted: tuple[str, ...] = ()  # all of these permissions granted
    denied: tuple[str, ...] = ()  # all of these asked and denied
    foreground: bool | None = None  # True: app in front; False: in the background
    screen: str | None = None  # this screen is on top of the app's task

    @field_validator("consent", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return (v,) if isinstance(v, str) else v


class Send(_Frozen):
    key: str
    enc: str = "plain"
    name: str | None = None  # field/param/header name; default: the key

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        if v not in IDENTITY_KEYS:
            raise ValueError(f"unknown identity key {v!r} (one of {', '.join(IDENTITY_KEYS)})")
        return v

    @field_validator("enc")
    @classmethod
    def _enc(cls, v: str) -> str:
        if v not in ENCODINGS:
            raise ValueError(f"unknown encoding {v!r} (one of {', '.join(ENCODINGS)})")
        return v


class Http(_Frozen):
    url: str
    method: Literal["GET", "POST", "PUT"] = "GET"
    send: tuple[Send, ...] = ()
    into: Literal["query", "form", "json", "header"] = Field("query", alias="in")
    headers: dict[str, str] = {}
    pin: bool = False  # trust only the sim internet's CA (certificate pinning)
    fallback_direct: bool = False  # when the proxied TLS fails, retry bypassing the proxy

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not (v.startswith("http://") or v.startswith("https://")) or len(v) > 2048:
            raise ValueError("expected an http:// or https:// URL")
        return v


class ShellCommand(_Frozen):
    """A command an SDK's native code runs (libc popen, posix_spawn of /system/bin/sh, or system),
    against the sim device's shell, the way fingerprinting SDKs read identifiers."""

    cmd: str = Field(min_length=1, max_length=4096)
    via: Literal["popen", "posix_spawn", "system"] = "popen"


class Step(_Frozen):
    """One thing a behaviour does; exactly one field is set."""

    read_file: str | None = None  # libc open+read of a device path
    getprop: str | None = None  # __system_property_get
    read: str | None = None  # the Java framework API for an identity key (JAVA_API), called on the app's JVM
    dns: str | None = None  # getaddrinfo
    http: Http | None = None
    request_permissions: tuple[str, ...] | None = None
    start_app: str | None = None  # start another package's component (wake-up / unrelated app launch)
    show_screen: str | None = None  # push a screen when the app is in front (renag)
    log: str | None = None
    shell: ShellCommand | None = None  # a shell command run from native code (a string: via popen)

    @field_validator("shell", mode="before")
    @classmethod
    def _shell(cls, v: Any) -> Any:
        return {"cmd": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _exactly_one(self) -> Step:
        set_ = [k for k in type(self).model_fields if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError(f"a step needs exactly one of {', '.join(type(self).model_fields)}; got {set_ or 'none'}")
        if self.read is not None and self.read not in IDENTITY_KEYS:
            raise ValueError(f"unknown identity key {self.read!r}")
        return self


class Behaviour(_Frozen):
    id: str
    when: When = When()
    every_s: float | None = Field(None, gt=0.01, le=3600)
    times: int | None = Field(None, ge=1, le=100_000)  # default 1, or unbounded with every_s
    # the SDK whose code runs the steps: its Java class in its real package (harness/sim/java/apps.py)
    # for Java reads, its native module lib<sdk>_sim.so for native ones
    sdk: str | None = None
    steps: tuple[Step, ...]


class Page(_Frozen):
    """A page of the app's web site, served by the sim internet at `url` (e.g. its privacy policy,
    which the app's policy screen loads like a WebView does)."""

    url: str
    content_type: str = "text/html; charset=utf-8"
    body: str = Field(max_length=256 * 1024)
    # the web server's time to answer: real policy pages come from slow CMSs and CDNs, and the page
    # can complete well after the app's policy screen shows (tests of that race use it)
    delay_s: float = Field(0.0, ge=0, le=60)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        return Http._url(v)


class Start(_Frozen):
    """The first screen at launch, by the consent state the app has stored."""

    none: str
    accepted: str | None = None
    refused: str | None = None


class AppModel(_Frozen):
    package: str
    label: str
    version_name: str = "1.0"
    version_code: int = 1
    permissions: tuple[str, ...] = ()
    activities: tuple[str, ...]
    launcher: str
    start: Start
    screens: tuple[Screen, ...]
    behaviours: tuple[Behaviour, ...] = ()
    pages: tuple[Page, ...] = ()
    # SDKs the app ships as a separate jar and loads at run time through its own class loader
    # (URLClassLoader, the JVM's DexClassLoader), the first time one of their behaviours runs
    late_sdks: tuple[str, ...] = ()
    expect: dict[str, tuple[str, ...]] = {}
    description: str = ""

    @field_validator("package")
    @classmethod
    def _package(cls, v: str) -> str:
        parts = v.split(".")
        if len(v) > 200 or len(parts) < 2 or not all(p and (p[0].isalpha() or p[0] == "_") and p.replace("_", "").isalnum() for p in parts):
            raise ValueError("expected a Java package name like com.example.app")
        return v

    @field_validator("expect")
    @classmethod
    def _expect(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for scenario, rules in v.items():
            if scenario not in SCENARIOS:
                raise ValueError(f"unknown scenario {scenario!r} (one of {', '.join(SCENARIOS)})")
            bad = [r for r in rules if r not in RULES]
            if bad:
                raise ValueError(f"{scenario}: unknown rule(s) {', '.join(bad)}")
        return v

    @model_validator(mode="after")
    def _references(self) -> AppModel:
        ids = [s.id for s in self.screens]
        if len(set(ids)) != len(ids):
            raise ValueError("screens: duplicate screen id")
        screens = set(ids)
        acts = {self.component(a) for a in self.activities}
        if self.component(self.launcher) not in acts:
            raise ValueError(f"launcher: {self.launcher!r} is not in activities")
        for name in ("none", "accepted", "refused"):
            sid = getattr(self.start, name)
            if sid is not None and sid not in screens:
                raise ValueError(f"start.{name}: unknown screen {sid!r}")
        for i, s in enumerate(self.screens):
            if self.component(s.activity) not in acts:
                raise ValueError(f"screens[{i}].activity: {s.activity!r} is not in activities")
            elem_ids = {e.id for e in _walk(s.elements) if e.id}
            actions = [(f"on_tap.{k}", a) for k, a in s.on_tap.items()]
            actions += [("on_back", s.on_back)] if s.on_back else []
            actions += [("auto.action", s.auto.action)] if s.auto else []
            for k in s.on_tap:
                if k not in elem_ids:
                    raise ValueError(f"screens[{i}].on_tap.{k}: no element with this id")
            for where, a in actions:
                for target in (a.goto, a.replace):
                    if target is not None and target not in screens:
                        raise ValueError(f"screens[{i}].{where}: unknown screen {target!r}")
                for ref in (a.check, a.requires_checked):
                    if ref is not None and ref not in elem_ids:
                        raise ValueError(f"screens[{i}].{where}: no element with id {ref!r}")
        sdks = {b.sdk for b in self.behaviours if b.sdk}
        for name in self.late_sdks:
            if name not in sdks:
                raise ValueError(f"late_sdks: {name!r} is the sdk of no behaviour")
        for i, b in enumerate(self.behaviours):
            if b.when.screen is not None and b.when.screen not in screens:
                raise ValueError(f"behaviours[{i}].when.screen: unknown screen {b.when.screen!r}")
            for j, st in enumerate(b.steps):
                if st.show_screen is not None and st.show_screen not in screens:
                    raise ValueError(f"behaviours[{i}].steps[{j}].show_screen: unknown screen {st.show_screen!r}")
        return self

    def component(self, activity: str) -> str:
        """`.Main` -> `com.x/.Main`; fully qualified names keep their package."""
        return f"{self.package}/{activity}"

    def screen(self, screen_id: str) -> Screen:
        for s in self.screens:
            if s.id == screen_id:
                return s
        raise KeyError(screen_id)


def _walk(elements: tuple[Element, ...]):
    for e in elements:
        yield e
        yield from _walk(e.children)


Screen.model_rebuild()


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_app_model(text: str | bytes, source: str) -> AppModel:
    """Validate model YAML text; errors name `source` and the key path."""
    if len(text) > MAX_MODEL_BYTES:
        raise SimAppError(f"{source}: model larger than {MAX_MODEL_BYTES} bytes")
    try:
        data = yaml_safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        raise SimAppError(f"{source}: {where}: not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise SimAppError(f"{source}: expected a mapping at the top level")
    try:
        return AppModel.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = _loc(tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))))
        msg = err["msg"].removeprefix("Value error, ")
        more = f" (and {len(e.errors()) - 1} more)" if len(e.errors()) > 1 else ""
        raise SimAppError(f"{source}: {loc or 'model'}: {msg}{more}") from None


def read_apk_member(path: Path, member: str) -> bytes:
    """One member of an .apk zip, size-capped (a zip bomb ends with SimAppError, not OOM)."""
    source = path.name
    try:
        if path.stat().st_size > MAX_APK_BYTES:
            raise SimAppError(f"{source}: package larger than {MAX_APK_BYTES} bytes")
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise SimAppError(f"{source}: more than {MAX_MEMBERS} members")
            info = next((i for i in infos if i.filename == member), None)
            if info is None:
                raise SimAppError(f"{source}: {member}: missing (not a consentry sim app)")
            cap = MAX_MODEL_BYTES if member == MODEL_MEMBER else MAX_MEMBER_BYTES
            if info.file_size > cap:
                raise SimAppError(f"{source}: {member}: larger than {cap} bytes")
            with zf.open(info) as f:
                data = f.read(cap + 1)  # do not trust the header's size
            if len(data) > cap:
                raise SimAppError(f"{source}: {member}: larger than {cap} bytes")
            return data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as e:
        raise SimAppError(f"{source}: not a readable zip: {e}") from None


def load_app_package(path: str | Path) -> AppModel:
    """Load a sim app from its .apk zip or from a bare model YAML file."""
    path = Path(path)
    head = b""
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except OSError as e:
        raise SimAppError(f"{path.name}: cannot read: {e.strerror}") from None
    if head.startswith(b"PK"):
        return parse_app_model(read_apk_member(path, MODEL_MEMBER), path.name)
    if path.stat().st_size > MAX_MODEL_BYTES:
        raise SimAppError(f"{path.name}: model larger than {MAX_MODEL_BYTES} bytes")
    return parse_app_model(path.read_bytes(), path.name)


def build_apk(model_yaml: bytes, out: Path, assets: dict[str, bytes] | None = None) -> Path:
    """Write an .apk zip for a model (validated first); returns `out`."""
    parse_app_model(model_yaml, out.name)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        # fixed timestamps: the same model gives the same bytes (stable sha256 in manifests)
        members = {MODEL_MEMBER: model_yaml} | {f"assets/{n}": d for n, d in (assets or {}).items()}
        for name, data in sorted(members.items()):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(out)
    return out
