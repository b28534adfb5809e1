"""Request bodies of the SIAK simulator; NIKs are strict 16-digit strings (domain.md 11)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field

from schemas.identifiers import AktaNumber, Nik, NomorKk


def _iso_date_text(value: object) -> object:
    if not isinstance(value, str | date):
        raise ValueError("a date is a 'YYYY-MM-DD' string")
    return value


LocalDate = Annotated[date, BeforeValidator(_iso_date_text)]  # never a number (epoch)


class LookupRequest(BaseModel):
    nik: Nik


class BirthRequest(BaseModel):
    """Form F-2.01 data anak (domain.md 3.3); tanggal_lahir and pukul in the birthplace's zone."""

    nik_ibu: Nik
    nik_ayah: Nik | None = None
    nama_anak: str | None = Field(default=None, max_length=120)
    jenis_kelamin: Literal["L", "P"]
    tanggal_lahir: LocalDate
    pukul: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    kelahiran_ke: int = Field(ge=1, le=30)
    jenis_kelahiran: int = Field(ge=1, le=5)
    tempat_dilahirkan: int | str | None = None
    berat_gram: int | None = Field(default=None, gt=0, le=10_000)
    panjang_cm: float | None = Field(default=None, gt=0, le=100)


class ReissueKkRequest(BaseModel):
    nomor_kk: NomorKk
    nik_anak: Nik
    nama_anak: str | None = Field(default=None, max_length=120)
    expected_version: int | None = Field(default=None, ge=1)


class AktaRequest(BaseModel):
    nik_anak: Nik
    nama_anak: str | None = Field(default=None, max_length=120)  # None/blank -> NAMA_ANAK_KOSONG
    tanggal_lahir: LocalDate
    status_ortu: Literal["NIKAH_TERCATAT", "NIKAH_BELUM_TERCATAT", "ANAK_IBU", "TIDAK_DIKETAHUI"]


class KiaRequest(BaseModel):
    nik_anak: Nik
    nomor_akta: AktaNumber
