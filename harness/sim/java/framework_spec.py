"""What the API declarations do not say, for the generated framework (gen_framework.py).

`@nativescript/types-android` keeps classes, hierarchy, static-ness and reference types, but writes
every Java numeric primitive as `number`, String and CharSequence both as `string`, and does not
mark abstract methods. These tables fill exactly those gaps (from the Android reference, API 34),
and add what an app really reaches behind the public API: hidden implementation classes
(ApplicationPackageManager, ContextImpl), `getSystemService` returning the real managers, AOSP's
delegation between overloads (so one app call reaches several hooked overloads, as on a phone),
and bodies that return the device identity (consentry.sim.Identity)."""

from __future__ import annotations

# Return types the declarations write as `number` (or `Array<number>`) or ambiguous `string`.
RETURNS: dict[tuple[str, str], str] = {
    ("android.location.Location", "getLatitude"): "double",
    ("android.location.Location", "getLongitude"): "double",
    ("android.location.Location", "getAltitude"): "double",
    ("android.location.Location", "getAccuracy"): "float",
    ("android.telephony.gsm.GsmCellLocation", "getCid"): "int",
    ("android.telephony.gsm.GsmCellLocation", "getLac"): "int",
    ("android.telephony.cdma.CdmaCellLocation", "getBaseStationId"): "int",
    ("android.telephony.cdma.CdmaCellLocation", "getNetworkId"): "int",
    ("android.telephony.cdma.CdmaCellLocation", "getBaseStationLatitude"): "int",
    ("android.telephony.cdma.CdmaCellLocation", "getBaseStationLongitude"): "int",
    ("android.telephony.CellIdentityLte", "getCi"): "int",
    ("android.telephony.CellIdentityLte", "getTac"): "int",
    ("android.telephony.CellIdentityGsm", "getCid"): "int",
    ("android.telephony.CellIdentityNr", "getNci"): "long",
    ("android.telephony.TelephonyManager", "getSimState"): "int",
    ("android.telephony.TelephonyManager", "getNetworkType"): "int",
    ("android.telephony.TelephonyManager", "getCallState"): "int",
    ("android.telephony.SubscriptionManager", "getActiveSubscriptionInfoCount"): "int",
    ("android.media.MediaDrm", "getPropertyByteArray"): "byte[]",
    ("android.net.wifi.WifiInfo", "getIpAddress"): "int",
    ("android.net.wifi.WifiInfo", "getNetworkId"): "int",
    ("android.net.NetworkInfo", "getType"): "int",
    ("android.bluetooth.le.BluetoothLeScanner", "startScan"): "int",
    ("android.content.ContentResolver", "update"): "int",
    ("android.content.ContentResolver", "delete"): "int",
    ("android.content.ContentResolver", "bulkInsert"): "int",
    ("android.content.Context", "checkSelfPermission"): "int",
    ("android.content.ContextWrapper", "checkSelfPermission"): "int",
    ("android.content.pm.PackageInstaller", "createSession"): "int",
    ("android.content.ClipboardManager", "getText"): "java.lang.CharSequence",
    ("android.text.ClipboardManager", "getText"): "java.lang.CharSequence",
    ("android.widget.TextView", "getText"): "java.lang.CharSequence",
    ("android.view.View", "getContentDescription"): "java.lang.CharSequence",
    ("android.view.View", "getId"): "int",
}

# Exact parameter lists (API 34, developer.android.com reference / AOSP) of hooked methods whose
# parameters include a numeric primitive: the declarations write them all as `number`, so the
# generated framework takes them from here, never from the catalogue, and `hooks exercise` then
# catches an int/long/short mistake in the catalogue (its overload does not exist on the JVM).
_S, _PI, _L, _E = "java.lang.String", "android.app.PendingIntent", "android.location.LocationListener", \
    "java.util.concurrent.Executor"
