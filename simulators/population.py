"""Deterministic synthetic population of Kota Serang families (domain.md 1, 2, 6, 8.4)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from simulators.family_builder import FamilyBuilder, Shares
from simulators.records import (
    OUTSIDE_REGENCY,
    REFERENCE_DATE,
    SERIAL_FIRST,
    SERIAL_LAST,
    Family,
    Resident,
    age_at,
)

LEGACY_NIK_SHARE = (
    0.15  # adults holding 3604... NIKs from before Kota Serang existed (domain.md 1.2)
)
UNREGISTERED_MARRIAGE_SHARE = 0.08
NO_HUSBAND_SHARE = 0.05
FOREIGN_HUSBAND_SHARE = 0.01
OUTSIDE_CITY_SHARE = 0.05
GRANDPARENT_HEAD_SHARE = 0.05
BPJS_SEGMENT_SHARES: dict[str | None, float] = {
    "PBI_APBN": 0.40,
    "PBI_APBD": 0.05,
    "PPU": 0.30,
    "PBPU": 0.15,
    "BP": 0.03,
    None: 0.07,
}
MOTHER_KINDS = (
    "happy",
    "unregistered_marriage",
    "no_husband",
    "foreign_father",
    "outside_city",
    "legacy_nik",
    "grandparent_head",
    "any",
)

__all__ = [
    "BPJS_SEGMENT_SHARES",
    "MOTHER_KINDS",
    "OUTSIDE_REGENCY",
    "REFERENCE_DATE",
    "SERIAL_FIRST",
    "SERIAL_LAST",
    "Family",
    "Population",
    "Resident",
    "age_at",
    "generate",
    "phone_number",
]


@dataclass
class Population:
    seed: int
    families: list[Family]
    by_nik: dict[str, tuple[Resident, Family]]
    by_kk: dict[str, Family]

    def mothers(self, *, kind: str = "happy") -> list[tuple[Resident, Family]]:
        """Candidate mothers (aged 16-45 at REFERENCE_DATE) for births, in family order."""
        if kind not in MOTHER_KINDS:
            raise ValueError(f"kind must be one of {MOTHER_KINDS}")
        found = []
        for family in self.families:
            mother = family.member(family.mother_nik)
            if mother is not None and _is_kind(mother, family, kind):
                found.append((mother, family))
        return found


def phone_number(nik: str) -> str:
    """A stable synthetic mobile number for a resident (not part of the KK)."""
    return "0899" + str(int(hashlib.sha256(nik.encode()).hexdigest(), 16))[:8]


def _is_kind(mother: Resident, family: Family, kind: str) -> bool:
    if not 16 <= age_at(mother.tanggal_lahir) <= 45:
        return False
    father = family.member(family.father_nik)
    foreign = father is not None and father.kewarganegaraan != "WNI"
    local = family.in_kota_serang
    happy = (
        local
        and father is not None
        and not foreign
        and family.perkawinan_tercatat is True
        and mother.kewarganegaraan == "WNI"
    )
    return {
        "happy": happy,
        "unregistered_marriage": local
        and father is not None
        and family.perkawinan_tercatat is False,
        "no_husband": local and father is None,
        "foreign_father": local and foreign,
        "outside_city": not local,
        "legacy_nik": happy and mother.nik.startswith(OUTSIDE_REGENCY),
        "grandparent_head": local and mother.shdk == "ANAK",
        "any": True,
    }[kind]


def generate(
    seed: int = 3673,
    families: int = 20000,
    *,
    legacy_nik_share: float = LEGACY_NIK_SHARE,
    unregistered_marriage_share: float = UNREGISTERED_MARRIAGE_SHARE,
    no_husband_share: float = NO_HUSBAND_SHARE,
    foreign_husband_share: float = FOREIGN_HUSBAND_SHARE,
    outside_city_share: float = OUTSIDE_CITY_SHARE,
    grandparent_head_share: float = GRANDPARENT_HEAD_SHARE,
    bpjs_segment_shares: dict[str | None, float] | None = None,
) -> Population:
    """Same seed and arguments -> identical population (own random.Random, no clock)."""
    shares = Shares(
        legacy_nik=legacy_nik_share,
        unregistered_marriage=unregistered_marriage_share,
        no_husband=no_husband_share,
        foreign_husband=foreign_husband_share,
        outside_city=outside_city_share,
        grandparent_head=grandparent_head_share,
        bpjs_segments=dict(bpjs_segment_shares or BPJS_SEGMENT_SHARES),
    )
    builder = FamilyBuilder(random.Random(seed), shares)
    built = [builder.family() for _ in range(families)]
    by_nik = {m.nik: (m, f) for f in built for m in f.members}
    return Population(seed, built, by_nik, {f.nomor_kk: f for f in built})
