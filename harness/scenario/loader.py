"""Load scenario and suite YAML into frozen models, with errors that name the file, line and key.

YAML is composed into nodes first so that every value keeps its line; pydantic's error locations
are mapped back to those lines. Built-in scenarios ship inside the package (`harness/scenario/
builtin/*.yaml`, mirrored from `scenarios/` at the repository root for editors)."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from harness.errors import ScenarioError
from harness.scenario.model import ACTIONS, BARE_ACTIONS, Scenario, Suite

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000  # values after expanding YAML aliases: a "billion laughs" file stops here


def _compose(text: str, source: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse YAML keeping a map from key path to line number (1-based)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise ScenarioError(f"not valid YAML ({getattr(exc, 'problem', exc)})", source=source, where=where) from None
    lines: dict[tuple[Any, ...], int] = {}
    built = [0]
    loader = yaml.SafeLoader("")  # one constructor for every scalar (building one per value was most of the time)

    def build(node: yaml.Node | None, path: tuple[Any, ...]) -> Any:
        if node is None:
            return None
        built[0] += 1
        if built[0] > MAX_NODES:
            raise ScenarioError(f"more than {MAX_NODES} values once aliases are expanded (an alias bomb?)",
                                source=source, where=f"line {node.start_mark.line + 1}")
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_scalar(key_node)  # type: ignore[arg-type]
                lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, path + (i,)) for i, item in enumerate(node.value)]
        return loader.construct_object(node, deep=True)

    return build(root, ()), lines


def _where(lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> str:
    probe = tuple(path)
    while probe and probe not in lines:
        probe = probe[:-1]
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    line = lines.get(probe)
    return f"line {line}: {dotted}" if line else dotted


def _normalise_step(raw: Any, path: tuple[Any, ...], source: str, lines: dict) -> tuple[dict[str, Any], dict]:
    """One YAML step -> Step fields, and a map from Step field names back to YAML paths."""
    def fail(msg: str, sub: tuple[Any, ...] = ()) -> ScenarioError:
        return ScenarioError(msg, source=source, where=_where(lines, path + sub))

    if isinstance(raw, str):
        if raw in BARE_ACTIONS:
            # A bare `explore` / `policy` is the mapping form with every option at its default.
            return ({"action": raw, raw: {}} if raw in ("explore", "policy") else {"action": raw}), {}
        raise fail(f"unknown step {raw!r} (bare steps: {', '.join(BARE_ACTIONS)})")
    if not isinstance(raw, dict):
        raise fail("a step is a name (`- home`) or a one-key mapping (`- wait: 5`)")
    raw = dict(raw)
    optional = raw.pop("optional", False)
    if len(raw) != 1:
        raise fail(f"a step has exactly one action, found {', '.join(map(str, raw)) or 'none'}")
    action, arg = next(iter(raw.items()))
    if action not in ACTIONS:
        raise fail(f"unknown action {action!r} (known: {', '.join(ACTIONS)})", (action,))
    step: dict[str, Any] = {"action": action, "optional": optional}
    back = {"seconds": (action,), "decision": (action,), "group": (action,), "target": (action,),
            "text": (action,), "swipe": (action,), "explore": (action,), "policy": (action,)}
    if action == "wait":
        step["seconds"] = arg
    elif action in ("consent", "permissions"):
        allowed = ("accept", "refuse") if action == "consent" else ("grant", "deny")
        if not isinstance(arg, str):
            raise fail(f"{action} takes one of {', '.join(allowed)}", (action,))
        decision, _, group = arg.partition(":")
        if decision not in allowed:
            raise fail(f"{decision!r} is not one of {', '.join(allowed)}", (action,))
        step["decision"] = decision
        if group:
            if action == "consent":
                raise fail("consent takes no group", (action,))
            step["group"] = group
    elif action == "tap":
        step["target"] = {"text": arg} if isinstance(arg, str) else arg
    elif action == "text":
        step["text"] = arg
    elif action == "swipe":
        step["swipe"] = arg
    elif action == "revoke":
        step["group"] = arg
    elif action == "explore":
        step["explore"] = arg if isinstance(arg, dict) else {}
    elif action == "policy":
        step["policy"] = arg if isinstance(arg, dict) else {}
    elif arg is not None:
        raise fail(f"{action} takes no argument", (action,))
    return step, back


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScenarioError(f"cannot read ({exc.strerror})", source=str(path)) from None
    if size > MAX_FILE_BYTES:
        raise ScenarioError(f"file too large ({size} bytes; limit {MAX_FILE_BYTES})", source=str(path))
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=str(path)) from None


def parse_scenario(text: str, source: str) -> Scenario:
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"too large ({len(text)} characters; limit {MAX_FILE_BYTES})", source=source)
    data, lines = _compose(text, source)
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a mapping with `name` and `steps`", source=source, where="line 1")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list):
        raise ScenarioError("`steps` must be a list", source=source, where=_where(lines, ("steps",)))
    steps = []
    back_maps = []
    for i, raw in enumerate(raw_steps):
        step, back = _normalise_step(raw, ("steps", i), source, lines)
        steps.append(step)
        back_maps.append(back)
    fields = {**data, "steps": steps, "source": source,
              "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    try:
        return Scenario.model_validate(fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            sub = back_maps[loc[1]].get(str(loc[2]), ()) if len(loc) > 2 else ()
            path = ("steps", loc[1]) + tuple(sub) + tuple(loc[3:])
        else:
            path = loc
        raise ScenarioError(err["msg"], source=source, where=_where(lines, path)) from None


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    return parse_scenario(_read(path), str(path))


def builtin_dir() -> Path:
    return Path(str(resources.files("harness.scenario") / "builtin"))


def builtin_scenarios() -> dict[str, Scenario]:
    """The built-in scenarios by name."""
    out = {}
    for path in sorted(builtin_dir().glob("*.yaml")):
        scenario = load_scenario(path)
        out[scenario.name] = scenario
    return out


def resolve_scenario(name_or_path: str, base: Path | None = None) -> Scenario:
    """A built-in scenario name, or a YAML file (relative to `base` when given)."""
    builtins = builtin_scenarios()
    if name_or_path in builtins:
        return builtins[name_or_path]
    candidate = Path(name_or_path)
    if base is not None and not candidate.is_absolute():
        candidate = base / candidate
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        return load_scenario(candidate)
    raise ScenarioError(f"no built-in scenario or file named {name_or_path!r} "
                        f"(built-in: {', '.join(builtins)})")


def load_suite(path: str | Path) -> Suite:
    path = Path(path)
    source = str(path)
    if not path.exists() and (builtin_dir() / "suites" / f"{path.stem}.yaml").exists():
        path = builtin_dir() / "suites" / f"{path.stem}.yaml"  # a built-in suite named by its name
    data, lines = _compose(_read(path), source)
    if not isinstance(data, dict):
        raise ScenarioError("a suite is a mapping with `name`, `apps`, `scenarios`", source=source, where="line 1")
    try:
        suite = Suite.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ScenarioError(err["msg"], source=source, where=_where(lines, tuple(err["loc"]))) from None
    for i, name in enumerate(suite.scenarios):
        try:
            resolve_scenario(name, path.parent)
        except ScenarioError as exc:
            raise ScenarioError(str(exc), source=source, where=_where(lines, ("scenarios", i))) from None
    return suite
