"""The `consentry` command line: one typer app, one module per area (sim, hooks, pii, ui, sdk,
report, run). Modules import heavy libraries (frida, mitmproxy, pandas) inside commands so that
`consentry --help` stays fast."""
