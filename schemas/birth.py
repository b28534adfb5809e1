"""The hospital's birth report (contract.md 2.2) and the `birth.reported` event payload."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from schemas.base import Contract
from schemas.identifiers import Nik

Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Sex = Literal["L", "P"]
NotificationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:/-]{1,64}$")]


class Child(Contract):
    name: Name | None  # null: the name is not chosen yet (akta and KIA wait)
    sex: Sex
    weight_grams: int = Field(ge=300, le=7000)
    length_cm: float = Field(ge=20, le=65)
    birth_order: int = Field(default=1, ge=1, le=9)
    multiplicity: int = Field(default=1, ge=1, le=9)
    child_number: int | None = Field(default=None, ge=1, le=30)  # anak ke- within the family

    @model_validator(mode="after")
    def _order_within_multiplicity(self) -> Child:
        if self.birth_order > self.multiplicity:
            raise ValueError("birth_order cannot exceed multiplicity")
        return self


class Place(Contract):
    kind: Literal["RS", "PUSKESMAS", "POLINDES", "RUMAH", "LAINNYA"]
    regency_code: Annotated[str, StringConstraints(pattern=r"^\d{4}$")]


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
    """Body of `POST /v1/births`."""

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
    parental_consent: bool

    @model_validator(mode="after")
    def _consent_given(self) -> BirthReport:
        if not self.parental_consent:  # UU 27/2022 Pasal 25: children's data needs consent
            raise ValueError("parental_consent must be true to process a child's data")
        return self


class BirthReported(Contract):
    """Payload of `birth.reported` on births.reported.v1: the report exactly as accepted."""

    registration_id: str
    facility_id: str
    received_at: AwareDatetime
    report: BirthReport
