"""Errors analysis raises on purpose.

`analysis` never imports `harness` (DESIGN.md, the walls), so it has its own small exception type;
the CLI maps it to `harness.errors.InputError` (exit code 2)."""

from __future__ import annotations


class AnalysisInputError(ValueError):
    """A run directory, table, database file or option that cannot be used. Names the file and place."""

    def __init__(self, message: str, *, source: str | None = None, where: str | None = None):
        self.source = source
        self.where = where
        prefix = ""
        if source:
            prefix = str(source) + (f": {where}" if where else "") + ": "
        super().__init__(prefix + message)
