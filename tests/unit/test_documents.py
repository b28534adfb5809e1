"""What the drafts say: akta fields and wording, the KK beside its previous version, the KIA."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from pipeline.domain import documents
from pipeline.domain.clock import WIB
from schemas.birth import BirthReport
from tests.builders import FATHER_NIK, MOTHER_NIK, a_birth_report

CHILD_NIK = "3673016211269901"
AKTA = {"nomor_akta": "3673-LU-22112026-0001", "jenis": "LU", "tanggal_registrasi": "2026-11-22",
        "nik_anak": CHILD_NIK, "nama_anak": "AISYAH PUTRI"}


def report(**overrides: Any) -> BirthReport:
    base = {"born_at": "2026-11-22T08:15:00+07:00", **overrides}
    return BirthReport.model_validate(a_birth_report(**base))


def akta(rep: BirthReport, citizenship: dict[str, Any] | None = None) -> dict[str, Any]:
    local = rep.born_at.astimezone(WIB)
    return documents.akta_content(rep, local, AKTA, citizenship)


@pytest.mark.parametrize(("day", "text"), [
    (date(2026, 1, 1), "1 Januari 2026"),
    (date(2026, 8, 17), "17 Agustus 2026"),
    (date(2026, 11, 22), "22 November 2026"),
])
def test_dates_are_written_with_indonesian_month_names(day: date, text: str) -> None:
    assert documents.indonesian_date(day) == text


@pytest.mark.parametrize(("multiplicity", "code", "label"), [
    (1, 1, "Tunggal"), (2, 2, "Kembar 2"), (3, 3, "Kembar 3"), (4, 4, "Kembar 4"),
    (5, 5, "Lainnya (Kembar 5)"), (7, 5, "Lainnya (Kembar 7)"),   # F-2.01 has codes 1-5 only
])
def test_jenis_kelahiran_follows_form_f201(multiplicity: int, code: int, label: str) -> None:
    assert documents.jenis_kelahiran(multiplicity) == (code, label)


def test_the_akta_carries_the_f201_fields_an_officer_checks() -> None:
    content = akta(report())
    assert {k: content[k] for k in (
        "nomor_akta", "nik_anak", "nama_anak", "jenis_kelamin", "tempat_lahir", "hari_lahir",
        "tanggal_lahir", "tanggal_lahir_teks", "pukul", "jenis_kelahiran", "kelahiran_ke",
        "anak_ke", "nama_ayah", "nik_ayah", "nama_ibu", "nik_ibu", "status_ortu",
        "kewarganegaraan", "kewarganegaraan_ganda_terbatas")} == {
        "nomor_akta": "3673-LU-22112026-0001", "nik_anak": CHILD_NIK, "nama_anak": "AISYAH PUTRI",
        "jenis_kelamin": "PEREMPUAN", "tempat_lahir": "KOTA SERANG", "hari_lahir": "Minggu",
        "tanggal_lahir": "2026-11-22", "tanggal_lahir_teks": "22 November 2026",
        "pukul": "08:15 WIB", "jenis_kelahiran": "Tunggal", "kelahiran_ke": 1, "anak_ke": 2,
        "nama_ayah": "AHMAD FAUZI", "nik_ayah": FATHER_NIK, "nama_ibu": "SITI NURHALIZA",
        "nik_ibu": MOTHER_NIK, "status_ortu": "NIKAH_TERCATAT", "kewarganegaraan": "WNI",
        "kewarganegaraan_ganda_terbatas": False}
    assert content["penolong_kelahiran"] == "Dokter" and content["tempat_dilahirkan"] == "RS/RB"


def test_the_akta_date_is_the_local_date_not_the_utc_one() -> None:
    content = akta(report(born_at="2026-11-22T00:30:00+07:00"))  # 21 November in UTC
    assert content["tanggal_lahir"] == "2026-11-22" and content["pukul"] == "00:30 WIB"


def test_a_birth_in_wita_keeps_its_own_zone_in_pukul() -> None:
    rep = report(born_at="2026-11-22T09:00:00+08:00")
    local = rep.born_at.astimezone(datetime.fromisoformat("2026-11-22T09:00:00+08:00").tzinfo)
    assert documents.akta_content(rep, local, AKTA)["pukul"] == "09:00 WITA"


@pytest.mark.parametrize(("marriage", "father", "wording"), [
    ("TERCATAT", {"nik": FATHER_NIK, "name": "Ahmad Fauzi"},
     "Bahwa di KOTA SERANG pada tanggal 22 November 2026 telah lahir AISYAH PUTRI, anak ke-2, "
     "PEREMPUAN, dari ayah AHMAD FAUZI dan ibu SITI NURHALIZA."),
    ("BELUM_TERCATAT", {"nik": FATHER_NIK, "name": "Ahmad Fauzi"},
     "Bahwa di KOTA SERANG pada tanggal 22 November 2026 telah lahir AISYAH PUTRI, anak ke-2, "
     "PEREMPUAN, dari ayah AHMAD FAUZI dan ibu SITI NURHALIZA yang perkawinannya belum "
     "tercatat sesuai dengan ketentuan peraturan perundang-undangan."),
    ("TIDAK_ADA", None,
     "Bahwa di KOTA SERANG pada tanggal 22 November 2026 telah lahir AISYAH PUTRI, anak ke-2, "
     "PEREMPUAN, anak dari seorang ibu bernama SITI NURHALIZA."),
])
def test_the_akta_wording_follows_the_parents_marriage(marriage: str, father: Any,
                                                       wording: str) -> None:
    rep = report(marriage={"status": marriage, "certificate_number": None}, father=father)
    content = akta(rep)
    assert content["wording"] == wording
    assert content["status_ortu"] == documents.STATUS_ORTU[marriage]
    if father is None:
        assert content["nama_ayah"] is None and content["nik_ayah"] is None


def test_a_marriage_without_a_named_father_gives_an_akta_of_the_mother_only() -> None:
    content = akta(report(marriage={"status": "BELUM_TERCATAT", "certificate_number": None},
                          father=None))
    assert content["status_ortu"] == "ANAK_IBU" and content["nama_ayah"] is None
    assert content["wording"].endswith("anak dari seorang ibu bernama SITI NURHALIZA.")


def test_without_a_child_number_the_wording_leaves_anak_ke_out() -> None:
    content = akta(report(child__child_number=None))
    assert content["anak_ke"] is None and "anak ke-" not in content["wording"]
    assert "telah lahir AISYAH PUTRI, PEREMPUAN, dari ayah" in content["wording"]


def test_a_twin_akta_says_kembar_2_and_its_birth_order() -> None:
    content = akta(report(child__multiplicity=2, child__birth_order=2))
    assert (content["jenis_kelahiran"], content["kode_jenis_kelahiran"],
            content["kelahiran_ke"]) == ("Kembar 2", 2, 2)


def test_a_foreign_father_is_on_the_akta_with_paspor_kitas_and_dual_citizenship() -> None:
    found = {"kewarganegaraan": "WNI", "ganda_terbatas": True, "orang_tua_asing": "AYAH",
             "dasar_hukum": "UU 12/2006 Pasal 4 huruf d, Pasal 6", "kewarganegaraan_ayah": "WNA",
             "kewarganegaraan_ibu": "WNI", "no_paspor": "X99123456", "no_kitas": "2C2112345699",
             "persyaratan": ["PASPOR_AYAH", "KITAS_ATAU_KITAP_AYAH", "AFIDAVIT_IMIGRASI"]}
    content = akta(report(), found)
    assert content["kewarganegaraan"] == "WNI" and content["kewarganegaraan_ganda_terbatas"]
    assert content["kewarganegaraan_ayah"] == "WNA" and content["kewarganegaraan_ibu"] == "WNI"
    assert (content["no_paspor_ayah"], content["no_kitas_ayah"]) == ("X99123456", "2C2112345699")
    assert content["ganda_terbatas_sampai"] == "2044-11-22"
    assert "ganda terbatas sampai berusia 18 tahun (22 November 2044)" in (
        content["catatan_kewarganegaraan"])
    assert "22 November 2047" in content["catatan_kewarganegaraan"]  # choose by 21
    assert "Pasal 4 huruf d, Pasal 6" in content["catatan_kewarganegaraan"]
    assert content["persyaratan_tambahan"][:2] == ["PASPOR_AYAH", "KITAS_ATAU_KITAP_AYAH"]


def kk_member(nik: str, shdk: str, **extra: Any) -> dict[str, Any]:
    return {"nik": nik, "nama": f"ORANG {nik[-4:]}", "shdk": shdk, "agama": "ISLAM", **extra}


HEAD, WIFE, TWIN = "3673011203939902", MOTHER_NIK, "3673016211269902"
NEW_VERSION = {"nomor_kk": "3673012010159901", "versi": 4, "kepala_keluarga": "ORANG 9902",
               "dikeluarkan_tanggal": "2026-11-22",
               "anggota": [kk_member(HEAD, "KEPALA KELUARGA"), kk_member(WIFE, "ISTRI"),
                           kk_member(TWIN, "ANAK"), kk_member(CHILD_NIK, "ANAK")]}


def test_the_kk_draft_marks_the_newborn_and_keeps_the_previous_members() -> None:
    content = documents.kk_content(NEW_VERSION, CHILD_NIK)
    assert [m["baru"] for m in content["anggota"]] == [False, False, False, True]
    assert [m["nik"] for m in content["anggota_sebelumnya"]] == [HEAD, WIFE, TWIN]
    assert content["versi"] == 4 and content["versi_sebelumnya"] == 3
    assert content["anggota_baru_nik"] == CHILD_NIK and content["kepala_keluarga"] == "ORANG 9902"


def test_the_kk_read_before_the_reissue_gives_the_previous_members_in_full() -> None:
    previous = {"versi": 3, "anggota": [{"nik": HEAD, "shdk": "KEPALA KELUARGA"},
                                        {"nik": WIFE, "shdk": "ISTRI"},
                                        {"nik": TWIN, "shdk": "ANAK"}]}
    content = documents.kk_content(NEW_VERSION, CHILD_NIK, previous)
    assert content["anggota_sebelumnya"][0] == kk_member(HEAD, "KEPALA KELUARGA")
    stale = {"versi": 2, "anggota": previous["anggota"][:2]}  # not the version right before
    assert len(documents.kk_content(NEW_VERSION, CHILD_NIK, stale)["anggota_sebelumnya"]) == 3


def test_the_kia_shows_nik_name_kk_head_akta_and_validity() -> None:
    rep = report()
    kia = {"nik": CHILD_NIK, "jenis": "0-5", "nama": "AISYAH PUTRI", "berlaku_sampai":
           "2031-11-21", "nomor_kk": "3673012010159901", "kepala_keluarga": "AHMAD FAUZI",
           "nomor_akta": "3673-LU-22112026-0001", "diterbitkan_tanggal": "2026-11-22"}
    content = documents.kia_content(kia, rep, rep.born_at.astimezone(WIB))
    assert {k: content[k] for k in ("nik", "nama", "nomor_kk", "nama_kepala_keluarga",
                                    "nomor_akta", "berlaku_sampai", "jenis_kelamin")} == {
        "nik": CHILD_NIK, "nama": "AISYAH PUTRI", "nomor_kk": "3673012010159901",
        "nama_kepala_keluarga": "AHMAD FAUZI", "nomor_akta": "3673-LU-22112026-0001",
        "berlaku_sampai": "2031-11-21", "jenis_kelamin": "PEREMPUAN"}


def test_a_stillbirth_letter_has_no_nik_and_a_30_day_reporting_limit() -> None:
    rep = report(live_birth=False, child__name=None)
    content = documents.stillbirth_letter_content(rep, "RSUDSRG", rep.born_at.astimezone(WIB))
    assert content["jenis_dokumen"] == "SURAT KETERANGAN LAHIR MATI"
    assert content["nama_ibu"] == "SITI NURHALIZA" and content["tanggal"] == "2026-11-22"
    assert content["batas_pelaporan"] == "2026-12-22"
    assert not any(key.startswith(("nik_anak", "nomor_akta")) for key in content)
