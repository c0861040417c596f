"""The catalogue: structure, size, and that it covers every privacy hook of camille and MobSF."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.catalogue import CATEGORIES, PI_CATEGORIES, load_catalogue
from harness.errors import InputError

# camille (zhengjim/camille script.js) and MobSF (api_monitor.js, dump_clipboard.js) privacy hooks.
PEERS = {
    ("android.support.v4.app.ActivityCompat", "requestPermissions"),
    ("androidx.core.app.ActivityCompat", "requestPermissions"),
    *(("android.telephony.TelephonyManager", m) for m in (
        "getDeviceId", "getImei", "getMeid", "getLine1Number", "getSimSerialNumber", "getSubscriberId",
        "getSimOperator", "getNetworkOperator", "getSimCountryIso", "getCellLocation", "getAllCellInfo",
        "requestCellInfoUpdate", "getServiceState", "getNetworkOperatorName", "getNetworkCountryIso",
        "getDeviceSoftwareVersion", "getSimOperatorName", "listen")),
    ("android.telephony.cdma.CdmaCellLocation", "getBaseStationId"), ("android.telephony.cdma.CdmaCellLocation", "getNetworkId"),
    ("android.telephony.gsm.GsmCellLocation", "getCid"), ("android.telephony.gsm.GsmCellLocation", "getLac"),
    ("android.provider.Settings$Secure", "getString"), ("android.os.Build", "getSerial"),
    ("android.app.admin.DevicePolicyManager", "getWifiMacAddress"), ("android.content.ClipboardManager", "getPrimaryClip"),
    ("android.content.ContentResolver", "query"), ("android.content.ContentResolver", "insert"),
    ("android.content.ContentResolver", "delete"), ("android.content.ContentResolver", "registerContentObserver"),
    ("android.content.pm.PackageManager", "getInstalledPackages"), ("android.content.pm.PackageManager", "getInstalledApplications"),
    ("android.content.pm.PackageManager", "queryIntentActivities"), ("android.content.pm.PackageManager", "getInstallerPackageName"),
    ("android.content.pm.PackageManager", "getInstalledModules"),
    ("android.app.ApplicationPackageManager", "getInstalledPackages"), ("android.app.ApplicationPackageManager", "getInstalledApplications"),
    ("android.app.ApplicationPackageManager", "queryIntentActivities"), ("android.app.ApplicationPackageManager", "getApplicationInfo"),
    ("android.app.ApplicationPackageManager", "getPackageInfoAsUser"),
    ("android.app.ActivityManager", "getRunningAppProcesses"),
    ("android.location.LocationManager", "requestLocationUpdates"), ("android.location.LocationManager", "getLastKnownLocation"),
    ("android.location.Location", "getLatitude"), ("android.location.Location", "getLongitude"),
    ("android.hardware.Camera", "open"), ("android.hardware.camera2.CameraManager", "openCamera"),
    ("androidx.camera.core.ImageCapture", "takePicture"),
    ("android.net.wifi.WifiInfo", "getMacAddress"), ("android.net.wifi.WifiInfo", "getSSID"), ("android.net.wifi.WifiInfo", "getBSSID"),
    ("android.net.wifi.WifiInfo", "getIpAddress"), ("android.net.wifi.WifiInfo", "getNetworkId"),
    ("android.net.wifi.WifiManager", "getConnectionInfo"), ("android.net.wifi.WifiManager", "getConfiguredNetworks"),
    ("android.net.wifi.WifiManager", "getScanResults"), ("java.net.InetAddress", "getHostAddress"),
    ("java.net.NetworkInterface", "getHardwareAddress"),
    *(("android.net.NetworkInfo", m) for m in ("getType", "getTypeName", "getExtraInfo", "isAvailable", "isConnected")),
    ("android.bluetooth.BluetoothDevice", "getName"), ("android.bluetooth.BluetoothDevice", "getAddress"),
    ("android.bluetooth.BluetoothAdapter", "getName"), ("java.io.RandomAccessFile", "$init"),
    ("android.accounts.AccountManager", "getAccounts"), ("android.accounts.AccountManager", "getAccountsByType"),
    ("android.os.SystemProperties", "get"), ("android.telephony.SmsManager", "sendTextMessage"),
    ("android.telephony.SmsManager", "sendMultipartTextMessage"), ("android.media.AudioRecord", "startRecording"),
    ("android.media.MediaRecorder", "start"), ("android.webkit.WebView", "loadUrl"),
}


def test_catalogue_size_and_fields():
    cat = load_catalogue()
    counts = cat.counts()
    assert counts["java"] >= 150
    assert counts["native"] >= 20
    assert {h.category for h in cat.hooks} <= set(CATEGORIES)
    assert all(h.refs and all(r in cat.refs for r in h.refs) for h in cat.hooks)
    assert all(h.category in PI_CATEGORIES for h in cat.hooks if h.pi)
    exports = {h.export for h in cat.hooks if h.layer == "native"}
    assert {"open", "openat", "access", "stat", "fopen", "getaddrinfo", "android_getaddrinfofornet", "connect",
            "__system_property_get", "SSL_write", "SSL_read", "SSL_write_ex", "SSL_read_ex"} <= exports
    assert any(p.endswith("/sys/class/net/*/address") and p.startswith("*") for p in cat.paths)


def test_superset_of_camille_and_mobsf_privacy_hooks():
    """By declared class or by the implementation class the agent hooks (`impl`)."""
    cat = load_catalogue()
    ours = {(c, h.method) for h in cat.hooks if h.layer == "java" for c in (h.class_, h.impl) if c}
    assert PEERS - ours == set()


def test_impl_is_what_the_agent_hooks():
    """Entries on abstract API classes hook the implementation apps reach; one method is never
    hooked by two entries (a second replacement would silently take over the first)."""
    cat = load_catalogue()
    by_id = cat.by_id()
    spec = by_id["PackageManager.getInstalledPackages"].agent_spec()
    assert spec["class"] == "android.app.ApplicationPackageManager"
    assert by_id["PackageManager.getInstalledPackages"].api == "android.content.pm.PackageManager.getInstalledPackages"
    targets = [(h.impl or h.class_, h.method, o) for h in cat.hooks if h.layer == "java"
               for o in (h.overloads if h.overloads is not None else (None,))]
    assert len(targets) == len(set(targets))
    assert "text.ClipboardManager.getText" not in by_id  # abstract there: android.content's override is hooked


def test_issue_list_is_covered():
    cat = load_catalogue()
    ours = {(h.class_ or "").rsplit(".", 1)[-1] + "." + (h.method or "") for h in cat.hooks}
    for needed in ("LocationManager.getCurrentLocation", "LocationManager.getProviders", "Geocoder.getFromLocation",
                   "FusedLocationProviderClient.getLastLocation", "SubscriptionManager.getActiveSubscriptionInfoList",
                   "AdvertisingIdClient.getAdvertisingIdInfo", "MdidSdkHelper.InitSdk", "IdentifierManager.getOAID",
                   "BluetoothAdapter.getBondedDevices", "PackageManager.getPackageInfo", "ActivityManager.getRunningTasks",
                   "ClipboardManager.hasPrimaryClip", "ProcessCameraProvider.bindToLifecycle", "SensorManager.registerListener",
                   "SensorManager.getSensorList", "Fragment.requestPermissions", "ContextWrapper.bindService",
                   "View.performClick", "Dialog.show", "WebView.loadUrl", "PackageInstaller.createSession"):
        assert needed in ours, needed


def test_bad_entry_names_file_and_entry(tmp_path: Path):
    bad = tmp_path / "c.yaml"
    bad.write_text("hooks:\n  - id: x\n    layer: java\n    class: a.B\n    category: nope\n    pi: true\n")
    with pytest.raises(InputError) as err:
        load_catalogue(bad)
    assert str(bad) in str(err.value) and "hooks[0] id=x" in str(err.value)
