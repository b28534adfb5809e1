"""Records of the synthetic population: residents and families as SIAK holds them (domain.md 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schemas.regions import KOTA_SERANG

REFERENCE_DATE = date(2026, 1, 1)  # ages are taken here: no wall clock, so a seed fixes everything
SERIAL_FIRST, SERIAL_LAST = 9900, 9999  # reserved synthetic serials (domain.md 8.4)
OUTSIDE_REGENCY = "3604"  # Kabupaten Serang; its kecamatan/kelurahan codes here are placeholders


@dataclass(frozen=True)
class Resident:
    nik: str
    nama: str
    jenis_kelamin: str  # "L" / "P"
    tempat_lahir: str
    tanggal_lahir: date
    agama: str
    pendidikan: str
    pekerjaan: str
    golongan_darah: str
    status_perkawinan: str
    shdk: str  # SIAK values (domain.md 2.3)
    kewarganegaraan: str = "WNI"
    nik_ayah: str | None = None
    nik_ibu: str | None = None
    nama_ayah: str | None = None
    nama_ibu: str | None = None
    no_paspor: str | None = None
    no_kitas: str | None = None


@dataclass(frozen=True)
class Family:
    nomor_kk: str
    kode_kelurahan: str  # 10 digits; regency = kode_kelurahan[:4]
    alamat: str
    rt: str
    rw: str
    members: tuple[Resident, ...]
    tanggal_perkawinan: date | None
    perkawinan_tercatat: bool | None
    bpjs_segment: str | None  # PBI_APBN, PBI_APBD, PPU, PBPU, BP or None (not covered)
    bpjs_class: int | None
    jkn_numbers: dict[str, str]  # nik -> 13-digit "99..." card number
    is_synthetic: bool = True
    mother_nik: str | None = None  # the woman whose next child a birth would be
    father_nik: str | None = None  # her husband when he is on this KK

    @property
    def kode_kecamatan(self) -> str:
        return self.kode_kelurahan[:6]

    @property
    def kode_kabupaten(self) -> str:
        return self.kode_kelurahan[:4]

    @property
    def in_kota_serang(self) -> bool:
        return self.kode_kabupaten == KOTA_SERANG

    @property
    def region_is_placeholder(self) -> bool:
        """3604 codes are generated, not taken from schemas.regions."""
        return not self.in_kota_serang

    def member(self, nik: str | None) -> Resident | None:
        return next((m for m in self.members if m.nik == nik), None)


def age_at(born: date, on: date = REFERENCE_DATE) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
