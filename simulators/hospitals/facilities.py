"""The synthetic facilities of Kota Serang and their development secrets (never real ones)."""

from __future__ import annotations

import hashlib

# code, kind, relative share of the city's births
FACILITIES: tuple[tuple[str, str, float], ...] = (
    ("RSUDSRG", "RS", 0.30), ("RSBNTN", "RS", 0.20), ("RSIASRG", "RS", 0.15),
    ("PKMSRG", "PUSKESMAS", 0.08), ("PKMKSMN", "PUSKESMAS", 0.07), ("PKMWLTK", "PUSKESMAS", 0.06),
    ("KLNCPJ", "KLINIK", 0.06), ("BDNTKTN", "BIDAN", 0.08),
)
PLACE_KIND = {"RS": "RS", "PUSKESMAS": "PUSKESMAS", "KLINIK": "LAINNYA", "BIDAN": "POLINDES"}


def dev_secret(code: str) -> str:
    """The seeded development secret of a facility (same derivation as Lahir's seed data)."""
    return "dev-" + hashlib.sha256(f"lahir-synthetic-facility:{code}".encode()).hexdigest()[:32]
