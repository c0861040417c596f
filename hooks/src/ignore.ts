/**
 * Work the agent does on an app thread must not be recorded as the app's: installing Java hooks
 * from JNI_CreateJavaVM's return runs class initialisers on the thread that created the VM (on
 * HotSpot, java.net's loads libnet, which reads /proc/net/if_inet6). Gum's
 * gum_interceptor_ignore_current_thread is not reachable from JS or a CModule, so the native
 * ring's callbacks compare the calling thread with the one muted here.
 */
export const mutedTid: NativePointer = Memory.alloc(8);

/** Run `fn` with the native hooks ignoring the current thread. */
export function withThreadIgnored<T>(fn: () => T): T {
    const before = mutedTid.readS32();
    mutedTid.writeS32(Process.getCurrentThreadId());
    try {
        return fn();
    } finally {
        mutedTid.writeS32(before);
    }
}
