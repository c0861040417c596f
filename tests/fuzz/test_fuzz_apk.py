"""The APK reader (harness/run/apk.py) on random archives: zip-slip names, bombs, truncated and
damaged archives. An ApkInfo or an InputError naming the file; nothing written anywhere."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.errors import InputError
from harness.run.apk import SIM_MODEL, ApkInfo, read_apk
from tests.fuzz.conftest import expect

pytestmark = pytest.mark.fuzz

NAMES = ["AndroidManifest.xml", SIM_MODEL, "classes.dex", "../../evil.txt", "/etc/evil", "lib/x86_64/libx.so",
         "..\\..\\evil.txt", "res/../../../x", "a" * 300, "META-INF/MANIFEST.MF", "dir/", "\u202eevil"]
MODELS = [b"package: com.fuzz.app\nactivities: [.Main]\n", b"package: [1, 2]\n", b"{", b"\xff\xfe",
          b"package: com.x\nactivities: [{name: 3}, 7, null]\nsdks: [{}, 3]\npermissions: 5\n",
          b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\npackage: com.bomb\n"]

entries = st.lists(st.tuples(st.sampled_from(NAMES), st.one_of(st.sampled_from(MODELS), st.binary(max_size=500)),
                             st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])), max_size=6)


def _zip(items) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data, method in items:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buf.getvalue()


def _read(data: bytes) -> ApkInfo | InputError:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        path = root / "work" / "app.apk"
        path.parent.mkdir()
        path.write_bytes(data)
        before = set(os.listdir(root)), set(os.listdir(root / "work"))
        got = expect(lambda: read_apk(path), InputError, memory_mb=400)
        assert (set(os.listdir(root)), set(os.listdir(root / "work"))) == before  # nothing extracted anywhere
        if isinstance(got, InputError):
            assert str(path) in str(got)
        else:
            assert isinstance(got, ApkInfo) and isinstance(got.package, str)
        return got


@given(entries)
def test_random_archives(items):
    _read(_zip(items))


@given(entries, st.data())
def test_truncated_and_damaged_archives(items, data):
    raw = bytearray(_zip(items + [(SIM_MODEL, MODELS[0], zipfile.ZIP_DEFLATED)]))
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        if data.draw(st.booleans()):
            raw[pos] ^= data.draw(st.integers(1, 255))
        else:
            del raw[pos:]
        if not raw:
            break
    _read(bytes(raw))


def test_zip_bomb_and_lying_sizes_are_refused_or_bounded():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(SIM_MODEL, b"package: com.bomb\n#" + b"\0" * (60 << 20))  # 60 MB of zeros, ~60 KB deflated
    got = _read(bomb.getvalue())
    assert isinstance(got, InputError) and "bomb" in str(got)
    # a header that lies about the size: declared small, real content large
    raw = bytearray(bomb.getvalue())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24:central + 28] = (100).to_bytes(4, "little")  # uncompressed size in the central directory
    got = _read(bytes(raw))
    assert isinstance(got, InputError) and "more than the 100 bytes" in str(got)
    # the same lie in a real APK's manifest entry, which androguard would inflate whole
    apk = io.BytesIO()
    with zipfile.ZipFile(apk, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("AndroidManifest.xml", b"\0" * (60 << 20))
    raw = bytearray(apk.getvalue())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24:central + 28] = (1000).to_bytes(4, "little")
    got = _read(bytes(raw))
    assert isinstance(got, InputError) and "zip bomb" in str(got)


def test_zip_slip_names_are_read_not_extracted():
    got = _read(_zip([("../../evil.txt", b"x", zipfile.ZIP_STORED), (SIM_MODEL, MODELS[0], zipfile.ZIP_STORED)]))
    assert isinstance(got, ApkInfo) and got.package == "com.fuzz.app"