PARAMS: dict[tuple[str, str], list[tuple[str, ...]]] = {
    ("android.location.LocationManager", "requestLocationUpdates"): [
        (_S, "long", "float", _PI), (_S, "long", "float", _L), (_S, "long", "float", _L, "android.os.Looper"),
        (_S, "long", "float", _E, _L), ("long", "float", "android.location.Criteria", _PI),
        ("long", "float", "android.location.Criteria", _L, "android.os.Looper"),
        ("long", "float", "android.location.Criteria", _E, _L)],
    ("android.location.LocationManager", "addProximityAlert"): [("double", "double", "float", "long", _PI)],
    ("android.location.Geocoder", "getFromLocation"): [
        ("double", "double", "int"), ("double", "double", "int", "android.location.Geocoder$GeocodeListener")],
    ("android.location.Geocoder", "getFromLocationName"): [
        (_S, "int"), (_S, "int", "android.location.Geocoder$GeocodeListener"),
        (_S, "int", "double", "double", "double", "double"),
        (_S, "int", "double", "double", "double", "double", "android.location.Geocoder$GeocodeListener")],
    **{("android.telephony.TelephonyManager", m): [("int",)] for m in (
        "getDeviceId", "getImei", "getMeid", "getTypeAllocationCode", "getManufacturerCode", "getSimState",
        "getNetworkCountryIso", "getServiceState")},
    ("android.telephony.TelephonyManager", "listen"): [("android.telephony.PhoneStateListener", "int")],
    ("android.telephony.TelephonyManager", "registerTelephonyCallback"): [
        ("int", _E, "android.telephony.TelephonyCallback")],
    ("android.telephony.SubscriptionManager", "getActiveSubscriptionInfo"): [("int",)],
    ("android.telephony.SubscriptionManager", "getActiveSubscriptionInfoForSimSlotIndex"): [("int",)],
    ("android.telephony.SubscriptionManager", "getPhoneNumber"): [("int",), ("int", "int")],
    **{("android.content.pm.PackageManager", m): [("int",)] for m in (
        "getInstalledPackages", "getInstalledApplications", "getInstalledModules", "getPackagesForUid")},
    **{("android.content.pm.PackageManager", m): [("android.content.Intent", "int")] for m in (
        "queryIntentActivities", "queryIntentServices", "queryBroadcastReceivers")},
    ("android.content.pm.PackageManager", "getPackageInfo"): [
        ("android.content.pm.VersionedPackage", "int"), (_S, "int")],
    ("android.content.pm.PackageManager", "getApplicationInfo"): [(_S, "int")],
    ("android.content.pm.PackageManager", "setComponentEnabledSetting"): [("android.content.ComponentName", "int", "int")],
    ("android.app.ActivityManager", "getRunningTasks"): [("int",)],
    ("android.app.ActivityManager", "getRecentTasks"): [("int", "int")],
    ("android.app.ActivityManager", "getRunningServices"): [("int",)],
    ("android.app.usage.UsageStatsManager", "queryUsageStats"): [("int", "long", "long")],
    ("android.app.usage.UsageStatsManager", "queryEvents"): [("long", "long")],
    ("android.telephony.SmsManager", "sendTextMessage"): [(_S, _S, _S, _PI, _PI, "long")],
    ("android.telephony.SmsManager", "sendMultipartTextMessage"): [
        (_S, _S, "java.util.List", "java.util.List", "java.util.List", "long")],
    # destinationPort is a short (SmsManager.sendDataMessage)
    ("android.telephony.SmsManager", "sendDataMessage"): [(_S, _S, "short", "byte[]", _PI, _PI)],
    ("android.hardware.Camera", "open"): [("int",)],
    ("android.media.MediaRecorder", "setAudioSource"): [("int",)],
    ("android.media.MediaRecorder", "setVideoSource"): [("int",)],
    ("android.media.AudioRecord", "$init"): [("int", "int", "int", "int", "int")],
    ("android.hardware.SensorManager", "registerListener"): [
        ("android.hardware.SensorEventListener", "android.hardware.Sensor", "int"),
        ("android.hardware.SensorEventListener", "android.hardware.Sensor", "int", "android.os.Handler"),
        ("android.hardware.SensorEventListener", "android.hardware.Sensor", "int", "int"),
        ("android.hardware.SensorEventListener", "android.hardware.Sensor", "int", "int", "android.os.Handler"),
        ("android.hardware.SensorListener", "int"), ("android.hardware.SensorListener", "int", "int")],
    ("android.hardware.SensorManager", "getSensorList"): [("int",)],
    ("android.hardware.SensorManager", "getDefaultSensor"): [("int",), ("int", "boolean")],
    ("android.app.Activity", "requestPermissions"): [("java.lang.String[]", "int"), ("java.lang.String[]", "int", "int")],
    ("android.app.Activity", "shouldShowRequestPermissionRationale"): [(_S, "int")],
    ("android.app.Fragment", "requestPermissions"): [("java.lang.String[]", "int")],
    ("android.app.Activity", "startActivityForResult"): [
        ("android.content.Intent", "int"), ("android.content.Intent", "int", "android.os.Bundle")],
    ("android.content.ContextWrapper", "bindService"): [
        ("android.content.Intent", "android.content.ServiceConnection", "int"),
        ("android.content.Intent", "int", _E, "android.content.ServiceConnection")],
    ("android.widget.PopupWindow", "showAtLocation"): [("android.view.View", "int", "int", "int")],
    ("android.content.ContextWrapper", "openFileOutput"): [(_S, "int")],
    ("android.media.projection.MediaProjectionManager", "getMediaProjection"): [("int", "android.content.Intent")],
}

