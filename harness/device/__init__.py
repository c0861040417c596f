"""Device control on adbutils: the same code path for the sim device, emulators and phones."""

from harness.device.core import Device, DeviceInfo, connect_device, list_devices

__all__ = ["Device", "DeviceInfo", "connect_device", "list_devices"]
