/**
 * frida-java-bridge (7.0.x, lib/jvm.js) builds its HotSpot API from `enumerateSymbols()` of
 * libjvm.so: about 58,000 symbols, 1.0-1.4 s of CPU in every JVM process on this machine, in the
 * app's start-up path. It reads only the names below (every libjvm name in lib/jvm.js); looked up
 * one by one they cost about 70 ms. While the bridge resolves its API, libjvm's
 * `enumerateSymbols` returns just those; if the bridge then finds one missing (a newer bridge
 * wanting another symbol) the caller retries with the full table (withFullSymbols).
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

export function withFewJvmSymbols<T>(fn: () => T): T {
    const jvm = Process.findModuleByName("libjvm.so");
    if (jvm === null) return fn();
    const proto = Object.getPrototypeOf(jvm);
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
    try {
        return fn();
    } finally {
        proto.enumerateSymbols = full;
    }
}
