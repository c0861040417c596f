"""The sim internet: origin and proxy forms, certificates per SNI from its CA, broken clients."""

from __future__ import annotations

import http.client
import socket
import ssl

from cryptography import x509

from harness.sim.internet import SimInternet


def test_origin_proxy_and_tls_forms(tmp_path):
    with SimInternet(tmp_path) as inet:
        host, port = inet.address
        ctx = ssl.create_default_context(cadata=inet.ca_pem.decode())
        # direct TLS, the certificate names the SNI host and chains to the CA
        raw = socket.create_connection((host, port))
        tls = ctx.wrap_socket(raw, server_hostname="alog.umeng.com")
        cert = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
        assert cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName) == ["alog.umeng.com"]
        c = http.client.HTTPConnection("alog.umeng.com")
        c.sock = tls
        c.request("GET", "/a?x=1")
        assert c.getresponse().status == 200
        # garbage on another connection ends only that connection
        bad = socket.create_connection((host, port))
        bad.sendall(b"\x00garbage\r\n\r\n")
        assert bad.recv(100).startswith(b"HTTP/1.1 400")
        bad.close()
        # CONNECT + TLS (how a proxy client and mitmproxy's upstream mode talk to it)
        c2 = http.client.HTTPSConnection(host, port, context=ctx)
        c2.set_tunnel("api.example.com", 443)
        c2.request("POST", "/b", body=b"x" * 1000)
        r = c2.getresponse()
        assert r.status == 200 and b'"host": "api.example.com"' in r.read()
        # absolute-form plain HTTP, chunked body
        c3 = http.client.HTTPConnection(host, port)
        c3.request("POST", "http://plain.example.com/c", body=iter([b"ab", b"cd"]), encode_chunked=True,
                   headers={"Transfer-Encoding": "chunked"})
        assert c3.getresponse().status == 200
    seen = [(r.scheme, r.host, r.path, r.via_proxy, r.body[:4]) for r in inet.requests]
    assert seen == [("https", "alog.umeng.com", "/a?x=1", False, b""),
                    ("https", "api.example.com", "/b", True, b"xxxx"),
                    ("http", "plain.example.com", "/c", True, b"abcd")]
    # the CA persists in the state dir: a restarted sim internet keeps it (devices trust it once)
    assert SimInternet(tmp_path).ca_pem == inet.ca_pem
