"""Parsers against real outputs (../shared/android-samples, when present) and hand-written ones."""

from pathlib import Path

import pytest

from harness.device import parsers

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "android-samples"
needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason="../shared/android-samples not present")


def test_getprop_and_pm_outputs():
    props = parsers.parse_getprop("[ro.build.version.sdk]: [34]\n[ro.product.model]: [sdk_gphone64_x86_64]\n[empty]: []\n")
    assert props == {"ro.build.version.sdk": "34", "ro.product.model": "sdk_gphone64_x86_64", "empty": ""}
    assert parsers.parse_pm_list("package:com.a\npackage:/data/app/~~x==/com.b-y==/base.apk=com.b\n") == ["com.a", "com.b"]
    assert parsers.parse_pidof("") == [] and parsers.parse_pidof("5081\n") == [5081]
    res = parsers.parse_am_start("Starting: Intent { cmp=a/.B }\nError type 3\nError: Activity class {a/a.B} does not exist.\n")
    assert not res.ok and "does not exist" in res.error


def test_dumpsys_package_sections_by_indentation():
    text = """Packages:
  Package [com.x] (abc):
    versionCode=7 minSdk=21 targetSdk=34
    versionName=1.2
    requested permissions:
      android.permission.INTERNET
      android.permission.ACCESS_FINE_LOCATION
      android.permission.READ_EXTERNAL_STORAGE: restricted=true
    install permissions:
      android.permission.INTERNET: granted=true
    User 0: ceDataInode=1 installed=true
      gids=[3003]
      runtime permissions:
        android.permission.ACCESS_FINE_LOCATION: granted=false, flags=[ USER_SET ]
        android.permission.CAMERA: granted=true
    User 150: ceDataInode=2 installed=true
      runtime permissions:
        android.permission.ACCESS_FINE_LOCATION: granted=true
"""
    p = parsers.parse_dumpsys_package(text)
    assert p.requested == ("android.permission.INTERNET", "android.permission.ACCESS_FINE_LOCATION",
                           "android.permission.READ_EXTERNAL_STORAGE")
    assert p.install == {"android.permission.INTERNET": True}
    assert p.runtime == {"android.permission.ACCESS_FINE_LOCATION": False, "android.permission.CAMERA": True}
    assert (p.version_name, p.version_code) == ("1.2", 7)
    assert not parsers.parse_dumpsys_package("Unable to find package: com.nope\n").found


@needs_samples
def test_real_dumpsys_package_outputs():
    for f in (SAMPLES / "dumpsys-package").glob("*.txt"):
        p = parsers.parse_dumpsys_package(f.read_text(errors="replace"))
        if "Unable to find" in f.read_text(errors="replace"):
            assert not p.found
        else:
            assert p.requested or p.runtime, f.name
            assert all(k.count(".") >= 2 for k in p.runtime), f.name


@needs_samples
def test_real_focus_lines_android_8_to_16():
    found = {}
    for folder in ("dumpsys-window", "dumpsys-window-windows", "dumpsys-window-displays", "dumpsys-window-focus-grep",
                   "dumpsys-activity-activities"):
        for f in (SAMPLES / folder).glob("*.txt"):
            fg = parsers.parse_focus(f.read_text(errors="replace"))
            assert fg is not None, f"{folder}/{f.name}"
            found[f"{folder}/{f.name}"] = fg.package
    # A notification shade holding focus falls through to the focused app.
    assert "com.mediatek.camera" in found.values()
    assert all("." in pkg for pkg in found.values())


def test_focus_prefers_a_system_dialog_over_the_app():
    text = ("  mCurrentFocus=Window{1 u0 com.google.android.permissioncontroller/"
            "com.android.permissioncontroller.permission.ui.GrantPermissionsActivity}\n"
            "  mFocusedApp=ActivityRecord{2 u0 com.x/.Main t5}\n")
    assert parsers.parse_focus(text).package == "com.google.android.permissioncontroller"
    assert parsers.parse_focus("mCurrentFocus=null\nmFocusedApp=null\n") is None