# Abstract methods the declarations cannot show (zero-argument ones; the others are recognised by
# their `paramN` names, which the declarations use for abstract methods).
ABSTRACT: set[tuple[str, str]] = {
    ("android.content.Context", "getPackageManager"),
    ("android.content.Context", "getContentResolver"),
    ("android.content.Context", "getPackageName"),
    ("android.content.Context", "getApplicationContext"),
    ("android.text.ClipboardManager", "getText"),
    ("android.text.ClipboardManager", "hasText"),
}

# Hidden classes apps reach: name -> (superclass, interfaces).
HIDDEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "android.app.ApplicationPackageManager": ("android.content.pm.PackageManager", ()),
    "android.app.ContextImpl": ("android.content.Context", ()),
    "android.app.ContextImpl$ApplicationContentResolver": ("android.content.ContentResolver", ()),
    "android.app.ActivityThread": ("java.lang.Object", ()),
    "android.net.Uri$StringUri": ("android.net.Uri", ()),
    "android.os.SystemProperties": ("java.lang.Object", ()),
    "android.hardware.SystemSensorManager": ("android.hardware.SensorManager", ()),
}

# Hidden implementations that override every public method of their API class (AOSP's
# ApplicationPackageManager does: PackageManager's methods are abstract or throw there).
OVERRIDES_ALL = {"android.app.ApplicationPackageManager"}

# Implementation returned for an abstract type (getSystemService, factory returns, receivers).
IMPL: dict[str, str] = {
    "android.content.pm.PackageManager": "android.app.ApplicationPackageManager",
    "android.content.Context": "android.app.ContextImpl",
    "android.content.ContentResolver": "android.app.ContextImpl$ApplicationContentResolver",
    "android.net.Uri": "android.net.Uri$StringUri",
    "android.text.ClipboardManager": "android.content.ClipboardManager",
    "android.hardware.SensorManager": "android.hardware.SystemSensorManager",
}

# Context.getSystemService(name) -> manager class (AOSP SystemServiceRegistry, API 34).
SERVICES: dict[str, str] = {
    "phone": "android.telephony.TelephonyManager",
    "location": "android.location.LocationManager",
    "wifi": "android.net.wifi.WifiManager",
    "connectivity": "android.net.ConnectivityManager",
    "clipboard": "android.content.ClipboardManager",
    "account": "android.accounts.AccountManager",
    "activity": "android.app.ActivityManager",
    "sensor": "android.hardware.SensorManager",
    "camera": "android.hardware.camera2.CameraManager",
    "telephony_subscription_service": "android.telephony.SubscriptionManager",
    "usagestats": "android.app.usage.UsageStatsManager",
    "device_policy": "android.app.admin.DevicePolicyManager",
    "media_projection": "android.media.projection.MediaProjectionManager",
}

# Classes the hand-written members below need, beyond the catalogue's closure.
EXTRA_CLASSES = (
    "android.content.Intent", "android.content.ComponentName", "android.net.Uri", "android.util.Log",
    "android.app.Application", "android.content.ContextWrapper", "android.widget.TextView",
    "android.database.Cursor", "android.database.MatrixCursor", "android.os.CancellationSignal",
    "android.os.Bundle", "android.content.pm.PackageInfo", "android.content.pm.ApplicationInfo",
    "android.net.wifi.WifiInfo", "android.location.Location", "android.os.Looper",
    "android.widget.CheckBox", "android.os.Binder", "android.os.IBinder",
)

