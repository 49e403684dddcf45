"""A real PostgreSQL server for the tests: Debian's binaries, `initdb` into a temporary folder,
`pg_ctl` on a free loopback port, torn down at the end of the session.

Why a real server: advisory locks, `ON CONFLICT` and transaction isolation are what the store's
guarantees rest on, and only PostgreSQL itself behaves like PostgreSQL. As root (CI containers),
the server runs as the `postgres` user, which initdb requires.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(
        self, bin_dir: Path, root: Path, port: int, *, data: Path | None = None, options: str = ""
    ) -> None:
        self.bin_dir, self.root, self.port = bin_dir, root, port
        self.data, self.options = data or root / "data", options

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            as_postgres([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def stop(self) -> None:
        """`pg_ctl stop -m fast`: every connection is cut, and nothing listens until start()."""
        self._ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        self._ctl("-o", self.options, "-l", str(self.root / "log"), "-w", "start")

    def restart(self) -> None:
        """`pg_ctl restart -m fast` (about half a second without a server)."""
        self._ctl("-o", self.options, "-l", str(self.root / "log"), "-m", "fast", "-w", "restart")

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"


def as_postgres(cmd: list[str]) -> list[str]:
    """The command run as the postgres user when we are root (PostgreSQL refuses to run as root);
    as it is otherwise. The tests' server and bench/store.py's restart use it."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextmanager
def postgres_server() -> Iterator[PostgresServer | None]:
    """The running server, or None when PostgreSQL is not installed (`make test` installs it)."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="pg-tests-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    data = root / "data"
    port = _free_port()
    run = {"check": True, "capture_output": True, "timeout": 60}
    subprocess.run(
        as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
        **run,  # type: ignore[call-overload]
    )
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        as_postgres(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ]
        ),
        **run,  # type: ignore[call-overload]
    )
    try:
        yield PostgresServer(bin_dir, root, port, data=data, options=options)
    finally:
        subprocess.run(
            as_postgres(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
            ),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)
