"""bench/correlate: 10 million API events and 1 million flows across 1,000 runs -> findings.

Prints the figure (seconds for `analysis.evaluate` over the whole set, evidence included) beside
the strongest simple baseline measured in the same run: a tuned pure-Python loop over per-run
dicts placing each event on its run's consent and foreground timeline and counting (on a sample,
scaled to the full size). The naive loop that filters whole tables per event is a second line.
Correctness: on a small set, the tuned loop over every API event and `evaluate` give the same
(rule, run, category, SDK) counts for the rules the loop implements.
Goals: <= 15 s, <= 4 GB peak RSS, >= 10x the tuned loop, >= 50x the naive loop.

    python bench/correlate.py [--runs 1000] [--events 10000000] [--flows 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import Report  # noqa: E402

import analysis  # noqa: E402
from analysis.load import from_frames  # noqa: E402

S = 1_000_000_000
CATEGORIES = ["device_id", "location", "contacts", "sim_info", "wifi_info", "network_info", "installed_apps",
              "clipboard", "camera", "microphone", "phone_number", "storage"]
SDK_FRAMES = ["com.umeng.commonsdk.A.b(A.java:1)", "cn.jpush.android.X.y(X.java:2)", "com.igexin.push.P.q(P.java:3)",
              "com.amap.api.location.L.m(L.java:4)", "com.bytedance.sdk.openadsdk.Z.z(Z.java:5)",
              "com.example.app.Main.run(Main.java:6)", "libumeng_sim.so!collect+0x10", "com.tencent.bugly.B.c(B.java:7)"]
HOSTS = ["alog.umeng.com", "api.example-app.com", "tsis.jpush.cn", "sdk.e.qq.com", "api.appsflyer.com",
         "cdn.example-app.com", "pangolin-sdk-toutiao.com", "apilocate.amap.com", "img.example-app.com", "graph.facebook.com"]
KEYS = ["android_id", "imei", "oaid", "location", "mac", "phone_number"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(n_runs: int, n_events: int, n_flows: int, seed: int = 7):
    """A realistic synthetic RunSet: sorted times per run, categorical columns as loaded from Parquet."""
    rng = np.random.default_rng(seed)
    run_ids = [f"run{i:05d}" for i in range(n_runs)]
    manifests = pd.DataFrame({"run_id": run_ids, "app": [f"com.example.app{i % 50}" for i in range(n_runs)],
                              "scenario": rng.choice(["baseline", "refuse", "accept", "accept-grant", "background"], n_runs),
                              "device": [f"sim-{i % 8}" for i in range(n_runs)], "path": ""})
    per_run = n_events // n_runs
    run = np.repeat(np.arange(n_runs, dtype=np.int32), per_run)
    t = (np.sort(rng.random((n_runs, per_run)), axis=1) * 120 * S).astype(np.int64).ravel()
    stacks_n = 4000
    stack_frames = [["android.telephony.TelephonyManager.getImei(TelephonyManager.java:1)",
                     SDK_FRAMES[i % len(SDK_FRAMES)], f"com.example.app.C{i}.m(C{i}.java:{i})"] for i in range(stacks_n)]
    # a stack decides its SDK (frame) and what it reads (category, hook): 8 SDKs x 2 categories each
    stack_code = rng.integers(0, stacks_n, len(run))
    stack_cat = (np.arange(stacks_n) % 8 + (np.arange(stacks_n) // 8) % 2 * 5) % len(CATEGORIES)
    stack_hook = stack_cat * 2 + (np.arange(stacks_n) // 16) % 2
    hooks = [f"{c}.hook{k}" for c in CATEGORIES for k in range(2)]
    api_calls = pd.DataFrame({
        "run_id": pd.Categorical.from_codes(run, categories=run_ids), "t_ns": t,
        "layer": pd.Categorical.from_codes(rng.integers(0, 2, len(run)), categories=["java", "native"]),
        "hook_id": pd.Categorical.from_codes(stack_hook[stack_code], categories=hooks),
        "category": pd.Categorical.from_codes(stack_cat[stack_code], categories=CATEGORIES),
        "api": pd.Categorical.from_codes(stack_hook[stack_code], categories=[f"Api.{h}" for h in hooks]),
        "stack_id": pd.Categorical.from_codes(stack_code, categories=[f"s{i:05d}" for i in range(stacks_n)]),
        "count": np.where(rng.random(len(run)) < 0.02, 8, 1).astype(np.int64),
        "pi": rng.random(len(run)) < 0.8, "args": pd.Categorical.from_codes(np.zeros(len(run), np.int8), ["[]"]),
        "sdk": pd.Categorical.from_codes(np.full(len(run), -1, np.int8), ["x"]),
    })
    stacks = pd.DataFrame({"run_id": run_ids[0], "stack_id": [f"s{i:05d}" for i in range(stacks_n)], "frames": stack_frames})
    # consent: notice shown at 1 s; 60% accepted, 30% refused, 10% unanswered; location granted/denied
    fate = rng.random(n_runs)
    decide_t = ((3 + rng.random(n_runs) * 7) * S).astype(np.int64)
    rows = [pd.DataFrame({"run_id": run_ids, "t_ns": S, "subject": "privacy_notice", "state": "shown", "via": "observed"})]
    dec = fate < 0.9
    rows.append(pd.DataFrame({"run_id": np.array(run_ids)[dec], "t_ns": decide_t[dec], "subject": "privacy_notice",
                              "state": np.where(fate[dec] < 0.6, "accepted", "refused"), "via": "step"}))
    perm = fate < 0.6
    rows.append(pd.DataFrame({"run_id": np.array(run_ids)[perm], "t_ns": decide_t[perm] + 2 * S, "subject": "permission:LOCATION",
                              "state": np.where(rng.random(perm.sum()) < 0.5, "granted", "denied"), "via": "step"}))
    consent = pd.concat(rows, ignore_index=True)
    ui_t = np.array([0.6, 1.0, 4.0, 11.0, 12.0, 30.0, 61.0, 91.0]) * S
    kinds = ["other", "consent_notice", "other", "permission_rationale", "permission_dialog", "other", "other", "other"]
    ui = pd.DataFrame({"run_id": np.repeat(run_ids, len(ui_t)), "t_ns": np.tile(ui_t, n_runs).astype(np.int64),
                       "screen_kind": np.tile(kinds, n_runs),
                       "package": np.tile(["app"] * 4 + ["com.android.permissioncontroller", "app", "com.android.launcher3", "app"], n_runs),
                       "screenshot": [f"screenshots/{i % len(ui_t)}.png" for i in range(n_runs * len(ui_t))],
                       "detail": np.tile(['{}', '{"precheck": false}', '{}', '{}', '{"permission": "LOCATION"}', '{}', '{}', '{}'], n_runs)})
    app_of = manifests["app"].to_numpy()
    ui["package"] = np.where(ui["package"] == "app", app_of[np.repeat(np.arange(n_runs), len(ui_t))], ui["package"])
    steps = pd.DataFrame({"run_id": np.repeat(run_ids, 3), "step_id": np.tile([1, 2, 3], n_runs),
                          "t_start_ns": np.tile([0, 60 * S, 90 * S], n_runs), "t_end_ns": np.tile([S // 2, 60 * S + S // 5, 90 * S + S // 5], n_runs),
                          "action": np.tile(["launch", "home", "resume"], n_runs)})
    per_run_f = n_flows // n_runs
    frun = np.repeat(np.arange(n_runs), per_run_f)
    ft = (np.sort(rng.random((n_runs, per_run_f)), axis=1) * 120 * S).astype(np.int64).ravel()
    flow_ids = np.char.add("f", np.arange(len(frun)).astype(str))
    flows = pd.DataFrame({"run_id": pd.Categorical.from_codes(frun, categories=run_ids), "flow_id": flow_ids, "t_ns": ft,
                          "method": "POST", "scheme": np.where(rng.random(len(frun)) < 0.1, "http", "https"),
                          "host": pd.Categorical.from_codes(rng.integers(0, len(HOSTS), len(frun)), categories=HOSTS),
                          "port": 443, "path": "/collect", "query": ""})
    with_pi = rng.random(len(frun)) < 0.3
    detections = pd.DataFrame({"run_id": flows["run_id"][with_pi], "flow_id": flow_ids[with_pi],
                               "key": rng.choice(KEYS, with_pi.sum()), "encoding": "plain", "where": "query",
                               "excerpt": "id=..."})
    return from_frames(manifests, api_calls=api_calls, stacks=stacks, consent=consent, ui=ui, steps=steps,
                       flows=flows, detections=detections)


def naive_tables(runset, sample: int, seed: int = 5) -> tuple[float, int]:
    """The naive per-event loop as analysts first write it: for each event, filter the consent,
    steps and stacks tables for its run / stack and take the last row before it."""
    from analysis.sdk import frame_sdk, load_db

    db = load_db()
    rng = np.random.default_rng(seed)
    api = runset.api_calls
    rows = api.iloc[np.sort(rng.choice(len(api), size=min(sample, len(api)), replace=False))]
    consent, steps, stacks = runset.consent, runset.steps, runset.stacks
    c_run, s_run = consent["run_id"].astype(str), steps["run_id"].astype(str)
    st_id = stacks["stack_id"].astype(str)
    start = time.perf_counter()
    found = defaultdict(int)
    for ev in rows.itertuples(index=False):
        if not ev.pi:
            continue
        c = consent[(c_run == str(ev.run_id)) & (consent["t_ns"] <= ev.t_ns)]
        notice = c[(c["subject"] == "privacy_notice") & c["state"].isin(["accepted", "refused"])]["state"].tail(1)
        notice = notice.iloc[0] if len(notice) else "none"
        st = steps[(s_run == str(ev.run_id)) & (steps["t_start_ns"] <= ev.t_ns)]["action"].tail(1)
        fg = not (len(st) and st.iloc[0] == "home")
        frames = stacks.loc[st_id == str(ev.stack_id), "frames"]
        sdk = next((h.id for f in (frames.iloc[0] if len(frames) else []) if (h := frame_sdk(f, db)) and not h.transparent), None)
        found[(str(ev.run_id), str(ev.category), sdk, notice, fg)] += int(ev.count)
    elapsed = time.perf_counter() - start
    assert found
    return elapsed, len(rows)


def naive(runset, sample: int, seed: int = 3, found_out: dict | None = None) -> tuple[float, int]:
    """The loop a first version would write, doing per event what `evaluate` does per table: walk
    the event's stack frames to find its SDK, scan its run's consent rows and foreground changes,
    count per (run, category, SDK) and keep read times for the frequency rule; for each flow, look
    up its detections and its host's SDK. Runs on a sample; returns (seconds, events processed)."""
    from analysis.sdk import frame_sdk, load_db

    db = load_db()
    rng = np.random.default_rng(seed)
    consent_by_run = defaultdict(list)
    for r, t, s, st in zip(runset.consent["run_id"].astype(str), runset.consent["t_ns"], runset.consent["subject"],
                           runset.consent["state"], strict=True):
        consent_by_run[r].append((t, s, st))
    fg_by_run = defaultdict(list)
    for r, t0, t1, a in zip(runset.steps["run_id"].astype(str), runset.steps["t_start_ns"], runset.steps["t_end_ns"],
                            runset.steps["action"], strict=True):
        fg_by_run[r].append((t1, False) if a == "home" else (t0, True))  # background from a home step's end
    frames_of = dict(zip(runset.stacks["stack_id"].astype(str), runset.stacks["frames"], strict=True))
    detections = defaultdict(list)
    for f, k in zip(runset.detections["flow_id"].astype(str), runset.detections["key"], strict=True):
        detections[f].append(k)
    api = runset.api_calls
    n_api = min(sample, len(api))
    n_flows = min(max(1, sample * len(runset.flows) // max(len(api), 1)), len(runset.flows))
    rows = api.iloc[np.sort(rng.choice(len(api), size=n_api, replace=False))]
    rows = rows[["run_id", "t_ns", "category", "pi", "count", "stack_id"]]
    flows = runset.flows.iloc[np.sort(rng.choice(len(runset.flows), size=n_flows, replace=False))]

    def states(run, t, cat):
        notice, perm = "none", "none"
        for ct, subject, state in consent_by_run[run]:
            if ct <= t:
                if subject == "privacy_notice" and state in ("accepted", "refused"):
                    notice = state
                elif subject == "permission:LOCATION" and cat == "location" and state in ("granted", "denied"):
                    perm = state
        fg = True
        for st, is_fg in fg_by_run[run]:
            if st <= t:
                fg = is_fg
        return notice, perm, fg

    start = time.perf_counter()
    found, freq = defaultdict(int), defaultdict(list)
    for run, t, cat, pi, count, sid in zip(rows["run_id"].astype(str), rows["t_ns"], rows["category"].astype(str),
                                           rows["pi"], rows["count"], rows["stack_id"].astype(str), strict=True):
        if not pi:
            continue
        sdk = None
        for frame in frames_of.get(sid, ()):
            hit = frame_sdk(frame, db)
            if hit is not None and not hit.transparent:
                sdk = hit.id
                break
        notice, perm, fg = states(run, t, cat)
        if notice in ("none", "shown"):
            found[("collect-before-consent", run, cat, sdk)] += count
        if notice == "refused" or perm == "denied":
            found[("collect-after-refusal", run, cat, sdk)] += count
        if not fg:
            found[("background-collection", run, cat, sdk)] += count
        if sdk:
            found[("third-party-sdk", run, cat, sdk)] += count
        freq[(run, cat)].append(t)
    for run, fid, t, scheme, host in zip(flows["run_id"].astype(str), flows["flow_id"].astype(str), flows["t_ns"],
                                         flows["scheme"], flows["host"].astype(str), strict=True):
        for key in detections.get(fid, ()):
            hit = db.by_host(host)
            notice, perm, fg = states(run, t, key)
            if notice in ("none", "shown"):
                found[("collect-before-consent", run, key, hit.id if hit else None)] += 1
            if scheme == "http":
                found[("pi-cleartext", run, key, None)] += 1
            if hit is not None:
                found[("pi-to-third-party", run, key, hit.id)] += 1
    excessive = {k for k, v in freq.items() if len(v) > 3 or any(b - a < S for a, b in zip(v, v[1:], strict=False))}
    elapsed = time.perf_counter() - start
    assert found and excessive is not None
    if found_out is not None:
        found_out.update(found)
    return elapsed, len(rows) + len(flows)


LOOP_RULES = ("collect-before-consent", "collect-after-refusal", "background-collection", "third-party-sdk")


def loop_matches_evaluate(n_runs: int = 20, n_events: int = 40_000) -> tuple[bool, str]:
    """Both ways over every API event of a small set (no flows: the loop's flow side is a sketch):
    the same counts per (rule, run, category, SDK) for the rules the loop implements."""
    runset = generate(n_runs, n_events, 0, seed=11)
    found: dict = {}
    naive(runset, n_events, found_out=found)
    loop = {k: v for k, v in found.items() if k[0] in LOOP_RULES}
    f = analysis.evaluate(runset)
    f = f[f["rule"].isin(LOOP_RULES)]
    ours = f.groupby(["rule", "run_id", "category", f["sdk"].astype(object).where(f["sdk"].notna(), None)],
                     dropna=False)["count"].sum()
    ours_d = {(r, str(run), str(c), s if isinstance(s, str) else None): int(n) for (r, run, c, s), n in ours.items()}
    same = ours_d == loop
    diff = set(ours_d.items()) ^ set(loop.items())
    return same, f"{len(ours_d)} finding groups, {len(diff)} differ"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--flows", type=int, default=1_000_000)
    ap.add_argument("--naive-sample", type=int, default=200_000, help="events for the tuned loop (/100 for the naive one)")
    args = ap.parse_args()
    report = Report("correlate")
    same, detail = loop_matches_evaluate()
    print(f"correctness: tuned loop vs evaluate on a small set: {detail}")
    t0 = time.perf_counter()
    runset = generate(args.runs, args.events, args.flows)
    gen_s = time.perf_counter() - t0
    print(f"generated {len(runset.api_calls):,} API events, {len(runset.flows):,} flows, "
          f"{len(runset.detections):,} PI detections across {args.runs:,} runs in {gen_s:.1f}s")
    timings: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    findings = analysis.evaluate(runset, timings=timings)
    figure, cpu = time.perf_counter() - t0, time.process_time() - c0
    slowest = sorted(timings.items(), key=lambda kv: -kv[1])[:5]
    print("stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in slowest))
    print(f"findings: {len(findings):,} ({', '.join(f'{r}={n}' for r, n in findings['rule'].value_counts().items())})")
    total_events = len(runset.api_calls) + len(runset.flows)
    print(f"figure: {figure:.2f} s for {total_events:,} events ({total_events / figure / 1e6:.2f} M events/s), "
          f"evidence included (process CPU {cpu:.2f} s: a wall figure well above it means other load)")
    tuned_s, tuned_n = naive(runset, args.naive_sample)
    tuned_scaled = tuned_s / tuned_n * total_events
    print(f"baseline (tuned pure-Python loop over per-run dicts): {tuned_s:.2f} s for {tuned_n:,} events, "
          f"scaled to {tuned_scaled:.1f} s")
    naive_s, naive_n = naive_tables(runset, args.naive_sample // 100)
    naive_scaled = naive_s / naive_n * total_events
    print(f"second baseline (naive per-event loop filtering the tables): {naive_s:.2f} s for {naive_n:,} events, "
          f"scaled to {naive_scaled:,.0f} s")
    rss = peak_rss_mb()
    report.figure("evaluate 10M events + 1M flows vs tuned loop", figure, "s", baseline=tuned_scaled,
                  baseline_name="tuned per-run loop, scaled", goal_ratio=10, goal_max=15, lower_is_better=True)
    report.figure("evaluate vs naive table-filtering loop", figure, "s", baseline=naive_scaled,
                  baseline_name="naive loop, scaled", goal_ratio=50, lower_is_better=True)
    report.figure("peak RSS", rss, "MB", goal_max=4096)
    report.check("findings equal to the tuned loop's (small set, every API event)", same, detail)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
