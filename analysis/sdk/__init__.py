"""SDK and tracker attribution: a database generated from public sources plus hand-written entries
(`analysis/sdk/data/`, lab-extendable), and the functions that map stack frames, native libraries
and destination hosts to SDKs. Build: `python -m analysis.sdk.build` (docs/sdk.md)."""

from analysis.sdk.attribute import attribute_stacks, frame_sdk, host_sdk, hosts_table, lookup
from analysis.sdk.db import load_db
from analysis.sdk.entry import Sdk
from analysis.sdk.index import SdkDb

__all__ = ["Sdk", "SdkDb", "attribute_stacks", "frame_sdk", "host_sdk", "hosts_table", "load_db", "lookup"]
