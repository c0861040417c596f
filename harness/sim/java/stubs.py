"""Stubs of the public classes of libraries outside the Android framework that the catalogue hooks
(Google Play services, androidx, the support library), for `consentry hooks exercise`: the
public signatures these libraries publish (developers.google.com / developer.android.com
reference), with trivial bodies. Vendor OAID SDKs (MSA, Huawei, Heytap, vivo, Samsung) publish no
reference of their classes, so their entries are skipped by the exercise, with that reason.

Each stub: binary name -> (kind, superclass, interfaces, members as Java source)."""

from __future__ import annotations

STUBS: dict[str, tuple[str, str | None, tuple[str, ...], tuple[str, ...]]] = {
    "com.google.android.gms.tasks.Task": ("class", None, (), ()),
    "com.google.android.gms.tasks.CancellationToken": ("class", None, (), ()),
    "com.google.android.gms.common.api.GoogleApiClient": ("class", None, (), ()),
    "com.google.android.gms.common.api.PendingResult": ("class", None, (), ()),
    "com.google.android.gms.location.LocationRequest": ("class", None, (), ()),
    "com.google.android.gms.location.LocationCallback": ("class", None, (), ()),
    "com.google.android.gms.location.LocationListener": ("interface", None, (), ()),
    "com.google.android.gms.ads.identifier.AdvertisingIdClient": ("class", None, (), (
        "public static com.google.android.gms.ads.identifier.AdvertisingIdClient.Info getAdvertisingIdInfo("
        "android.content.Context context) { return new Info(); }",
    )),
    "com.google.android.gms.ads.identifier.AdvertisingIdClient$Info": ("class", None, (), (
        "public java.lang.String getId() { return consentry.sim.Identity.get(\"advertising_id\"); }",
        "public boolean isLimitAdTrackingEnabled() { return false; }",
    )),
    "com.google.android.gms.location.FusedLocationProviderClient": ("class", None, (), (
        "public com.google.android.gms.tasks.Task getLastLocation() { return new com.google.android.gms.tasks.Task(); }",
        "public com.google.android.gms.tasks.Task getCurrentLocation(int priority, "
        "com.google.android.gms.tasks.CancellationToken token) { return new com.google.android.gms.tasks.Task(); }",
        "public com.google.android.gms.tasks.Task requestLocationUpdates(com.google.android.gms.location.LocationRequest "
        "request, com.google.android.gms.location.LocationCallback callback, android.os.Looper looper) "
        "{ return new com.google.android.gms.tasks.Task(); }",
        "public com.google.android.gms.tasks.Task requestLocationUpdates(com.google.android.gms.location.LocationRequest "
        "request, java.util.concurrent.Executor executor, com.google.android.gms.location.LocationCallback callback) "
        "{ return new com.google.android.gms.tasks.Task(); }",
        "public com.google.android.gms.tasks.Task requestLocationUpdates(com.google.android.gms.location.LocationRequest "
        "request, android.app.PendingIntent intent) { return new com.google.android.gms.tasks.Task(); }",
    )),
    "com.google.android.gms.location.FusedLocationProviderApi": ("interface", None, (), (
        "android.location.Location getLastLocation(com.google.android.gms.common.api.GoogleApiClient client);",
        "com.google.android.gms.common.api.PendingResult requestLocationUpdates("
        "com.google.android.gms.common.api.GoogleApiClient client, com.google.android.gms.location.LocationRequest "
        "request, com.google.android.gms.location.LocationListener listener);",
    )),
    # Play services' obfuscated implementation of FusedLocationProviderApi (what apps reach).
    "com.google.android.gms.internal.location.zzbi": (
        "class", None, ("com.google.android.gms.location.FusedLocationProviderApi",), (
            "public android.location.Location getLastLocation(com.google.android.gms.common.api.GoogleApiClient client) "
            "{ return new android.location.Location(\"fused\"); }",
            "public com.google.android.gms.common.api.PendingResult requestLocationUpdates("
            "com.google.android.gms.common.api.GoogleApiClient client, com.google.android.gms.location.LocationRequest "
            "request, com.google.android.gms.location.LocationListener listener) "
            "{ return new com.google.android.gms.common.api.PendingResult(); }",
        )),
    "androidx.core.app.ActivityCompat": ("class", "androidx.core.content.ContextCompat", (), (
        "public static void requestPermissions(android.app.Activity activity, java.lang.String[] permissions, "
        "int requestCode) { activity.requestPermissions(permissions, requestCode); }",
    )),
    "androidx.core.content.ContextCompat": ("class", None, (), (
        "public static int checkSelfPermission(android.content.Context context, java.lang.String permission) "
        "{ return -1; }",
    )),
    "androidx.fragment.app.Fragment": ("class", None, (), (
        "public void requestPermissions(java.lang.String[] permissions, int requestCode) { }",
    )),
    "android.support.v4.app.ActivityCompat": ("class", "android.support.v4.content.ContextCompat", (), (
        "public static void requestPermissions(android.app.Activity activity, java.lang.String[] permissions, "
        "int requestCode) { activity.requestPermissions(permissions, requestCode); }",
    )),
    "android.support.v4.content.ContextCompat": ("class", None, (), ()),
    "android.support.v4.app.Fragment": ("class", None, (), (
        "public void requestPermissions(java.lang.String[] permissions, int requestCode) { }",
    )),
}

SKIP_ORIGINS = {
    "vendor-oaid": "vendor OAID SDK (MSA/Huawei/Heytap/vivo/Samsung): no published class reference to stub",
}
SKIP_CLASSES = {
    "androidx.camera.core.ImageCapture": "androidx.camera: needs the CameraX use-case graph; not stubbed",
    "androidx.camera.lifecycle.ProcessCameraProvider": "androidx.camera: needs the CameraX use-case graph; not stubbed",
}
