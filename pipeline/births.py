"""Synthetic birth reports built from SIAK simulator mothers (demo, tests, load)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from pipeline.domain.clock import WIB

GIRL_NAMES = ("Aisyah Putri", "Nur'aini", "Siti Rahmawati", "Zahra", "Dewi Kartika", "Annisa")
BOY_NAMES = ("Muhammad Rizki", "Ahmad Fauzan", "Raka Pratama", "Dimas", "Fikri Al-Farisi")
ATTENDANTS = (("DOKTER", "dr. Rina Marlina, Sp.OG"), ("BIDAN_PERAWAT", "Bd. Yulianti, S.Tr.Keb"))


def birth_report(mother: dict[str, Any], rng: random.Random, *, notification_id: str,
                 now: datetime, witnesses: tuple[dict[str, str], dict[str, str]],
                 named: bool = True) -> dict[str, Any]:
    """A live birth to a mother drawn from `/_sim/population/sample` (synthetic data only)."""
    sex = rng.choice("LP")
    born = (now - timedelta(days=rng.randint(0, 20), minutes=rng.randint(5, 600))).astimezone(WIB)
    kind, attendant = rng.choice(ATTENDANTS)
    father = ({"nik": mother["nik_suami"], "name": mother["nama_suami"]}
              if mother.get("nik_suami") else None)
    registered = bool(mother.get("perkawinan_tercatat")) and father is not None
    informant = father or {"nik": mother["nik"], "name": mother["nama"]}
    return {
        "notification_id": notification_id,
        "born_at": born.replace(microsecond=0).isoformat(),
        "live_birth": True,
        "child": {"name": rng.choice(GIRL_NAMES if sex == "P" else BOY_NAMES) if named else None,
                  "sex": sex, "weight_grams": rng.randint(2500, 4200),
                  "length_cm": round(rng.uniform(46, 53), 1), "birth_order": 1,
                  "multiplicity": 1, "child_number": rng.randint(1, 3)},
        "place": {"kind": "RS", "regency_code": "3673"},
        "attendant": {"kind": kind, "name": attendant},
        "mother": {"nik": mother["nik"], "name": mother["nama"],
                   "phone": mother.get("phone") or "+6281200009900"},
        "father": father,
        "marriage": {"status": "TERCATAT" if registered else
                     ("BELUM_TERCATAT" if father else "TIDAK_ADA"),
                     "certificate_number": "0123/045/XI/2019" if registered else None},
        "informant": {**informant, "relation": "AYAH" if father else "IBU"},
        "witnesses": list(witnesses),
        "parental_consent": True,
    }
