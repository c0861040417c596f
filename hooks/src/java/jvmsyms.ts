/**
 * frida-java-bridge (7.0.x, lib/jvm.js) builds its HotSpot API from `enumerateSymbols()` of
 * libjvm.so: about 58,000 symbols, 1.0-1.4 s of CPU in every JVM process on this machine, in the
 * app's start-up path. It reads only the names below (every libjvm name in lib/jvm.js); looked up
 * one by one they cost about 70 ms. While the bridge resolves its API, libjvm's
 * `enumerateSymbols` returns just those; if the bridge then finds one missing (a newer bridge
 * wanting another symbol) the caller retries with the full table (javaStatus, JavaHooks.start).
 *
 * The bridge resolves its API twice over: when its module is evaluated (its Runtime constructor
 * tries to initialise, before any line of this agent's own code runs) and on first use where that
 * found no VM. The first is covered by ./presym.ts, imported before anything imports the bridge.
 */
const NEEDED = [
    "JNI_GetCreatedJavaVMs",
    "JVM_Sleep",
    "_ZN10JavaThread27thread_from_jni_environmentEP7JNIEnv_",
    "_ZN11OopMapCache22flush_obsolete_entriesEv",
    "_ZN13InstanceKlass33create_new_default_vtable_indicesEiP10JavaThread",
    "_ZN13InstanceKlass33create_new_default_vtable_indicesEiP6Thread",
    "_ZN14NMethodSweeper11_traversalsE",
    "_ZN14NMethodSweeper11force_sweepEv",
    "_ZN14NMethodSweeper13_should_sweepE",
    "_ZN14NMethodSweeper16sweep_code_cacheEv",
    "_ZN14NMethodSweeper17sweep_in_progressEv",
    "_ZN14NMethodSweeper21_sweep_fractions_leftE",
    "_ZN15MemberNameTable21adjust_method_entriesEP13InstanceKlassPb",
    "_ZN17ConstantPoolCache21adjust_method_entriesEP13InstanceKlassPb",
    "_ZN17ConstantPoolCache21adjust_method_entriesEPb",
    "_ZN18VM_RedefineClasses10_the_classE",
    "_ZN18VM_RedefineClasses13doit_epilogueEv",
    "_ZN18VM_RedefineClasses13doit_prologueEv",
    "_ZN18VM_RedefineClasses14_the_class_oopE",
    "_ZN18VM_RedefineClasses19mark_dependent_codeEP13InstanceKlass",
    "_ZN18VM_RedefineClasses20flush_dependent_codeE19instanceKlassHandleP6Thread",
    "_ZN18VM_RedefineClasses20flush_dependent_codeEP13InstanceKlassP6Thread",
    "_ZN18VM_RedefineClasses20flush_dependent_codeEv",
    "_ZN18VM_RedefineClasses22AdjustAndCleanMetadata8do_klassEP5Klass",
    "_ZN18VM_RedefineClasses25AdjustCpoolCacheAndVtable8do_klassEP5Klass",
    "_ZN18VM_RedefineClasses4doitEv",
    "_ZN18VM_RedefineClassesD0Ev",
    "_ZN18VM_RedefineClassesD1Ev",
    "_ZN19Abstract_VM_Version19jre_release_versionEv",
    "_ZN19ResolvedMethodTable21adjust_method_entriesEPb",
    "_ZN20ClassLoaderDataGraph10classes_doEP12KlassClosure",
    "_ZN20ClassLoaderDataGraph22clean_deallocate_listsEb",
    "_ZN6Method10clear_codeEb",
    "_ZN6Method10clear_codeEv",
    "_ZN6Method10jmethod_idEv",
    "_ZN6Method11link_methodERK12methodHandleP10JavaThread",
    "_ZN6Method19set_native_functionEPhb",
    "_ZN6Method21clear_native_functionEv",
    "_ZN6Method24restore_unshareable_infoEP10JavaThread",
    "_ZN6Method24restore_unshareable_infoEP6Thread",
    "_ZN6Method4sizeEb",
    "_ZN8VMThread7executeEP12VM_Operation",
    "_ZNK18VM_RedefineClasses14print_on_errorEP12outputStream",
    "_ZNK18VM_RedefineClasses26allow_nested_vm_operationsEv",
    "_ZTV18VM_RedefineClasses",
    "_ZdlPv",
    "_Znwm",
];

let fullReads = 0;
let counting = false;

/** The prototype every Module shares (the main module's: libjvm.so may not be loaded yet). */
function moduleProto(): { enumerateSymbols: (this: Module) => ModuleSymbolDetails[] } {
    return Object.getPrototypeOf(Process.mainModule);
}

/**
 * Count every read of libjvm's whole symbol table from now on (`java_timing.jvm_full_table_reads`
 * in agent:ready): the figure that says the short list did its job, checked by the tests.
 */
export function countFullJvmTableReads(): void {
    if (counting) return;
    counting = true;
    const proto = moduleProto();
    const full = proto.enumerateSymbols;
    proto.enumerateSymbols = function (this: Module): ModuleSymbolDetails[] {
        if (this.name === "libjvm.so") fullReads++;
        return full.call(this);
    };
}

export function jvmFullTableReads(): number {
    return fullReads;
}

/** Make libjvm's `enumerateSymbols` return only NEEDED; returns the function that undoes it. */
export function restrictJvmSymbols(): () => void {
    const proto = moduleProto();
    const full = proto.enumerateSymbols;
    proto.enumerateSymbols = function (this: Module): ModuleSymbolDetails[] {
        if (this.name !== "libjvm.so") return full.call(this);
        const out: ModuleSymbolDetails[] = [];
        for (const name of NEEDED) {
            const address = this.findSymbolByName(name);
            if (address !== null) out.push({ isGlobal: true, type: "function", name, address } as ModuleSymbolDetails);
        }
        return out;
    };
    return () => { proto.enumerateSymbols = full; };
}

export function withFewJvmSymbols<T>(fn: () => T): T {
    const undo = restrictJvmSymbols();
    try {
        return fn();
    } finally {
        undo();
    }
}

/** True when the bridge's API was resolved from the short list but lacked a symbol. */
export function missedJvmSymbol(e: unknown): boolean {
    return /partially available/.test(String(e));
}

/**
 * Forget a failed API resolution so the next use resolves again (the bridge keeps its first
 * error and throws it on every later use): the way back to the full symbol table when the
 * short list, applied at load by ./presym.ts, lacked a symbol a newer bridge wants.
 */
export function forgetJvmApiError(java: unknown): void {
    const runtime = java as { _apiError?: unknown; _initialized?: boolean };
    if (runtime._initialized !== true && runtime._apiError !== undefined && runtime._apiError !== null
        && missedJvmSymbol(runtime._apiError)) {
        runtime._apiError = null;
    }
}
