"""The special cases of domain.md 3.6 and 11 on the real stack: status, SIAK ledger, documents."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from connectors.hospital_client import HospitalClient
from connectors.siak_client import SiakHttpClient
from pipeline.persistence.tables import Document
from tests.e2e.conftest import FACILITY, SECRET, RunningStack, reports_for
from tests.e2e.flows import follow, post_and_follow

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
AKTA_NUMBER = re.compile(r"^3673-LU-\d{8}-\d{4}$")
NOT_REGISTERED = ("yang perkawinannya belum tercatat sesuai dengan ketentuan peraturan "
                  "perundang-undangan")
REGISTRY_TASKS = ("nik", "kk", "akta", "kia")


# ----------------------------------------------------------------------------- helpers

def documents(stack: RunningStack, reg: str) -> dict[str, dict[str, Any]]:
    """The drafts an officer will review, by kind: their stored content."""
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Document.kind, Document.number, Document.content)
                                .where(Document.registration_id == reg)).all()
    finally:
        engine.dispose()
    return {kind: {**content, "_number": number} for kind, number, content in rows}


def siak_lookup(stack: RunningStack, nik: str) -> dict[str, Any]:
    with SiakHttpClient(stack.siak, "lahir-dev-siak-key") as siak:
        found = siak.lookup(nik)
    assert found is not None, nik
    return found


def siak_effects(stack: RunningStack) -> Counter[str]:
    return Counter(e["key"] for e in stack.ledger("siak"))


def effects_of(effects: Counter[str], reg: str) -> dict[str, int]:
    return {key: n for key, n in effects.items() if key.startswith(f"{reg}:")}


def mother_with_husband(stack: RunningStack, kind: str) -> dict[str, Any]:
    return next(m for m in stack.mothers(20, kind=kind) if m["nik_suami"])


def check_child(view: dict[str, Any], report: dict[str, Any], mother: dict[str, Any]) -> None:
    """NIK from the KK's kecamatan and the local birth date (+40 for girls), synthetic serial."""
    nik, born = view["child_nik"], report["born_at"]
    day = int(born[8:10]) + (40 if report["child"]["sex"] == "P" else 0)
    assert nik[:12] == f"{mother['kode_kelurahan'][:6]}{day:02d}{born[5:7]}{born[2:4]}"
    assert 9900 <= int(nik[12:]) <= 9999


def check_drafts(stack: RunningStack, view: dict[str, Any], report: dict[str, Any],
                 effects: Counter[str]) -> dict[str, dict[str, Any]]:
    """All drafts awaiting approval, each SIAK effect once, akta and KIA agreeing with the KK."""
    reg, nik = view["registration_id"], view["child_nik"]
    assert view["status"] == "AWAITING_APPROVAL", view
    assert [effects[f"{reg}:{kind}"] for kind in REGISTRY_TASKS] == [1, 1, 1, 1]
    docs = documents(stack, reg)
    assert set(docs) == {"KK", "AKTA_KELAHIRAN", "KIA"}
    akta, kia, kk = docs["AKTA_KELAHIRAN"], docs["KIA"], docs["KK"]
    assert AKTA_NUMBER.match(akta["nomor_akta"]) and akta["_number"] == akta["nomor_akta"]
    assert akta["nomor_akta"] == view["tasks"]["akta"]["number"]
    assert akta["nik_anak"] == kia["nik"] == nik
    assert akta["nama_anak"] == kia["nama"] == report["child"]["name"].upper()
    assert akta["nama_ibu"] == report["mother"]["name"].upper()
    assert akta["jenis_kelamin"] == {"L": "LAKI-LAKI", "P": "PEREMPUAN"}[report["child"]["sex"]]
    assert akta["tempat_lahir"] == "KOTA SERANG"
    assert akta["pukul"] == f"{report['born_at'][11:16]} WIB"
    assert akta["tanggal_lahir"] == report["born_at"][:10] and akta["wording"]
    assert kia["nomor_akta"] == akta["nomor_akta"] and kia["nomor_kk"] == kk["nomor_kk"]
    assert kia["nama_kepala_keluarga"] == kk["kepala_keluarga"] and kia["berlaku_sampai"]
    assert [m["nik"] for m in kk["anggota"] if m["baru"]] == [nik]
    assert nik not in {m["nik"] for m in kk["anggota_sebelumnya"]}
    return docs


def twins(mother: dict[str, Any], seed: int, prefix: str, sexes: str) -> list[dict[str, Any]]:
    """One report per child: same mother and born_at, multiplicity n, birth_order 1..n."""
    reports = reports_for([mother] * len(sexes), seed, prefix)
    names = ("Hasan", "Husain", "Fatimah", "Zainab")
    for order, (report, sex) in enumerate(zip(reports, sexes, strict=True), start=1):
        report["born_at"] = reports[0]["born_at"]
        report["child"].update(sex=sex, name=f"{names[order - 1]} {prefix.title()}",
                               multiplicity=len(sexes), birth_order=order)
    return reports


# ----------------------------------------------------------------------------- cases

