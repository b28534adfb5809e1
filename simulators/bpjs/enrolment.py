"""Newborn enrolment (`POST /jkn/Peserta/bayi`, our design): idempotent, one effect per baby."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

import structlog
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas.identifiers import JknNumber, Nik, nik_birth_date, nik_sex
from simulators.bpjs import rules
from simulators.bpjs.bridge import BridgeError
from simulators.bpjs.participants import Participants, provider

log = structlog.get_logger(__name__)
WIT = timezone(timedelta(hours=9), "WIT")  # a birth's local date is never later than in WIT


class NewbornRequest(BaseModel):
    """The bridge's own camelCase names; NIKs and card numbers are strings, never numbers."""

    model_config = ConfigDict(extra="ignore")
    nikIbu: Nik
    noKartuIbu: JknNumber | None = None
    nikBayi: Nik
    namaBayi: str = Field(min_length=1, max_length=100)  # "Bayi Ny. <ibu>" until named
    tglLahir: date
    sex: Literal["L", "P"]
    kelahiranKe: int = Field(default=1, ge=1, le=9)


@dataclass(frozen=True)
class Answer:
    code: str
    message: str
    payload: dict[str, Any] | None = None


class Enrolments:
    def __init__(
        self, participants: Participants, tariffs: rules.Tariffs, clock: Callable[[], datetime]
    ) -> None:
        self.participants, self.tariffs, self.clock = participants, tariffs, clock
        self.store = participants.store

    def enrol(self, key: str, body: dict[str, Any]) -> Answer:
        request = self._validate(body)
        fingerprint = hashlib.sha256(
            json.dumps(body.get("request"), sort_keys=True, default=str).encode()
        ).hexdigest()
        with self.store.lock:  # read, decide and write as one step
            seen = self.store.answer_for(key)
            if seen is not None:
                if seen[0] != fingerprint:
                    raise BridgeError("409", "X-Idempotency-Key sudah dipakai untuk data lain", 409)
                return Answer(**seen[1])
            return self._first_time(key, fingerprint, request)

    def _first_time(self, key: str, fingerprint: str, request: NewbornRequest) -> Answer:
        at = self.clock().isoformat()
        existing = self.store.newborn(request.nikBayi)
        if existing is not None:
            if existing["nikIbu"] != request.nikIbu:
                raise BridgeError("409", "NIK bayi sudah terdaftar dengan ibu lain", 409)
            answer = Answer("200", "OK", {"peserta": _public(existing)})
            self.store.remember(key, fingerprint, asdict(answer), at)
            log.info("bpjs_newborn_already_enrolled", idempotency_key=key)
            return answer
        found = self.participants.member(request.nikIbu)
        if found is None:
            answer = Answer("201", rules.not_a_member_message(request.tglLahir))
            self.store.remember(key, fingerprint, asdict(answer), at)
            log.info("bpjs_mother_not_a_participant", idempotency_key=key)
            return answer
        mother, family = found
        if request.noKartuIbu and request.noKartuIbu != family.jkn_numbers[mother.nik]:
            raise BridgeError("400", "noKartuIbu tidak sesuai dengan NIK ibu", 400)
        ordinal = self.participants.child_ordinal(mother, family, request.nikBayi, request.tglLahir)
        decision = rules.decide(
            family.bpjs_segment or "", family.bpjs_class, ordinal, request.tglLahir, self.tariffs
        )
        record = self._record(request, decision, provider(family))
        answer = Answer("200", "OK", {"peserta": _public(record)})
        result = {k: record[k] for k in ("noKartu", "status", "segmen", "iuran")}
        self.store.enrol(key, fingerprint, request.nikIbu, record, asdict(answer), result, at)
        log.info(
            "bpjs_newborn_enrolled",
            idempotency_key=key,
            status=decision.status,
            segment=decision.segment,
        )
        return answer

    def _validate(self, body: dict[str, Any]) -> NewbornRequest:
        try:
            request = NewbornRequest.model_validate(body.get("request"))
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) or "request" for e in exc.errors())
            raise BridgeError("400", f"Data permintaan tidak valid: {fields}", 400) from None
        if nik_sex(request.nikBayi) != request.sex:
            raise BridgeError("400", "Jenis kelamin tidak sesuai dengan NIK bayi", 400)
        if _nik_date(request.nikBayi) != request.tglLahir:
            raise BridgeError("400", "Tanggal lahir tidak sesuai dengan NIK bayi", 400)
        if request.tglLahir > self.clock().astimezone(WIT).date():  # latest calendar date in RI
            raise BridgeError("400", "Tanggal lahir di masa depan", 400)
        return request

    def _record(
        self, request: NewbornRequest, decision: rules.Decision, prov: dict[str, str]
    ) -> dict[str, Any]:
        return {
            "noKartu": self.participants.new_card_number(),
            "nik": request.nikBayi,
            "nama": request.namaBayi,
            "sex": request.sex,
            "tglLahir": request.tglLahir.isoformat(),
            "status": decision.status,
            "segmen": decision.segment,
            "jenisPeserta": rules.jenis_peserta(decision.segment),
            "hakKelas": rules.hak_kelas(decision.kelas),
            "statusPeserta": rules.status_peserta(decision.status_peserta),
            "iuran": decision.iuran,
            "batasPendaftaran": rules.registration_deadline(request.tglLahir).isoformat(),
            "batasUpdateNik": rules.nik_update_deadline(request.tglLahir).isoformat(),
            "keterangan": decision.keterangan,
            "provUmum": prov,
            "nikIbu": request.nikIbu,
            "kelahiranKe": request.kelahiranKe,
            "enrolledOn": self.clock().date().isoformat(),
        }


PUBLIC_FIELDS = (
    "noKartu",
    "nik",
    "nama",
    "status",
    "segmen",
    "jenisPeserta",
    "hakKelas",
    "statusPeserta",
    "iuran",
    "batasPendaftaran",
    "batasUpdateNik",
    "keterangan",
)


def _nik_date(nik: str) -> date | None:
    try:
        return nik_birth_date(nik)
    except ValueError:  # 31 February passes the digit checks
        return None


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in PUBLIC_FIELDS}
