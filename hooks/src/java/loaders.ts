/**
 * Classes loaded later, by other class loaders (SDKs in secondary dex files, plugin frameworks,
 * InMemoryDexClassLoader): entries whose class was missing at init stay pending. They are retried
 * (1) against every class loader Java.enumerateClassLoaders finds at init, (2) when a new
 * BaseDexClassLoader is constructed, and (3) when ClassLoader.loadClass returns a pending name.
 * Only a Set lookup runs on the loadClass path, and a reentrancy flag stops our own use() from
 * recursing through it.
 */
import type { HookSpec } from "../types.js";

export type InstallFn = (factory: any, spec: HookSpec) => boolean;

export class LoaderWatch {
    private pending = new Map<string, HookSpec[]>();
    private busy = false;

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
        for (const loader of J.enumerateClassLoadersSync()) {
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
            const CL = J.use("java.lang.ClassLoader");
            const ov = CL.loadClass.overload("java.lang.String", "boolean");
            ov.implementation = function (this: any, name: string, resolve: boolean) {
                const cls = ov.call(this, name, resolve);
                if (!self.busy && self.pending.has(name)) {
                    try {
                        self.tryLoader(cls.getClassLoader(), name);
                    } catch { /* never into the app */ }
                }
                return cls;
            };
            this.addUndo(() => { ov.implementation = null; });
        } catch { /* no loadClass hook */ }
    }
}
