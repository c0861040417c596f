"""Stubs of the public classes of libraries outside the Android framework that the catalogue hooks
(Google Play services, androidx, the support library), for `consentry hooks exercise`: the
public signatures these libraries publish (developers.google.com / developer.android.com
reference), with trivial bodies; and the vendor identifier services and SDKs (OAID/VAID/AAID/UDID)
with the signatures their published AIDL files and SDK callers show (gzu-liyujiang/Android_CN_OAID
at e568f0a1, Mulan PSL v2: aidl/*.aidl and library/.../impl/*Impl.java; camille script.js), with
bodies that return the device identity. An AIDL service is stubbed as its interface, a `Stub` whose
`asInterface(IBinder)` returns the `Stub$Proxy` (the class apps really call after bindService,
and the one hooked), as aidl generates them (the Proxy is private there, public here).

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

_S, _C = "java.lang.String", "android.content.Context"


def _value(method: str, params: tuple[str, ...]) -> str:
    """What a vendor identifier call returns: the identity's OAID, or a VAID/AAID/UDID/IMEI."""
    key = method.lower().removeprefix("get")
    if key == "serid":  # OPPO getSerID(pkg, sign, type): OUID = OAID, DUID = VAID, AUID = AAID
        return ('"OUID".equals(p2) ? consentry.sim.Identity.get("oaid") : '
                'consentry.sim.Identity.get("oaid") + "-" + p2.toLowerCase()')
    if key in ("oaid", "id"):
        return 'consentry.sim.Identity.get("oaid")'
    if key == "imei":
        return 'consentry.sim.Identity.get("imei")'
    return f'consentry.sim.Identity.get("oaid") + "-{key}"'


def _method(method: str, params: tuple[str, ...], static: bool = False) -> str:
    args = ", ".join(f"{t} p{i}" for i, t in enumerate(params))
    return f"public {'static ' if static else ''}java.lang.String {method}({args}) {{ return {_value(method, params)}; }}"


def _aidl(name: str, methods: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[str, str | None, tuple[str, ...],
                                                                                         tuple[str, ...]]]:
    """An AIDL interface as aidl generates it: interface, Stub (asInterface), Stub$Proxy."""
    simple = name.rsplit(".", 1)[-1]
    decls = tuple(f"java.lang.String {m}({', '.join(f'{t} p{i}' for i, t in enumerate(p))});" for m, p in methods)
    return {
        name: ("interface", None, (), decls),
        f"{name}$Stub": ("class", "android.os.Binder", (), (
            f"public static {name} asInterface(android.os.IBinder obj) {{ return new {simple}.Stub.Proxy(obj); }}",)),
        f"{name}$Stub$Proxy": ("class", None, (name,), (
            "android.os.IBinder mRemote;",
            "Proxy(android.os.IBinder remote) { mRemote = remote; }",
            *(_method(m, p) for m, p in methods))),
    }


# Vendor identifier services (aidl/ of Android_CN_OAID), by the ROMs that ship them.
AIDL: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "com.samsung.android.deviceidservice.IDeviceIdService": (("getOAID", ()), ("getVAID", (_S,)), ("getAAID", (_S,))),
    "repeackage.com.samsung.android.deviceidservice.IDeviceIdService": (
        ("getOAID", ()), ("getVAID", (_S,)), ("getAAID", (_S,))),
    "com.uodis.opendevice.aidl.OpenDeviceIdentifierService": (("getOaid", ()),),
    "com.heytap.openid.IOpenID": (("getSerID", (_S, _S, _S)),),
    "com.oplus.stdid.IStdID": (("getSerID", (_S, _S, _S)),),
    "com.bun.lib.MsaIdInterface": (("getOAID", ()), ("getVAID", ()), ("getAAID", ())),
    "com.zui.deviceidservice.IDeviceidInterface": (("getOAID", ()), ("getUDID", ()), ("getVAID", (_S,)),
                                                   ("getAAID", (_S,))),
    "com.asus.msa.SupplementaryDID.IDidAidlInterface": (("getUDID", ()), ("getOAID", ()), ("getVAID", ()),
                                                        ("getAAID", ())),
    "com.coolpad.deviceidsupport.IDeviceIdManager": (("getUDID", (_S,)), ("getOAID", (_S,)), ("getVAID", (_S,)),
                                                     ("getAAID", (_S,)), ("getIMEI", (_S,))),
    "com.qiku.id.IOAIDInterface": (("getUDID", ()), ("getOAID", ()), ("getVAID", ()), ("getAAID", ())),
    "com.android.creator.IdsSupplier": (("getUDID", (_S,)), ("getOAID", ()), ("getVAID", ()), ("getAAID", (_S,))),
}
for _name, _methods in AIDL.items():
    STUBS.update(_aidl(_name, _methods))

_ADS_INFO = ("public java.lang.String getId() { return consentry.sim.Identity.get(\"oaid\"); }",
             "public boolean isLimitAdTrackingEnabled() { return false; }")
