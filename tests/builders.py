"""Readable synthetic test data from the reserved serials 9900-9999 (domain.md 8.4)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from pipeline.domain.clock import WIB

MOTHER_NIK = "3673015508959901"  # woman, Kec. Serang, born 15-08-1995
FATHER_NIK = "3673011203939902"
WITNESS_NIKS = ("3673010101809903", "3673014202859904")


def a_birth_report(**overrides: Any) -> dict[str, Any]:
    born = (datetime.now(UTC) - timedelta(hours=3)).astimezone(WIB).replace(microsecond=0)
    report: dict[str, Any] = {
        "notification_id": "RSUDSRG-TEST-000001",
        "born_at": born.isoformat(),
        "live_birth": True,
        "child": {"name": "Aisyah Putri", "sex": "P", "weight_grams": 3150, "length_cm": 49.5,
                  "birth_order": 1, "multiplicity": 1, "child_number": 2},
        "place": {"kind": "RS", "regency_code": "3673"},
        "attendant": {"kind": "DOKTER", "name": "dr. Rina Marlina, Sp.OG"},
        "mother": {"nik": MOTHER_NIK, "name": "Siti Nurhaliza", "phone": "+6281200009901"},
        "father": {"nik": FATHER_NIK, "name": "Ahmad Fauzi"},
        "marriage": {"status": "TERCATAT", "certificate_number": "0123/045/XI/2019"},
        "informant": {"nik": FATHER_NIK, "name": "Ahmad Fauzi", "relation": "AYAH"},
        "witnesses": [{"nik": WITNESS_NIKS[0], "name": "Budi Santoso"},
                      {"nik": WITNESS_NIKS[1], "name": "Dewi Lestari"}],
        "parental_consent": True,
    }
    for path, value in overrides.items():
        _set(report, path.split("__"), value)
    return report


def _set(target: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = copy.deepcopy(value)
