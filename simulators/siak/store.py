"""SIAK simulator state: births, KK versions, akta, KIA, ledger; a SQLite file, read from memory."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulators.sqlite_file import commit, open_state

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
Doc = dict[str, Any]


class StateMismatch(RuntimeError):
    """The state file belongs to another population (seed or size): NIKs could collide."""


@dataclass(frozen=True)
class LedgerEntry:
    key: str
    effect: str
    request_hash: str
    at: str
    result: Doc


class Store:
    """Every row also lives in memory, loaded at start: reads never touch the file.

    Writes queue inside `transaction()` and reach the file in one commit, then memory; a refusal
    raised inside leaves both as they were. Reads inside see the state before the transaction.
    Stored documents are shared: callers build new ones instead of changing them.
    """

    def __init__(self, path: Path | None, *, population_id: str) -> None:
        self.conn = open_state(path, SCHEMA)
        self.lock = threading.RLock()  # one transaction at a time, from any thread
        self._pending: list[tuple[str, tuple[Any, ...], Callable[[], None]]] | None = None
        self._claim(population_id)
        self._load()

    def _claim(self, population_id: str) -> None:
        row = self.conn.execute("SELECT value FROM meta WHERE name = 'population'").fetchone()
        if row is None:
            self.conn.execute("INSERT INTO meta VALUES ('population', ?)", (population_id,))
        elif row[0] != population_id:
            raise StateMismatch(f"state file made for population {row[0]}, not {population_id}")

    def _load(self) -> None:
        rows = self.conn.execute
        self._ledger = {
            k: LedgerEntry(k, e, h, at, json.loads(r))
            for k, e, h, at, r in rows("SELECT key, effect, request_hash, at, result FROM ledger"
                                       " ORDER BY seq")
        }  # fmt: skip
        self._births: dict[str, Doc] = {}
        self._serials: dict[str, set[int]] = {}
        for nik, doc in rows("SELECT nik, doc FROM births"):
            self._births[nik] = json.loads(doc)
            self._serials.setdefault(nik[:12], set()).add(int(nik[12:]))
        self._kk = {n: json.loads(d) for n, d in rows("SELECT nomor_kk, doc FROM kk_versions"
                                                      " ORDER BY nomor_kk, versi")}  # fmt: skip
        self._akta: dict[str, Doc] = {}
        self._akta_serials: dict[str, int] = {}
        for scope, serial, doc in rows("SELECT scope_key, serial, doc FROM akta"):
            self._remember_akta(json.loads(doc), scope, serial)
        self._kia = {n: json.loads(d) for n, d in rows("SELECT nik, doc FROM kia")}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            self._pending = writes = []
            try:
                yield
                if writes:
                    commit(self.conn, ((sql, args) for sql, args, _ in writes))
            finally:
                self._pending = None
            for _, _, remember in writes:
                remember()

    def _write(self, sql: str, args: tuple[Any, ...], remember: Callable[[], None]) -> None:
        if self._pending is None:
            raise RuntimeError("store writes belong inside transaction()")
        self._pending.append((sql, args, remember))

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # ledger
    def ledger_entry(self, key: str) -> LedgerEntry | None:
        return self._ledger.get(key)

    def add_ledger(self, entry: LedgerEntry) -> None:
        sql = "INSERT INTO ledger (key, effect, request_hash, at, result) VALUES (?, ?, ?, ?, ?)"
        args = (entry.key, entry.effect, entry.request_hash, entry.at, json.dumps(entry.result))
        self._write(sql, args, lambda: self._ledger.__setitem__(entry.key, entry))

    def ledger(self) -> list[Doc]:
        entries = list(self._ledger.values())
        return [{"key": e.key, "effect": e.effect, "at": e.at, "result": e.result} for e in entries]

    # births
    def birth(self, nik: str) -> Doc | None:
        return self._births.get(nik)

    def serials_taken(self, prefix: str) -> set[int]:
        return self._serials.get(prefix, set())

    def save_birth(self, doc: Doc) -> None:
        nik = doc["nik"]

        def remember() -> None:
            self._births[nik] = doc
            self._serials.setdefault(nik[:12], set()).add(int(nik[12:]))

        sql = ("INSERT INTO births (nik, prefix, serial, nomor_kk, doc) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT (nik) DO UPDATE SET doc = excluded.doc")  # fmt: skip
        self._write(sql, (nik, nik[:12], int(nik[12:]), doc["nomor_kk"], json.dumps(doc)), remember)

    # kartu keluarga
    def latest_kk(self, nomor_kk: str) -> Doc | None:
        return self._kk.get(nomor_kk)

    def add_kk_version(self, doc: Doc) -> None:
        sql = "INSERT INTO kk_versions (nomor_kk, versi, doc) VALUES (?, ?, ?)"
        args = (doc["nomor_kk"], doc["versi"], json.dumps(doc))
        self._write(sql, args, lambda: self._kk.__setitem__(doc["nomor_kk"], doc))

    # akta and KIA
    def akta_of(self, nik_anak: str) -> Doc | None:
        return self._akta.get(nik_anak)

    def next_akta_serial(self, scope_key: str) -> int:
        return self._akta_serials.get(scope_key, 0) + 1

    def add_akta(self, doc: Doc, scope_key: str, serial: int) -> None:
        sql = ("INSERT INTO akta (nomor_akta, nik_anak, scope_key, serial, doc)"
               " VALUES (?, ?, ?, ?, ?)")  # fmt: skip
        args = (doc["nomor_akta"], doc["nik_anak"], scope_key, serial, json.dumps(doc))
        self._write(sql, args, lambda: self._remember_akta(doc, scope_key, serial))

    def _remember_akta(self, doc: Doc, scope_key: str, serial: int) -> None:
        self._akta[doc["nik_anak"]] = doc
        self._akta_serials[scope_key] = max(serial, self._akta_serials.get(scope_key, 0))

    def kia_of(self, nik: str) -> Doc | None:
        return self._kia.get(nik)

    def add_kia(self, doc: Doc) -> None:
        sql, args = "INSERT INTO kia (nik, doc) VALUES (?, ?)", (doc["nik"], json.dumps(doc))
        self._write(sql, args, lambda: self._kia.__setitem__(doc["nik"], doc))
