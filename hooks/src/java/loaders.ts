/**
 * Classes loaded later, by other class loaders (SDKs in secondary dex files, plugin frameworks,
 * InMemoryDexClassLoader): entries whose class was missing at init stay pending. They are retried
 * (1) against every class loader Java.enumerateClassLoaders finds at init, (2) when a new
 * BaseDexClassLoader is constructed, and (3) when ClassLoader.loadClass returns a pending name.
 * Only a Set lookup runs on the loadClass path, and a reentrancy flag stops our own use() from
 * recursing through it. Enumerating loaders may fail in a JVM that is still starting (hooks
 * installed from JNI_CreateJavaVM): the loadClass watch still applies.
 */
import type { HookSpec } from "../types.js";

export type InstallFn = (factory: any, spec: HookSpec) => boolean;

const POLL_FIRST_MS = 100;
const POLL_MAX_MS = 1000;

export class LoaderWatch {
    private pending = new Map<string, HookSpec[]>();
    private busy = false;
    private stopped = false;
    private timer: ReturnType<typeof setTimeout> | null = null;

    constructor(private Java: any, private install: InstallFn, private addUndo: (u: () => void) => void) {}

    add(spec: HookSpec): void {
        const list = this.pending.get(spec.class!) ?? [];
        list.push(spec);
        this.pending.set(spec.class!, list);
    }

    pendingIds(): string[] {
        return [...this.pending.values()].flat().map((s) => s.id);
    }

    private tryLoader(loader: any, only?: string): void {
        if (this.pending.size === 0 || this.busy) return;
        this.busy = true;
        try {
            const factory = this.Java.ClassFactory.get(loader);
            const names = only !== undefined ? [only] : [...this.pending.keys()];
            for (const name of names) {
                const specs = this.pending.get(name);
                if (specs === undefined) continue;
                try {
                    factory.use(name);
                } catch {
                    continue;
                }
                const left = specs.filter((s) => !this.install(factory, s));
                if (left.length === 0) this.pending.delete(name);
                else this.pending.set(name, left);
            }
        } finally {
            this.busy = false;
        }
    }

    start(): void {
        const J = this.Java;
        let loaders: any[] = [];
        try {
            loaders = J.enumerateClassLoadersSync();
        } catch { /* a VM still starting (spawned JVM): the loadClass watch below still applies */ }
        for (const loader of loaders) {
            try {
                this.tryLoader(loader);
            } catch { /* a loader that cannot be used */ }
        }
        if (this.pending.size === 0) return;
        const self = this;
        try {
            const Base = J.use("dalvik.system.BaseDexClassLoader");
            for (const ov of Base.$init.overloads) {
                ov.implementation = function (this: any, ...args: any[]) {
                    const r = ov.call(this, ...args);
                    try {
                        self.tryLoader(this);
                    } catch { /* never into the app */ }
                    return r;
                };
                this.addUndo(() => { ov.implementation = null; });
            }
        } catch { /* no BaseDexClassLoader: nothing to watch */ }
        try {
            // Both overloads: on HotSpot, a caller compiled before the hook (ClassLoader.loadClass(String)
            // with loadClass(String, boolean) inlined) never reaches a hook on the inner one alone.
            const CL = J.use("java.lang.ClassLoader");
            for (const ov of CL.loadClass.overloads) {
                ov.implementation = function (this: any, ...args: any[]) {
                    const cls = ov.call(this, ...args);
                    const name = String(args[0]);
                    if (!self.busy && self.pending.has(name) && cls !== null) {
                        try {
                            self.tryLoader(cls.getClassLoader(), name);
                        } catch { /* never into the app */ }
                    }
                    return cls;
                };
                this.addUndo(() => { ov.implementation = null; });
            }
        } catch { /* no loadClass hook */ }
        // HotSpot only (no ART): scanning loaders from inside a hooked call crashed the JVM here,
        // so the scan runs from a timer on the agent's thread.
        if (Process.findModuleByName("libart.so") === null) this.poll(POLL_FIRST_MS);
    }

    /**
     * Retry the pending classes on every class loader, every 100 ms growing to 1 s, while any
     * is pending (HotSpot). There the loadClass hooks above are not always reached (callers
     * JIT-compiled before the hook keep calling the original), so this is what catches an SDK
     * loaded late: its calls are recorded from the next scan on.
     */
    private scan(): void {
        for (const loader of this.Java.enumerateClassLoadersSync()) {
            try {
                this.tryLoader(loader);
            } catch { /* a loader that cannot be used */ }
        }
    }

    private poll(delay: number): void {
        if (this.pending.size === 0 || this.stopped) return;
        this.timer = setTimeout(() => {
            this.timer = null;
            try {
                this.Java.perform(() => this.scan());
            } catch { /* VM busy or gone: try again later */ }
            this.poll(Math.min(delay * 2, POLL_MAX_MS));
        }, delay);
    }

    stop(): void {
        this.stopped = true;
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = null;
    }
}