async def test_twins_and_triplets_each_get_their_own_documents_and_all_join_the_kk(
        stack: RunningStack) -> None:
    pair_mother, three_mother = stack.mothers(2, offset=0)
    pair = twins(pair_mother, 21, "KEMBAR", "PP")  # same sex: same NIK prefix, two serials
    three = twins(three_mother, 22, "TIGA", "LLP")
    final = await post_and_follow(stack, pair + three)  # posted concurrently
    by_notification = {v["notification_id"]: v for v in final.values()}
    effects = siak_effects(stack)
    for mother, reports in ((pair_mother, pair), (three_mother, three)):
        views = [by_notification[r["notification_id"]] for r in reports]
        drafts = []
        for view, report in zip(views, reports, strict=True):
            check_child(view, report, mother)
            drafts.append(check_drafts(stack, view, report, effects))
        niks = [v["child_nik"] for v in views]
        aktas = [d["AKTA_KELAHIRAN"] for d in drafts]
        assert len(set(niks)) == len(reports)
        assert len({a["nomor_akta"] for a in aktas}) == len(reports)
        assert [(a["jenis_kelahiran"], a["kelahiran_ke"]) for a in aktas] == [
            (f"Kembar {len(reports)}", order) for order in range(1, len(reports) + 1)]
        versions = sorted(d["KK"]["versi"] for d in drafts)  # one re-issue per child, no loss
        assert versions == list(range(versions[0], versions[0] + len(reports)))
        latest = max((d["KK"] for d in drafts), key=lambda kk: kk["versi"])
        assert set(niks) <= {m["nik"] for m in latest["anggota"]}
        family = siak_lookup(stack, mother["nik"])["kk"]
        assert family["nomor_kk"] == mother["nomor_kk"]
        members = {m["nik"]: m["shdk"] for m in family["anggota"]}
        assert all(members.get(nik) == "ANAK" for nik in niks), members


async def test_a_stillbirth_gets_only_a_surat_keterangan_lahir_mati(stack: RunningStack) -> None:
    report = reports_for(stack.mothers(1, offset=2), 23, "E2E-MATI", named=False)[0]
    report["live_birth"] = False
    view = list((await post_and_follow(stack, [report])).values())[0]
    reg = view["registration_id"]
    assert view["status"] == "AWAITING_APPROVAL" and view["child_nik"] is None
    assert {t["state"] for t in view["tasks"].values()} == {"NOT_APPLICABLE"}
    docs = documents(stack, reg)
    assert set(docs) == {"SK_LAHIR_MATI"}
    assert report["mother"]["name"].upper() in str(docs["SK_LAHIR_MATI"]).upper()
    assert effects_of(siak_effects(stack), reg) == {}
    assert not [e for e in stack.ledger("bpjs") if e["key"].startswith(reg)]


@pytest.mark.parametrize(("kind", "status_ortu", "says"), [
    ("happy", "NIKAH_TERCATAT", "dari ayah {ayah} dan ibu {ibu}."),
    ("unregistered_marriage", "NIKAH_BELUM_TERCATAT", f"dari ayah {{ayah}} dan ibu {{ibu}} "
                                                      f"{NOT_REGISTERED}."),
    ("no_husband", "ANAK_IBU", "anak dari seorang ibu bernama {ibu}."),
    ("legacy_nik", "NIKAH_TERCATAT", "dari ayah {ayah} dan ibu {ibu}."),  # 3604 NIK, KK in 3673
])
async def test_the_akta_wording_follows_the_parents_marriage(
        stack: RunningStack, kind: str, status_ortu: str, says: str) -> None:
    mother = stack.mothers(1, kind=kind, offset=3)[0]
    report = reports_for([mother], 24, f"E2E-{kind.upper()}")[0]
    view = list((await post_and_follow(stack, [report])).values())[0]
    check_child(view, report, mother)
    akta = check_drafts(stack, view, report, siak_effects(stack))["AKTA_KELAHIRAN"]
    ayah = (mother["nama_suami"] or "").upper()
    assert akta["status_ortu"] == status_ortu and akta["kewarganegaraan"] == "WNI"
    assert akta["wording"].endswith(says.format(ayah=ayah, ibu=mother["nama"].upper()))
    assert akta["nama_ayah"] == (ayah or None)
    assert view["problems"] == [] or [p["code"] for p in view["problems"]] == [
        "BPJS_NOT_A_MEMBER"]


