/**
 * Imported first by ../index.ts, so it is evaluated before frida-java-bridge: the bridge's module
 * initialises its runtime as it is evaluated, and in a process where a HotSpot VM already runs (a
 * sim app attached at its gate) that reads libjvm's whole symbol table, 0.3-0.7 s of every attach.
 * Here libjvm's `enumerateSymbols` answers with the bridge's few names while the bridge loads;
 * index.ts undoes it (`releaseJvmSymbols`) as its first statement. Other modules' symbols (ART,
 * native processes) pass through unchanged.
 */
import { countFullJvmTableReads, restrictJvmSymbols } from "./jvmsyms.js";

countFullJvmTableReads();
const undo = restrictJvmSymbols();

export function releaseJvmSymbols(): void {
    undo();
}