STUBS.update({
    # Xiaomi MIUI framework: reached by reflection (Class.forName + newInstance, getOAID(Context))
    "com.android.id.impl.IdProviderImpl": ("class", None, (), tuple(
        _method(m, (_C,)) for m in ("getUDID", "getOAID", "getVAID", "getAAID"))),
    # OPPO/HeyTap SDK (static, Context), two names across versions
    **{cls: ("class", None, (), (
        "public static void init(android.content.Context c) { }",
        "public static boolean isSupported() { return true; }",
        *(_method(m, (_C,), static=True) for m in ("getOAID", "getVAID", "getAAID", "getUDID"))))
       for cls in ("com.heytap.openid.sdk.OpenIDSDK", "com.heytap.openid.sdk.HeytapIDSDK")},
    # Huawei HMS ads identifier and Honor's (public fields id / isLimit on Honor's Info)
    "com.huawei.hms.ads.identifier.AdvertisingIdClient": ("class", None, (), (
        "public static com.huawei.hms.ads.identifier.AdvertisingIdClient.Info getAdvertisingIdInfo("
        "android.content.Context context) { return new Info(); }",)),
    "com.huawei.hms.ads.identifier.AdvertisingIdClient$Info": ("class", None, (), _ADS_INFO),
    "com.hihonor.ads.identifier.AdvertisingIdClient": ("class", None, (), (
        "public static com.hihonor.ads.identifier.AdvertisingIdClient.Info getAdvertisingIdInfo("
        "android.content.Context context) { return new Info(); }",)),
    "com.hihonor.ads.identifier.AdvertisingIdClient$Info": ("class", None, (), (
        "public java.lang.String id = consentry.sim.Identity.get(\"oaid\");", "public boolean isLimit = false;")),
    # MSA SDK (com.bun.miitmdid, 1.0.x-2.x): the helper apps call, the 1.0.10-1.0.13 loader, listener
    "com.bun.miitmdid.interfaces.IIdentifierListener": ("interface", None, (), (
        "void OnSupport(boolean isSupport, com.bun.miitmdid.interfaces.IdSupplier supplier);",)),
    "com.bun.miitmdid.interfaces.IdSupplier": ("interface", None, (), (
        "boolean isSupported();", "java.lang.String getOAID();", "java.lang.String getVAID();",
        "java.lang.String getAAID();")),
    "com.bun.supplier.IdSupplier": ("interface", None, (), (
        "boolean isSupported();", "java.lang.String getOAID();", "java.lang.String getVAID();",
        "java.lang.String getAAID();", "java.lang.String getUDID();")),
    "com.bun.miitmdid.core.MdidSdkHelper": ("class", None, (), (
        "public static int InitSdk(android.content.Context context, boolean isLogOn, "
        "com.bun.miitmdid.interfaces.IIdentifierListener listener) { return 1008612; }",
        "public static boolean InitCert(android.content.Context context, java.lang.String cert) { return true; }")),
    "com.bun.miitmdid.core.JLibrary": ("class", None, (), (
        "public static void InitEntry(android.content.Context context) { }",)),
})

# How an app obtains an object of a stubbed class, when `new X()` is not it (gen_exercise).
RECEIVERS: dict[str, str] = {
    **{f"{n}$Stub$Proxy": f"({n}.Stub.Proxy) {n}.Stub.asInterface(new android.os.Binder())" for n in AIDL},
    "java.net.Inet6Address": "(java.net.Inet6Address) java.net.InetAddress.getByAddress(new byte[] {"
                             "(byte) 0x24, 0x08, (byte) 0x84, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x23})",
    "java.net.InetSocketAddress": "new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(new byte[] {"
                                  "(byte) 192, (byte) 168, 1, 23}), 0)",
    "java.net.InetAddress": "java.net.InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 1, 23})",
    "java.net.Inet4Address": "(java.net.Inet4Address) java.net.InetAddress.getByAddress(new byte[] {(byte) 192, "
                             "(byte) 168, 1, 23})",
}

SKIP_ORIGINS: dict[str, str] = {}
SKIP_CLASSES = {
    # not stubbed: the framework jar would shadow the class a test app loads late through its own
    # class loader (tests/instrument/test_java_app.py, which hooks getOAID on the JVM that way)
    "com.vivo.identifier.IdentifierManager": "vivo's SDK (static getOAID/getVAID/getAAID(Context)): exercised as an "
                                             "SDK loaded late through its own class loader by "
                                             "tests/instrument/test_java_app.py, not stubbed in the framework",
    "com.bun.supplier.IdSupplier": "an interface (MSA 1.0.10): its implementations are the SDK's own obfuscated "
                                   "classes, so hooking the interface catches nothing; the vendor services the SDK "
                                   "binds are hooked instead",
    "com.bun.miitmdid.interfaces.IdSupplier": "an interface (MSA 1.0.2x-2.x): its implementations are the SDK's own "
                                              "obfuscated classes, so hooking the interface catches nothing; the "
                                              "vendor services the SDK binds are hooked instead",
    "androidx.camera.core.ImageCapture": "androidx.camera: needs the CameraX use-case graph; not stubbed",
    "androidx.camera.lifecycle.ProcessCameraProvider": "androidx.camera: needs the CameraX use-case graph; not stubbed",
}
