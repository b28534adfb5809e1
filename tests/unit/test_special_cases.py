"""Each special case of domain.md 3.6 and 11 as one row: what SIAK holds → what Lahir does."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest

from connectors.siak_client import SiakRejected
from pipeline.domain.citizenship import child_citizenship
from pipeline.domain.errors import TransientError
from pipeline.domain.problems import disagreements_with_siak, jurisdiction, problem
from pipeline.domain.tasks import TaskState, initial_states
from pipeline.handlers.executors import EXECUTORS, KK_RACE_ATTEMPTS, TaskInput, TaskOutcome
from pipeline.ports import Ports
from schemas.birth import BirthReport
from tests.builders import FATHER_NIK, MOTHER_NIK, a_birth_report
from tests.fakes import FakeBpjs

NOMOR_KK = "3673012010159901"
CHILD_NIK = "3673016211269901"
OTHER_MAN = "3673011505909905"
GRANDPA = "3673010101609906"


def family(*, regency: str = "3673", mother_shdk: str = "ISTRI",
           status: str = "KAWIN TERCATAT", husband: str | None = "KEPALA KELUARGA",
           husband_citizenship: str = "WNI") -> dict[str, dict[str, Any]]:
    """SIAK's answers to /penduduk/cari for the mother and her husband, shaped like SIAK's."""
    members = [{"nik": MOTHER_NIK, "shdk": mother_shdk, "jenis_kelamin": "P"}]
    if mother_shdk == "ANAK":
        members.insert(0, {"nik": GRANDPA, "shdk": "KEPALA KELUARGA", "jenis_kelamin": "L"})
    if husband:
        members.append({"nik": FATHER_NIK, "shdk": husband, "jenis_kelamin": "L"})
    kk = {"nomor_kk": NOMOR_KK, "versi": 1, "kode_kabupaten": regency, "anggota": members}
    people = {MOTHER_NIK: {"penduduk": {"nik": MOTHER_NIK, "jenis_kelamin": "P",
                                        "shdk": mother_shdk, "status_perkawinan": status,
                                        "kewarganegaraan": "WNI"}, "kk": kk},
              OTHER_MAN: {"penduduk": {"nik": OTHER_MAN, "kewarganegaraan": "WNI"}, "kk": {}}}
    if husband:
        foreign = husband_citizenship == "WNA"
        people[FATHER_NIK] = {"penduduk": {
            "nik": FATHER_NIK, "jenis_kelamin": "L", "shdk": husband,
            "kewarganegaraan": husband_citizenship,
            "no_paspor": "X99000001" if foreign else None,
            "no_kitas": "2C2100000199" if foreign else None}, "kk": kk}
    return people


@dataclass
class Siak:
    """SIAK as the executors see it; `refuse_akta` plays its STATUS_ORTU_TIDAK_SESUAI check."""

    people: dict[str, dict[str, Any]]
    refuse_akta: str | None = None
    kk_race: int = 0  # how many re-issues lose the race to another child first
    calls: list[str] = field(default_factory=list)
    anggota: list[dict[str, Any]] = field(default_factory=list)

    async def lookup(self, nik: str) -> dict[str, Any] | None:
        self.calls.append("cari")
        if nik == CHILD_NIK:
            return {"penduduk": {"nik": nik}, "kk": {"nomor_kk": NOMOR_KK, "versi": 1,
                                                     "anggota": self.anggota}}
        return self.people.get(nik)

    async def register_birth(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append("kelahiran")
        return {"nik": CHILD_NIK, "nomor_kk": NOMOR_KK, "kode_kecamatan": "367301"}

    async def reissue_kk(self, key: str, nomor_kk: str, nik_anak: str, nama_anak: str | None,
                   expected_version: int | None) -> dict[str, Any]:
        self.calls.append(f"kk@{expected_version}")
        if self.kk_race:
            self.kk_race -= 1
            raise SiakRejected("VERSI_KK_BERUBAH", "KK sudah diterbitkan ulang", http_status=409)
        self.anggota = [*self.people[MOTHER_NIK]["kk"]["anggota"],
                        {"nik": nik_anak, "shdk": "ANAK", "jenis_kelamin": "P"}]
        return {"nomor_kk": nomor_kk, "versi": 2, "anggota": self.anggota}

    async def register_akta(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append("akta")
        if self.refuse_akta:
            raise SiakRejected("STATUS_ORTU_TIDAK_SESUAI", "KK tidak menunjukkan perkawinan",
                               http_status=422, details={"status_perkawinan": self.refuse_akta})
        return {"nomor_akta": "3673-LU-22112026-0001", "jenis": "LU",
                "tanggal_registrasi": "2026-11-22", "nik_anak": body["nik_anak"]}

    async def issue_kia(self, key: str, nik_anak: str, nomor_akta: str) -> dict[str, Any]:
        self.calls.append("kia")
        return {"nik": nik_anak, "jenis": "0-5", "nomor_kk": NOMOR_KK, "nomor_akta": nomor_akta,
                "kepala_keluarga": "AHMAD FAUZI", "berlaku_sampai": "2031-11-21"}


def run(kind: str, report: BirthReport, siak: Siak,
        results: dict[str, dict[str, Any]] | None = None) -> TaskOutcome:
    task = TaskInput("reg_TEST", report, CHILD_NIK if kind != "nik" else None,
                     NOMOR_KK if kind != "nik" else None, results or {})
    return asyncio.run(EXECUTORS[kind](task, Ports(siak=siak, bpjs=FakeBpjs())))


def run_all(report: BirthReport, siak: Siak) -> dict[str, TaskOutcome]:
    """NIK, then KK, akta and KIA in the domain's order, each seeing the earlier results."""
    outcomes: dict[str, TaskOutcome] = {}
    for kind in ("nik", "kk", "akta", "kia"):
        results = {k: o.detail for k, o in outcomes.items()}
        outcomes[kind] = run(kind, report, siak, results)
        if outcomes[kind].state == TaskState.FAILED:
            break
    return outcomes


