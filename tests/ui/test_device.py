"""Foreground parsing of `dumpsys window` (Android 7-16 layouts), grant parsing, and the adbutils
adapter through the real adb server and the sim device."""

from __future__ import annotations

import pytest
from ui_paths import ANDROID_SAMPLES

from harness.ui.device import AdbUiDevice, UiDevice, parse_focus, parse_grants

# Focus lines in the layouts of several releases (written for these tests).
ANDROID_9 = """WINDOW MANAGER WINDOWS (dumpsys window windows)
  mCurrentFocus=Window{3f1a2b u0 com.example.news/com.example.news.MainActivity}
  mFocusedApp=AppWindowToken{77aa token=Token{12ab ActivityRecord{9ce u0 com.example.news/.MainActivity t31}}}
"""
ANDROID_14_PROMPT = """  mCurrentFocus=Window{b2c u0 com.google.android.permissioncontroller/com.android.permissioncontroller.permission.ui.GrantPermissionsActivity}
  mFocusedApp=ActivityRecord{4e1 u0 com.google.android.permissioncontroller/com.android.permissioncontroller.permission.ui.GrantPermissionsActivity t12}
"""
ANDROID_13_SHADE = """  mCurrentFocus=Window{1651cd4 u0 NotificationShade}
  mFocusedApp=ActivityRecord{1f72345 u0 com.example.shop/.ui.HomeActivity} t12}
"""
TWO_DISPLAYS = """mFocusedApp=ActivityRecord{14d u0 com.android.systemui/.subscreen.SubHomeActivity t9}
mCurrentFocus=null
mFocusedApp=ActivityRecord{d72 u0 com.example.fit/.Main t409}
mCurrentFocus=Window{2785a60 u0 com.example.fit/com.example.fit.Main}
"""


@pytest.mark.parametrize("text,expected", [
    (ANDROID_9, ("com.example.news", "com.example.news.MainActivity")),
    (ANDROID_14_PROMPT, ("com.google.android.permissioncontroller",
                         "com.android.permissioncontroller.permission.ui.GrantPermissionsActivity")),
    (ANDROID_13_SHADE, ("com.example.shop", "com.example.shop.ui.HomeActivity")),
    (TWO_DISPLAYS, ("com.example.fit", "com.example.fit.Main")),
    ("nothing here", None),
])
def test_parse_focus(text, expected):
    assert parse_focus(text) == expected


@pytest.mark.skipif(not ANDROID_SAMPLES.exists(), reason="../shared/android-samples not present")
def test_parse_focus_on_real_outputs():
    files = sorted((ANDROID_SAMPLES).glob("dumpsys-window*/*.txt"))
    assert files
    for f in files:
        found = parse_focus(f.read_text(errors="replace"))
        assert found is not None and "." in found[0] and found[1], f


def test_parse_grants():
    text = """    runtime permissions:
      android.permission.ACCESS_FINE_LOCATION: granted=true, flags=[ USER_SET ]
      android.permission.CAMERA: granted=false
  User 10:
      android.permission.CAMERA: granted=true
"""
    assert parse_grants(text) == {"android.permission.ACCESS_FINE_LOCATION": True, "android.permission.CAMERA": False}


def test_adapter_through_real_adb(sim_device):
    dev = AdbUiDevice(sim_device.adb())
    assert isinstance(dev, UiDevice)
    pkg, activity = dev.foreground()
    assert pkg and activity
    xml = dev.dump_hierarchy()
    assert "<hierarchy" in xml
    png = dev.screenshot_png()
    assert png.startswith(b"\x89PNG")
    dev.keyevent(3)
