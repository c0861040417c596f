"""SDK and tracker attribution: a curated database (`data/*.yaml`, lab-extendable) and the
functions that map stack frames and destination hosts to SDKs."""

from analysis.sdk.attribute import attribute_stacks, frame_sdk, host_sdk, hosts_table, lookup
from analysis.sdk.db import Sdk, SdkDb, load_db

__all__ = ["Sdk", "SdkDb", "attribute_stacks", "frame_sdk", "host_sdk", "hosts_table", "load_db", "lookup"]
