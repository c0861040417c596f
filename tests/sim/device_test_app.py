"""A minimal sim app model for the device half's tests (built with the apps side's build_apk)."""

from __future__ import annotations

from pathlib import Path

TEST_PACKAGE = "com.consentry.devicetest"
MODEL = f"""
package: {TEST_PACKAGE}
label: Device Test
version_name: "2.1"
version_code: 21
permissions: [android.permission.INTERNET, android.permission.ACCESS_FINE_LOCATION, android.permission.READ_CONTACTS]
activities: [.MainActivity, .SettingsActivity]
launcher: .MainActivity
start: {{none: notice, accepted: home}}
screens:
  - id: notice
    activity: .MainActivity
    notice: true
    elements:
      - {{text: Privacy notice, bounds: [0, 100, 1080, 300]}}
      - {{id: accept, text: Accept, class: android.widget.Button, clickable: true, bounds: [100, 1000, 500, 1100]}}
    on_tap:
      accept: {{consent: accepted, replace: home}}
  - id: home
    activity: .MainActivity
    elements:
      - {{text: Hello, bounds: [0, 0, 100, 100]}}
"""


def build_test_apk(directory: Path) -> Path:
    from harness.sim.model import build_apk

    return build_apk(MODEL.encode(), directory / f"{TEST_PACKAGE}.apk")
