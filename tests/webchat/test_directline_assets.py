"""The Web Chat bundle installer and the page without a bundle: nothing unverified is ever
installed, and a server without the bundle tells the user how to get it."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import tarfile

import aiohttp
import pytest
from aiohttp import web

from webchat import assets
from webchat.page import MISSING_BUNDLE, STATIC_DIR, WebChatPage
from webchat.tokens import TokenSigner


def _tarball(path, files: dict[str, bytes]) -> str:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def test_integrity_is_checked_before_anything_is_extracted(tmp_path):
    tgz = tmp_path / "pkg.tgz"
    integrity = _tarball(
        tgz,
        {
            "package/dist/webchat.js": b"window.WebChat = {};",
            "package/dist/webchat.js.LICENSE.txt": b"MIT",
        },
    )
    assets.verify_integrity(tgz, integrity)  # the genuine file passes
    with pytest.raises(assets.AssetError, match="does not match"):
        assets.verify_integrity(tgz, assets.INTEGRITY)  # not the pinned package
    out = tmp_path / "static"
    assets.extract(tgz, out)
    assert (out / "webchat.js").read_bytes() == b"window.WebChat = {};"
    assert not assets.is_installed(out)  # right name, wrong content: not the pinned bundle


def test_a_tarball_without_the_bundle_is_an_error(tmp_path):
    tgz = tmp_path / "pkg.tgz"
    _tarball(tgz, {"package/README.md": b"hi"})
    with pytest.raises(assets.AssetError, match="not in"):
        assets.extract(tgz, tmp_path / "static")


def test_the_installed_bundle_is_the_pinned_one():
    if not (STATIC_DIR / "webchat.js").exists():
        pytest.skip("bundle not installed here (make webchat-assets installs it)")
    assert assets.is_installed()
    assert assets.install().startswith("botframework-webchat")  # present: nothing fetched


async def test_page_without_the_bundle_says_how_to_get_it(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    for name in ("index.html", "chat.js", "chat.css"):
        shutil.copy(STATIC_DIR / name, static / name)
    app = web.Application()
    app.add_routes(WebChatPage(tokens=TokenSigner(), static_dir=static).routes(""))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/") as resp:
                assert resp.status == 200
            async with session.get(f"http://127.0.0.1:{port}/static/webchat.js") as resp:
                assert resp.status == 404
                assert await resp.text() == MISSING_BUNDLE
            async with session.get(f"http://127.0.0.1:{port}/static/chat.js") as resp:
                script = await resp.text()
            assert "make webchat-assets" in script  # what the page shows without WebChat
            async with session.get(f"http://127.0.0.1:{port}/static/..%2Fpage.py") as resp:
                assert resp.status == 404
    finally:
        await runner.cleanup()
