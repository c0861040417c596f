"""A native library name belongs to one entry: the brand label's `lib<label>` a merge rule derives never
goes to a second entry when another already names that library, so a library lookup never depends on
entry order (bench/sdk_lookup.py compares the index with a scan of every entry)."""

from __future__ import annotations

from pathlib import Path

from analysis.sdk.builder.merge import merge
from analysis.sdk.builder.sources import Source
from analysis.sdk.entry import Sdk
from analysis.sdk.index import SdkDb


def test_a_derived_library_name_never_takes_one_another_entry_names():
    engine = Sdk(id="engineco-engine", name="Engineco engine", company="Engineco", category="framework",
                 country=None, packages=("com.ecoplay.player",), native=("libengineco",), hosts=(), source="test")
    source = Source(name="code", title="code (test)", format="sdk-db", files=(), directory=Path("."),
                    licence="MIT", url="https://example.org/code")
    raw = {"ref": "Analytics", "name": "Engineco Analytics", "company": "Engineco", "country": None,
           "category": "analytics", "packages": ["com.engineco.analytics"], "native": [], "hosts": [],
           "transparent": False, "url": None}
    entries = merge([engine], [(source, [raw])])
    claims = [e.id for e in entries if "libengineco" in e.native and not e.fallback]
    assert claims == ["engineco-engine"]
    assert SdkDb(entries).by_library("libengineco_12.so").id == "engineco-engine"
