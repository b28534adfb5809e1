"""BPJS simulator state in SQLite: enrolled newborns, idempotency answers, the effect ledger."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from simulators.sqlite_file import commit, open_state

SCHEMA = """
CREATE TABLE IF NOT EXISTS newborn (
    nik TEXT PRIMARY KEY, no_kartu TEXT NOT NULL UNIQUE, nik_ibu TEXT NOT NULL,
    peserta TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS newborn_by_mother ON newborn (nik_ibu);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, answer TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, effect TEXT NOT NULL,
    at TEXT NOT NULL, result TEXT NOT NULL);
"""


class Store:
    """One connection; callers hold `lock` across read-decide-write so mutations are serialized."""

    def __init__(self, path: Path | None = None) -> None:
        self._db = open_state(path, SCHEMA)
        self.lock = threading.RLock()
        self._newborns = int(self._db.execute("SELECT count(*) FROM newborn").fetchone()[0])

    def ping(self) -> bool:
        with self.lock:
            return bool(self._db.execute("SELECT 1").fetchone() == (1,))

    def answer_for(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """(request fingerprint, stored answer) of an idempotency key already seen."""
        with self.lock:
            row = self._db.execute(
                "SELECT fingerprint, answer FROM idempotency WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else (row[0], json.loads(row[1]))

    def remember(self, key: str, fingerprint: str, answer: dict[str, Any], at: str) -> None:
        """An answer without a new effect (not a member, or the baby enrolled before)."""
        with self.lock:
            commit(self._db, [("INSERT INTO idempotency VALUES (?, ?, ?, ?)",
                               (key, fingerprint, json.dumps(answer), at))])  # fmt: skip

    def enrol(
        self,
        key: str,
        fingerprint: str,
        nik_ibu: str,
        peserta: dict[str, Any],
        answer: dict[str, Any],
        result: dict[str, Any],
        at: str,
    ) -> None:
        """Membership, ledger effect and idempotency answer in one transaction."""
        newborn = (peserta["nik"], peserta["noKartu"], nik_ibu, json.dumps(peserta), at)
        with self.lock:
            commit(self._db, [
                ("INSERT INTO newborn VALUES (?, ?, ?, ?, ?)", newborn),
                ("INSERT INTO ledger (key, effect, at, result) VALUES (?, ?, ?, ?)",
                 (key, "enrol_newborn", at, json.dumps(result))),
                ("INSERT INTO idempotency VALUES (?, ?, ?, ?)",
                 (key, fingerprint, json.dumps(answer), at)),
            ])  # fmt: skip
            self._newborns += 1

    def newborn(self, nik: str) -> dict[str, Any] | None:
        with self.lock:
            row = self._db.execute("SELECT peserta FROM newborn WHERE nik = ?", (nik,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def newborn_by_card(self, no_kartu: str) -> dict[str, Any] | None:
        with self.lock:
            row = self._db.execute(
                "SELECT peserta FROM newborn WHERE no_kartu = ?", (no_kartu,)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def newborns_of(self, nik_ibu: str) -> list[str]:
        with self.lock:
            rows = self._db.execute("SELECT nik FROM newborn WHERE nik_ibu = ?", (nik_ibu,))
            return [r[0] for r in rows.fetchall()]

    def newborn_count(self) -> int:
        """Counted at start and on each enrolment: count(*) reads the whole table."""
        return self._newborns

    def card_taken(self, no_kartu: str) -> bool:
        with self.lock:
            found = self._db.execute("SELECT 1 FROM newborn WHERE no_kartu = ?", (no_kartu,))
            return found.fetchone() is not None

    def ledger(self) -> list[dict[str, Any]]:
        with self.lock:
            rows = self._db.execute(
                "SELECT key, effect, at, result FROM ledger ORDER BY id"
            ).fetchall()
        return [{"key": k, "effect": e, "at": at, "result": json.loads(r)} for k, e, at, r in rows]

    def close(self) -> None:
        with self.lock:
            self._db.close()
