"""SIAK rules without I/O: child NIK prefix, SHDK, LU/LT akta numbers, KIA validity (domain 1-4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

WIB = timezone(timedelta(hours=7), "WIB")  # Asia/Jakarta, no DST (domain.md 11)
DINAS = "3673"  # Disdukcapil Kota Serang registers every akta here (domain.md 3.2)
LU_LIMIT_DAYS = 60  # UU 24/2013 Pasal 27(1): report within 60 days -> Lahir Umum
SERIAL_FIRST, SERIAL_LAST = 9900, 9999  # synthetic NIK serials only (domain.md 8.4)
HEAD_OR_SPOUSE = frozenset({"KEPALA KELUARGA", "ISTRI", "SUAMI"})
AktaDateSource = Literal["registration", "birth"]
AktaSerialScope = Literal["day_type", "day", "year_type", "year"]


class RuleBroken(Exception):
    """A registry refusal: HTTP status, SIAK-style code, message and extra body fields."""

    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message, self.extra = status, code, message, extra


def local_date(moment: datetime) -> date:
    """The Dinas's calendar date of an aware instant."""
    return moment.astimezone(WIB).date()


def child_nik_prefix(kode_kecamatan: str, born: date, jenis_kelamin: str) -> str:
    """Domicile kecamatan + DD(+40 for girls) MM YY of the local birth date (domain.md 1.1, 11)."""
    day = born.day + (40 if jenis_kelamin == "P" else 0)
    return f"{kode_kecamatan}{day:02d}{born:%m%y}"


def next_serial(taken: set[int]) -> int:
    """First free serial from 9900; NOMOR_URUT_HABIS once the reserved range is used up."""
    for serial in range(SERIAL_FIRST, SERIAL_LAST + 1):
        if serial not in taken:
            return serial
    raise RuleBroken(422, "NOMOR_URUT_HABIS", "nomor urut 9900-9999 untuk prefiks ini sudah habis")


def child_shdk(mother_shdk: str) -> str:
    """ANAK under the parents' own KK; CUCU when the head is a grandparent (domain.md 2.3)."""
    return "ANAK" if mother_shdk in HEAD_OR_SPOUSE else "CUCU"


def akta_jenis(registered_on: date, born: date) -> Literal["LU", "LT"]:
    """LU if registered at most 60 days after birth, else LT (domain.md 3.2)."""
    return "LU" if (registered_on - born).days <= LU_LIMIT_DAYS else "LT"


@dataclass(frozen=True)
class AktaPolicy:
    """domain.md 3.2 is UNVERIFIED about the date in the number and the serial's scope."""

    date_source: AktaDateSource = "registration"
    serial_scope: AktaSerialScope = "day_type"

    def number_date(self, registered_on: date, born: date) -> date:
        return registered_on if self.date_source == "registration" else born

    def scope_key(self, jenis: str, number_date: date) -> str:
        period = (
            f"{number_date:%Y%m%d}" if self.serial_scope.startswith("day") else f"{number_date:%Y}"
        )
        return (
            f"{DINAS}-{period}-{jenis}"
            if self.serial_scope.endswith("type")
            else f"{DINAS}-{period}"
        )


def akta_number(jenis: str, number_date: date, serial: int) -> str:
    """`3673-LU-20012026-0001` (domain.md 3.2, 9)."""
    return f"{DINAS}-{jenis}-{number_date:%d%m%Y}-{serial:04d}"


def kia_valid_until(born: date) -> date:
    """KIA 0-5 is valid until the day before the 5th birthday (Permendagri 2/2016, domain 4.1)."""
    try:
        fifth = born.replace(year=born.year + 5)
    except ValueError:  # born 29 February
        fifth = date(born.year + 5, 3, 1)
    return fifth - timedelta(days=1)


def check_status_ortu(status_ortu: str, mother_status: str) -> None:
    """The akta wording must match what the KK shows (domain.md 3.6)."""
    if status_ortu == "NIKAH_TERCATAT" and mother_status != "KAWIN TERCATAT":
        raise RuleBroken(
            422,
            "STATUS_ORTU_TIDAK_SESUAI",
            "KK tidak menunjukkan perkawinan tercatat",
            status_perkawinan=mother_status,
        )
    if status_ortu == "NIKAH_BELUM_TERCATAT" and not mother_status.startswith("KAWIN"):
        raise RuleBroken(
            422,
            "STATUS_ORTU_TIDAK_SESUAI",
            "SPTJM hanya jika KK menunjukkan ibu berstatus kawin",
            status_perkawinan=mother_status,
        )
