/**
 * The one native hook path: every native catalogue entry is resolved through the module watcher
 * and attached with the CModule callbacks (extractor = ring kind: raw, path, str2, sockaddr, prop,
 * command, argv),
 * except TLS entries (tls_write, tls_read, tls_write_ex, tls_read_ex) whose payload is variable and
 * large, which use JS callbacks. Each attachment is an undoable job; entries whose export never
 * showed up are reported by `missing()`.
 */
import type { Batcher } from "../batcher.js";
import type { Jobs } from "../jobs.js";
import type { AgentConfig, HookSpec } from "../types.js";
import { ExportWatcher, type ModuleInfo } from "./modules.js";
import { KINDS, NativeRing } from "./ring.js";
import { TlsHooks } from "./tls.js";

const TLS = new Set(["tls_write", "tls_read", "tls_write_ex", "tls_read_ex"]);

export class NativeHooks {
    readonly ring: NativeRing;
    private watcher: ExportWatcher;
    private tls: TlsHooks;
    private hooked = new Set<string>();
    private installedIds = new Set<string>();
    private specs: HookSpec[];
    installed = 0;

    constructor(cfg: AgentConfig, private batcher: Batcher, private jobs: Jobs) {
        this.specs = cfg.hooks.filter((h) => h.layer === "native");
        this.ring = new NativeRing(cfg.ring_slots, cfg.hooks.length, cfg.paths, cfg.block_ms);
        for (const h of this.specs) {
            const ex = h.extractor ?? "raw";
            if (TLS.has(ex)) continue;
            const kind = KINDS[ex];
            if (kind === undefined) {
                batcher.warn("extractor-failed", [h.id], `unknown native extractor ${ex}`);
                continue;
            }
            const argA = Number(h.params?.arg ?? (kind === 3 ? 1 : 0));
            const argB = Number(h.params?.arg2 ?? (kind === 3 ? 2 : 1));
            this.ring.configure(h.index, kind, argA, argB, h.cap ?? cfg.cap);
        }
        batcher.attachRing(this.ring, this.specs.filter((h) => !TLS.has(h.extractor ?? "")).map((h) => h.index));
        this.tls = new TlsHooks(batcher, cfg.tls_chunk_cap, cfg.tls_conn_cap);
        this.watcher = new ExportWatcher(this.specs, (m, addr, idx) => this.attach(m, addr, idx));
    }

    start(): void {
        this.watcher.start();
    }

    private attach(module: Module, addr: NativePointer, index: number): void {
        const spec = this.specs.find((s) => s.index === index)!;
        const key = addr.toString();
        if (this.hooked.has(key)) {
            this.installedIds.add(spec.id); // an alias of a hooked address (glibc open/open64)
            return;
        }
        this.hooked.add(key);
        try {
            const ex = spec.extractor ?? "raw";
            const listener = TLS.has(ex)
                ? Interceptor.attach(addr, this.tls.callbacks(module, ex, index))
                : Interceptor.attach(addr, this.ring.callbacks(KINDS[ex]) as unknown as InvocationListenerCallbacks,
                    ptr(index));
            this.jobs.add(`native:${spec.id}`, () => listener.detach());
            this.installed++;
            this.installedIds.add(spec.id);
        } catch (e) {
            this.batcher.warn("hook-failed", [spec.id], `${module.name}!${spec.export}: ${e}`);
        }
    }

    missing(): string[] {
        return this.specs.filter((s) => !this.installedIds.has(s.id)).map((s) => s.id);
    }

    modules(): ModuleInfo[] {
        return this.watcher.takeFreshModules();
    }

    stop(): void {
        this.watcher.stop();
        for (const s of this.specs) this.ring.setEnabled(s.index, false);
    }
}
