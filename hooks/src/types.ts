/**
 * The agent's schema: the config the harness sends through `init(config)` and the records the
 * agent sends back. Python mirrors these in harness/instrument/messages.py; change both together.
 */

/** One catalogue entry as the harness sends it (only what the agent needs to hook). */
export interface HookSpec {
    /** Position in `config.hooks`: events refer to hooks by this index, the harness maps it back. */
    index: number;
    id: string;
    layer: "java" | "native";
    /** java */
    class?: string;
    method?: string;
    /** list of argument-type lists (Java names); absent = every overload */
    overloads?: string[][] | null;
    /** native: module name globs ("libc.so*", "*") and the export */
    module?: string[];
    export?: string;
    /** named extractor (see java/extractors.ts and native/ring.ts kinds) */
    extractor?: string | null;
    /** extractor arguments, e.g. {"arg": 1} for the path argument of openat */
    params?: Record<string, number | string> | null;
    /** events per second per call site before folding into counts; 0 = no cap */
    cap?: number;
    /** capture a stack for this hook (java: Java stack; native: return address) */
    stack?: boolean;
}

export interface AgentConfig {
    hooks: HookSpec[];
    /** globs for identifier paths (open/openat/access/stat/fopen): "*" matches across "/" */
    paths: string[];
    /** identifier property names (regex source, case-insensitive), shared with the host's native
     * `prop` rows (harness/instrument/rows.py PROP_PI): SystemProperties.get keeps only these */
    prop_pi?: string;
    /** [regex source, category] pairs refining a kept property's category */
    prop_categories?: [string, string][];
    batch_events: number;
    batch_ms: number;
    /** default cap when a hook has none */
    cap: number;
    tls_chunk_cap: number;
    tls_conn_cap: number;
    args_cap: number;
    stack_depth: number;
    /** size of the native ring in records */
    ring_slots: number;
    /** when the ring is full, how long a hooked thread waits for the drain before dropping */
    block_ms: number;
}

/** events:batch row: [t_us, hook index, tid, args, ret, stack_id, count, category override] */
export type EventRow = [number, number, number, unknown, unknown, string | null, number, string | null];

export interface ReadyMessage {
    type: "agent:ready";
    pid: number;
    arch: string;
    platform: string;
    agent_version: string;
    java: { available: boolean; reason?: string; android_version?: string; waiting?: boolean };
    installed: { java: number; native: number };
    pending: string[];
    t_us: number;
    /** ms to install the Java hooks and start the loader watch; full_symbols when the bridge needed
     * libjvm's whole symbol table (the short list of java/jvmsyms.ts lacked a name). */
    java_timing?: { hooks: number; loaders: number; full_symbols?: boolean; jvm_full_table_reads?: number };
}

/** agent:java: the Java hooks went in later than init (a JVM that was still starting at spawn). */
export interface JavaReadyMessage {
    type: "agent:java";
    installed: number;
    pending: string[];
    t_us: number;
    /** where installing took its time, ms: the entries themselves, the class-loader watch; and
     * whether the bridge needed libjvm's whole symbol table (java/jvmsyms.ts) */
    timing_ms?: { hooks: number; loaders: number; full_symbols?: boolean; jvm_full_table_reads?: number };
}

export type WarningCode =
    | "class-missing" | "method-missing" | "overload-missing" | "export-missing"
    | "hook-failed" | "java-unavailable" | "extractor-failed" | "ring-overflow" | "stack-failed";

export interface WarningMessage {
    type: "agent:warning";
    code: WarningCode;
    ids: string[];
    detail: string;
    t_us: number;
}

/**
 * events:batch. `events` carries JS-path rows (Java hooks, capped counts); when the native ring
 * had records, the binary payload holds `native.n` fixed headers of `native.header` bytes each,
 * followed by the string blob they point into (see native/ring.ts for the layout).
 */
export interface BatchMessage {
    type: "events:batch";
    seq: number;
    events: EventRow[];
    native: { n: number; header: number } | null;
    dropped: number;
}

export interface StacksMessage {
    type: "stacks:new";
    stacks: { id: string; frames: string[] }[];
}

export interface TlsChunk {
    t_us: number;
    hook: number;
    ssl: string;
    fd: number;
    dir: "write" | "read";
    peer: string | null;
    local: string | null;
    /** the server name the client asked for (SSL_get_servername), when the library exports it */
    sni?: string | null;
    /** byte length of this chunk in the binary payload (after the cap) */
    len: number;
    /** the length the app passed (before the cap) */
    full: number;
    tid: number;
}

export interface TlsMessage {
    type: "tls:data";
    chunks: TlsChunk[];
}
