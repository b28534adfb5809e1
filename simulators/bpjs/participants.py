"""JKN participants: the seeded population's covered families plus newborns enrolled here."""

from __future__ import annotations

from datetime import date
from typing import Any

from schemas.regions import KOTA_SERANG_KECAMATAN
from simulators.bpjs import rules
from simulators.bpjs.store import Store
from simulators.population import Family, Population, Resident

JKN_START = date(2014, 1, 1)  # JKN began on 1 January 2014: no membership starts earlier
OPEN_END = "2099-12-31"  # [L] how an open-ended tglTAT is shown in this simulator
PISA = {"KEPALA KELUARGA": "1", "SUAMI": "2", "ISTRI": "2", "ANAK": "3"}  # [UNVERIFIED] (5.4)
NEWBORN_CARD_PREFIX = "998"  # inside the synthetic "99..." range (domain.md 8.4)


class Participants:
    def __init__(self, population: Population, store: Store) -> None:
        self.population, self.store = population, store
        self._by_card = {
            card: nik for f in population.families for nik, card in f.jkn_numbers.items()
        }

    def member(self, nik: str) -> tuple[Resident, Family] | None:
        """A seeded resident whose family is covered (has a segment and a card for them)."""
        found = self.population.by_nik.get(nik)
        if found is None or found[1].bpjs_segment is None or nik not in found[1].jkn_numbers:
            return None
        return found

    def by_nik(self, nik: str, on_date: date, today: date) -> dict[str, Any] | None:
        newborn = self.store.newborn(nik)
        if newborn is not None:
            return _newborn_view(newborn, on_date, today)
        found = self.member(nik)
        return None if found is None else _seeded_view(*found, on_date, today)

    def by_card(self, no_kartu: str, on_date: date, today: date) -> dict[str, Any] | None:
        newborn = self.store.newborn_by_card(no_kartu)
        if newborn is not None:
            return _newborn_view(newborn, on_date, today)
        nik = self._by_card.get(no_kartu)
        return None if nik is None else self.by_nik(nik, on_date, today)

    def child_ordinal(self, mother: Resident, family: Family, baby_nik: str, birth: date) -> int:
        """The baby's place among the mother's dependent children (< 21), baby included."""
        limit = rules.add_months(birth, -12 * rules.PPU_CHILD_AGE_LIMIT)
        seeded = {
            m.nik for m in family.members if m.nik_ibu == mother.nik and m.tanggal_lahir > limit
        }
        enrolled = set(self.store.newborns_of(mother.nik))
        return len((seeded | enrolled) - {baby_nik}) + 1

    def new_card_number(self) -> str:
        serial = self.store.newborn_count() + 1
        while True:
            card = f"{NEWBORN_CARD_PREFIX}{serial:010d}"
            if card not in self._by_card and not self.store.card_taken(card):
                return card
            serial += 1


def provider(family: Family | None) -> dict[str, str]:
    """A fake first-level faskes (puskesmas) per kecamatan: 4 digits, letter, 3 digits (5.4 [L])."""
    kec = family.kode_kecamatan if family else "367301"
    name = KOTA_SERANG_KECAMATAN.get(kec, "KABUPATEN SERANG").upper()
    return {"kdProvider": f"99{kec[-2:]}P001", "nmProvider": f"PUSKESMAS {name}"}


def _seeded_view(resident: Resident, family: Family, on_date: date, today: date) -> dict[str, Any]:
    segment = family.bpjs_segment or ""
    kelas = 3 if segment.startswith("PBI") else family.bpjs_class or 3
    tmt = max(resident.tanggal_lahir, JKN_START).isoformat()
    return {
        "noKartu": family.jkn_numbers[resident.nik],
        "nik": resident.nik,
        "nama": resident.nama,
        "sex": resident.jenis_kelamin,
        "tglLahir": resident.tanggal_lahir.isoformat(),
        "pisa": PISA.get(resident.shdk, "5"),
        "jenisPeserta": rules.jenis_peserta(segment),
        "hakKelas": rules.hak_kelas(kelas),
        "statusPeserta": rules.status_peserta(rules.AKTIF),
        "provUmum": provider(family),
        "tglTMT": tmt,
        "tglTAT": OPEN_END,
        "tglCetakKartu": tmt,
        **_common(resident.tanggal_lahir, on_date, today),
    }


def _newborn_view(record: dict[str, Any], on_date: date, today: date) -> dict[str, Any]:
    birth = date.fromisoformat(record["tglLahir"])
    active = record["status"] == rules.ENROLLED
    return {
        "noKartu": record["noKartu"],
        "nik": record["nik"],
        "nama": record["nama"],
        "sex": record["sex"],
        "tglLahir": record["tglLahir"],
        "pisa": "3",
        "jenisPeserta": record["jenisPeserta"],
        "hakKelas": record["hakKelas"],
        "statusPeserta": record["statusPeserta"],
        "provUmum": record["provUmum"],
        "tglTMT": record["tglLahir"] if active else None,
        "tglTAT": OPEN_END if active else None,
        "tglCetakKartu": record["enrolledOn"],
        **_common(birth, on_date, today),
    }


def _common(born: date, on_date: date, today: date) -> dict[str, Any]:
    return {
        "cob": {"noAsuransi": None, "nmAsuransi": None, "tglTMT": None, "tglTAT": None},
        "informasi": {"dinsos": None, "noSKTM": None, "prolanisPRB": None},
        "mr": {"noMR": None, "noTelepon": None},
        "umur": {"umurSekarang": _age(born, today), "umurSaatPelayanan": _age(born, on_date)},
    }


def _age(born: date, on: date) -> str:
    """`30 tahun ,1 bulan ,10 hari` as VClaim prints it [L]."""
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    months = max(months, 0)
    anchor = rules.add_months(born, months)
    return f"{months // 12} tahun ,{months % 12} bulan ,{max((on - anchor).days, 0)} hari"
