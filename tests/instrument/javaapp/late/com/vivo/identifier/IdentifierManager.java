package com.vivo.identifier;

/** A vendor OAID SDK loaded late through its own class loader (as DexClassLoader loads a dex). */
public final class IdentifierManager {
    private IdentifierManager() { }

    public static String getOAID(android.content.Context context) {
        return "oaid-" + context.getPackageName();
    }
}
