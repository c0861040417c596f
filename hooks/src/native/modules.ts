/**
 * Finding native exports wherever they are: the catalogue names a module glob ("libc.so*",
 * "libssl.so*", "*") and an export. A module observer fires for the modules already loaded and for
 * each one loaded later (libssl is loaded late; an SDK's .so later still), so one callback
 * resolves everything. Hooks are deduplicated by address: glibc exports `open` and `open64` at
 * the same address, and hooking both would double every event.
 */
export function globToRegExp(glob: string): RegExp {
    const esc = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp("^" + esc + "$");
}

export interface ModuleInfo {
    name: string;
    base: string;
    size: number;
}

export function describe(m: Module): ModuleInfo {
    return { name: m.name, base: m.base.toString(), size: m.size };
}

export type OnExport = (module: Module, address: NativePointer, specIndex: number) => void;

export class ExportWatcher {
    private observer: ModuleObserver | null = null;
    private patterns: { index: number; res: RegExp[]; exp: string }[];
    readonly seenModules: ModuleInfo[] = [];
    private fresh: ModuleInfo[] = [];

    constructor(specs: { index: number; module?: string[]; export?: string }[], private onExport: OnExport) {
        this.patterns = specs
            .filter((s) => s.export !== undefined)
            .map((s) => ({ index: s.index, res: (s.module ?? ["*"]).map(globToRegExp), exp: s.export! }));
    }

    start(): void {
        this.observer = Process.attachModuleObserver({
            onAdded: (m) => this.added(m),
        });
    }

    private added(m: Module): void {
        const info = describe(m);
        this.seenModules.push(info);
        this.fresh.push(info);
        for (const p of this.patterns) {
            if (!p.res.some((re) => re.test(m.name))) continue;
            const addr = m.findExportByName(p.exp);
            if (addr !== null) this.onExport(m, addr, p.index);
        }
    }

    takeFreshModules(): ModuleInfo[] {
        const out = this.fresh;
        this.fresh = [];
        return out;
    }

    stop(): void {
        this.observer?.detach();
        this.observer = null;
    }
}
