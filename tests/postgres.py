"""A throw-away PostgreSQL server for the tests and benchmarks: Debian's `postgresql` package
(installed here when missing, as root with apt-get), `initdb` in a temporary directory, a
loopback port, stopped at the end. Anything that prevents it raises `PostgresUnavailable` with
one sentence saying why; the tests turn that into a failure, never a skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

APT_TIMEOUT = 600
START_TIMEOUT = 60


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be installed or started; the message says why."""


def _binaries() -> Path | None:
    """The folder of initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, or PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path and shutil.which("initdb") else None


def _install() -> Path:
    bin_dir = _binaries()
    if bin_dir is not None:
        return bin_dir
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise PostgresUnavailable(
            "PostgreSQL is not installed and cannot be installed here (needs root and apt-get): "
            "run `sudo apt-get install postgresql`."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "postgresql"],
    ):
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT, check=False
        )
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise PostgresUnavailable(
                f"Installing PostgreSQL failed ({' '.join(command)}: {last[0]})."
            )
    bin_dir = _binaries()
    if bin_dir is None:
        raise PostgresUnavailable("apt-get installed postgresql but no pg_ctl was found.")
    return bin_dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """`start()`, then `create_database()` for each test, then `stop()`."""

    def __init__(self, *, durable: bool = False):
        self.durable = durable
        self.port = 0
        self._root: Path | None = None
        self._bin: Path | None = None
        self._user: str | None = None
        self._names = itertools.count(1)
        self._settings = ""

    @property
    def admin_url(self) -> str:
        return f"postgresql://roundtable@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://roundtable@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = START_TIMEOUT) -> None:
        assert self._bin is not None
        done = subprocess.run(
            [str(self._bin / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=self._user,
        )
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"PostgreSQL's {args[0]} failed: {(done.stderr or done.stdout).strip()[-300:]}"
            )

    def start(self) -> PostgresServer:
        self._bin = _install()
        # initdb refuses to run as root: the server runs as Debian's `postgres` user then.
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable(
                    "Running as root and there is no `postgres` user to run the server as."
                ) from exc
            self._user = "postgres"
        self._root = Path(tempfile.mkdtemp(prefix="roundtable-pg-"))
        if self._user:
            shutil.chown(self._root, self._user, self._user)
        data = self._root / "data"
        self._run(
            "initdb", "-D", str(data), "-U", "roundtable", "--auth=trust", "--no-locale",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        self.port = _free_port()
        settings = f"-p {self.port} -k {self._root} -c listen_addresses=127.0.0.1"
        if not self.durable:  # a throw-away server for tests: no need to survive a power cut
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._settings = settings
        self._run(
            "pg_ctl", "-D", str(data), "-l", str(self._root / "server.log"), "-w",
            "-t", str(START_TIMEOUT), "-o", settings, "start",
        )  # fmt: skip
        return self

    def restart(self) -> None:
        """Stop the server at once (every connection is cut) and start it again."""
        assert self._root is not None
        data = str(self._root / "data")
        self._run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        self._run(
            "pg_ctl", "-D", data, "-l", str(self._root / "server.log"), "-w",
            "-t", str(START_TIMEOUT), "-o", self._settings, "start",
        )  # fmt: skip

    def create_database(self) -> str:
        """A new empty database; its URL."""
        name = f"t{next(self._names)}"
        self._psql(f"CREATE DATABASE {name} TEMPLATE template0")
        return self.url(name)

    def _psql(self, sql: str) -> None:
        psql = shutil.which("psql") or (str(self._bin / "psql") if self._bin else "psql")
        done = subprocess.run(
            [psql, "-q", "-v", "ON_ERROR_STOP=1", self.admin_url, "-c", sql],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise PostgresUnavailable(f"PostgreSQL refused {sql!r}: {done.stderr.strip()}")

    def stop(self) -> None:
        if self._root is None:
            return
        data = self._root / "data"
        if (data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
            except PostgresUnavailable:
                pass
        shutil.rmtree(self._root, ignore_errors=True)
        self._root = None


def run_sql(url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """One statement on a connection of its own (what another client of the server sees), its
    rows as tuples (none for a statement without a result). Synchronous: a test may call it
    where it must not give the event loop a turn."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params or None)
        return [tuple(r) for r in cursor.fetchall()] if cursor.description else []
