"""A realistic, seeded day of births in Kota Serang, as the facilities would report them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from simulators.hospitals.facilities import FACILITIES, PLACE_KIND
from simulators.population import Family, Population, Resident, phone_number

WIB = timezone(timedelta(hours=7))
# relative births per hour of the day (WIB): fewer at night, most in the late morning
HOURLY = (2, 2, 2, 2, 3, 4, 5, 6, 7, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 2)
GIRLS = ("Aisyah Putri", "Nur'aini", "Siti Rahmawati", "Zahra", "Khadijah Az-Zahra", "Annisa")
BOYS = ("Muhammad Rizki", "Ahmad Fauzan", "Raka Pratama", "Dimas", "Muhammad Al-Fatih", "Ma'ruf")


@dataclass(frozen=True)
class Shares:
    """Shares of a day's births; defaults are assumptions (domain.md marks none of them)."""

    twins: float = 0.02
    stillbirth: float = 0.015
    unnamed: float = 0.2
    unregistered_marriage: float = 0.06
    no_father: float = 0.04
    outside_city: float = 0.05
    clerk_error: float = 0.03


@dataclass
class Planned:
    facility: str
    report: dict[str, Any]
    kind: str  # what the simulator meant: "happy", "twin", "clerk_error:no_offset", ...
    tags: list[str] = field(default_factory=list)


def plan_day(population: Population, day: date, births: int, seed: int,
             shares: Shares | None = None) -> list[Planned]:
    """`births` reports for `day`, in the order they happen; the same seed gives the same day."""
    rng, shares = random.Random(seed), shares or Shares()
    pools = {k: population.mothers(kind=k) for k in
             ("happy", "unregistered_marriage", "no_husband", "outside_city")}
    for pool in pools.values():
        rng.shuffle(pool)
    planned: list[Planned] = []
    while len(planned) < births:
        born = _moment(rng, day)
        kind = _kind(rng, shares)
        pool = pools[{"unregistered_marriage": "unregistered_marriage", "no_father": "no_husband",
                      "outside_city": "outside_city"}.get(kind, "happy")]
        mother, family = pool.pop()
        facility = rng.choices([f[0] for f in FACILITIES], [f[2] for f in FACILITIES])[0]
        children = 2 if kind == "twin" else 1
        witnesses = _witnesses(rng, population, family)
        for order in range(1, children + 1):
            report = _report(rng, mother, family, born, facility, kind, (order, children),
                             len(planned), witnesses)
            planned.append(Planned(facility, report, kind))
    planned.sort(key=lambda p: p.report["born_at"])
    return planned[:births]


def _moment(rng: random.Random, day: date) -> datetime:
    hour = rng.choices(range(24), HOURLY)[0]
    return datetime.combine(day, time(hour, rng.randint(0, 59)), WIB)


def _kind(rng: random.Random, s: Shares) -> str:
    roll, edge = rng.random(), 0.0
    for kind, share in (("twin", s.twins), ("stillbirth", s.stillbirth),
                        ("unregistered_marriage", s.unregistered_marriage),
                        ("no_father", s.no_father), ("outside_city", s.outside_city),
                        ("clerk_error", s.clerk_error), ("unnamed", s.unnamed)):
        edge += share
        if roll < edge:
            return kind
    return "happy"


def _witnesses(rng: random.Random, population: Population, own: Family) -> list[Resident]:
    """Two adults of another family (neighbours, nurses): never the parents."""
    while True:
        family = population.families[rng.randrange(len(population.families))]
        adults = [m for m in family.members if m.shdk in ("KEPALA KELUARGA", "ISTRI", "SUAMI")]
        if family is not own and len({a.nik for a in adults}) >= 2:
            return adults[:2]


def _report(rng: random.Random, mother: Resident, family: Family, born: datetime, facility: str,
            kind: str, order: tuple[int, int], n: int,
            witnesses: list[Resident]) -> dict[str, Any]:
    father = family.member(family.father_nik)
    sex = rng.choice("LP")
    named = kind not in ("unnamed", "stillbirth") or rng.random() < 0.1
    weight = rng.randint(1800, 3200) if order[1] > 1 else rng.randint(2500, 4200)
    report: dict[str, Any] = {
        "notification_id": f"{facility}-{born:%Y%m%d}-{n:05d}",
        "born_at": born.isoformat(), "live_birth": kind != "stillbirth",
        "child": {"name": rng.choice(GIRLS if sex == "P" else BOYS) if named else None,
                  "sex": sex, "weight_grams": weight,
                  "length_cm": round(rng.uniform(45, 53), 1), "birth_order": order[0],
                  "multiplicity": order[1]},
        "place": {"kind": PLACE_KIND[{f[0]: f[1] for f in FACILITIES}[facility]],
                  "regency_code": "3673"},
        "attendant": {"kind": "DOKTER" if facility.startswith("RS") else "BIDAN_PERAWAT",
                      "name": "dr. Rina Marlina, Sp.OG" if facility.startswith("RS")
                      else "Bd. Yulianti, S.Tr.Keb"},
        "mother": {"nik": mother.nik, "name": mother.nama, "phone": phone_number(mother.nik)},
        "father": {"nik": father.nik, "name": father.nama} if father else None,
        "marriage": _marriage(family, father is not None),
        "informant": ({"nik": father.nik, "name": father.nama, "relation": "AYAH"} if father
                      else {"nik": mother.nik, "name": mother.nama, "relation": "IBU"}),
        "witnesses": [{"nik": w.nik, "name": w.nama} for w in witnesses],
        "parental_consent": True,
    }
    if kind == "clerk_error":
        _clerk_error(rng, report)
    return report


def _marriage(family: Family, has_father: bool) -> dict[str, Any]:
    if not has_father:
        return {"status": "TIDAK_ADA", "certificate_number": None}
    if family.perkawinan_tercatat:
        return {"status": "TERCATAT", "certificate_number": f"{family.nomor_kk[-4:]}/045/2019"}
    return {"status": "BELUM_TERCATAT", "certificate_number": None}


def _clerk_error(rng: random.Random, report: dict[str, Any]) -> None:
    """The mistakes a tired clerk makes: caught at intake (4xx) or by SIAK (needs correction)."""
    error = rng.choice(("no_offset", "weight_in_kg", "nik_typo"))
    if error == "no_offset":
        report["born_at"] = report["born_at"][:19]
    elif error == "weight_in_kg":
        report["child"]["weight_grams"] = round(report["child"]["weight_grams"] / 1000, 1)
    else:
        nik = report["mother"]["nik"]  # one digit of the serial mistyped
        report["mother"]["nik"] = nik[:15] + str((int(nik[15]) + 1) % 10)