# Hand-written members per class (support for the generated bodies and for the agent's
# extractors). Keyed by Java binary name; each string is one member's Java source.
SUPPORT: dict[str, list[str]] = {
    "android.app.ActivityThread": [
        "static android.app.Application sCurrentApplication;",
        "public static android.app.Application currentApplication() { return sCurrentApplication; }",
        "public static void setCurrentApplication(android.app.Application app) { sCurrentApplication = app; }",
    ],
    "android.content.ContextWrapper": [
        "android.content.Context mBase;",
        "public ContextWrapper(android.content.Context base) { mBase = base; }",
        "public android.content.Context getBaseContext() { return mBase; }",
        "protected void attachBaseContext(android.content.Context base) { mBase = base; }",
        "public java.lang.Object getSystemService(java.lang.String name) { return mBase.getSystemService(name); }",
        "public android.content.pm.PackageManager getPackageManager() { return mBase.getPackageManager(); }",
        "public android.content.ContentResolver getContentResolver() { return mBase.getContentResolver(); }",
        "public java.lang.String getPackageName() { return mBase.getPackageName(); }",
        "public android.content.Context getApplicationContext() { return mBase.getApplicationContext(); }",
    ],
    "android.content.Context": [
        "public abstract java.lang.Object getSystemService(java.lang.String name);",
        "public abstract android.content.pm.PackageManager getPackageManager();",
        "public abstract android.content.ContentResolver getContentResolver();",
        "public abstract java.lang.String getPackageName();",
        "public abstract android.content.Context getApplicationContext();",
    ],
    "android.app.ContextImpl": [
        "java.lang.String mPackageName = \"consentry.exercise\";",
        "final java.util.Map<java.lang.String, java.lang.Object> mServices = new java.util.HashMap<>();",
        "final android.content.pm.PackageManager mPackageManager = new android.app.ApplicationPackageManager();",
        "final android.content.ContentResolver mResolver = new android.app.ContextImpl.ApplicationContentResolver();",
        "public ContextImpl(java.lang.String packageName) { mPackageName = packageName; }",
        "public java.lang.Object getSystemService(java.lang.String name) {\n"
        "        synchronized (mServices) {\n"
        "            java.lang.Object s = mServices.get(name);\n"
        "            if (s == null) { s = consentry.sim.Services.create(name); if (s != null) mServices.put(name, s); }\n"
        "            return s;\n"
        "        }\n    }",
        "public android.content.pm.PackageManager getPackageManager() { return mPackageManager; }",
        "public android.content.ContentResolver getContentResolver() { return mResolver; }",
        "public java.lang.String getPackageName() { return mPackageName; }",
        "public android.content.Context getApplicationContext() { return this; }",
    ],
    "android.app.Application": [
        "public Application(android.content.Context base) { super(base); }",
    ],
    "android.app.Activity": [
        "public Activity(android.content.Context base) { super(base); }",
    ],
    "android.net.Uri": [
        "public static android.net.Uri parse(java.lang.String s) { return new android.net.Uri.StringUri(s); }",
    ],
    "android.net.Uri$StringUri": [
        "java.lang.String s;",
        "StringUri(java.lang.String s) { this.s = s; }",
        "public java.lang.String toString() { return s; }",
    ],
    "android.content.ComponentName": [
        "java.lang.String mPackage; java.lang.String mClass;",
        "public ComponentName(java.lang.String pkg, java.lang.String cls) { mPackage = pkg; mClass = cls; }",
        "public java.lang.String getPackageName() { return mPackage; }",
        "public java.lang.String getClassName() { return mClass; }",
        "public java.lang.String flattenToString() { return mPackage + \"/\" + mClass; }",
    ],
    "android.content.Intent": [
        "java.lang.String mAction; java.lang.String mPackage; android.content.ComponentName mComponent; android.net.Uri mData;",
        "public Intent(java.lang.String action) { mAction = action; }",
        "public java.lang.String getAction() { return mAction; }",
        "public java.lang.String getPackage() { return mPackage; }",
        "public android.content.ComponentName getComponent() { return mComponent; }",
        "public java.lang.String getDataString() { return mData == null ? null : mData.toString(); }",
        "public android.content.Intent setPackage(java.lang.String p) { mPackage = p; return this; }",
        "public android.content.Intent setComponent(android.content.ComponentName c) { mComponent = c; return this; }",
        "public android.content.Intent setData(android.net.Uri d) { mData = d; return this; }",
        "public android.content.Intent setAction(java.lang.String a) { mAction = a; return this; }",
    ],
    "android.util.Log": [
        "public static java.lang.String getStackTraceString(java.lang.Throwable tr) {\n"
        "        java.io.StringWriter sw = new java.io.StringWriter();\n"
        "        tr.printStackTrace(new java.io.PrintWriter(sw));\n"
        "        return sw.toString();\n    }",
        "public static int d(java.lang.String tag, java.lang.String msg) { return 0; }",
        "public static int i(java.lang.String tag, java.lang.String msg) { return 0; }",
    ],
    "android.location.Location": [
        "java.lang.String mProvider = \"gps\";",
        "public Location(java.lang.String provider) { mProvider = provider; }",
        "public java.lang.String getProvider() { return mProvider; }",
        "public float getAccuracy() { return 5.0f; }",
    ],
    "android.view.View": [
        "int mId; java.lang.CharSequence mDesc;",
        "public int getId() { return mId; }",
        "public java.lang.CharSequence getContentDescription() { return mDesc; }",
        "public void setContentDescription(java.lang.CharSequence d) { mDesc = d; }",
    ],
    "android.widget.TextView": [
        "java.lang.CharSequence mText = \"\";",
        "public java.lang.CharSequence getText() { return mText; }",
        "public void setText(java.lang.CharSequence t) { mText = t; }",
    ],
    "android.os.SystemProperties": [
        "public static java.lang.String get(java.lang.String key) { return get(key, \"\"); }",
        "public static java.lang.String get(java.lang.String key, java.lang.String def) {\n"
        "        java.lang.String v = consentry.sim.Identity.property(key);\n"
        "        return v == null ? def : v;\n    }",
    ],
    "android.telephony.TelephonyManager": [
        "public int getSlotIndex() { return 0; }",
    ],
    "android.app.ApplicationPackageManager": [
        "public android.content.pm.PackageInfo getPackageInfoAsUser(java.lang.String packageName, int flags, int userId) {\n"
        "        return consentry.sim.Identity.installed(packageName) ? new android.content.pm.PackageInfo() : null;\n    }",
    ],
    "android.view.ContextThemeWrapper": [
        "public ContextThemeWrapper(android.content.Context base) { super(base); }",
    ],
    "android.database.MatrixCursor": [
        "int mCount;",
        "public MatrixCursor(java.lang.String[] columns, int count) { mCount = count; }",
        "public int getCount() { return mCount; }",
    ],
}

