"""The UI consent observer: read the screen (uiautomator hierarchy), know the consent state, press
the right button. `classify` is pure; `UiObserver` polls a `UiDevice` (e.g. `AdbUiDevice`) and
writes the run journal; its actions return an `ActionOutcome`."""

from harness.ui.actions import ActionOutcome
from harness.ui.classify import classify
from harness.ui.device import AdbUiDevice, UiDevice
from harness.ui.model import KINDS, Classification, Control
from harness.ui.observer import Observation, UiObserver

__all__ = ["KINDS", "ActionOutcome", "AdbUiDevice", "Classification", "Control", "Observation", "UiDevice",
           "UiObserver", "classify"]
