"""A sim app's process: a real Linux child of the sim device, started by `am start`.

Run as `python -m harness.sim.app_process CONFIG.json` by `harness.sim.runtime`. It talks to the
runtime over its stdin (state pushed by the runtime: consent, permissions, foreground, top screen,
proxy replies) and stdout (JSON lines: logcat lines, permission requests, screens to show, starts
of other apps, crash reports). When launched with `am start -D` it is *gated*: alive, with a PID
that Frida can attach to, but running none of the app's behaviours until it receives SIGCONT
(`kill -s CONT PID`), so that instrumentation is in place before the first behaviour runs.

Its behaviours do real things the hooks can see: libc `open`/`read` of identifier files,
`__system_property_get` from `libsimprop.so` (or an SDK copy such as `libumeng_sim.so`), Java
framework calls on a real HotSpot JVM that the process boots in-process before the gate (jvm.py,
libsimruntime.so: as app_process boots ART), made from the SDK's Java class in its real package or the
app's own, `getaddrinfo`, and HTTP/HTTPS through the proxy set on the device."""
