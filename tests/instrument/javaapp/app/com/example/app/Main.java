package com.example.app;

import android.content.ComponentName;
import android.content.Intent;

/** A small app on the generated framework: args = done file, an `am` stand-in, the late SDK's dir. */
public final class Main {
    private Main() { }

    public static void main(String[] a) throws Exception {
        android.content.Context ctx = new android.app.ContextImpl("com.example.app");
        android.app.Application app = new android.app.Application(ctx);
        android.app.ActivityThread.setCurrentApplication(app);
        com.umeng.analytics.UMConfigure.init(app);
        android.os.SystemProperties.get("ro.build.version.sdk");
        android.os.SystemProperties.get("ro.serialno");
        app.sendBroadcast(new Intent("com.example.app.PING"));
        app.startService(new Intent("com.example.app.SYNC").setPackage("com.example.app"));
        app.bindService(new Intent("com.google.android.gms.ads.identifier.service.START")
            .setPackage("com.google.android.gms"), null, 1);
        app.startActivity(new Intent("android.intent.action.VIEW")
            .setComponent(new ComponentName("com.other.shop", "com.other.shop.Main")));
        Runtime.getRuntime().exec(new String[] {a[1], "start", "-n", "com.other.shop/.Main"}).waitFor();
        Runtime.getRuntime().exec(new String[] {"true"}).waitFor();
        ClassLoader late = new java.net.URLClassLoader(
            new java.net.URL[] {new java.io.File(a[2]).toURI().toURL()}, Main.class.getClassLoader());
        Class<?> sdk = late.loadClass("com.vivo.identifier.IdentifierManager");
        // the SDK reads the OAID every 100 ms for 3 s (SDKs poll their identifiers)
        java.lang.reflect.Method getOaid = sdk.getMethod("getOAID", android.content.Context.class);
        for (int i = 0; i < 30; i++) {
            getOaid.invoke(null, app);
            Thread.sleep(100);
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(a[0]), "done\n");
        Thread.sleep(Long.MAX_VALUE);
    }
}
