"""Indonesian identifiers as validated string types (domain.md 1, 2, 5.3, 11): never numbers."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Strict, StringConstraints

NIK_PATTERN = r"^\d{16}$"


def nik_problems(nik: str) -> list[tuple[str, str]]:
    """Structural problems of a NIK as (code, message); no checksum exists (domain.md 1.2)."""
    problems: list[tuple[str, str]] = []
    if len(nik) != 16 or not nik.isdigit():
        return [("NIK_FORMAT", "a NIK is a string of 16 digits")]
    day, month, serial = int(nik[6:8]), int(nik[8:10]), int(nik[12:16])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        problems.append(("NIK_BIRTH_DAY", "day field must be 01-31 (male) or 41-71 (female)"))
    if not 1 <= month <= 12:
        problems.append(("NIK_BIRTH_MONTH", "month field must be 01-12"))
    if serial == 0:
        problems.append(("NIK_SERIAL", "serial 0000 is never issued"))
    if nik[:2] != "00" and int(nik[2:4]) == 0:
        problems.append(("NIK_REGION", "regency code 00 does not exist"))
    return problems


def nik_sex(nik: str) -> str:
    """`L` or `P` from the day field (+40 for women, domain.md 1.1)."""
    return "P" if int(nik[6:8]) > 40 else "L"


def nik_birth_date(nik: str, century: int = 2000) -> date:
    day = int(nik[6:8]) % 40
    return date(century + int(nik[10:12]), int(nik[8:10]), day)


def _valid_nik(value: str) -> str:
    problems = nik_problems(value)
    if problems:
        raise ValueError("; ".join(msg for _, msg in problems))
    return value


Nik = Annotated[str, Strict(), StringConstraints(pattern=NIK_PATTERN), AfterValidator(_valid_nik)]
NomorKk = Annotated[str, Strict(), StringConstraints(pattern=r"^\d{16}$")]
AktaNumber = Annotated[str, Strict(), StringConstraints(pattern=r"^\d{4}-(LU|LT)-\d{8}-\d{4}$")]
JknNumber = Annotated[str, Strict(), StringConstraints(pattern=r"^\d{13}$")]
RegionCode = Annotated[str, Strict(), StringConstraints(pattern=r"^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$")]