UNREGISTERED = {"marriage": {"status": "BELUM_TERCATAT", "certificate_number": None}}
NO_FATHER = {"marriage": {"status": "TIDAK_ADA", "certificate_number": None}, "father": None,
             "informant": {"nik": MOTHER_NIK, "name": "Siti Nurhaliza", "relation": "IBU"}}
NOT_REGISTERED = "yang perkawinannya belum tercatat sesuai dengan ketentuan peraturan"

CASES = [
    # case, report overrides, SIAK's records, problem code (None: none), what the akta says
    ("registered marriage", {}, {}, None,
     {"wording": "dari ayah AHMAD FAUZI dan ibu SITI NURHALIZA.", "jenis_kelahiran": "Tunggal",
      "status_ortu": "NIKAH_TERCATAT"}),
    ("marriage not registered", UNREGISTERED, {"status": "KAWIN BELUM TERCATAT"}, None,
     {"wording": f"dari ayah AHMAD FAUZI dan ibu SITI NURHALIZA {NOT_REGISTERED}",
      "status_ortu": "NIKAH_BELUM_TERCATAT"}),
    ("no father: anak seorang ibu", NO_FATHER,
     {"mother_shdk": "KEPALA KELUARGA", "status": "CERAI HIDUP TERCATAT", "husband": None},
     None, {"wording": "anak dari seorang ibu bernama SITI NURHALIZA.", "nama_ayah": None,
            "status_ortu": "ANAK_IBU"}),
    ("foreign father", {}, {"husband_citizenship": "WNA"}, "LIMITED_DUAL_CITIZENSHIP",
     {"wording": "dari ayah AHMAD FAUZI dan ibu SITI NURHALIZA.", "kewarganegaraan": "WNI",
      "kewarganegaraan_ganda_terbatas": True, "no_kitas_ayah": "2C2100000199"}),
    ("grandparent heads the KK", {}, {"mother_shdk": "ANAK", "husband": "MENANTU"}, None,
     {"wording": "dari ayah AHMAD FAUZI dan ibu SITI NURHALIZA."}),
    ("twin 2 of 2", {"child__multiplicity": 2, "child__birth_order": 2}, {}, None,
     {"jenis_kelahiran": "Kembar 2", "kelahiran_ke": 2}),
    ("triplet 3 of 3", {"child__multiplicity": 3, "child__birth_order": 3}, {}, None,
     {"jenis_kelahiran": "Kembar 3", "kelahiran_ke": 3}),
    ("KK outside Kota Serang", {}, {"regency": "3604"}, "OUTSIDE_JURISDICTION", None),
    ("TERCATAT but SIAK's KK says not registered", {}, {"status": "KAWIN BELUM TERCATAT"},
     "MARRIAGE_STATUS_MISMATCH", None),
    ("BELUM_TERCATAT but SIAK's KK says registered", UNREGISTERED, {},
     "MARRIAGE_STATUS_MISMATCH", None),
    ("BELUM_TERCATAT but the KK shows her unmarried", UNREGISTERED,
     {"mother_shdk": "KEPALA KELUARGA", "status": "BELUM KAWIN", "husband": None},
     "MARRIAGE_STATUS_MISMATCH", None),
    ("the father is not her husband on the KK", {"father": {"nik": OTHER_MAN, "name": "Budi"}},
     {}, "FATHER_NOT_HUSBAND_ON_KK", None),
]


