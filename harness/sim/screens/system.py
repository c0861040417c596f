"""The system's own windows, with Android 14's packages, activities, resource ids and strings.

Strings are the platform's: the permission controller writes `device’s` and `Don’t allow` with
U+2019 (a classifier must normalise apostrophes, as it must on a real device)."""

from __future__ import annotations

from harness.sim.screens.hierarchy import DISPLAY, View, Window, activity_root

LAUNCHER_PACKAGE = "com.google.android.apps.nexuslauncher"
LAUNCHER_ACTIVITY = f"{LAUNCHER_PACKAGE}/.NexusLauncherActivity"
PERMISSION_PACKAGE = "com.google.android.permissioncontroller"
PERMISSION_ACTIVITY = f"{PERMISSION_PACKAGE}/com.android.permissioncontroller.permission.ui.GrantPermissionsActivity"
_PC = "com.android.permissioncontroller:id/"

# Android 14 permission-controller request strings, per group ("%s" is the app label, bold on screen)
GROUP_MESSAGES: dict[str, str] = {
    "LOCATION": "Allow %s to access this device\u2019s location?",
    "CONTACTS": "Allow %s to access your contacts?",
    "CAMERA": "Allow %s to take pictures and record video?",
    "MICROPHONE": "Allow %s to record audio?",
    "PHONE": "Allow %s to make and manage phone calls?",
    "CALL_LOG": "Allow %s to access your phone call logs?",
    "SMS": "Allow %s to send and view SMS messages?",
    "CALENDAR": "Allow %s to access your calendar?",
    "STORAGE": "Allow %s to access photos and media on your device?",
    "READ_MEDIA_VISUAL": "Allow %s to access photos and videos on this device?",
    "READ_MEDIA_AURAL": "Allow %s to access music and audio on this device?",
    "SENSORS": "Allow %s to access sensor data about your vital signs?",
    "ACTIVITY_RECOGNITION": "Allow %s to access your physical activity?",
    "NEARBY_DEVICES": "Allow %s to find, connect to, and determine the relative position of nearby devices?",
    "NOTIFICATIONS": "Allow %s to send you notifications?",
}
FOREGROUND_ONLY_GROUPS = ("LOCATION", "CAMERA", "MICROPHONE")
# button resource id -> (label, outcome)
BUTTONS: dict[str, tuple[str, str]] = {
    "permission_allow_foreground_only_button": ("While using the app", "grant"),
    "permission_allow_one_time_button": ("Only this time", "grant"),
    "permission_allow_button": ("Allow", "grant"),
    "permission_deny_button": ("Don\u2019t allow", "deny"),
}


def launcher_window() -> Window:
    p = LAUNCHER_PACKAGE
    icons = []
    for i, name in enumerate(("Phone", "Messages", "Chrome", "Camera", "Play Store")):
        x = 40 + i * 200
        icons.append(View("android.widget.TextView", p, (x, 1980, x + 200, 2200), text=name, content_desc=name,
                          clickable=True, focusable=True))
    workspace = View("android.widget.FrameLayout", p, (0, 136, 1080, 1900), resource_id=f"{p}:id/workspace",
                     scrollable=True)
    hotseat = View("android.view.ViewGroup", p, (0, 1960, 1080, 2220), resource_id=f"{p}:id/hotseat",
                   children=tuple(icons))
    search = View("android.widget.FrameLayout", p, (60, 2240, 1020, 2360), resource_id=f"{p}:id/search_container_hotseat",
                  content_desc="Search", clickable=True, focusable=True)
    return Window(p, LAUNCHER_ACTIVITY, activity_root(p, (workspace, hotseat, search)))


def permission_window(label: str, group: str) -> Window:
    """The GrantPermissionsActivity dialog for one permission group of app `label`."""
    p = PERMISSION_PACKAGE
    buttons = (("permission_allow_foreground_only_button", "permission_allow_one_time_button", "permission_deny_button")
               if group in FOREGROUND_ONLY_GROUPS else ("permission_allow_button", "permission_deny_button"))
    top = 2400 - 300 - 160 * len(buttons) - 420
    x1, x2 = 63, 1017
    msg = GROUP_MESSAGES.get(group, "Allow %s to access " + group.lower().replace("_", " ") + "?") % label
    content = View("android.widget.LinearLayout", p, (x1 + 48, top + 48, x2 - 48, top + 380),
                   resource_id=_PC + "content_container", children=(
                       View("android.widget.ImageView", p, (504, top + 60, 576, top + 132), resource_id=_PC + "permission_icon"),
                       View("android.widget.TextView", p, (x1 + 72, top + 160, x2 - 72, top + 360), text=msg,
                            resource_id=_PC + "permission_message"),
                   ))
    btn_views = []
    y = top + 400
    for rid in buttons:
        btn_views.append(View("android.widget.Button", p, (x1 + 48, y, x2 - 48, y + 144), text=BUTTONS[rid][0],
                              resource_id=_PC + rid, clickable=True, focusable=True))
        y += 160
    group_view = View("android.widget.LinearLayout", p, (x1 + 48, top + 400, x2 - 48, y), children=tuple(btn_views))
    dialog = View("android.widget.LinearLayout", p, (x1, top, x2, y + 48), resource_id=_PC + "grant_dialog",
                  children=(content, group_view))
    b = (x1, top, x2, y + 48)
    root = View("android.widget.FrameLayout", p, b, children=(
        View("android.widget.FrameLayout", p, b, resource_id="android:id/content", children=(dialog,)),))
    return Window(p, PERMISSION_ACTIVITY, root, dialog=True, meta={"group": group})


def debugger_window(label: str, package: str) -> Window:
    """Android's 'Waiting For Debugger' dialog, shown while an `am start -D` process is gated."""
    b = (63, 980, 1017, 1420)
    p = "android"
    title = View("android.widget.TextView", p, (126, 1030, 954, 1100), text="Waiting For Debugger",
                 resource_id="android:id/alertTitle")
    msg = View("android.widget.TextView", p, (126, 1130, 954, 1280),
               text=f"Application {label} (process {package}) is waiting for the debugger to attach.",
               resource_id="android:id/message")
    btn = View("android.widget.Button", p, (700, 1300, 990, 1400), text="Force close", resource_id="android:id/button1",
               clickable=True, focusable=True)
    root = View("android.widget.FrameLayout", p, b, children=(
        View("android.widget.FrameLayout", p, b, resource_id="android:id/content", children=(title, msg, btn)),))
    return Window(p, f"{package}/.WaitingForDebugger", root, dialog=True)


def starting_window(label: str, package: str, component: str) -> Window:
    """The app's starting window (Android's splash screen): the system draws it for the app's
    package while the process starts (bindApplication: here its JVM boots), until the first frame."""
    b = (0, 0, *DISPLAY)
    name = View("android.widget.TextView", package, (140, 1100, 940, 1200), text=label)
    root = View("android.widget.FrameLayout", package, b, children=(
        View("android.widget.FrameLayout", package, b, resource_id="android:id/content", children=(name,)),))
    return Window(package, component, root, meta={"starting": True})


__all__ = ["DISPLAY", "launcher_window", "permission_window", "debugger_window", "starting_window"]
