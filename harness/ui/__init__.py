"""The UI consent observer: read the screen (uiautomator hierarchy), know the consent state, press
the right button. `classify` is pure; `UiObserver` polls a device and writes the journal."""

from harness.ui.classify import classify
from harness.ui.model import KINDS, Classification, Control

__all__ = ["KINDS", "Classification", "Control", "classify"]
