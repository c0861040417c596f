"""Runs: one app through one scenario on one device, suites across devices, recovery."""
