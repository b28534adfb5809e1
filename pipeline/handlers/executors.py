"""What each task asks of SIAK or BPJS, and what the answer means for the registration."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pipeline.domain import documents
from pipeline.domain.citizenship import child_citizenship, dual_citizenship_dates
from pipeline.domain.errors import RegistryRejected, TransientError
from pipeline.domain.problems import SIAK_CODES, disagreements_with_siak, jurisdiction, problem
from pipeline.domain.tasks import TaskState
from pipeline.ports import Ports
from schemas.birth import BirthReport
from schemas.regions import KOTA_SERANG, utc_offset_hours

PLACE_CODES = {"RS": 1, "PUSKESMAS": 2, "POLINDES": 3, "RUMAH": 4, "LAINNYA": 5}  # F-2.01
KK_RACE_ATTEMPTS = 5  # re-reads when another child joined the same KK meanwhile (twins)


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
    def citizenship(self) -> dict[str, Any] | None:
        """What the NIK task found about the child's citizenship (pipeline.domain.citizenship)."""
        found = self.results.get("nik", {}).get("citizenship")
        return found if isinstance(found, dict) else None

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


async def run_nik(task: TaskInput, ports: Ports) -> TaskOutcome:
    report = task.report
    named = report.father if report.marriage.status != "TIDAK_ADA" else None
    mother, father = await asyncio.gather(  # side by side: SIAK answers in 150 ms each
        ports.siak.lookup(report.mother.nik), _resident(named.nik if named else None, ports))
    if mother is None:
        return _correction("MOTHER_NOT_FOUND", "nik", field="mother.nik")
    regency = mother["kk"]["kode_kabupaten"]
    if regency != KOTA_SERANG:  # domicile principle: decided by the KK address (domain.md 11)
        return _correction("OUTSIDE_JURISDICTION", "nik", **jurisdiction(regency))
    father_nik = report.father.nik if report.father else None
    if found := disagreements_with_siak(report.marriage.status, father_nik, mother):
        return TaskOutcome(TaskState.FAILED, problem=found)  # before any effect in SIAK
    try:
        result = await ports.siak.register_birth(task.key("nik"), _birth_body(task))
    except RegistryRejected as exc:
        return _correction(SIAK_CODES.get(exc.code, "REGISTRY_REJECTED"), "nik",
                           registry_code=exc.code)
    citizenship = _citizenship(task, mother, father)
    return TaskOutcome(TaskState.DONE, detail={"kode_kecamatan": result.get("kode_kecamatan"),
                                               "citizenship": citizenship},
                       child_nik=result["nik"], nomor_kk=result["nomor_kk"],
                       problem=_citizenship_note(citizenship, task))


async def run_kk(task: TaskInput, ports: Ports) -> TaskOutcome:
    """Optimistic concurrency: twins' re-issues of one KK never overwrite each other."""
    assert task.child_nik and task.nomor_kk
    for _ in range(KK_RACE_ATTEMPTS):
        before = await _current_kk(task, ports)
        try:
            version = await ports.siak.reissue_kk(task.key("kk"), task.nomor_kk, task.child_nik,
                                            task.report.child.name,
                                            before.get("versi") if before else None)
        except RegistryRejected as exc:
            if exc.code != "VERSI_KK_BERUBAH":
                raise
            continue  # another child joined the KK since we read it: read it again
        return TaskOutcome(TaskState.AWAITING_APPROVAL, detail={"versi": version.get("versi")},
                           document=("KK", task.nomor_kk,
                                     documents.kk_content(version, task.child_nik, before)))
    raise TransientError(f"KK re-issued concurrently {KK_RACE_ATTEMPTS} times in a row")


async def run_akta(task: TaskInput, ports: Ports) -> TaskOutcome:
    report, child = task.report, task.report.child
    if child.name is None:
        return TaskOutcome(TaskState.WAITING_FOR_NAME)
    try:
        akta = await ports.siak.register_akta(task.key("akta"), {
            "nik_anak": task.child_nik, "nama_anak": child.name,
            "tanggal_lahir": task.local_birth.date().isoformat(),
            "status_ortu": documents.status_ortu(report)})
    except RegistryRejected as exc:
        if exc.code != "STATUS_ORTU_TIDAK_SESUAI":
            raise
        return _correction("MARRIAGE_STATUS_MISMATCH", "akta", field="marriage.status",
                           reported=report.marriage.status, registry_code=exc.code,
                           status_perkawinan=getattr(exc, "details", {}).get("status_perkawinan"))
    content = documents.akta_content(report, task.local_birth, akta, task.citizenship)
    return TaskOutcome(TaskState.AWAITING_APPROVAL, detail={"number": akta["nomor_akta"]},
                       document=("AKTA_KELAHIRAN", akta["nomor_akta"], content))


