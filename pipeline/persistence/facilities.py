"""Synthetic health facilities of Kota Serang (codes invented; secrets for development only)."""

from __future__ import annotations

import hashlib

# code, name, kind — synthetic codes, never a real facility's credentials
SYNTHETIC_FACILITIES: tuple[tuple[str, str, str], ...] = (
    ("RSUDSRG", "RSUD Kota Serang (sintetis)", "RS"),
    ("RSBNTN", "RS Banten Medika (sintetis)", "RS"),
    ("RSIASRG", "RSIA Serang Bunda (sintetis)", "RS"),
    ("PKMSRG", "Puskesmas Serang Kota (sintetis)", "PUSKESMAS"),
    ("PKMKSMN", "Puskesmas Kasemen (sintetis)", "PUSKESMAS"),
    ("PKMWLTK", "Puskesmas Walantaka (sintetis)", "PUSKESMAS"),
    ("KLNCPJ", "Klinik Pratama Cipocok (sintetis)", "KLINIK"),
    ("BDNTKTN", "Praktik Bidan Taktakan (sintetis)", "BIDAN"),
)


def dev_secret(code: str) -> str:
    """Deterministic development secret: the demo and tests sign with it; rotate in production."""
    return "dev-" + hashlib.sha256(f"lahir-synthetic-facility:{code}".encode()).hexdigest()[:32]
