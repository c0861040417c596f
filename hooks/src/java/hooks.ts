/**
 * The one Java hook path (frida-java-bridge; Frida 17 has no global Java). Every Java catalogue
 * entry is installed the same way: find the class (now, or later through LoaderWatch), select the
 * listed overloads (or all), replace each implementation by one that calls the original, then
 * records the call through the entry's extractor. Beyond `cap` calls per second a hook only
 * counts, and the count is reported as one row with `count`, so frequency stays exact while the
 * app is not slowed by stack walks. Missing class/method/overload: one structured warning naming
 * the catalogue ids, never an exception.
 */
import Java from "frida-java-bridge";
import { nowUs } from "../clock.js";
import type { Batcher } from "../batcher.js";
import { withThreadIgnored } from "../ignore.js";
import type { Jobs } from "../jobs.js";
import type { AgentConfig, EventRow, HookSpec } from "../types.js";
import { EXTRACTORS, type Ctx } from "./extractors.js";
import { forgetJvmApiError, missedJvmSymbol, jvmFullTableReads, withFewJvmSymbols } from "./jvmsyms.js";
import { LoaderWatch } from "./loaders.js";

const PRIM: Record<string, string> = {
    boolean: "Z", byte: "B", char: "C", short: "S", int: "I", long: "J", float: "F", double: "D",
};

/** Java source names (catalogue) to the names frida-java-bridge's overload() expects. */
export function fridaType(t: string): string {
    let dims = 0;
    let base = t.trim();
    while (base.endsWith("[]")) {
        dims++;
        base = base.slice(0, -2);
    }
    if (dims === 0) return base;
    const elem = PRIM[base] ?? `L${base};`;
    return "[".repeat(dims) + elem;
}

interface CapState {
    window: number;
    emitted: number;
    suppressed: number;
}

/**
 * Java's state in this process. `Java.androidVersion` throws off Android (the bridge reads it
 * from a module named libc.so), so it is read only when ART is loaded. A HotSpot JVM that is
 * still starting (spawned `java`, libjvm.so not loaded or no VM created yet) is `waiting`: the
 * hooks go in from JNI_CreateJavaVM's return (see JvmWait), before the program's main().
 */
export function javaStatus(): { available: boolean; reason?: string; android_version?: string; waiting?: boolean } {
    const art = Process.findModuleByName("libart.so") !== null;
    try {
        let available: boolean;
        try {
            available = Java.available;
        } catch (e) {
            if (!missedJvmSymbol(e)) throw e;
            forgetJvmApiError(Java); // resolved from the short list at load and a symbol was missing
            available = Java.available;
        }
        if (available) {
            return art ? { available: true, android_version: Java.androidVersion } : { available: true };
        }
    } catch (e) {
        return { available: false, reason: String(e) };
    }
    if (!art && JvmWait.launcher()) {
        return { available: false, waiting: true, reason: "JVM starting: hooks go in when JNI_CreateJavaVM returns" };
    }
    if (!art) {
        // A native host may still boot a JVM through the invocation API (the sim's app processes
        // do, as app_process boots ART): watched; a warning at dispose if none ever came.
        return { available: false, waiting: true, reason: "no Java VM in this process yet: hooks go in if libjvm.so loads and JNI_CreateJavaVM returns" };
    }
    return { available: false, reason: "no Java VM in this process (not an Android app)" };
}

/**
 * Spawn gating for a HotSpot JVM: wait for libjvm.so (module observer), hook JNI_CreateJavaVM and
 * run `then` in its onLeave, on the thread that created the VM, before main() runs.
 */
export class JvmWait {
    private observer: ModuleObserver | null = null;
    private done = false;

    /** A `java` launcher (libjli) or libjvm in the process: a JVM is or will be here. */
    static launcher(): boolean {
        return Process.findModuleByName("libjli.so") !== null || Process.findModuleByName("libjvm.so") !== null
            || /\/java$/.test(Process.mainModule?.path ?? "");
    }

    constructor(private then: () => void, private onError: (e: unknown) => void) {}

    start(): void {
        this.observer = Process.attachModuleObserver({
            onAdded: (m) => {
                if (this.done || m.name !== "libjvm.so") return;
                const create = m.findExportByName("JNI_CreateJavaVM");
                if (create === null) return;
                this.done = true;
                const self = this;
                const listener = Interceptor.attach(create, {
                    onLeave(retval) {
                        listener.detach();
                        if (retval.toInt32() !== 0) return;
                        // Installing the hooks runs Java on the app's thread (class initialisers:
                        // java.net's loads libnet, which reads /proc/net/if_inet6): the agent's own
                        // work, never an app event, so native hooks ignore this thread meanwhile.
                        try {
                            withThreadIgnored(() => self.then());
                        } catch (e) {
                            self.onError(e);
                        }
                    },
                });
            },
        });
    }