async def test_a_foreign_father_gives_a_wni_child_with_limited_dual_citizenship(
        stack: RunningStack) -> None:
    mother = stack.mothers(1, kind="foreign_father")[0]
    report = reports_for([mother], 25, "E2E-WNA")[0]
    view = list((await post_and_follow(stack, [report])).values())[0]
    check_child(view, report, mother)
    akta = check_drafts(stack, view, report, siak_effects(stack))["AKTA_KELAHIRAN"]
    father = siak_lookup(stack, mother["nik_suami"])["penduduk"]
    assert father["kewarganegaraan"] == "WNA"
    assert (akta["kewarganegaraan"], akta["kewarganegaraan_ganda_terbatas"]) == ("WNI", True)
    assert (akta["no_paspor_ayah"], akta["no_kitas_ayah"]) == (father["no_paspor"],
                                                                father["no_kitas"])
    assert "Pasal 4 huruf d, Pasal 6" in akta["catatan_kewarganegaraan"]
    notes = {p["code"]: p for p in view["problems"]}
    dual = notes["LIMITED_DUAL_CITIZENSHIP"]
    assert dual["requirements"] == ["PASPOR_AYAH", "KITAS_ATAU_KITAP_AYAH", "AFIDAVIT_IMIGRASI"]
    assert dual["message_id"] and dual["message_en"] and dual["foreign_parent"] == "AYAH"


async def test_a_family_registered_outside_kota_serang_is_sent_to_its_own_dinas(
        stack: RunningStack) -> None:
    mother = stack.mothers(1, kind="outside_city")[0]
    report = reports_for([mother], 26, "E2E-LUAR")[0]
    view = list((await post_and_follow(stack, [report])).values())[0]
    assert view["status"] == "NEEDS_CORRECTION" and view["child_nik"] is None
    [found] = view["problems"]
    assert (found["code"], found["kk_regency"], found["regency_name"], found["dinas"]) == (
        "OUTSIDE_JURISDICTION", mother["kode_kelurahan"][:4], "Kabupaten Serang",
        "Disdukcapil Kabupaten Serang")
    assert "Disdukcapil Kabupaten Serang" in found["message_id"]
    assert effects_of(siak_effects(stack), view["registration_id"]) == {}  # no NIK requested
    assert documents(stack, view["registration_id"]) == {}


async def test_under_a_grandparent_head_the_newborn_joins_the_kk_as_cucu(
        stack: RunningStack) -> None:
    mother = mother_with_husband(stack, "grandparent_head")
    report = reports_for([mother], 27, "E2E-CUCU")[0]
    view = list((await post_and_follow(stack, [report])).values())[0]
    check_child(view, report, mother)
    kk = check_drafts(stack, view, report, siak_effects(stack))["KK"]
    [row] = [m for m in kk["anggota"] if m["baru"]]
    assert row["shdk"] == "CUCU" and row["nik_ibu"] == mother["nik"]
    head = siak_lookup(stack, mother["nik"])["kk"]
    assert {m["nik"]: m["shdk"] for m in head["anggota"]}[view["child_nik"]] == "CUCU"
    assert head["kepala_keluarga"] != mother["nama"]


async def test_a_report_disagreeing_with_siak_asks_for_a_correction_before_any_effect(
        stack: RunningStack) -> None:
    unregistered = stack.mothers(1, kind="unregistered_marriage", offset=5)[0]
    said_registered = reports_for([unregistered], 28, "E2E-NIKAH")[0]
    said_registered["marriage"] = {"status": "TERCATAT", "certificate_number": "0999/045/XI/2019"}
    happy, stranger = stack.mothers(2, offset=10)
    wrong_father = reports_for([happy], 29, "E2E-AYAH")[0]
    wrong_father["father"] = {"nik": stranger["nik_suami"], "name": stranger["nama_suami"]}
    wrong_father["informant"] = {**wrong_father["father"], "relation": "AYAH"}
    final = await post_and_follow(stack, [said_registered, wrong_father])
    by_notification = {v["notification_id"]: v for v in final.values()}
    effects = siak_effects(stack)
    for report, code, field in ((said_registered, "MARRIAGE_STATUS_MISMATCH", "marriage.status"),
                                (wrong_father, "FATHER_NOT_HUSBAND_ON_KK", "father.nik")):
        view = by_notification[report["notification_id"]]
        assert view["status"] == "NEEDS_CORRECTION" and view["child_nik"] is None
        assert [(p["code"], p["field"]) for p in view["problems"]] == [(code, field)]
        assert view["problems"][0]["message_id"] and view["problems"][0]["message_en"]
        assert effects_of(effects, view["registration_id"]) == {}

    reg = by_notification[said_registered["notification_id"]]["registration_id"]
    corrected = {**said_registered, "marriage": {"status": "BELUM_TERCATAT",
                                                 "certificate_number": None}}
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        assert (await client.post_birth(corrected)).status_code == 202
    view = await _until_drafts(stack, reg)
    akta = documents(stack, reg)["AKTA_KELAHIRAN"]
    assert akta["status_ortu"] == "NIKAH_BELUM_TERCATAT" and NOT_REGISTERED in akta["wording"]
    assert view["problems"] == [] or [p["code"] for p in view["problems"]] == [
        "BPJS_NOT_A_MEMBER"]
    assert effects_of(siak_effects(stack), reg) == {
        f"{reg}:{kind}:r1": 1 for kind in REGISTRY_TASKS}


async def _until_drafts(stack: RunningStack, reg: str) -> dict[str, Any]:
    for _ in range(300):
        view = (await follow(stack, [reg]))[reg]
        if view["status"] == "AWAITING_APPROVAL":
            return view
        await asyncio.sleep(0.3)
    raise AssertionError(view)
