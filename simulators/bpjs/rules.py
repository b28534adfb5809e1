"""JKN newborn rules: the mother's segment decides coverage and contribution (domain.md 5.1, 11)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

ENROLLED, AWAITING_PAYMENT = "ENROLLED", "AWAITING_PAYMENT"
REGISTRATION_DAYS = 28  # Perpres 82/2018 Pasal 16
NIK_UPDATE_MONTHS = 3  # Panduan Layanan JKN-KIS (domain.md 5.1)
PPU_COVERED_CHILDREN = 3  # PPU family: spouse + at most 3 children
PPU_CHILD_AGE_LIMIT = 21  # < 25 if still studying: not modelled

# VClaim jenisPeserta codes [H] for 13, 14, 21, 22 (domain.md 5.2); the rest is data, not logic.
JENIS_PESERTA: dict[str, tuple[str, str]] = {
    "PBI_APBN": ("21", "PBI (APBN)"),
    "PBI_APBD": ("22", "PBI (APBD)"),
    "PPU": ("13", "PEGAWAI SWASTA"),
    "PBPU": ("14", "PEKERJA MANDIRI"),
    "BP": ("15", "BUKAN PEKERJA"),  # [UNVERIFIED] code and label
}
KELAS = {1: "KELAS I", 2: "KELAS II", 3: "KELAS III"}
AKTIF = ("0", "AKTIF")
NON_AKTIF_PREMI = ("9", "NON AKTIF KARNA PREMI")


@dataclass(frozen=True)
class Tariffs:
    """Monthly contributions, Perpres 64/2020 [M]; later changes UNVERIFIED: configurable."""

    mandiri: dict[int, int] = field(default_factory=lambda: {1: 150_000, 2: 100_000, 3: 42_000})
    ppu_extra_member_rate: float = 0.01  # 1% of wage per extra family member [M]
    ppu_reference_wage: int = 4_800_000  # [UNVERIFIED] stand-in wage: the simulator knows none


@dataclass(frozen=True)
class Decision:
    status: str
    segment: str
    kelas: int
    iuran: int
    keterangan: str

    @property
    def status_peserta(self) -> tuple[str, str]:
        return AKTIF if self.status == ENROLLED else NON_AKTIF_PREMI


def decide(
    segment: str, family_class: int | None, child_ordinal: int, birth: date, tariffs: Tariffs
) -> Decision:
    """The baby follows the mother's segment; `child_ordinal` counts dependants, baby included."""
    kelas = family_class or 3
    deadline = registration_deadline(birth).isoformat()
    if segment in ("PBI_APBN", "PBI_APBD"):
        return Decision(
            ENROLLED, segment, 3, 0, "Bayi peserta PBI: aktif sejak lahir, tanpa iuran."
        )
    if segment == "PPU" and child_ordinal <= PPU_COVERED_CHILDREN:
        return Decision(
            ENROLLED,
            segment,
            kelas,
            0,
            f"Anak ke-{child_ordinal} peserta PPU: aktif mengikuti orang tua.",
        )
    if segment == "PPU":
        extra = round(tariffs.ppu_reference_wage * tariffs.ppu_extra_member_rate)
        return Decision(
            AWAITING_PAYMENT,
            segment,
            kelas,
            extra,
            f"Anak ke-{child_ordinal} melebihi 3 anak tanggungan PPU: iuran tambahan "
            f"{rupiah(extra)} per bulan; aktif setelah dibayar (batas daftar {deadline}).",
        )
    iuran = tariffs.mandiri[kelas]
    return Decision(
        AWAITING_PAYMENT,
        segment,
        kelas,
        iuran,
        f"Peserta mandiri: bayar iuran kelas {kelas} {rupiah(iuran)} per bulan; kartu aktif "
        f"setelah iuran dibayar (batas daftar {deadline}).",
    )


def not_a_member_message(birth: date) -> str:
    deadline = registration_deadline(birth).isoformat()
    return (
        f"Ibu bukan peserta JKN. Keluarga dapat mendaftar sebagai peserta mandiri (PBPU) di "
        f"kantor BPJS Kesehatan atau Mobile JKN, atau mengajukan PBI melalui Dinas "
        f"Sosial; daftarkan bayi paling lambat {deadline}."
    )


def rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def registration_deadline(birth: date) -> date:
    return birth + timedelta(days=REGISTRATION_DAYS)


def nik_update_deadline(birth: date) -> date:
    return add_months(birth, NIK_UPDATE_MONTHS)


def add_months(day: date, months: int) -> date:
    """Same day `months` later (or earlier), clamped: 31 August + 3 months = 30 November."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def jenis_peserta(segment: str) -> dict[str, str]:
    kode, keterangan = JENIS_PESERTA[segment]
    return {"kode": kode, "keterangan": keterangan}


def hak_kelas(kelas: int) -> dict[str, str]:
    return {"kode": str(kelas), "keterangan": KELAS[kelas]}


def status_peserta(status: tuple[str, str]) -> dict[str, str]:
    return {"kode": status[0], "keterangan": status[1]}
