"""APK reading: sim packages, hostile zips, and files that are not APKs at all."""

import zipfile

import pytest

from harness.errors import InputError
from harness.run.apk import read_apk


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_sim_package_is_read_from_its_model(tmp_path):
    apk = _zip(tmp_path / "a.apk", {"consentry-sim-app.yaml": (
        "package: com.example.a\nversion_name: '1.0'\nversion_code: 3\nlabel: A\n"
        "permissions: [android.permission.ACCESS_FINE_LOCATION]\nactivities: [.Main, .Settings]\n")})
    info = read_apk(apk)
    assert (info.package, info.version_code, info.kind) == ("com.example.a", 3, "sim")
    assert info.component() == "com.example.a/.Main"
    assert len(info.sha256) == 64


@pytest.mark.parametrize("content, words", [
    (b"not a zip at all", r"not an APK \(zip\)"),
    (None, "no AndroidManifest.xml"),
])
def test_not_an_apk(tmp_path, content, words):
    path = tmp_path / "x.apk"
    if content is None:
        _zip(path, {"readme.txt": "hello"})
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match=words) as exc:
        read_apk(path)
    assert str(path) in str(exc.value)


def test_zip_bomb_is_refused_before_decompression(tmp_path):
    path = tmp_path / "bomb.apk"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("AndroidManifest.xml", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(InputError, match="zip bomb"):
        read_apk(path)


def test_missing_file_names_it(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_apk(tmp_path / "absent.apk")
