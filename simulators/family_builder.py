"""Builds synthetic families one at a time from a seeded RNG (for simulators.population)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from schemas.regions import KOTA_SERANG_KECAMATAN, KOTA_SERANG_KELURAHAN
from simulators import names as N
from simulators.records import (
    OUTSIDE_REGENCY,
    REFERENCE_DATE,
    SERIAL_FIRST,
    SERIAL_LAST,
    Family,
    Resident,
    age_at,
)

KOTA_SERANG_SINCE = date(
    2010, 1, 1
)  # Dinas services from 2009 (domain.md 6): KK numbers after that


@dataclass(frozen=True)
class Shares:
    legacy_nik: float
    unregistered_marriage: float
    no_husband: float
    foreign_husband: float
    outside_city: float
    grandparent_head: float
    bpjs_segments: dict[str | None, float]


def _years(n: float) -> timedelta:
    return timedelta(days=round(n * 365.25))


class FamilyBuilder:
    """Keeps the serial counters (shared by NIK and nomor KK, so they never coincide) and JKN set."""

    def __init__(self, rng: random.Random, shares: Shares) -> None:
        self.rng = rng
        self.s = shares
        self.kelurahan = sorted(KOTA_SERANG_KELURAHAN)
        self.kecamatan = sorted(KOTA_SERANG_KECAMATAN)
        self.serials: dict[str, int] = {}
        self.jkn: set[str] = set()

    def family(self) -> Family:
        rng, s = self.rng, self.s
        if rng.random() < s.outside_city:
            kec = f"{OUTSIDE_REGENCY}{rng.randint(1, 29):02d}"
            kel = f"{kec}{2000 + rng.randint(1, 10)}"
        else:
            kel = rng.choice(self.kelurahan)
            kec = kel[:6]
        roll = rng.random()
        structure = (
            "grandparent"
            if roll < s.grandparent_head
            else "alone"
            if roll < s.grandparent_head + s.no_husband
            else "couple"
        )
        foreign = structure == "couple" and rng.random() < s.foreign_husband
        has_husband = structure == "couple" or (structure == "grandparent" and rng.random() < 0.7)
        registered = None if not has_husband else foreign or rng.random() >= s.unregistered_marriage
        agama = rng.choices(list(N.AGAMA_WEIGHTS), list(N.AGAMA_WEIGHTS.values()))[0]
        mother_born = REFERENCE_DATE - _years(rng.triangular(17, 50, 28))
        married = self._between(mother_born + _years(17), mother_born + _years(32))
        if has_husband:
            status = "KAWIN TERCATAT" if registered else "KAWIN BELUM TERCATAT"
        else:
            status = rng.choices(
                ["CERAI HIDUP TERCATAT", "CERAI MATI", "BELUM KAWIN"], [45, 25, 30]
            )[0]
        elders: list[Resident] = []
        if structure == "grandparent":
            elders = self._grandparents(kec, mother_born, agama)
        grandpa = elders[0] if elders else None
        grandma = elders[1] if len(elders) > 1 else None
        mother = self._person(
            "P",
            mother_born,
            self._adult_kec(kec),
            status,
            agama,
            "ANAK" if elders else ("ISTRI" if has_husband else "KEPALA KELUARGA"),
            nik_ayah=grandpa.nik if grandpa else None,
            nik_ibu=grandma.nik if grandma else None,
            nama_ayah=grandpa.nama if grandpa else self._name("L"),
            nama_ibu=grandma.nama if grandma else self._name("P"),
        )
        husband = (
            self._husband(kec, mother_born, status, agama, foreign, bool(elders))
            if has_husband
            else None
        )
        children = self._children(kec, kel, mother, husband, married, status, agama, bool(elders))
        head = grandpa or husband or mother
        kk_from = max(KOTA_SERANG_SINCE, married if has_husband else mother_born + _years(17))
        nomor_kk, _ = self._number(kec, self._between(kk_from, REFERENCE_DATE), False)
        adults = {m.nik: m for m in (head, grandma, mother, husband) if m is not None}
        members = (*adults.values(), *children)
        segment = rng.choices(list(s.bpjs_segments), list(s.bpjs_segments.values()))[0]
        return Family(
            nomor_kk=nomor_kk,
            kode_kelurahan=kel,
            alamat=self._address(),
            rt=f"{rng.randint(1, 12):03d}",
            rw=f"{rng.randint(1, 8):03d}",
            members=members,
            tanggal_perkawinan=married if has_husband else None,
            perkawinan_tercatat=registered,
            bpjs_segment=segment,
            bpjs_class=self._bpjs_class(segment),
            jkn_numbers={m.nik: self._jkn() for m in members} if segment else {},
            mother_nik=mother.nik,
            father_nik=husband.nik if husband else None,
        )

    def _grandparents(self, kec: str, mother_born: date, agama: str) -> list[Resident]:
        rng = self.rng
        born = mother_born - _years(rng.uniform(20, 32))
        widowed = rng.random() < 0.2
        status = "CERAI MATI" if widowed else "KAWIN TERCATAT"
        job = rng.choice(("PENSIUNAN", "WIRASWASTA", "PETANI/PEKEBUN", "PEDAGANG"))
        grandpa = self._person(
            "L",
            born,
            self._adult_kec(kec),
            status,
            agama,
            "KEPALA KELUARGA",
            pekerjaan=job,
            **self._parents(),
        )
        if widowed:
            return [grandpa]
        grandma_born = born + _years(rng.uniform(0, 6))
        return [
            grandpa,
            self._person(
                "P",
                grandma_born,
                self._adult_kec(kec),
                status,
                agama,
                "ISTRI",
                pekerjaan="MENGURUS RUMAH TANGGA",
                **self._parents(),
            ),
        ]

    def _husband(
        self, kec: str, mother_born: date, status: str, agama: str, foreign: bool, in_law: bool
    ) -> Resident:
        born = mother_born - timedelta(days=self.rng.randint(-2 * 365, 9 * 365))
        shdk = "MENANTU" if in_law else "KEPALA KELUARGA"
        if not foreign:
            return self._person(
                "L", born, self._adult_kec(kec), status, agama, shdk, **self._parents()
            )
        return self._person(
            "L",
            born,
            kec,
            status,
            agama,
            shdk,
            nama=self.rng.choice(N.FOREIGN_MALE),
            tempat_lahir=self.rng.choice(N.FOREIGN_BIRTHPLACES),
            kewarganegaraan="WNA",
            no_paspor=f"X99{self.rng.randrange(10**6):06d}",
            no_kitas=f"2C21{self.rng.randrange(10**6):06d}99",
        )

    def _children(
        self,
        kec: str,
        kel: str,
        mother: Resident,
        father: Resident | None,
        married: date,
        status: str,
        agama: str,
        cucu: bool,
    ) -> tuple[Resident, ...]:
        rng = self.rng
        start = max(married, mother.tanggal_lahir + _years(17)) + timedelta(days=280)
        if status == "BELUM KAWIN":
            start = mother.tanggal_lahir + _years(18)
        end = REFERENCE_DATE - timedelta(days=14)
        count = rng.choices([0, 1, 2, 3], [22, 30, 30, 18])[0]
        if start > end:
            return ()
        dates = sorted(self._between(start, end) for _ in range(count))
        place = "KOTA SERANG" if kel.startswith("3673") else "SERANG"
        lost_father = self._name("L") if status in ("CERAI HIDUP TERCATAT", "CERAI MATI") else None
        return tuple(
            self._person(
                sex,
                born,
                kec,
                "BELUM KAWIN",
                agama,
                "CUCU" if cucu else "ANAK",
                tempat_lahir=place,
                golongan_darah=rng.choice(N.GOLONGAN_DARAH),
                nik_ayah=father.nik if father else None,
                nik_ibu=mother.nik,
                nama_ayah=father.nama if father else lost_father,
                nama_ibu=mother.nama,
                **_child_school(born),
            )
            for born in dates
            for sex in [rng.choice("LP")]
        )

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
        nik, born = self._number(kec, born, sex == "P")
        fields: dict[str, str | None] = {
            "nama": self._name(sex),
            "tempat_lahir": rng.choice(N.BIRTHPLACES),
            "pendidikan": rng.choice(N.PENDIDIKAN_ADULT),
            "pekerjaan": rng.choice(N.PEKERJAAN_MALE if sex == "L" else N.PEKERJAAN_FEMALE),
            "golongan_darah": rng.choice(N.GOLONGAN_DARAH),
        }
        fields.update(extra)
        return Resident(
            nik=nik,
            jenis_kelamin=sex,
            tanggal_lahir=born,
            agama=agama,
            status_perkawinan=status,
            shdk=shdk,
            **fields,
        )  # type: ignore[arg-type]

    def _number(self, kec: str, day: date, plus40: bool) -> tuple[str, date]:
        """Next reserved serial in the 12-digit prefix; a full prefix moves a day back."""
        while True:
            prefix = f"{kec}{day.day + (40 if plus40 else 0):02d}{day:%m%y}"
            serial = self.serials.get(prefix, SERIAL_FIRST)
            if serial <= SERIAL_LAST:
                self.serials[prefix] = serial + 1
                return f"{prefix}{serial}", day
            day -= timedelta(days=1)

    def _adult_kec(self, domicile: str) -> str:
        roll = self.rng.random()
        if roll < self.s.legacy_nik:
            return f"{OUTSIDE_REGENCY}{self.rng.randint(1, 29):02d}"
        if domicile.startswith(OUTSIDE_REGENCY) or roll < self.s.legacy_nik + 0.6:
            return domicile
        return self.rng.choice(self.kecamatan)  # first registered elsewhere in the city

    def _name(self, sex: str) -> str:
        rng = self.rng
        first, second, single = (
            (N.MALE_FIRST, N.MALE_SECOND, N.MALE_SINGLE)
            if sex == "L"
            else (N.FEMALE_FIRST, N.FEMALE_SECOND, N.FEMALE_SINGLE)
        )
        roll = rng.random()
        if roll < 0.12:
            return rng.choice(single)
        if roll < 0.22:
            return f"{rng.choice(first)} {rng.choice(second)} {rng.choice(second)}"
        return f"{rng.choice(first)} {rng.choice(second)}"

    def _parents(self) -> dict[str, str | None]:
        return {"nama_ayah": self._name("L"), "nama_ibu": self._name("P")}

    def _address(self) -> str:
        if self.rng.random() < 0.5:
            return f"{self.rng.choice(N.STREETS)} NO. {self.rng.randint(1, 150)}"
        return self.rng.choice(N.KAMPUNG)

    def _bpjs_class(self, segment: str | None) -> int | None:
        if segment is None:
            return None
        if segment.startswith("PBI"):
            return 3
        return self.rng.choice((1, 1, 2) if segment == "PPU" else (1, 2, 3, 3))

    def _jkn(self) -> str:
        while (number := f"99{self.rng.randrange(10**11):011d}") in self.jkn:
            pass
        self.jkn.add(number)
        return number

    def _between(self, start: date, end: date) -> date:
        if end <= start:
            return min(start, REFERENCE_DATE)
        return start + timedelta(days=self.rng.randint(0, (end - start).days))


def _child_school(born: date) -> dict[str, str | None]:
    age = age_at(born)
    pendidikan = (
        "TIDAK/BELUM SEKOLAH"
        if age < 6
        else "BELUM TAMAT SD/SEDERAJAT"
        if age < 12
        else "TAMAT SD/SEDERAJAT"
        if age < 15
        else "SLTP/SEDERAJAT"
    )
    return {
        "pendidikan": pendidikan,
        "pekerjaan": "BELUM/TIDAK BEKERJA" if age < 6 else "PELAJAR/MAHASISWA",
    }