@pytest.mark.parametrize(("case", "overrides", "records", "code", "says"), CASES,
                         ids=[c[0] for c in CASES])
def test_each_special_case_gets_its_outcome(case: str, overrides: dict[str, Any],
                                            records: dict[str, Any], code: str | None,
                                            says: dict[str, Any] | None) -> None:
    report = BirthReport.model_validate(a_birth_report(
        born_at="2026-11-22T08:15:00+07:00", **overrides))
    siak = Siak(family(**records))
    outcomes = run_all(report, siak)
    problems = [o.problem["code"] for o in outcomes.values() if o.problem]
    assert problems == ([code] if code else []), case
    if says is None:  # refused before any effect: no NIK was requested
        assert outcomes["nik"].state == TaskState.FAILED and "kelahiran" not in siak.calls
        assert outcomes["nik"].problem and outcomes["nik"].problem["needs_correction"]
        return
    assert [o.state for o in outcomes.values()] == [
        TaskState.DONE, TaskState.AWAITING_APPROVAL, TaskState.AWAITING_APPROVAL,
        TaskState.AWAITING_APPROVAL]
    akta = outcomes["akta"].document
    assert akta is not None
    content, fields = akta[2], {k: v for k, v in says.items() if k != "wording"}
    assert says.get("wording", "") in content["wording"]
    assert {k: content[k] for k in fields} == fields


def test_outside_kota_serang_says_which_dinas_registers_the_birth() -> None:
    report = BirthReport.model_validate(a_birth_report())
    found = run("nik", report, Siak(family(regency="3604"))).problem
    assert found is not None
    assert (found["kk_regency"], found["regency_name"], found["dinas"]) == (
        "3604", "Kabupaten Serang", "Disdukcapil Kabupaten Serang")
    assert "Disdukcapil Kabupaten Serang" in found["message_id"]
    assert "Disdukcapil Kabupaten Serang" in found["message_en"]
    assert jurisdiction("3201")["dinas"] == "Disdukcapil kabupaten/kota 3201"


def test_a_foreign_father_makes_a_wni_child_with_limited_dual_citizenship() -> None:
    report = BirthReport.model_validate(a_birth_report(born_at="2026-11-22T08:15:00+07:00"))
    outcomes = run_all(report, Siak(family(husband_citizenship="WNA")))
    note = outcomes["nik"].problem
    assert note is not None and not note.get("needs_correction")  # the status stays good
    assert note["requirements"] == ["PASPOR_AYAH", "KITAS_ATAU_KITAP_AYAH", "AFIDAVIT_IMIGRASI"]
    assert note["dual_until"] == "2044-11-22" and "Pasal 4 huruf d, Pasal 6" in note["message_id"]
    assert outcomes["nik"].detail["citizenship"]["ganda_terbatas"] is True
    akta = outcomes["akta"].document
    assert akta is not None
    assert akta[2]["kewarganegaraan"] == "WNI" and akta[2]["kewarganegaraan_ayah"] == "WNA"
    assert akta[2]["no_paspor_ayah"] == "X99000001"
    kia = outcomes["kia"].document
    assert kia is not None and kia[2]["kewarganegaraan"] == "WNI"


@pytest.mark.parametrize(("mother", "father", "marriage", "citizenship", "dual", "foreign"), [
    ("WNI", "WNI", "TERCATAT", "WNI", False, None),
    ("WNI", None, "TIDAK_ADA", "WNI", False, None),           # Pasal 4 huruf g
    ("WNI", "WNA", "TERCATAT", "WNI", True, "AYAH"),         # Pasal 4 huruf d, Pasal 6
    ("WNA", "WNI", "TERCATAT", "WNI", True, "IBU"),          # Pasal 4 huruf c, Pasal 6
    ("WNI", "WNA", "BELUM_TERCATAT", "WNI", False, "AYAH"),  # outside a legal marriage: g
    ("WNA", "WNI", "BELUM_TERCATAT", "WNI", True, "IBU"),    # h: acknowledged by a WNI father
    ("WNA", "WNA", "TERCATAT", "WNA", False, None),          # both foreign: orang asing
    ("WNA", None, "TIDAK_ADA", "WNA", False, None),
])
def test_the_childs_citizenship_follows_uu_12_2006(mother: str, father: str | None,
                                                   marriage: str, citizenship: str, dual: bool,
                                                   foreign: str | None) -> None:
    found = child_citizenship(mother, father, marriage)
    assert (found.kewarganegaraan, found.ganda_terbatas, found.orang_tua_asing) == (
        citizenship, dual, foreign)
    if foreign:
        assert f"PASPOR_{foreign}" in found.persyaratan


