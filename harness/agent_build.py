"""Build the Frida agent: compile hooks/ (TypeScript + frida-java-bridge) into one bundle,
`harness/_agent/agent.js`, with frida's own compiler (`frida.Compiler`).

Why not npm's frida-compile: it downloads a prebuilt node binding at install time, which fails
on machines without internet access; frida.Compiler ships inside the frida wheel already
installed. npm is only needed for `npm ci` (frida-java-bridge, the types).

Usage: `python -m harness.agent_build [--hooks DIR] [--out FILE] [--no-compress]` (make agent)."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from harness.errors import AgentError

REPO = Path(__file__).resolve().parent.parent
HOOKS_DIR = REPO / "hooks"
BUNDLE = Path(__file__).resolve().parent / "_agent" / "agent.js"
ENTRY = "src/index.ts"


def build(hooks_dir: Path = HOOKS_DIR, out: Path = BUNDLE, *, compress: bool = True) -> Path:
    """Compile and write the bundle atomically; raise AgentError with the compiler's diagnostics."""
    import frida

    hooks_dir = Path(hooks_dir)
    if not (hooks_dir / ENTRY).is_file():
        raise AgentError(f"{hooks_dir / ENTRY}: agent entry not found")
    if not (hooks_dir / "node_modules" / "frida-java-bridge").is_dir():
        raise AgentError(f"{hooks_dir}/node_modules is missing frida-java-bridge: run `cd {hooks_dir} && npm ci`")
    diagnostics: list[str] = []
    compiler = frida.Compiler()
    compiler.on("diagnostics", lambda diags: diagnostics.extend(_fmt(d) for d in diags))
    try:
        kwargs: dict[str, str] = {"project_root": str(hooks_dir)}
        if compress:
            kwargs["compression"] = "terser"
        bundle = compiler.build(ENTRY, **kwargs)
    except Exception as exc:  # frida raises its own error types
        detail = "\n".join(diagnostics) or str(exc)
        raise AgentError(f"agent build failed in {hooks_dir}:\n{detail}") from exc
    if diagnostics:
        raise AgentError(f"agent build has type errors in {hooks_dir}:\n" + "\n".join(diagnostics))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".js.tmp")
    tmp.write_text(bundle, encoding="utf-8")
    tmp.replace(out)
    # The wheel carries the catalogue beside the bundle (harness.catalogue falls back to it).
    catalogue = hooks_dir / "catalogue.yaml"
    if catalogue.is_file():
        shutil.copyfile(catalogue, out.parent / "catalogue.yaml")
    return out


def _fmt(d: object) -> str:
    if isinstance(d, dict):
        f = d.get("file") or {}
        where = f"{f.get('path', '?')}:{f.get('line', 0) + 1}" if isinstance(f, dict) else "?"
        return f"{where}: {d.get('category', 'error')} TS{d.get('code', '')}: {d.get('text', d)}"
    return str(d)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m harness.agent_build", description=__doc__.splitlines()[0])
    ap.add_argument("--hooks", type=Path, default=HOOKS_DIR)
    ap.add_argument("--out", type=Path, default=BUNDLE)
    ap.add_argument("--no-compress", action="store_true")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    try:
        out = build(args.hooks, args.out, compress=not args.no_compress)
    except AgentError as exc:
        print(f"consentry: {exc}", file=sys.stderr)
        return 3
    print(f"agent: {out} ({out.stat().st_size // 1024} KB) in {time.perf_counter() - t:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
