"""Fakes of our ports for handler tests; the real simulators are tested over HTTP elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.domain.errors import RegistryRejected, TransientError


@dataclass
class FakeSiak:
    residents: dict[str, dict[str, Any]] = field(default_factory=dict)
    effects: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_next: int = 0  # how many calls raise TransientError first
    serial: int = 9900

    def add_mother(self, nik: str, kk_regency: str = "3673") -> None:
        self.residents[nik] = {"penduduk": {"nik": nik, "jenis_kelamin": "P"},
                               "kk": {"nomor_kk": "3673012010159901",
                                      "kode_kabupaten": kk_regency, "versi": 1}}

    def _effect(self, key: str, make: Any) -> dict[str, Any]:
        if self.fail_next:
            self.fail_next -= 1
            raise TransientError("SIAK 503")
        if key not in self.effects:
            self.effects[key] = make()
        return self.effects[key]

    async def lookup(self, nik: str) -> dict[str, Any] | None:
        return self.residents.get(nik)

    async def register_birth(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        if body["nik_ibu"] not in self.residents:
            raise RegistryRejected("IBU_TIDAK_DITEMUKAN", "not found", http_status=404)

        def make() -> dict[str, Any]:
            self.serial += 1
            return {"nik": f"367301{_ddmmyy(body)}{self.serial:04d}",
                    "nomor_kk": "3673012010159901", "kode_kecamatan": "367301"}
        return self._effect(key, make)

    async def reissue_kk(self, key: str, nomor_kk: str, nik_anak: str, nama_anak: str | None,
                   expected_version: int | None) -> dict[str, Any]:
        return self._effect(key, lambda: {"nomor_kk": nomor_kk, "versi": 2,
                                          "anggota": [{"nik": nik_anak, "shdk": "ANAK"}]})

    async def register_akta(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._effect(key, lambda: {"nomor_akta": f"3673-LU-22112026-{len(self.effects):04d}",
                                          "jenis": "LU"})

    async def issue_kia(self, key: str, nik_anak: str, nomor_akta: str) -> dict[str, Any]:
        return self._effect(key, lambda: {"nik": nik_anak, "jenis": "0-5"})


@dataclass
class Enrolment:
    state: str
    card_number: str | None = "9900000009901"
    segment: str | None = "PBI_APBN"
    amount_due: int | None = 0


@dataclass
class FakeBpjs:
    effects: dict[str, Enrolment] = field(default_factory=dict)
    state: str = "ENROLLED"

    async def enrol_newborn(self, key: str, request: dict[str, Any]) -> Enrolment:
        return self.effects.setdefault(key, Enrolment(self.state))


def _ddmmyy(body: dict[str, Any]) -> str:
    y, m, d = body["tanggal_lahir"].split("-")
    day = int(d) + (40 if body["jenis_kelamin"] == "P" else 0)
    return f"{day:02d}{m}{y[2:]}"
