"""The simulated Android device: an adb-transport server with sim apps as real Linux processes.

Imports nothing else of `harness`: it is a device, reached only over adb and the network."""