    stop(): void {
        this.observer?.detach();
        this.observer = null;
    }
}

export class JavaHooks {
    installed = 0;
    timing: { hooks: number; loaders: number; full_symbols?: boolean; jvm_full_table_reads?: number } | undefined = undefined;
    private caps = new Map<number, CapState>();
    private ownPkg: string | null | undefined = undefined;
    private watch: LoaderWatch | null = null;
    private Throwable: any = null;
    private Log: any = undefined;
    private stackFailed = new Set<string>();  // entries whose stack could not be taken (warned once)
    /** Hooked calls in progress per thread: a hooked method reached from inside another one
     * (AOSP's overload delegation, or our own extractor calling a hooked getter) is not an
     * app-level call and is not recorded. */
    private depth = new Map<number, number>();

    constructor(private cfg: AgentConfig, private batcher: Batcher, private jobs: Jobs) {
        batcher.addCappedSource(() => this.takeCapped());
    }

    private ownPackage(): string | null {
        if (this.ownPkg !== undefined) return this.ownPkg;
        try {
            const app = Java.use("android.app.ActivityThread").currentApplication();
            this.ownPkg = app === null ? null : String(app.getPackageName());
        } catch {
            this.ownPkg = null;
        }
        return this.ownPkg;
    }

    private propRe: RegExp | null = null;
    private propCats: [RegExp, string][] = [];

    /** Category of an identifier property, null for other properties (PROP_PI on the host). */
    propCategory(name: string): string | null {
        if (this.propRe === null) {
            this.propRe = new RegExp(this.cfg.prop_pi ?? "serial|imei|android_?id", "i");
            this.propCats = (this.cfg.prop_categories ?? []).map(([r, c]) => [new RegExp(r, "i"), c] as [RegExp, string]);
        }
        if (!this.propRe.test(name)) return null;
        for (const [re, cat] of this.propCats) if (re.test(name)) return cat;
        return "device_id";
    }

    private takeCapped(): EventRow[] {
        const rows: EventRow[] = [];
        const t = nowUs();
        for (const [idx, st] of this.caps) {
            if (st.suppressed > 0) {
                rows.push([t, idx, 0, { capped: true }, null, null, st.suppressed, null]);
                st.suppressed = 0;
            }
        }
        return rows;
    }

    private admit(spec: HookSpec, t: number): boolean {
        const cap = spec.cap ?? this.cfg.cap;
        if (!cap) return true;
        let st = this.caps.get(spec.index);
        if (st === undefined) {
            st = { window: 0, emitted: 0, suppressed: 0 };
            this.caps.set(spec.index, st);
        }
        const w = Math.floor(t / 1e6);
        if (st.window !== w) {
            st.window = w;
            st.emitted = 0;
        }
        if (st.emitted < cap) {
            st.emitted++;
            return true;
        }
        st.suppressed++;
        return false;
    }

    /**
     * The Java stack as frame strings. `android.util.Log.getStackTraceString` formats the whole
     * trace in one call (two JNI transitions); a JVM without that class (a plain HotSpot process)
     * falls back to `Throwable.getStackTrace` and one `toString` per frame, several times slower.
     * The fallback also serves a call where Log cannot be reached: frida-java-bridge keeps only a
     * few class handles and looks an evicted one up again with JNI FindClass, which inside a
     * hooked method of a boot class (Runtime.exec, ProcessBuilder.start) searches the boot loader;
     * where Log is an application class (the sim's HotSpot apps) that throws NoClassDefFoundError,
     * and the stack was lost (seen in CI, at random: it depends on what evicted the handle).
     */
    private stackId(spec: HookSpec): string | null {
        try {
            this.Throwable ??= Java.use("java.lang.Throwable");
            let frames: string[] | null = null;
            if (this.Log === undefined) {
                try {
                    this.Log = Java.use("android.util.Log");
                    this.Log.getStackTraceString.overload("java.lang.Throwable");
                } catch {
                    this.Log = null;
                }
            }
            const thrown = this.Throwable.$new();
            if (this.Log !== null) {
                try {
                    frames = String(this.Log.getStackTraceString(thrown)).split("\n").slice(1)
                        .map((l) => l.trim().replace(/^at /, ""));
                } catch { /* Log not reachable from this frame: the boot class's path below */ }
            }
            if (frames === null) {
                frames = [];
                const elems = thrown.getStackTrace();
                for (let i = 0; i < elems.length && i < this.cfg.stack_depth + 8; i++) frames.push(String(elems[i].toString()));
            }
            frames = frames.filter((f) => f.length > 0 && !f.startsWith("com.android.internal.os."))
                .slice(0, this.cfg.stack_depth);
            return this.batcher.stacks.intern(frames);
        } catch (e) {
            // the event is kept without its stack; said once per entry, so a lost stack has a reason
            if (!this.stackFailed.has(spec.id)) {
                this.stackFailed.add(spec.id);
                this.batcher.warn("stack-failed", [spec.id], String(e).slice(0, 300));
            }
            return null;
        }
    }

