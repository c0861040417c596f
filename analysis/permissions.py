"""Android runtime permissions and their groups: the vocabulary shared by the hook catalogue
(`permission: android.permission.X`), the UI observer (a system dialog names a group, not a
permission) and the findings rules (consent subject `permission:<GROUP>`).

Groups follow the platform's permission groups as users see them in dialogs; Android 13+ split
storage into media groups and added NEARBY_DEVICES and NOTIFICATIONS."""

from __future__ import annotations

PERMISSION_GROUPS: dict[str, str] = {
    "android.permission.ACCESS_FINE_LOCATION": "LOCATION",
    "android.permission.ACCESS_COARSE_LOCATION": "LOCATION",
    "android.permission.ACCESS_BACKGROUND_LOCATION": "LOCATION",
    "android.permission.ACCESS_MEDIA_LOCATION": "STORAGE",
    "android.permission.READ_CONTACTS": "CONTACTS",
    "android.permission.WRITE_CONTACTS": "CONTACTS",
    "android.permission.GET_ACCOUNTS": "CONTACTS",
    "android.permission.CAMERA": "CAMERA",
    "android.permission.RECORD_AUDIO": "MICROPHONE",
    "android.permission.READ_PHONE_STATE": "PHONE",
    "android.permission.READ_PHONE_NUMBERS": "PHONE",
    "android.permission.CALL_PHONE": "PHONE",
    "android.permission.ANSWER_PHONE_CALLS": "PHONE",
    "android.permission.READ_PRIVILEGED_PHONE_STATE": "PHONE",
    "android.permission.USE_SIP": "PHONE",
    "android.permission.ADD_VOICEMAIL": "PHONE",
    "android.permission.READ_CALL_LOG": "CALL_LOG",
    "android.permission.WRITE_CALL_LOG": "CALL_LOG",
    "android.permission.PROCESS_OUTGOING_CALLS": "CALL_LOG",
    "android.permission.SEND_SMS": "SMS",
    "android.permission.RECEIVE_SMS": "SMS",
    "android.permission.READ_SMS": "SMS",
    "android.permission.RECEIVE_MMS": "SMS",
    "android.permission.RECEIVE_WAP_PUSH": "SMS",
    "android.permission.READ_CALENDAR": "CALENDAR",
    "android.permission.WRITE_CALENDAR": "CALENDAR",
    "android.permission.READ_EXTERNAL_STORAGE": "STORAGE",
    "android.permission.WRITE_EXTERNAL_STORAGE": "STORAGE",
    "android.permission.READ_MEDIA_IMAGES": "READ_MEDIA_VISUAL",
    "android.permission.READ_MEDIA_VIDEO": "READ_MEDIA_VISUAL",
    "android.permission.READ_MEDIA_VISUAL_USER_SELECTED": "READ_MEDIA_VISUAL",
    "android.permission.READ_MEDIA_AUDIO": "READ_MEDIA_AURAL",
    "android.permission.BODY_SENSORS": "SENSORS",
    "android.permission.BODY_SENSORS_BACKGROUND": "SENSORS",
    "android.permission.ACTIVITY_RECOGNITION": "ACTIVITY_RECOGNITION",
    "android.permission.BLUETOOTH_SCAN": "NEARBY_DEVICES",
    "android.permission.BLUETOOTH_CONNECT": "NEARBY_DEVICES",
    "android.permission.BLUETOOTH_ADVERTISE": "NEARBY_DEVICES",
    "android.permission.NEARBY_WIFI_DEVICES": "NEARBY_DEVICES",
    "android.permission.UWB_RANGING": "NEARBY_DEVICES",
    "android.permission.POST_NOTIFICATIONS": "NOTIFICATIONS",
}

GROUPS: tuple[str, ...] = tuple(sorted(set(PERMISSION_GROUPS.values())))

# The group whose refusal or grant governs each catalogue category (None: no runtime permission).
CATEGORY_GROUP: dict[str, str | None] = {
    "location": "LOCATION",
    "contacts": "CONTACTS",
    "accounts": "CONTACTS",
    "camera": "CAMERA",
    "microphone": "MICROPHONE",
    "device_id": "PHONE",
    "phone_number": "PHONE",
    "sim_info": "PHONE",
    "sms": "SMS",
    "call_log": "CALL_LOG",
    "calendar": "CALENDAR",
    "storage": "STORAGE",
    "sensors": "SENSORS",
    "bluetooth": "NEARBY_DEVICES",
    "wifi_info": None,
    "network_info": None,
    "ip_address": None,
    "installed_apps": None,
    "clipboard": None,
    "app_launch": None,
    "install": None,
}


def group_of(permission: str | None) -> str | None:
    """The group of an Android permission name (`android.permission.CAMERA` -> `CAMERA`);
    a bare group name is returned as is; unknown names give None."""
    if not permission:
        return None
    if permission in PERMISSION_GROUPS:
        return PERMISSION_GROUPS[permission]
    upper = permission.upper()
    return upper if upper in GROUPS else None


def subject_for(group: str) -> str:
    """The consent subject of a permission group, as stored in consent.parquet."""
    return f"permission:{group}"
