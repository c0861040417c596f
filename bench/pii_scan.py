"""Benchmark: consentry's one-pass PII scanner against a naive scanner, same bodies, same run.

Bodies (>= 200 MB): JSON event batches, form posts, protobuf-like binary, and gzip-compressed
JSON, with identity values planted in a known subset in assorted encodings. Identity: >= 30
values (device ids, network ids, location, 8 canary contacts, clipboard and app canaries).

Naive baseline: for each variant pattern, `pattern in body` over each (already decoded) body.
It is far too slow to run over everything, so it is timed on a sample and scaled linearly
(it is linear in bytes x patterns); its decoding cost is not counted, which favours it.
Goals: >= 50x naive, >= 150 MB/s, every planted value found (recall 1.0), no detection on a body
without a planted value or of a key other than the one planted (false positives: none), and the
naive baseline finds every value planted in its own sample (its hits are checked too)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import random
import struct
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import Report  # noqa: E402

from analysis.pii import Scanner, decode  # noqa: E402
from analysis.pii.decode import decompress  # noqa: E402

TOTAL = 210 * 1024 * 1024
rng = random.Random(7)

IDENTITY = {
    "android_id": "9774d56d682e549c", "imei": "358240051111110", "meid": "A0000049876543",
    "imsi": "310260000000000", "iccid": "89014103211118510720", "serial": "EMULATOR34X1X1X0",
    "mac": "02:00:00:44:55:66", "bluetooth_mac": "3C:5A:B4:01:02:03",
    "advertising_id": "38400000-8cf0-11bd-b23e-10b96e40000d", "oaid": "a1b2c3d4e5f60718-2930a4b5c6d7e8f9",
    "phone_number": "+15555215554", "email": "canary.user@example.com", "ssid": "CanaryWifi-5G",
    "bssid": "00:13:10:85:fe:01", "location": {"lat": 31.230416, "lon": 121.473701},
    "clipboard": "CLIP-CANARY-5531", "app_canary": "com.consentry.canary.installed",
    "contacts": [{"name": f"Canary Contact {i}", "phone": f"+1 555 01{i:02d} 77{i:02d}"} for i in range(8)],
}
PLANTABLE = [k for k in IDENTITY if k not in ("location", "contacts")]
ENCODERS = {
    "plain": lambda v: v,
    "md5": lambda v: hashlib.md5(v.encode()).hexdigest(),
    "sha256": lambda v: hashlib.sha256(v.encode()).hexdigest().upper(),
    "urlencoded": lambda v: urllib.parse.quote(v, safe=""),
    "base64-blob": lambda v: base64.b64encode(os.urandom(rng.randint(0, 2)) + v.encode() + b"|x").decode(),
}


def _json_body(size: int, plant: str | None) -> bytes:
    events, n = [], 0
    while n < size:
        ev = {"ts": rng.randint(1_600_000_000_000, 1_700_000_000_000), "type": rng.choice(["view", "click", "imp"]),
              "session": os.urandom(8).hex(), "props": {"screen": "Main", "dur": rng.random(),
                                                         "ref": os.urandom(24).hex()}}
        events.append(ev)
        n += 190
    if plant:
        events[rng.randrange(len(events))]["props"]["did"] = plant
    return json.dumps({"batch": events, "sdk": "1.2.3"}).encode()


def _form_body(size: int, plant: str | None) -> bytes:
    pairs = [(f"k{i}", os.urandom(12).hex()) for i in range(size // 34)]
    if plant:
        pairs.insert(rng.randrange(len(pairs)), ("uid", plant))
    return "&".join(f"{k}={v}" for k, v in pairs).encode()  # values already wire-encoded


def _proto_body(size: int, plant: str | None) -> bytes:
    out = bytearray(os.urandom(size))
    if plant:
        field = b"\x12" + struct.pack("B", len(plant)) + plant.encode() + b"\x1a\x04"  # next field's tag
        pos = rng.randrange(len(out) - len(field))
        out[pos:pos + len(field)] = field
    return bytes(out)


def make_flows() -> tuple[list[dict], set[tuple[str, str]], int]:
    flows, planted, total, i = [], set(), 0, 0
    while total < TOTAL:
        kind = ("json", "form", "proto", "gzip")[i % 4]
        size = rng.randint(16_000, 120_000)
        plant_key = rng.choice(PLANTABLE) if i % 7 == 0 else None
        plant = ENCODERS[rng.choice(list(ENCODERS))](IDENTITY[plant_key]) if plant_key else None
        headers = [["Content-Type", "application/json"]]
        if kind == "json":
            body = _json_body(size, plant)
        elif kind == "form":
            body, headers = _form_body(size, plant), [["Content-Type", "application/x-www-form-urlencoded"]]
        elif kind == "proto":
            if plant and not plant.isascii():
                plant = None
            body, headers = _proto_body(size, plant), [["Content-Type", "application/x-protobuf"]]
        else:
            body = gzip.compress(_json_body(size, plant), compresslevel=1)
            headers.append(["Content-Encoding", "gzip"])
        fid = f"f{i}"
        if plant_key:
            planted.add((fid, plant_key))
        flows.append({"flow_id": fid, "host": "collector.example.net", "path": "/v2/log", "query": "v=3",
                      "req_headers": json.dumps(headers), "_body": body})
        total += len(body)
        i += 1
    return flows, planted, total


def naive_scan(scanner: Scanner, flows: list[dict], sample_bytes: int) -> tuple[float, set[tuple[str, str]], list[str]]:
    """The naive scanner on a sample: for each pattern, for each (pre-decoded) body, `pattern in
    body`. Returns (bytes/s, its (flow_id, key) hits, the sampled flow ids)."""
    bodies, ids, n = [], [], 0
    for f in flows:
        enc = next((v for k, v in json.loads(f["req_headers"]) if k.lower() == "content-encoding"), "")
        data = decompress(f["_body"], enc)[0] if enc else f["_body"]
        bodies.append(data)
        ids.append(f["flow_id"])
        n += len(f["_body"])
        if n >= sample_bytes:
            break
    patterns = scanner.needles.patterns
    keys = [row[0] for row in scanner.needles.rows]
    t = time.perf_counter()
    hits: set[tuple[str, str]] = set()
    for p, key in zip(patterns, keys, strict=True):
        for fid, b in zip(ids, bodies, strict=True):
            if p in b:
                hits.add((fid, key))
    return n / (time.perf_counter() - t), hits, ids


def main() -> int:
    report = Report("pii_scan")
    t = time.perf_counter()
    flows, planted, total = make_flows()
    print(f"generated {len(flows)} bodies, {total / 2**20:.0f} MB, {len(planted)} planted, "
          f"in {time.perf_counter() - t:.1f} s")
    scanner = Scanner(IDENTITY)
    values = len([k for k in IDENTITY if k not in ("location", "contacts")]) + 2 + 2 * len(IDENTITY["contacts"])
    print(f"identity values: {values}, patterns (all variants): {len(scanner.needles.patterns)}")
    t, cpu = time.perf_counter(), time.process_time()
    result = scanner.scan(flows)
    ours_s = time.perf_counter() - t
    cpu_s = time.process_time() - cpu
    ours = total / ours_s
    found = set(zip(result.detections["flow_id"], result.detections["key"], strict=True))
    missed = planted - found
    false_pos = found - planted
    planted_flows = {fid for fid, _ in planted}
    clean_hits = {(fid, key) for fid, key in false_pos if fid not in planted_flows}
    naive, naive_hits, sample_ids = naive_scan(scanner, flows, 4 * 1024 * 1024)
    sample = set(sample_ids)
    planted_in_sample = {p for p in planted if p[0] in sample}
    naive_missed = planted_in_sample - naive_hits
    print(f"consentry scanner: {ours_s:.2f} s for {total / 2**20:.0f} MB, {len(result.detections)} detections; "
          f"engine {scanner._engine.name}, inflate {decode._inflater.__name__}, {scanner.workers} worker threads; "
          f"process CPU {cpu_s:.2f} s ({total / cpu_s / 2**20:.0f} MB per CPU-second)")
    print(f"naive baseline on a {len(sample)}-body sample (scaled linearly): would take {total / naive:.0f} s; "
          f"it found {len(planted_in_sample) - len(naive_missed)}/{len(planted_in_sample)} planted values "
          f"in its sample, and {len(naive_hits - planted_in_sample)} other hits")
    if missed:
        print(f"MISSED: {sorted(missed)[:10]}")
    if false_pos:
        print(f"FALSE POSITIVES: {sorted(false_pos)[:10]}")
    mb = 2**20
    report.figure("scan rate vs naive", ours / mb, "MB/s", baseline=naive / mb,
                  baseline_name="`in` per pattern per body", goal_ratio=50)
    report.figure("scan rate", ours / mb, "MB/s", goal_min=150)
    report.figure("recall on planted values", (len(planted) - len(missed)) / max(len(planted), 1), "",
                  goal_min=1.0)
    report.figure("false positives on bodies with nothing planted", len(clean_hits), "detections", goal_max=0)
    report.figure("false positives, all bodies (wrong key or flow)", len(false_pos), "detections", goal_max=0)
    report.check("naive baseline finds the values planted in its sample", not naive_missed and bool(planted_in_sample),
                 f"{len(planted_in_sample) - len(naive_missed)}/{len(planted_in_sample)}")
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
