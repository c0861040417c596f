"""The sim internet serves the pages installed apps publish (their privacy policies)."""

from __future__ import annotations

import http.client
import ssl

from harness.sim.internet import SimInternet


def test_published_pages_are_served_and_other_urls_get_the_default_answer(tmp_path):
    pages = {("www.app.example", "/privacy.html"): ("text/html; charset=utf-8", "<p>隐私政策</p>".encode())}

    def lookup(host, path):
        if host == "broken.example":
            raise RuntimeError("a broken page source")
        return pages.get((host, path))

    with SimInternet(tmp_path, pages=lookup) as inet:
        host, port = inet.address
        ctx = ssl.create_default_context(cadata=inet.ca_pem.decode())
        c = http.client.HTTPSConnection(host, port, context=ctx)
        c.set_tunnel("www.app.example", 443)
        c.request("GET", "/privacy.html?lang=zh")
        r = c.getresponse()
        assert r.status == 200 and r.getheader("Content-Type") == "text/html; charset=utf-8"
        assert r.read().decode() == "<p>隐私政策</p>"
        c.request("POST", "/privacy.html", body=b"x")  # only GET serves a page
        r = c.getresponse()
        assert r.getheader("Content-Type") == "application/json" and b'"ok": true' in r.read()
        plain = http.client.HTTPConnection(host, port)
        plain.request("GET", "http://broken.example/x")
        r = plain.getresponse()
        assert r.status == 200 and r.getheader("Content-Type") == "application/json"


def test_a_sim_device_serves_its_installed_apps_pages(tmp_path):
    from harness.sim.samples import sample_app_paths
    from harness.sim.server import SimDevice

    apk = sample_app_paths()["policy_full"]
    sim = SimDevice(tmp_path / "sim", apps=[apk])
    sim.start()
    try:
        got = sim._app_page("www.bushubao.example", "/privacy.html")
        assert got is not None and got[0].startswith("text/html") and "第三方SDK共享清单".encode() in got[1]
        assert sim._app_page("www.bushubao.example", "/other") is None
    finally:
        sim.stop()
