"""Install the Web Chat bundle the page loads: `python -m webchat.assets`.

The published `botframework-webchat` npm package carries a ready `dist/webchat.js`. We fetch
just that package at a pinned version (`npm pack`, or the registry tarball URL when npm is not
installed), check the tarball against the pinned sha512 the registry publishes
(`npm view botframework-webchat@<version> dist.integrity`), and extract the bundle and its
license notice into `webchat/static/`. A bundle already there with the pinned sha256 is kept.
No CDN is ever involved at run time: the app serves the file itself.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

PACKAGE = "botframework-webchat"
VERSION = "4.18.1"
# npm's dist.integrity for the tarball, and the sha256 of the dist/webchat.js inside it.
INTEGRITY = (
    "sha512-7jpEUJ7olT62Xm+8eh7BhhIcXVfU2xD4pZDaeBt8K4XcNy6K/83UGIxE9BFkXmHMZ4hDEVOzs5"
    "cre07GWuaXzg=="
)
BUNDLE_SHA256 = "0a68ad0a64fc04d621197da10c3eec0f843e16f7d03f6bcbed29b47517cf9bff"
TARBALL_URL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
MEMBERS = {
    "package/dist/webchat.js": "webchat.js",
    "package/dist/webchat.js.LICENSE.txt": "webchat.js.LICENSE.txt",
}
STATIC_DIR = Path(__file__).resolve().parent / "static"


class AssetError(RuntimeError):
    """The bundle could not be installed; the message says why and what to do."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_installed(static_dir: Path = STATIC_DIR) -> bool:
    bundle = static_dir / "webchat.js"
    return bundle.is_file() and sha256_of(bundle) == BUNDLE_SHA256


def verify_integrity(tarball: Path, integrity: str = INTEGRITY) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise AssetError(f"unsupported integrity algorithm {algorithm!r}")
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    if base64.b64encode(digest).decode("ascii") != expected:
        raise AssetError(
            f"{tarball.name} does not match the pinned integrity {integrity}; "
            "refusing to install it"
        )


def fetch_tarball(workdir: Path) -> Path:
    """The package tarball in `workdir`, by npm if it is installed, else from the registry."""
    npm = shutil.which("npm")
    if npm:
        done = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", str(workdir)],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=300,
        )
        found = sorted(workdir.glob("*.tgz"))
        if done.returncode == 0 and found:
            return found[0]
        print(
            f"npm pack failed ({done.stderr.strip()[:200]}); trying the registry directly",
            file=sys.stderr,
        )
    target = workdir / f"{PACKAGE}-{VERSION}.tgz"
    try:
        with urllib.request.urlopen(TARBALL_URL, timeout=120) as resp, target.open("wb") as out:
            shutil.copyfileobj(resp, out)
    except OSError as exc:
        raise AssetError(f"could not download {TARBALL_URL}: {exc}") from exc
    return target


def extract(tarball: Path, static_dir: Path) -> None:
    static_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball, "r:gz") as tar:
        for member_name, file_name in MEMBERS.items():
            try:
                member = tar.getmember(member_name)
            except KeyError as exc:
                raise AssetError(f"{member_name} is not in {tarball.name}") from exc
            source = tar.extractfile(member)
            if source is None:
                raise AssetError(f"{member_name} in {tarball.name} is not a file")
            partial = static_dir / f".{file_name}.part"
            with source, partial.open("wb") as out:
                shutil.copyfileobj(source, out)
            partial.replace(static_dir / file_name)  # never a half-written bundle in place


def install(static_dir: Path = STATIC_DIR, *, force: bool = False) -> str:
    """Install the bundle unless it is already there; returns what was done."""
    if not force and is_installed(static_dir):
        return f"{PACKAGE} {VERSION} bundle already installed in {static_dir}"
    with tempfile.TemporaryDirectory(prefix="webchat-assets-") as tmp:
        tarball = fetch_tarball(Path(tmp))
        verify_integrity(tarball)
        extract(tarball, static_dir)
    if not is_installed(static_dir):
        raise AssetError("the extracted webchat.js does not have the pinned sha256")
    return f"installed {PACKAGE} {VERSION} bundle into {static_dir}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="install even if present")
    args = parser.parse_args(argv)
    try:
        print(install(force=args.force))
    except AssetError as exc:
        print(f"webchat.assets: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