async def run_kia(task: TaskInput, ports: Ports) -> TaskOutcome:
    if task.report.child.name is None:
        return TaskOutcome(TaskState.WAITING_FOR_NAME)
    assert task.child_nik
    number = task.results["akta"]["number"]
    kia = await ports.siak.issue_kia(task.key("kia"), task.child_nik, number)
    content = documents.kia_content({"nomor_akta": number, **kia}, task.report,
                                    task.local_birth, task.citizenship)
    return TaskOutcome(TaskState.AWAITING_APPROVAL, detail={},
                       document=("KIA", task.child_nik, content))


async def run_bpjs(task: TaskInput, ports: Ports) -> TaskOutcome:
    report = task.report
    birth: date = task.local_birth.date()
    result = await ports.bpjs.enrol_newborn(task.key("bpjs"), {
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


EXECUTORS: dict[str, Callable[[TaskInput, Ports], Awaitable[TaskOutcome]]] = {
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
        "kelahiran_ke": report.child.birth_order,
        "jenis_kelahiran": documents.jenis_kelahiran(report.child.multiplicity)[0],
        "tempat_dilahirkan": PLACE_CODES[report.place.kind],
        "berat_gram": report.child.weight_grams, "panjang_cm": report.child.length_cm,
    }


async def _current_kk(task: TaskInput, ports: Ports) -> dict[str, Any] | None:
    """The KK in force, as SIAK shows it to the child's NIK; None when SIAK does not say."""
    found = await ports.siak.lookup(task.child_nik or "")
    kk = (found or {}).get("kk")
    return kk if isinstance(kk, dict) and kk.get("nomor_kk") == task.nomor_kk else None


async def _resident(nik: str | None, ports: Ports) -> dict[str, Any] | None:
    """A parent's row in SIAK (None when not named or not found)."""
    if nik is None:
        return None
    found = await ports.siak.lookup(nik)
    row = (found or {}).get("penduduk")
    return row if isinstance(row, dict) else None


def _citizenship(task: TaskInput, mother: dict[str, Any],
                 father_row: dict[str, Any] | None) -> dict[str, Any]:
    """UU 12/2006 from both parents' records in SIAK (domain.md 3.6); passport/KITAS kept for
    the akta when one parent is foreign."""
    report = task.report
    named = report.father if report.marriage.status != "TIDAK_ADA" else None
    father = father_row or {}
    mother_row = mother.get("penduduk", {})
    ibu = mother_row.get("kewarganegaraan") or "WNI"
    ayah = (father.get("kewarganegaraan") or "WNI") if named else None
    found = child_citizenship(ibu, ayah, report.marriage.status)
    detail = {**found.as_detail(), "kewarganegaraan_ibu": ibu, "kewarganegaraan_ayah": ayah}
    if found.orang_tua_asing:
        foreign = father if found.orang_tua_asing == "AYAH" else mother_row
        detail.update(no_paspor=foreign.get("no_paspor"), no_kitas=foreign.get("no_kitas"))
    return detail


def _citizenship_note(citizenship: dict[str, Any], task: TaskInput) -> dict[str, Any] | None:
    """The family must act: bring the foreign parent's papers; dual citizenship at Imigrasi."""
    if not citizenship.get("orang_tua_asing") and citizenship["kewarganegaraan"] == "WNI":
        return None
    extra = {"foreign_parent": citizenship.get("orang_tua_asing"),
             "child_citizenship": citizenship["kewarganegaraan"],
             "legal_basis": citizenship["dasar_hukum"],
             "requirements": citizenship["persyaratan"]}
    if citizenship["ganda_terbatas"]:
        until, _ = dual_citizenship_dates(task.local_birth.date())
        return problem("LIMITED_DUAL_CITIZENSHIP", "nik", dual_until=until.isoformat(), **extra)
    return problem("FOREIGN_PARENT_DOCUMENTS", "nik", **extra)
