"""SQLite state of the SIAK simulator: births, KK versions, akta, KIA and the effect ledger."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, effect TEXT NOT NULL,
    request_hash TEXT NOT NULL, at TEXT NOT NULL, result TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS births (
    nik TEXT PRIMARY KEY, prefix TEXT NOT NULL, serial INTEGER NOT NULL, nomor_kk TEXT NOT NULL,
    doc TEXT NOT NULL, UNIQUE (prefix, serial));
CREATE TABLE IF NOT EXISTS kk_versions (
    nomor_kk TEXT NOT NULL, versi INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (nomor_kk, versi));
CREATE TABLE IF NOT EXISTS akta (
    nomor_akta TEXT PRIMARY KEY, nik_anak TEXT NOT NULL UNIQUE, scope_key TEXT NOT NULL,
    serial INTEGER NOT NULL, doc TEXT NOT NULL, UNIQUE (scope_key, serial));
CREATE TABLE IF NOT EXISTS kia (nik TEXT PRIMARY KEY, doc TEXT NOT NULL);
"""


class StateMismatch(RuntimeError):
    """The state file belongs to another population (seed or size): NIKs could collide."""


@dataclass(frozen=True)
class LedgerEntry:
    key: str
    effect: str
    request_hash: str
    at: str
    result: dict[str, Any]


class Store:
    """One connection guarded by one lock; every mutation runs inside `transaction()`."""

    def __init__(self, path: Path | None, *, population_id: str) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(
            str(path) if path else ":memory:", check_same_thread=False, isolation_level=None
        )
        with self.lock:
            if path is not None:
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.executescript(SCHEMA)
            self._claim(population_id)

    def _claim(self, population_id: str) -> None:
        row = self.conn.execute("SELECT value FROM meta WHERE name = 'population'").fetchone()
        if row is None:
            self.conn.execute("INSERT INTO meta VALUES ('population', ?)", (population_id,))
        elif row[0] != population_id:
            raise StateMismatch(f"state file made for population {row[0]}, not {population_id}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    def _one(self, sql: str, *args: Any) -> dict[str, Any] | None:
        with self.lock:
            row = self.conn.execute(sql, args).fetchone()
        return json.loads(row[0]) if row else None

    # ledger
    def ledger_entry(self, key: str) -> LedgerEntry | None:
        with self.lock:
            row = self.conn.execute(
                "SELECT key, effect, request_hash, at, result FROM ledger WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        key_, effect, request_hash, at, result = row
        return LedgerEntry(key_, effect, request_hash, at, json.loads(result))

    def add_ledger(self, entry: LedgerEntry) -> None:
        self.conn.execute(
            "INSERT INTO ledger (key, effect, request_hash, at, result) VALUES (?, ?, ?, ?, ?)",
            (entry.key, entry.effect, entry.request_hash, entry.at, json.dumps(entry.result)),
        )

    def ledger(self) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.conn.execute(
                "SELECT key, effect, at, result FROM ledger ORDER BY seq"
            ).fetchall()
        return [{"key": k, "effect": e, "at": at, "result": json.loads(r)} for k, e, at, r in rows]

    # births
    def birth(self, nik: str) -> dict[str, Any] | None:
        return self._one("SELECT doc FROM births WHERE nik = ?", nik)

    def serials_taken(self, prefix: str) -> set[int]:
        with self.lock:
            rows = self.conn.execute("SELECT serial FROM births WHERE prefix = ?", (prefix,))
            return {serial for (serial,) in rows}

    def save_birth(self, doc: dict[str, Any]) -> None:
        nik = doc["nik"]
        self.conn.execute(
            "INSERT INTO births (nik, prefix, serial, nomor_kk, doc) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (nik) DO UPDATE SET doc = excluded.doc",
            (nik, nik[:12], int(nik[12:]), doc["nomor_kk"], json.dumps(doc)),
        )

    # kartu keluarga
    def latest_kk(self, nomor_kk: str) -> dict[str, Any] | None:
        return self._one(
            "SELECT doc FROM kk_versions WHERE nomor_kk = ? ORDER BY versi DESC LIMIT 1", nomor_kk
        )

    def add_kk_version(self, doc: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO kk_versions (nomor_kk, versi, doc) VALUES (?, ?, ?)",
            (doc["nomor_kk"], doc["versi"], json.dumps(doc)),
        )

    # akta and KIA
    def akta_of(self, nik_anak: str) -> dict[str, Any] | None:
        return self._one("SELECT doc FROM akta WHERE nik_anak = ?", nik_anak)

    def next_akta_serial(self, scope_key: str) -> int:
        row = self.conn.execute(
            "SELECT MAX(serial) FROM akta WHERE scope_key = ?", (scope_key,)
        ).fetchone()
        return int(row[0] or 0) + 1

    def add_akta(self, doc: dict[str, Any], scope_key: str, serial: int) -> None:
        self.conn.execute(
            "INSERT INTO akta (nomor_akta, nik_anak, scope_key, serial, doc)"
            " VALUES (?, ?, ?, ?, ?)",
            (doc["nomor_akta"], doc["nik_anak"], scope_key, serial, json.dumps(doc)),
        )

    def kia_of(self, nik: str) -> dict[str, Any] | None:
        return self._one("SELECT doc FROM kia WHERE nik = ?", nik)

    def add_kia(self, doc: dict[str, Any]) -> None:
        self.conn.execute("INSERT INTO kia (nik, doc) VALUES (?, ?)", (doc["nik"], json.dumps(doc)))
