"""The simulators' SQLite state files: WAL, no fsync per commit, one transaction per batch."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Statement = tuple[str, tuple[Any, ...]]


def open_state(path: Path | None, schema: str) -> sqlite3.Connection:
    """In memory without a path. WAL with synchronous=NORMAL: a commit survives the process
    being killed (it is in the OS's page cache at once) and costs no fsync; only a crash of the
    machine itself can lose the last commits, which a simulator may."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path) if path else ":memory:", check_same_thread=False, isolation_level=None
    )
    if path is not None:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(schema)
    return conn


def commit(conn: sqlite3.Connection, statements: Iterable[Statement]) -> None:
    """All statements in one transaction, or none of them."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql, args in statements:
            conn.execute(sql, args)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