# AOSP's delegation between overloads, and identity-backed bodies. Key: (class, method, Java
# parameter types); value: the method body. `None` parameter key = every overload of the method.
D = "java.lang.String"
BODIES: dict[tuple[str, str, tuple[str, ...] | None], str] = {
    # TelephonyManager (frameworks/base telephony/java/android/telephony/TelephonyManager.java)
    ("android.telephony.TelephonyManager", "getImei", ()): "return getImei(getSlotIndex());",
    ("android.telephony.TelephonyManager", "getImei", ("int",)): "return consentry.sim.Identity.get(\"imei\");",
    ("android.telephony.TelephonyManager", "getMeid", ()): "return getMeid(getSlotIndex());",
    ("android.telephony.TelephonyManager", "getMeid", ("int",)): "return consentry.sim.Identity.get(\"meid\");",
    ("android.telephony.TelephonyManager", "getDeviceId", ()): "return consentry.sim.Identity.get(\"imei\");",
    ("android.telephony.TelephonyManager", "getDeviceId", ("int",)): "return consentry.sim.Identity.get(\"imei\");",
    ("android.telephony.TelephonyManager", "getSubscriberId", None): "return consentry.sim.Identity.get(\"imsi\");",
    ("android.telephony.TelephonyManager", "getSimSerialNumber", None): "return consentry.sim.Identity.get(\"iccid\");",
    ("android.telephony.TelephonyManager", "getLine1Number", None): "return consentry.sim.Identity.get(\"phone_number\");",
    ("android.telephony.TelephonyManager", "getSimState", ()): "return getSimState(getSlotIndex());",
    ("android.telephony.TelephonyManager", "getSimState", ("int",)): "return 5;",
    ("android.telephony.TelephonyManager", "getNetworkCountryIso", ()): "return getNetworkCountryIso(getSlotIndex());",
    ("android.telephony.TelephonyManager", "getNetworkCountryIso", ("int",)): "return \"cn\";",
    ("android.telephony.SubscriptionManager", "getPhoneNumber", ("int",)): "return getPhoneNumber(p0, 0);",
    ("android.telephony.SubscriptionManager", "getPhoneNumber", ("int", "int")):
        "return consentry.sim.Identity.get(\"phone_number\");",
    ("android.telephony.SubscriptionInfo", "getIccId", None): "return consentry.sim.Identity.get(\"iccid\");",
    ("android.telephony.UiccCardInfo", "getIccId", None): "return consentry.sim.Identity.get(\"iccid\");",
    ("android.telephony.UiccPortInfo", "getIccId", None): "return consentry.sim.Identity.get(\"iccid\");",
    ("android.telephony.SubscriptionInfo", "getNumber", None): "return consentry.sim.Identity.get(\"phone_number\");",
    ("android.os.Build", "getSerial", None): "return consentry.sim.Identity.get(\"serial\");",
    ("android.net.wifi.WifiInfo", "getMacAddress", None): "return \"02:00:00:00:00:00\";",
    ("android.net.wifi.WifiInfo", "getSSID", None): "return \"\\\"\" + consentry.sim.Identity.get(\"ssid\") + \"\\\"\";",
    ("android.net.wifi.WifiInfo", "getBSSID", None): "return consentry.sim.Identity.get(\"bssid\");",
    ("android.bluetooth.BluetoothAdapter", "getAddress", None): "return \"02:00:00:00:00:00\";",
    ("android.bluetooth.BluetoothDevice", "getAddress", None): "return consentry.sim.Identity.get(\"bluetooth_mac\");",
    ("android.location.Location", "getLatitude", None): "return consentry.sim.Identity.lat();",
    ("android.location.Location", "getLongitude", None): "return consentry.sim.Identity.lon();",
    ("android.location.LocationManager", "getLastKnownLocation", None): "return new android.location.Location(p0);",
    # LocationManager.requestLocationUpdates: every overload ends in the LocationRequest one.
    ("android.location.LocationManager", "requestLocationUpdates", (D, "long", "float", "android.location.LocationListener")):
        "requestLocationUpdates(p0, p1, p2, p3, (android.os.Looper) null);",
    ("android.location.LocationManager", "requestLocationUpdates", (D, "long", "float", "android.location.LocationListener", "android.os.Looper")):
        "requestLocationUpdates(p0, new android.location.LocationRequest(), (java.util.concurrent.Executor) Runnable::run, p3);",
    ("android.location.LocationManager", "requestLocationUpdates", (D, "long", "float", "java.util.concurrent.Executor", "android.location.LocationListener")):
        "requestLocationUpdates(p0, new android.location.LocationRequest(), p3, p4);",
    ("android.location.LocationManager", "requestLocationUpdates", (D, "long", "float", "android.app.PendingIntent")):
        "requestLocationUpdates(p0, new android.location.LocationRequest(), p3);",
    # ContentResolver.query: 5 args -> 6 args -> Bundle form (ContentResolver.java).
    ("android.content.ContentResolver", "query", ("android.net.Uri", "java.lang.String[]", D, "java.lang.String[]", D)):
        "return query(p0, p1, p2, p3, p4, null);",
    ("android.content.ContentResolver", "query", ("android.net.Uri", "java.lang.String[]", D, "java.lang.String[]", D, "android.os.CancellationSignal")):
        "return query(p0, p1, new android.os.Bundle(), p5);",
    ("android.content.ContentResolver", "query", ("android.net.Uri", "java.lang.String[]", "android.os.Bundle", "android.os.CancellationSignal")):
        "return new android.database.MatrixCursor(p1, 1);",
    ("android.content.ContentResolver", "insert", ("android.net.Uri", "android.content.ContentValues")):
        "return insert(p0, p1, null);",
    ("android.content.ContentResolver", "update", ("android.net.Uri", "android.content.ContentValues", D, "java.lang.String[]")):
        "return update(p0, p1, new android.os.Bundle());",
    ("android.content.ContentResolver", "delete", ("android.net.Uri", D, "java.lang.String[]")):
        "return delete(p0, new android.os.Bundle());",
    ("android.provider.Settings$Secure", "getString", None): "return consentry.sim.Identity.setting(p1);",
    ("android.provider.Settings$System", "getString", None): "return consentry.sim.Identity.setting(p1);",
    ("android.provider.Settings$Global", "getString", None): "return consentry.sim.Identity.setting(p1);",
    ("android.content.ClipboardManager", "getText", None): "return consentry.sim.Identity.get(\"clipboard\");",
    ("android.app.Activity", "startActivity", ("android.content.Intent",)): "startActivity(p0, null);",
    ("android.app.Activity", "startActivity", ("android.content.Intent", "android.os.Bundle")):
        "startActivityForResult(p0, -1, p1);",
    ("android.app.Activity", "startActivityForResult", ("android.content.Intent", "int")):
        "startActivityForResult(p0, p1, null);",
    ("android.app.Activity", "requestPermissions", ("java.lang.String[]", "int")):
        "requestPermissions(p0, p1, 0);",
}
