"""Builds synthetic families one at a time from a seeded RNG (for simulators.population)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from schemas.regions import KOTA_SERANG_KECAMATAN, KOTA_SERANG_KELURAHAN
from simulators import names as N
from simulators.numbers import NumberIssuer
from simulators.records import OUTSIDE_REGENCY, REFERENCE_DATE, Family, Resident

KOTA_SERANG_SINCE = date(2010, 1, 1)  # Dinas services from 2009 (domain.md 6): KK numbers after
SINGLE_STATUSES = ("CERAI HIDUP TERCATAT", "CERAI MATI", "BELUM KAWIN")


@dataclass(frozen=True)
class Shares:
    legacy_nik: float
    unregistered_marriage: float
    no_husband: float
    foreign_husband: float
    outside_city: float
    grandparent_head: float
    bpjs_segments: dict[str | None, float]


@dataclass(frozen=True)
class Plan:
    """What one family looks like before anyone gets a NIK."""

    kelurahan: str
    structure: str  # couple | alone (no husband on the KK) | grandparent (head is her father)
    has_husband: bool
    foreign: bool
    registered: bool | None
    agama: str
    mother_born: date
    married: date
    status: str  # the mother's status_perkawinan

    @property
    def kecamatan(self) -> str:
        return self.kelurahan[:6]


def _years(n: float) -> timedelta:
    return timedelta(days=round(n * 365.25))


class FamilyBuilder:
    def __init__(self, rng: random.Random, shares: Shares) -> None:
        self.rng, self.s = rng, shares
        self.numbers = NumberIssuer(rng)
        self.kelurahan = sorted(KOTA_SERANG_KELURAHAN)
        self.kecamatan = sorted(KOTA_SERANG_KECAMATAN)

    def family(self) -> Family:
        plan = self._plan()
        elders = self._grandparents(plan) if plan.structure == "grandparent" else []
        mother = self._mother(plan, elders)
        husband = self._husband(plan, in_law=bool(elders)) if plan.has_husband else None
        children = self._children(plan, mother, husband, cucu=bool(elders))
        adults = [*elders, mother, husband] if elders else [husband, mother]
        return self._card(plan, tuple(a for a in adults if a) + children, mother, husband)

    def _plan(self) -> Plan:
        rng, s = self.rng, self.s
        if rng.random() < s.outside_city:  # placeholder Kabupaten Serang codes, flagged
            kel = f"{OUTSIDE_REGENCY}{rng.randint(1, 29):02d}{2000 + rng.randint(1, 10)}"
        else:
            kel = rng.choice(self.kelurahan)
        roll = rng.random()
        structure = "grandparent" if roll < s.grandparent_head else "couple"
        if s.grandparent_head <= roll < s.grandparent_head + s.no_husband:
            structure = "alone"
        foreign = structure == "couple" and rng.random() < s.foreign_husband
        has_husband = structure == "couple" or (structure == "grandparent" and rng.random() < 0.7)
        registered = (foreign or rng.random() >= s.unregistered_marriage) if has_husband else None
        agama = rng.choices(list(N.AGAMA_WEIGHTS), list(N.AGAMA_WEIGHTS.values()))[0]
        born = REFERENCE_DATE - _years(rng.triangular(17, 50, 28))
        married = self._between(born + _years(17), born + _years(32))
        if has_husband:
            status = "KAWIN TERCATAT" if registered else "KAWIN BELUM TERCATAT"
        else:
            status = rng.choices(SINGLE_STATUSES, [45, 25, 30])[0]
        return Plan(kel, structure, has_husband, foreign, registered, agama, born, married, status)

    def _card(
        self, plan: Plan, members: tuple[Resident, ...], mother: Resident, husband: Resident | None
    ) -> Family:
        rng = self.rng
        since = plan.married if plan.has_husband else plan.mother_born + _years(17)
        registered_on = self._between(max(KOTA_SERANG_SINCE, since), REFERENCE_DATE)
        nomor_kk, _ = self.numbers.sixteen_digits(plan.kecamatan, registered_on, False)
        segments = self.s.bpjs_segments
        segment = rng.choices(list(segments), list(segments.values()))[0]
        return Family(
            nomor_kk=nomor_kk, kode_kelurahan=plan.kelurahan, alamat=N.address(rng),
            rt=f"{rng.randint(1, 12):03d}", rw=f"{rng.randint(1, 8):03d}", members=members,
            tanggal_perkawinan=plan.married if plan.has_husband else None,
            perkawinan_tercatat=plan.registered, bpjs_segment=segment,
            bpjs_class=self._bpjs_class(segment),
            jkn_numbers={m.nik: self.numbers.jkn() for m in members} if segment else {},
            mother_nik=mother.nik, father_nik=husband.nik if husband else None,
        )  # fmt: skip

    def _grandparents(self, plan: Plan) -> list[Resident]:
        rng = self.rng
        born = plan.mother_born - _years(rng.uniform(20, 32))
        widowed = rng.random() < 0.2
        status = "CERAI MATI" if widowed else "KAWIN TERCATAT"
        job = rng.choice(("PENSIUNAN", "WIRASWASTA", "PETANI/PEKEBUN", "PEDAGANG"))
        grandpa = self._adult("L", born, plan, status, "KEPALA KELUARGA", pekerjaan=job)
        if widowed:
            return [grandpa]
        born = born + _years(rng.uniform(0, 6))
        job = "MENGURUS RUMAH TANGGA"
        return [grandpa, self._adult("P", born, plan, status, "ISTRI", pekerjaan=job)]

    def _mother(self, plan: Plan, elders: list[Resident]) -> Resident:
        shdk = "ANAK" if elders else ("ISTRI" if plan.has_husband else "KEPALA KELUARGA")
        parents = N.parents_names(self.rng)
        if elders:
            parents["nik_ayah"], parents["nama_ayah"] = elders[0].nik, elders[0].nama
        if len(elders) > 1:
            parents["nik_ibu"], parents["nama_ibu"] = elders[1].nik, elders[1].nama
        return self._adult("P", plan.mother_born, plan, plan.status, shdk, **parents)

    def _husband(self, plan: Plan, *, in_law: bool) -> Resident:
        rng = self.rng
        born = plan.mother_born - timedelta(days=rng.randint(-2 * 365, 9 * 365))
        shdk = "MENANTU" if in_law else "KEPALA KELUARGA"
        if not plan.foreign:
            return self._adult("L", born, plan, plan.status, shdk)
        return self._person(
            "L", born, plan.kecamatan, plan.status, plan.agama, shdk,
            nama=rng.choice(N.FOREIGN_MALE), tempat_lahir=rng.choice(N.FOREIGN_BIRTHPLACES),
            kewarganegaraan="WNA", no_paspor=f"X99{rng.randrange(10**6):06d}",
            no_kitas=f"2C21{rng.randrange(10**6):06d}99", **N.parents_names(rng),
        )  # fmt: skip

    def _children(
        self, plan: Plan, mother: Resident, father: Resident | None, *, cucu: bool
    ) -> tuple[Resident, ...]:
        rng = self.rng
        start = max(plan.married, plan.mother_born + _years(17)) + timedelta(days=280)
        if plan.status == "BELUM KAWIN":
            start = plan.mother_born + _years(18)
        count = rng.choices([0, 1, 2, 3], [22, 30, 30, 18])[0]
        end = REFERENCE_DATE - timedelta(days=14)
        if start > end:
            return ()
        place = "KOTA SERANG" if plan.kelurahan.startswith("3673") else "SERANG"
        gone = plan.status in SINGLE_STATUSES[:2]  # divorced or widowed: father named, not on KK
        parents = {
            "nik_ayah": father.nik if father else None, "nik_ibu": mother.nik,
            "nama_ibu": mother.nama,
            "nama_ayah": father.nama if father else (N.person_name(rng, "L") if gone else None),
        }  # fmt: skip
        return tuple(
            self._person(rng.choice("LP"), born, plan.kecamatan, "BELUM KAWIN", plan.agama,
                         "CUCU" if cucu else "ANAK", tempat_lahir=place,
                         **parents, **N.child_school(born))
            for born in sorted(self._between(start, end) for _ in range(count))
        )  # fmt: skip

    def _adult(
        self, sex: str, born: date, plan: Plan, status: str, shdk: str, **extra: str | None
    ) -> Resident:
        fields = {**N.parents_names(self.rng), **extra}
        return self._person(sex, born, self._first_kecamatan(plan.kecamatan), status,
                            plan.agama, shdk, **fields)  # fmt: skip

    def _person(
        self,
        sex: str,
        born: date,
        kec: str,
        status: str,
        agama: str,
        shdk: str,
        **extra: str | None,
    ) -> Resident:
        rng = self.rng
        nik, born = self.numbers.sixteen_digits(kec, born, sex == "P")
        fields: dict[str, str | None] = {
            "nama": N.person_name(rng, sex), "tempat_lahir": rng.choice(N.BIRTHPLACES),
            "pendidikan": rng.choice(N.PENDIDIKAN_ADULT),
            "pekerjaan": rng.choice(N.PEKERJAAN_MALE if sex == "L" else N.PEKERJAAN_FEMALE),
            "golongan_darah": rng.choice(N.GOLONGAN_DARAH), **extra,
        }  # fmt: skip
        return Resident(
            nik=nik,
            jenis_kelamin=sex,
            tanggal_lahir=born,
            agama=agama,
            status_perkawinan=status,
            shdk=shdk,
            **fields,  # type: ignore[arg-type]  # required text fields are always in `fields`
        )

    def _first_kecamatan(self, domicile: str) -> str:
        """Where an adult's NIK was first issued: legacy 3604, domicile, or elsewhere in town."""
        roll = self.rng.random()
        if roll < self.s.legacy_nik:
            return f"{OUTSIDE_REGENCY}{self.rng.randint(1, 29):02d}"
        if domicile.startswith(OUTSIDE_REGENCY) or roll < self.s.legacy_nik + 0.6:
            return domicile
        return self.rng.choice(self.kecamatan)

    def _bpjs_class(self, segment: str | None) -> int | None:
        if segment is None:
            return None
        if segment.startswith("PBI"):
            return 3
        return self.rng.choice((1, 1, 2) if segment == "PPU" else (1, 2, 3, 3))

    def _between(self, start: date, end: date) -> date:
        if end <= start:
            return min(start, REFERENCE_DATE)
        return start + timedelta(days=self.rng.randint(0, (end - start).days))
