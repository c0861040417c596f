/**
 * The device clock in microseconds (CLOCK_REALTIME). The harness asks for it through rpc
 * `clock()` at attach and at the end and converts every t_us to host-relative t_ns.
 * A NativeFunction call costs about 1 us, acceptable on the Java path; the native hot path
 * reads the same clock inside the CModule.
 */
let clockGettime: NativeFunction<number, [number, NativePointerValue]> | null = null;
let ts: NativePointer | null = null;

export function clockGettimePtr(): NativePointer | null {
    try {
        return Module.getGlobalExportByName("clock_gettime");
    } catch {
        return null;
    }
}

export function nowUs(): number {
    if (clockGettime === null) {
        const p = clockGettimePtr();
        if (p === null) return Date.now() * 1000;
        clockGettime = new NativeFunction(p, "int", ["int", "pointer"]);
        ts = Memory.alloc(16);
    }
    clockGettime!(0, ts!);
    const sec = ts!.readS64().toNumber();
    const nsec = ts!.add(8).readS64().toNumber();
    return sec * 1000000 + Math.floor(nsec / 1000);
}