    private record(spec: HookSpec, self: any, args: any[], ret: any, threw?: any): void {
        const t = nowUs();
        if (!this.admit(spec, t)) return;
        const ex = EXTRACTORS[spec.extractor ?? "generic"] ?? EXTRACTORS.generic;
        const ctx: Ctx = { self, args, ret: threw === undefined ? ret : null, cap: this.cfg.args_cap,
            ownPackage: () => this.ownPackage(), propCategory: (name) => this.propCategory(name) };
        let out;
        try {
            out = ex(ctx);
        } catch (e) {
            out = { args: [`<extractor ${spec.extractor} failed: ${e}>`], ret: null, cat: null };
        }
        if (out === null) return;
        if (threw !== undefined) {
            const text = String(threw?.message ?? threw);
            out = { ...out, ret: { threw: text.length > this.cfg.args_cap ? text.slice(0, this.cfg.args_cap) : text } };
        }
        const stack = spec.stack === false ? null : this.stackId(spec);
        this.batcher.push([t, spec.index, Process.getCurrentThreadId(), out.args, out.ret, stack, 1, out.cat]);
    }

    /** Install one entry with a class factory (default loader or another). True when installed. */
    installWith(factory: any, spec: HookSpec, warn: boolean): boolean {
        let C: any;
        try {
            C = factory.use(spec.class!);
        } catch {
            return false;
        }
        const method = C[spec.method!];
        if (method === undefined || method.overloads === undefined) {
            if (warn) this.batcher.warn("method-missing", [spec.id], `${spec.class}.${spec.method}`);
            return true; // the class is there: waiting for another loader will not help
        }
        const targets: any[] = [];
        if (spec.overloads === undefined || spec.overloads === null) {
            targets.push(...method.overloads);
        } else {
            const missing: string[] = [];
            for (const sig of spec.overloads) {
                try {
                    targets.push(method.overload(...sig.map(fridaType)));
                } catch {
                    missing.push(`(${sig.join(", ")})`);
                }
            }
            if (missing.length > 0 && warn) {
                this.batcher.warn("overload-missing", [spec.id], `${spec.class}.${spec.method}${missing.join(" ")}`);
            }
        }
        const self = this;
        for (const ov of targets) {
            try {
                ov.implementation = function (this: any, ...args: any[]) {
                    const tid = Process.getCurrentThreadId();
                    const d = self.depth.get(tid) ?? 0;
                    self.depth.set(tid, d + 1);
                    let ret;
                    let threw: any = undefined;
                    try {
                        try {
                            ret = ov.call(this, ...args);
                        } catch (e) {
                            threw = e;
                        }
                        if (d === 0) {
                            try {
                                self.record(spec, this, args, ret, threw);
                            } catch { /* never into the app */ }
                        }
                    } finally {
                        if (d === 0) self.depth.delete(tid);
                        else self.depth.set(tid, d);
                    }
                    // the app called the API and the framework threw (SecurityException without
                    // the permission): recorded above, and the exception goes on to the app
                    if (threw !== undefined) throw threw;
                    return ret;
                };
                this.jobs.add(`java:${spec.id}`, () => { ov.implementation = null; });
                this.installed++;
            } catch (e) {
                this.batcher.warn("hook-failed", [spec.id], `${spec.class}.${spec.method}: ${e}`);
            }
        }
        return true;
    }

    start(): void {
        const specs = this.cfg.hooks.filter((h) => h.layer === "java");
        if (specs.length === 0) return;
        const body = (): void => {
            const t0 = Date.now();
            this.watch = new LoaderWatch(Java, (f, s) => this.installWith(f, s, true),
                (u) => this.jobs.add("java:loaders", u));
            for (const spec of specs) {
                if (!this.installWith(Java, spec, true)) this.watch.add(spec);
            }
            const t1 = Date.now();
            this.watch.start();
            this.timing = { hooks: t1 - t0, loaders: Date.now() - t1 };
            const w = this.watch;
            this.jobs.add("java:loader-poll", () => w.stop());
            const pending = this.watch.pendingIds();
            if (pending.length > 0) {
                this.batcher.warn("class-missing", pending,
                    "classes not loaded yet; hooked when a class loader provides them");
            }
        };
        try {
            withFewJvmSymbols(() => Java.perform(body));
        } catch (e) {
            if (!missedJvmSymbol(e)) throw e;
            forgetJvmApiError(Java);
            Java.perform(body); // a bridge that wants a libjvm symbol the short list lacks
        }
        if (this.timing !== undefined) {
            this.timing.full_symbols = jvmFullTableReads() > 0; // the retry above reads the whole table
            this.timing.jvm_full_table_reads = jvmFullTableReads();
        }
    }

    pending(): string[] {
        return this.watch?.pendingIds() ?? [];
    }
}
