"""What the sim device's screen shows: view trees, uiautomator XML of the active window, and PNG
screenshots drawn from the trees (`hierarchy`, `render`), plus the system's own windows: the
launcher, the runtime-permission dialog and the wait-for-debugger dialog (`system`)."""

from harness.sim.screens.hierarchy import DISPLAY, View, Window, dump_xml, view_from_element, walk
from harness.sim.screens.render import render_png

__all__ = ["DISPLAY", "View", "Window", "dump_xml", "render_png", "view_from_element", "walk"]
