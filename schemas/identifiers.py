"""Indonesian identifiers as validated string types (domain.md 1, 2, 5.3, 11): never numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Strict, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from schemas.regions import PROVINCES

NIK_PATTERN = r"^[0-9]{16}$"  # [0-9], not \d: the regex engine counts other scripts' digits
_SIXTEEN = re.compile(NIK_PATTERN)


def nik_problems(nik: str) -> list[tuple[str, str]]:
    """Every structural problem of a NIK as (code, message); no checksum exists (domain.md 1.2).

    Unknown kabupaten/kecamatan codes pass: old NIKs keep codes that were split or renamed
    (3604... holders live in Kota Serang, domain.md 1.2 and 11)."""
    if not _SIXTEEN.match(nik):
        return [("NIK_FORMAT", "a NIK is a string of exactly 16 digits")]
    problems: list[tuple[str, str]] = []
    day, month, serial = int(nik[6:8]), int(nik[8:10]), int(nik[12:16])
    if nik[:2] not in PROVINCES:
        problems.append(("NIK_PROVINCE", f"province code {nik[:2]} does not exist"))
    if nik[2:4] == "00":
        problems.append(("NIK_REGENCY", "regency code 00 does not exist"))
    if not (1 <= day <= 31 or 41 <= day <= 71):
        problems.append(("NIK_BIRTH_DAY", "the day field must be 01-31 (male) or 41-71 (female)"))
    if not 1 <= month <= 12:
        problems.append(("NIK_BIRTH_MONTH", "the month field must be 01-12"))
    if serial == 0:
        problems.append(("NIK_SERIAL", "serial 0000 is never issued"))
    return problems


def nik_sex(nik: str) -> str:
    """`L` or `P` from the day field (+40 for women, domain.md 1.1)."""
    return "P" if int(nik[6:8]) > 40 else "L"


def nik_birth_date(nik: str, century: int = 2000) -> date:
    day = int(nik[6:8]) % 40
    return date(century + int(nik[10:12]), int(nik[8:10]), day)


def nomor_kk_problems(number: str) -> list[tuple[str, str]]:
    """Region, DDMMYY of data entry (no +40), family serial from 0001 (domain.md 2.1)."""
    if not _SIXTEEN.match(number):
        return [("NOMOR_KK_FORMAT", "a nomor KK is a string of exactly 16 digits")]
    day, month = int(number[6:8]), int(number[8:10])
    if number[:2] not in PROVINCES or not 1 <= day <= 31 or not 1 <= month <= 12 \
            or number[12:] == "0000":
        return [("NOMOR_KK_FORMAT", "region, DDMMYY of entry and serial 0001-9999 expected")]
    return []


def _first_problem(check: Callable[[str], list[tuple[str, str]]]) -> AfterValidator:
    def validate(value: str) -> str:
        problems = check(value)
        if problems:  # one error per field; the API lists all of them (hospital_api/problems.py)
            code, message = problems[0]
            raise PydanticCustomError(code, message)
        return value

    return AfterValidator(validate)


def _digits(count: int, description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": f"^[0-9]{{{count}}}$",
                           "description": description})


Nik = Annotated[str, Strict(), _first_problem(nik_problems),
                _digits(16, "NIK: a JSON string of 16 digits, never a number (domain.md 1)")]
NomorKk = Annotated[str, Strict(), _first_problem(nomor_kk_problems),
                    _digits(16, "Nomor KK: a JSON string of 16 digits (domain.md 2.1)")]
AktaNumber = Annotated[str, Strict(),
                      StringConstraints(pattern=r"^[0-9]{4}-(LU|LT)-[0-9]{8}-[0-9]{4}$")]
JknNumber = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9]{13}$")]
RegionCode = Annotated[str, Strict(),
                       StringConstraints(pattern=r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{4})?)?)?$")]
