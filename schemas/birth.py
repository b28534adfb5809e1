"""The hospital's birth report (contract.md 2.2) and the `birth.reported` event payload."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field, Strict, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from schemas.base import Contract
from schemas.identifiers import Nik
from schemas.regions import is_regency_code

# Control characters, line/paragraph separators, surrogates and bidi overrides: never in a name
_NOT_IN_NAMES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _valid_name(value: str) -> str:
    """Any script, apostrophes, hyphens, one word (Nur'aini, 'Abdullah, Sukarno): only blank
    names and control characters are refused. NFC, so one name has one spelling in bytes."""
    value = unicodedata.normalize("NFC", value)
    if not value.strip() or any(unicodedata.category(c) in _NOT_IN_NAMES or c in _BIDI_CONTROLS
                                for c in value):
        raise PydanticCustomError("NAME_INVALID",
                                  "a name needs a visible character and no control characters")
    return value


def _valid_regency(value: str) -> str:
    if not is_regency_code(value):
        raise PydanticCustomError("REGENCY_UNKNOWN", "a regency code is 4 digits: a known "
                                  "province, then kabupaten 01-69 or kota 71-99 (domain.md 6)")
    return value


def _consented(value: bool) -> bool:
    if not value:  # UU 27/2022 Pasal 25: a child's data needs a parent's consent (domain.md 8.1)
        raise PydanticCustomError("CONSENT_REQUIRED",
                                  "parental_consent must be true to process a child's data")
    return value


Name = Annotated[str, StringConstraints(max_length=120), AfterValidator(_valid_name)]
Sex = Literal["L", "P"]
NotificationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:/-]{1,64}$")]
RegencyCode = Annotated[str, Strict(), AfterValidator(_valid_regency), WithJsonSchema(
    {"type": "string", "pattern": "^[0-9]{4}$", "description": "Kemendagri kabupaten/kota code"})]
Consent = Annotated[bool, AfterValidator(_consented),
                    Field(description="must be true (UU 27/2022 Pasal 25)")]


class Child(Contract):
    name: Name | None  # null: the name is not chosen yet (akta and KIA wait)
    sex: Sex
    weight_grams: int = Field(ge=300, le=7000)
    length_cm: float = Field(ge=20, le=65)
    birth_order: int = Field(default=1, ge=1, le=9)
    multiplicity: int = Field(default=1, ge=1, le=9)
    child_number: int | None = Field(default=None, ge=1, le=30)  # anak ke- within the family


class Place(Contract):
    kind: Literal["RS", "PUSKESMAS", "POLINDES", "RUMAH", "LAINNYA"]
    regency_code: RegencyCode


class Attendant(Contract):
    kind: Literal["DOKTER", "BIDAN_PERAWAT", "DUKUN", "LAINNYA"]
    name: Name


class Mother(Contract):
    nik: Nik
    name: Name
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{8,15}$")] | None = None


class Person(Contract):
    nik: Nik
    name: Name


class Marriage(Contract):
    status: Literal["TERCATAT", "BELUM_TERCATAT", "TIDAK_ADA"]
    certificate_number: Annotated[str, StringConstraints(max_length=64)] | None = None


class Informant(Person):
    relation: Literal["AYAH", "IBU", "KELUARGA", "LAINNYA"]


class BirthReport(Contract):
    """Body of `POST /v1/births`. Each field checks itself; rules across fields and against the
    clock are pipeline/domain/intake_rules.py, so every problem is reported at once."""

    notification_id: NotificationId
    born_at: AwareDatetime  # an explicit offset is required
    live_birth: bool
    child: Child
    place: Place
    attendant: Attendant
    mother: Mother
    father: Person | None = None
    marriage: Marriage
    informant: Informant
    witnesses: list[Person] = Field(min_length=2, max_length=2)
    parental_consent: Consent


class BirthReported(Contract):
    """Payload of `birth.reported` on births.reported.v1: the report exactly as accepted."""

    registration_id: str
    facility_id: str
    received_at: AwareDatetime
    report: BirthReport
