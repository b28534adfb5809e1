"""What each task asks of SIAK or BPJS, and what the answer means for the registration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pipeline.domain.errors import RegistryRejected
from pipeline.domain.problems import SIAK_CODES, problem
from pipeline.domain.tasks import TaskState
from pipeline.ports import Ports
from schemas.birth import BirthReport
from schemas.regions import KOTA_SERANG, utc_offset_hours

PLACE_CODES = {"RS": 1, "PUSKESMAS": 2, "POLINDES": 3, "RUMAH": 4, "LAINNYA": 5}  # F-2.01
STATUS_ORTU = {"TERCATAT": "NIKAH_TERCATAT", "BELUM_TERCATAT": "NIKAH_BELUM_TERCATAT",
               "TIDAK_ADA": "ANAK_IBU"}


@dataclass(frozen=True)
class TaskInput:
    registration_id: str
    report: BirthReport
    child_nik: str | None
    nomor_kk: str | None
    results: dict[str, dict[str, Any]]  # detail of the tasks already done
    revision: int = 0  # bumped by each corrected resubmission

    def key(self, kind: str) -> str:
        """Idempotency key of this task's effect: the registry dedups on it."""
        base = f"{self.registration_id}:{kind}"
        return f"{base}:r{self.revision}" if self.revision else base

    @property
    def local_birth(self) -> datetime:
        zone = timezone(timedelta(hours=utc_offset_hours(self.report.place.regency_code)))
        return self.report.born_at.astimezone(zone)


@dataclass
class TaskOutcome:
    state: TaskState
    detail: dict[str, Any] = field(default_factory=dict)
    child_nik: str | None = None
    nomor_kk: str | None = None
    document: tuple[str, str | None, dict[str, Any]] | None = None  # kind, number, content
    problem: dict[str, Any] | None = None


def run_nik(task: TaskInput, ports: Ports) -> TaskOutcome:
    report = task.report
    mother = ports.siak.lookup(report.mother.nik)
    if mother is None:
        return _correction("MOTHER_NOT_FOUND", "nik", field="mother.nik")
    regency = mother["kk"]["kode_kabupaten"]
    if regency != KOTA_SERANG:  # domicile principle: decided by the KK address (domain.md 11)
        return _correction("OUTSIDE_JURISDICTION", "nik", kk_regency=regency)
    try:
        result = ports.siak.register_birth(task.key("nik"), _birth_body(task))
    except RegistryRejected as exc:
        return _correction(SIAK_CODES.get(exc.code, "REGISTRY_REJECTED"), "nik",
                           registry_code=exc.code)
    return TaskOutcome(TaskState.DONE, detail={"kode_kecamatan": result.get("kode_kecamatan")},
                       child_nik=result["nik"], nomor_kk=result["nomor_kk"])


def run_kk(task: TaskInput, ports: Ports) -> TaskOutcome:
    assert task.child_nik and task.nomor_kk
    version = ports.siak.reissue_kk(task.key("kk"), task.nomor_kk, task.child_nik,
                                    task.report.child.name, None)
    return TaskOutcome(TaskState.AWAITING_APPROVAL, detail={"versi": version.get("versi")},
                       document=("KK", task.nomor_kk, version))


def run_akta(task: TaskInput, ports: Ports) -> TaskOutcome:
    child = task.report.child
    if child.name is None:
        return TaskOutcome(TaskState.WAITING_FOR_NAME)
    akta = ports.siak.register_akta(task.key("akta"), {
        "nik_anak": task.child_nik, "nama_anak": child.name,
        "tanggal_lahir": task.local_birth.date().isoformat(),
        "status_ortu": STATUS_ORTU[task.report.marriage.status]})
    content = {**akta, **_akta_content(task)}
    return TaskOutcome(TaskState.AWAITING_APPROVAL, detail={"number": akta["nomor_akta"]},
                       document=("AKTA_KELAHIRAN", akta["nomor_akta"], content))


def run_kia(task: TaskInput, ports: Ports) -> TaskOutcome:
    if task.report.child.name is None:
        return TaskOutcome(TaskState.WAITING_FOR_NAME)
    assert task.child_nik
    number = task.results["akta"]["number"]
    kia = ports.siak.issue_kia(task.key("kia"), task.child_nik, number)
    return TaskOutcome(TaskState.AWAITING_APPROVAL, detail={},
                       document=("KIA", task.child_nik, {**kia, "nomor_akta": number,
                                                          "nama": task.report.child.name}))


def run_bpjs(task: TaskInput, ports: Ports) -> TaskOutcome:
    report = task.report
    birth: date = task.local_birth.date()
    result = ports.bpjs.enrol_newborn(task.key("bpjs"), {
        "nikIbu": report.mother.nik, "noKartuIbu": None, "nikBayi": task.child_nik,
        "namaBayi": report.child.name or f"Bayi Ny. {report.mother.name}",  # domain.md 4.2
        "tglLahir": birth.isoformat(), "sex": report.child.sex,
        "kelahiranKe": report.child.birth_order})
    deadline = (birth + timedelta(days=28)).isoformat()  # Perpres 82/2018 Pasal 16
    detail = {"card_number": getattr(result, "card_number", None),
              "segment": getattr(result, "segment", None),
              "amount_due": getattr(result, "amount_due", None), "deadline": deadline}
    if result.state == "NOT_A_MEMBER":
        return TaskOutcome(TaskState.NOT_APPLICABLE, detail=detail,
                           problem=problem("BPJS_NOT_A_MEMBER", "bpjs", deadline=deadline))
    return TaskOutcome(TaskState(result.state), detail=detail)


EXECUTORS: dict[str, Callable[[TaskInput, Ports], TaskOutcome]] = {
    "nik": run_nik, "kk": run_kk, "akta": run_akta, "kia": run_kia, "bpjs": run_bpjs}


def _correction(code: str, task: str, **extra: Any) -> TaskOutcome:
    return TaskOutcome(TaskState.FAILED,
                       problem=problem(code, task, needs_correction=True, **extra))


def _birth_body(task: TaskInput) -> dict[str, Any]:
    report, local = task.report, task.local_birth
    return {
        "nik_ibu": report.mother.nik, "nik_ayah": report.father.nik if report.father else None,
        "nama_anak": report.child.name, "jenis_kelamin": report.child.sex,
        "tanggal_lahir": local.date().isoformat(), "pukul": local.strftime("%H:%M"),
        "kelahiran_ke": report.child.birth_order, "jenis_kelahiran": report.child.multiplicity,
        "tempat_dilahirkan": PLACE_CODES[report.place.kind],
        "berat_gram": report.child.weight_grams, "panjang_cm": report.child.length_cm,
    }


def _akta_content(task: TaskInput) -> dict[str, Any]:
    report, local = task.report, task.local_birth
    return {"nama": report.child.name, "jenis_kelamin": report.child.sex,
            "tanggal_lahir": local.date().isoformat(), "pukul": local.strftime("%H:%M"),
            "kelahiran_ke": report.child.birth_order, "ibu": report.mother.name,
            "ayah": report.father.name if report.father else None,
            "status_ortu": STATUS_ORTU[report.marriage.status]}
