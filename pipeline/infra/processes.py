"""Ports, pid files and stopping of the local servers the launcher starts (Kafka, PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections import deque
from pathlib import Path


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the OS picks it; a race with other binders remains)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def wait_for_port(host: str, port: int, timeout: float) -> None:
    """Return once host:port accepts TCP connections; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not port_open(host, port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing accepted connections on {host}:{port} in {timeout:.0f} s")
        time.sleep(0.1)


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path} does not exist)"
    with path.open(errors="replace") as file:
        return "".join(deque(file, maxlen=lines))


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError, IndexError):  # a zombie is dead, only not yet reaped
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def pid_runs(pid: int, marker: str) -> bool:
    """Whether pid is alive and, where /proc tells, its command line still contains marker."""
    if not pid_alive(pid):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not marker or not cmdline.exists():
        return True
    with contextlib.suppress(OSError):
        return marker in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return False


def terminate(pid: int, timeout: float, sig: int = signal.SIGTERM) -> None:
    """Send sig, wait up to timeout for the process to end, then SIGKILL it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def write_pidfile(pidfile: Path, pid: int, marker: str, sig: int = signal.SIGTERM) -> None:
    """Record pid, a marker of its command line (against pid reuse) and its stop signal."""
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    pidfile.write_text(f"{pid}\n{marker}\n{signal.Signals(sig).name}\n")


def read_pidfile(pidfile: Path) -> tuple[int, str, int] | None:
    with contextlib.suppress(OSError, ValueError, KeyError):
        pid, marker, sig, *_ = (*pidfile.read_text().splitlines(), "", "", "")
        return int(pid), marker, signal.Signals[sig or "SIGTERM"].value
    return None


def stop_pidfile(pidfile: Path, timeout: float = 30.0) -> bool:
    """Stop the process a pid file names; True if one was running. The pid file is removed."""
    record = read_pidfile(pidfile)
    pidfile.unlink(missing_ok=True)
    if record is None or not pid_runs(record[0], record[1]):
        return False
    terminate(record[0], timeout, record[2])
    return True
