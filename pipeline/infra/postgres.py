"""A local PostgreSQL server on 127.0.0.1 from the distribution's binaries (no Docker)."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from pipeline.infra.databases import create_database, database_exists
from pipeline.infra.processes import free_port, port_open, tail, wait_for_port, write_pidfile

SYSTEM_USER = "postgres"  # initdb and postgres refuse to run as root
MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes


def pg_bin_dir() -> Path:
    """$LAHIR_PG_BIN, else the newest /usr/lib/postgresql/*/bin, else where pg_ctl is on PATH."""
    if env := os.environ.get("LAHIR_PG_BIN"):
        return Path(env)
    found = [d for d in Path("/usr/lib/postgresql").glob("*/bin") if (d / "postgres").exists()]
    if found:
        return max(found, key=lambda d: tuple(int(n) for n in re.findall(r"\d+", d.parent.name)))
    if pg_ctl := shutil.which("pg_ctl"):
        return Path(pg_ctl).resolve().parent
    raise RuntimeError("PostgreSQL server binaries not found: run `make system-deps`")


def _as_server_user() -> dict[str, Any]:
    """Popen arguments that drop root to the postgres system user; nothing when not root."""
    if os.geteuid() != 0:
        return {}
    try:
        user = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise RuntimeError(f"running as root needs a '{SYSTEM_USER}' system user") from None
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": [], "cwd": "/"}


def _give_to_server_user(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam(SYSTEM_USER)
        os.chown(path, user.pw_uid, user.pw_gid)


class LocalPostgres:
    """A server whose files live in base_dir; restartable over an existing data directory."""

    def __init__(
        self,
        base_dir: Path,
        port: int | None = None,
        *,
        durable: bool = True,
        pid_file: Path | None = None,
        user: str = "lahir",
        database: str = "lahir",
        host: str = "127.0.0.1",
    ) -> None:
        self.base_dir = base_dir.resolve()
        self.data_dir = self.base_dir / "data"
        self.log_file = self.base_dir / "postgres.log"
        self.port = port or free_port()
        self.durable, self.pid_file = durable, pid_file
        self.user, self.database, self.host = user, database, host
        self.bin = pg_bin_dir()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{self.database}"

    def start(self, timeout: float = 60.0) -> str:
        """initdb when new, start, create the database; returns its SQLAlchemy URL."""
        if self.running():
            self.port = self._running_port()
            return self.url
        if port_open(self.host, self.port):
            raise RuntimeError(f"{self.host}:{self.port} is already taken")
        self._prepare()
        self._pg_ctl("start", "-w", "-t", str(int(timeout)), "-l", str(self.log_file))
        wait_for_port(self.host, self.port, timeout)
        self._ensure_database()
        if self.pid_file:  # SIGINT is PostgreSQL's fast shutdown
            write_pidfile(self.pid_file, self._postmaster_pid(), str(self.data_dir), signal.SIGINT)
        return self.url

    def stop(self, timeout: float = 30.0) -> None:
        if self.running():
            self._pg_ctl("stop", "-m", "fast", "-w", "-t", str(int(timeout)))
        if self.pid_file:
            self.pid_file.unlink(missing_ok=True)

    def running(self) -> bool:
        if not (self.data_dir / "postmaster.pid").exists():
            return False
        return self._run(self.bin / "pg_ctl", "status", "-D", str(self.data_dir)).returncode == 0

    def __enter__(self) -> LocalPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _prepare(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        _give_to_server_user(self.base_dir)
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        conf = self.data_dir / "lahir.conf"  # rewritten on each start: the port may change
        conf.write_text(self._settings())
        _give_to_server_user(conf)

    def _initdb(self) -> None:
        args = [
            "-D",
            str(self.data_dir),
            "-U",
            self.user,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-instructions",
            *([] if self.durable else ["--no-sync"]),
        ]
        self._check(self._run(self.bin / "initdb", *args), "initdb")
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\ninclude_if_exists = 'lahir.conf'\n")

    def _settings(self) -> str:
        socket_dir = str(self.data_dir) if len(str(self.data_dir)) < MAX_SOCKET_PATH else ""
        lines = [
            f"listen_addresses = '{self.host}'",
            f"port = {self.port}",
            f"unix_socket_directories = '{socket_dir}'",
        ]
        if not self.durable:  # throwaway test servers: speed over crash safety
            lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        return "\n".join(lines) + "\n"

    def _pg_ctl(self, *args: str) -> None:
        done = self._run(self.bin / "pg_ctl", *args, "-D", str(self.data_dir))
        self._check(done, f"pg_ctl {args[0]}")

    def _run(self, program: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(program), *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
            **_as_server_user(),
        )

    def _check(self, done: subprocess.CompletedProcess[str], what: str) -> None:
        if done.returncode != 0:
            raise RuntimeError(
                f"{what} failed ({done.returncode}): {done.stdout}{done.stderr}\n"
                f"{self.log_file}:\n{tail(self.log_file)}"
            )

    def _postmaster_pid(self) -> int:
        return int((self.data_dir / "postmaster.pid").read_text().splitlines()[0])

    def _running_port(self) -> int:
        return int((self.data_dir / "postmaster.pid").read_text().splitlines()[3])

    def _ensure_database(self) -> None:
        admin = f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/postgres"
        if not database_exists(admin, self.database):
            create_database(admin, self.database)


@contextmanager
def postgres(port: int | None = None) -> Iterator[str]:
    """A throwaway server in a temporary directory; yields the `lahir` database's URL."""
    with tempfile.TemporaryDirectory(prefix="lahir-pg-", ignore_cleanup_errors=True) as tmp:
        server = LocalPostgres(Path(tmp), port, durable=False)
        try:
            yield server.start()
        finally:
            server.stop()
