package com.umeng.analytics;

/** An analytics SDK's init, in the SDK's real package: reads the IMEI through the framework. */
public final class UMConfigure {
    private UMConfigure() { }

    public static String init(android.content.Context context) {
        android.telephony.TelephonyManager tm =
            (android.telephony.TelephonyManager) context.getSystemService("phone");
        return tm.getImei();
    }
}