def test_siak_refusing_the_akta_wording_asks_the_hospital_to_correct_the_marriage() -> None:
    """SIAK remains the judge when its lookup said nothing about the marriage."""
    report = BirthReport.model_validate(a_birth_report())
    records = family()
    del records[MOTHER_NIK]["penduduk"]["status_perkawinan"]
    outcome = run("akta", report, Siak(records, refuse_akta="KAWIN BELUM TERCATAT"))
    assert outcome.state == TaskState.FAILED and outcome.problem is not None
    assert outcome.problem["code"] == "MARRIAGE_STATUS_MISMATCH"
    assert outcome.problem["needs_correction"] and outcome.problem["field"] == "marriage.status"
    assert "(TERCATAT)" in outcome.problem["message_id"]
    assert "(KAWIN BELUM TERCATAT)" in outcome.problem["message_en"]


def test_a_kk_reissued_meanwhile_is_read_again_and_the_child_still_joins() -> None:
    report = BirthReport.model_validate(a_birth_report())
    siak = Siak(family(), kk_race=2)
    outcome = run("kk", report, siak)
    assert outcome.state == TaskState.AWAITING_APPROVAL
    assert [c for c in siak.calls if c.startswith("kk@")] == ["kk@1"] * 3
    assert outcome.document is not None
    assert [m["nik"] for m in outcome.document[2]["anggota"] if m["baru"]] == [CHILD_NIK]


def test_a_kk_that_keeps_changing_is_retried_later() -> None:
    report = BirthReport.model_validate(a_birth_report())
    with pytest.raises(TransientError):
        run("kk", report, Siak(family(), kk_race=KK_RACE_ATTEMPTS))


def test_a_stillbirth_fans_out_to_nothing() -> None:
    assert set(initial_states(live_birth=False).values()) == {TaskState.NOT_APPLICABLE}


@pytest.mark.parametrize(("reported", "status", "mismatch"), [
    ("TERCATAT", "KAWIN TERCATAT", False),
    ("TERCATAT", "KAWIN BELUM TERCATAT", True),
    ("BELUM_TERCATAT", "KAWIN BELUM TERCATAT", False),
    ("BELUM_TERCATAT", "KAWIN", False),            # older SIAK value: married, SPTJM allowed
    ("BELUM_TERCATAT", "KAWIN TERCATAT", True),
    ("BELUM_TERCATAT", "CERAI MATI", True),
    ("TIDAK_ADA", "KAWIN TERCATAT", False),        # the akta then names the mother only
    ("TERCATAT", None, False),                     # SIAK said nothing: SIAK judges at the akta
])
def test_the_reported_marriage_must_match_the_kk(reported: str, status: str | None,
                                                 mismatch: bool) -> None:
    found = {"penduduk": {"status_perkawinan": status, "shdk": "ISTRI"},
             "kk": {"anggota": [{"nik": FATHER_NIK, "shdk": "KEPALA KELUARGA"}]}}
    father = FATHER_NIK if reported != "TIDAK_ADA" else None
    result = disagreements_with_siak(reported, father, found)
    assert (result is not None and result["code"] == "MARRIAGE_STATUS_MISMATCH") is mismatch


def test_every_problem_has_both_languages_and_fills_its_placeholders() -> None:
    found = problem("MARRIAGE_STATUS_MISMATCH", "nik", reported="TERCATAT",
                    status_perkawinan="KAWIN BELUM TERCATAT")
    assert "(TERCATAT)" in found["message_id"] and "{" not in found["message_en"]
    assert "{" not in problem("OUTSIDE_JURISDICTION")["message_id"]  # missing: shown as "-"
    assert problem("FATHER_NOT_FOUND", "nik")["field"] == "father.nik"  # SIAK's refusals too
