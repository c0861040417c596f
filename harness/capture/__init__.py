"""Traffic capture: mitmproxy hosted by the harness with consentry's addons, and device-side setup
(global proxy, CA install, interception check). See docs/traffic.md."""

from harness.capture.service import ProxyService

__all__ = ["ProxyService"]
