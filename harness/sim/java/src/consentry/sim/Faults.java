package consentry.sim;

import java.lang.reflect.Field;

/** Faults for tests: a real JVM crash (a write to address 0 from Java through Unsafe: HotSpot's
 * SIGSEGV handler finds no Java exception to raise and aborts with an hs_err report). */
public final class Faults {
    private Faults() { }

    public static String crash(android.content.Context ctx, String reason) throws Exception {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
        u.putAddress(0L, 42L);
        return reason;
    }
}
