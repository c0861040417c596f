/**
 * consentry's agent: generic over the hook catalogue. The harness loads the bundle, then calls
 * `init(config)` once with the catalogue entries it wants and the run's settings (identifier path
 * globs, batch and cap sizes): one bundle serves every run, and a catalogue edit needs no rebuild.
 *
 * RPC surface (one flat map):
 *   init(config) -> ReadyMessage   install hooks; also sent as `agent:ready`
 *   clock()      -> number         device clock, us (CLOCK_REALTIME); the host brackets it to
 *                                  measure the device-host offset
 *   flush()      -> counters       send everything batched now
 *   stats()      -> counters
 *   dispose()    -> counters       undo every hook job and flush; safe to call twice
 */
import { releaseJvmSymbols } from "./java/presym.js"; // first: before frida-java-bridge is evaluated
import { Batcher } from "./batcher.js";
import { withThreadIgnored } from "./ignore.js";
import { nowUs } from "./clock.js";
import { JavaHooks, JvmWait, javaStatus } from "./java/hooks.js";
import { Jobs } from "./jobs.js";
import { NativeHooks } from "./native/install.js";
import type { AgentConfig, JavaReadyMessage, ReadyMessage } from "./types.js";

releaseJvmSymbols();

const AGENT_VERSION = "1";

const DEFAULTS: Omit<AgentConfig, "hooks" | "paths"> = {
    batch_events: 1000,
    batch_ms: 50,
    cap: 0,
    tls_chunk_cap: 16384,
    tls_conn_cap: 1 << 20,
    args_cap: 512,
    stack_depth: 24,
    ring_slots: 32768,
    block_ms: 200,
};

let jobs: Jobs | null = null;
let batcher: Batcher | null = null;
let native: NativeHooks | null = null;
let java: JavaHooks | null = null;
let jvmWait: JvmWait | null = null;
let jvmWaitFor: string[] | null = null;

function counters(): Record<string, unknown> {
    return {
        sent: batcher?.sent ?? null,
        stacks: batcher?.stacks.size() ?? 0,
        jobs: jobs?.count() ?? 0,
        installed: { java: java?.installed ?? 0, native: native?.installed ?? 0 },
    };
}

function init(partial: Partial<AgentConfig>): ReadyMessage {
    if (batcher !== null) throw new Error("init() called twice");
    const cfg: AgentConfig = { ...DEFAULTS, hooks: [], paths: [], ...partial } as AgentConfig;
    cfg.hooks.forEach((h, i) => { h.index = i; });
    jobs = new Jobs();
    batcher = new Batcher(cfg);
    native = new NativeHooks(cfg, batcher, jobs);
    const nat = native;
    batcher.setModuleSource(() => nat.modules());
    native.start();
    const js = javaStatus();
    const wantJava = cfg.hooks.some((h) => h.layer === "java");
    if (js.available) {
        java = new JavaHooks(cfg, batcher, jobs);
        const jh = java;
        withThreadIgnored(() => jh.start()); // class initialisers run here: the agent's, not the app's
    } else if (js.waiting && wantJava) {
        const b = batcher;
        const j = jobs;
        jvmWait = new JvmWait(() => {
            java = new JavaHooks(cfg, b, j);
            java.start();
            const msg: JavaReadyMessage = { type: "agent:java", installed: java.installed, pending: java.pending(), t_us: nowUs(),
                timing_ms: java.timing };
            send(msg);
        }, (e) => b.warn("java-unavailable", cfg.hooks.filter((h) => h.layer === "java").map((h) => h.id), `JVM hooks failed: ${e}`));
        jvmWaitFor = cfg.hooks.filter((h) => h.layer === "java").map((h) => h.id);
        jvmWait.start();
    } else if (cfg.hooks.some((h) => h.layer === "java")) {
        batcher.warn("java-unavailable", cfg.hooks.filter((h) => h.layer === "java").map((h) => h.id),
            js.reason ?? "Java unavailable");
    }
    const missingNative = native.missing();
    if (missingNative.length > 0) {
        batcher.warn("export-missing", missingNative, "export not found in the loaded modules yet; watched as modules load");
    }
    batcher.start();
    const ready: ReadyMessage = {
        type: "agent:ready",
        pid: Process.id,
        arch: Process.arch,
        platform: Process.platform,
        agent_version: AGENT_VERSION,
        java: js,
        installed: { java: java?.installed ?? 0, native: native.installed },
        pending: [...missingNative, ...(java?.pending() ?? [])],
        t_us: nowUs(),
        java_timing: java?.timing,
    };
    send(ready);
    return ready;
}

function dispose(): Record<string, unknown> {
    if (batcher === null || jobs === null) return counters();
    native?.stop();
    if (jvmWait !== null && java === null && jvmWaitFor !== null) {
        batcher.warn("java-unavailable", jvmWaitFor, "no Java VM was created in this process: Java entries never installed");
    }
    jvmWait?.stop();
    const failed = jobs.undoAll();
    batcher.close();
    const out = { ...counters(), undo_failed: failed };
    return out;
}

rpc.exports = {
    init,
    clock: () => nowUs(),
    flush: () => {
        batcher?.flush();
        return counters();
    },
    stats: () => counters(),
    dispose,
};
