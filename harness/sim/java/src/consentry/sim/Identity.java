package consentry.sim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The device identity the generated framework's bodies return (IMEI, IMSI, location...), so
 * identifiers flow from framework calls into the app's traffic as on a phone. Read once from the
 * properties file named by the CONSENTRY_IDENTITY environment variable (key=value, the keys of
 * identity.json plus lat/lon, settings.NAME and prop.NAME); fixed defaults otherwise.
 */
public final class Identity {
    private static final Properties P = load();

    private Identity() { }

    private static Properties load() {
        Properties p = new Properties();
        p.setProperty("imei", "866123456789012");
        p.setProperty("meid", "A1000012345678");
        p.setProperty("imsi", "460001234567890");
        p.setProperty("iccid", "89860012345678901234");
        p.setProperty("serial", "SIM0123456789");
        p.setProperty("phone_number", "+8613800138000");
        p.setProperty("ssid", "consentry-wifi");
        p.setProperty("bssid", "02:11:22:33:44:55");
        p.setProperty("bluetooth_mac", "02:66:77:88:99:aa");
        p.setProperty("clipboard", "clipboard-canary");
        p.setProperty("android_id", "9774d56d682e549c");
        p.setProperty("lat", "39.9042");
        p.setProperty("lon", "116.4074");
        String path = System.getenv("CONSENTRY_IDENTITY");
        if (path != null) {
            try (InputStream in = Files.newInputStream(Path.of(path))) {
                p.load(in);
            } catch (IOException e) {
                System.err.println("consentry.sim.Identity: cannot read " + path + ": " + e);
            }
        }
        return p;
    }

    public static String get(String key) {
        return P.getProperty(key, "");
    }

    public static double lat() {
        return Double.parseDouble(P.getProperty("lat", "0"));
    }

    public static double lon() {
        return Double.parseDouble(P.getProperty("lon", "0"));
    }

    /** Settings.{Secure,System,Global}.getString: android_id from the identity, others by key. */
    public static String setting(String name) {
        if ("android_id".equals(name)) return get("android_id");
        return P.getProperty("settings." + name);
    }

    /** SystemProperties.get: ro.serialno from the identity, others by key. */
    public static String property(String key) {
        if ("ro.serialno".equals(key) || "ro.boot.serialno".equals(key)) return get("serial");
        return P.getProperty("prop." + key);
    }

    public static boolean installed(String pkg) {
        return pkg != null && !pkg.isEmpty();
    }
}
