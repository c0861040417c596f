package consentry.sim;

import java.util.Set;

/**
 * The runtime permissions granted to the app now, as the framework's permission checks see them
 * (Context.enforceCallingOrSelfPermission in AOSP). The sim app's host pushes them with set()
 * whenever the device changes them; until then (a program that is not a sim app, such as
 * `consentry hooks exercise`) every permission is granted. A check that fails throws
 * SecurityException from inside the framework method, after the app has called it, as on Android.
 */
public final class Permissions {
    private static volatile Set<String> granted = null;

    private Permissions() { }

    /** Comma-separated permission names (android.permission.X); replaces the granted set. */
    public static void set(String csv) {
        granted = csv == null || csv.isEmpty() ? Set.of() : Set.of(csv.split(","));
    }

    /** Throws SecurityException when `permission` (short or full name) is not granted. Fine
     * location is also satisfied by coarse, as LocationManager's checks are. */
    public static void check(String permission) {
        Set<String> g = granted;
        if (g == null) return;
        String full = permission.contains(".") ? permission : "android.permission." + permission;
        if (g.contains(full)) return;
        if (full.equals("android.permission.ACCESS_FINE_LOCATION")
                && g.contains("android.permission.ACCESS_COARSE_LOCATION")) return;
        throw new SecurityException("consentry.sim: the app does not have " + full + ".");
    }
}
