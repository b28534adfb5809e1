"""Problems the hospital can act on, with messages in Indonesian and English (contract.md 2.3)."""

from __future__ import annotations

from typing import Any

from schemas.regions import BANTEN_REGENCIES

MESSAGES: dict[str, tuple[str, str]] = {
    "MOTHER_NOT_FOUND": ("NIK ibu tidak ditemukan di SIAK; periksa NIK ibu.",
                         "The mother's NIK is not in SIAK; check it."),
    "MOTHER_NOT_FEMALE": ("Data SIAK menyatakan NIK ibu bukan perempuan.",
                          "SIAK records the mother's NIK as not female."),
    "FATHER_NOT_FOUND": ("NIK ayah tidak ditemukan di SIAK.", "The father's NIK is not in SIAK."),
    "FATHER_NOT_MALE": ("Data SIAK menyatakan NIK ayah bukan laki-laki; periksa NIK ayah.",
                        "SIAK records the father's NIK as not male; check it."),
    "FATHER_NOT_HUSBAND_ON_KK": (
        "NIK ayah bukan suami ibu pada KK di SIAK; periksa NIK ayah atau status perkawinan "
        "(tanpa perkawinan: status TIDAK_ADA tanpa ayah).",
        "The father's NIK is not the mother's husband on her KK in SIAK; check the father's NIK "
        "or the marriage status (no marriage: status TIDAK_ADA without a father)."),
    "MARRIAGE_STATUS_MISMATCH": (
        "Status perkawinan pada laporan ({reported}) tidak sesuai dengan KK di SIAK "
        "({status_perkawinan}); perbaiki status perkawinan pada laporan.",
        "The reported marriage status ({reported}) disagrees with the KK in SIAK "
        "({status_perkawinan}); correct the marriage status in the report."),
    "OUTSIDE_JURISDICTION": (
        "KK keluarga terdaftar di {regency_name}, di luar Kota Serang; kelahiran dicatat oleh "
        "{dinas} sesuai domisili KK. Tidak ada NIK yang diminta dari SIAK Kota Serang.",
        "The family's KK is registered in {regency_name}, outside Kota Serang; {dinas} registers "
        "the birth (domicile of the KK). No NIK was requested from Kota Serang's SIAK."),
    "NIK_SERIAL_EXHAUSTED": ("Nomor urut NIK habis untuk tanggal ini; hubungi Disdukcapil.",
                             "No NIK serial is left for this date; contact Disdukcapil."),
    "REGISTRY_REJECTED": ("SIAK menolak permintaan.", "SIAK rejected the request."),
    "BPJS_NOT_A_MEMBER": (
        "Ibu bukan peserta JKN; daftarkan keluarga sebagai peserta mandiri (PBPU) atau lewat "
        "Dinas Sosial dalam 28 hari.",
        "The mother is not a JKN participant; register the family as PBPU or through Dinas "
        "Sosial within 28 days."),
    "LIMITED_DUAL_CITIZENSHIP": (
        "Salah satu orang tua WNA: anak WNI berkewarganegaraan ganda terbatas sampai usia 18 "
        "tahun ({legal_basis}). Diperlukan paspor dan KITAS/KITAP orang tua WNA; keluarga "
        "mendaftarkan anak di Kantor Imigrasi (affidavit).",
        "One parent is a foreign national: the child is an Indonesian citizen with limited dual "
        "citizenship until 18 ({legal_basis}). The foreign parent's passport and KITAS/KITAP are "
        "required; the family registers the child at Imigrasi (affidavit)."),
    "FOREIGN_PARENT_DOCUMENTS": (
        "Orang tua WNA: diperlukan paspor dan KITAS/KITAP-nya ({legal_basis}).",
        "A parent is a foreign national: their passport and KITAS/KITAP are required "
        "({legal_basis})."),
    "DOCUMENT_REJECTED": (
        "Dokumen ditolak oleh petugas Disdukcapil; alasannya tercantum pada kolom reason.",
        "An officer of Disdukcapil rejected the document; the reason is in the reason field."),
    "DEAD_LETTERED": ("Tugas gagal setelah beberapa percobaan; operator menanganinya.",
                      "The task failed after several attempts; an operator is on it."),
}

SIAK_CODES = {
    "IBU_TIDAK_DITEMUKAN": "MOTHER_NOT_FOUND", "NIK_TIDAK_DITEMUKAN": "MOTHER_NOT_FOUND",
    "IBU_BUKAN_PEREMPUAN": "MOTHER_NOT_FEMALE", "AYAH_TIDAK_DITEMUKAN": "FATHER_NOT_FOUND",
    "AYAH_BUKAN_LAKI_LAKI": "FATHER_NOT_MALE", "KK_LUAR_WILAYAH": "OUTSIDE_JURISDICTION",
    "NOMOR_URUT_HABIS": "NIK_SERIAL_EXHAUSTED",
    "STATUS_ORTU_TIDAK_SESUAI": "MARRIAGE_STATUS_MISMATCH",
}

# the report's field each correction points at, for the hospital's form
FIELDS = {"MOTHER_NOT_FOUND": "mother.nik", "MOTHER_NOT_FEMALE": "mother.nik",
          "FATHER_NOT_FOUND": "father.nik", "FATHER_NOT_MALE": "father.nik",
          "FATHER_NOT_HUSBAND_ON_KK": "father.nik", "MARRIAGE_STATUS_MISMATCH": "marriage.status"}

# who the mother's husband is on her KK, by her own SHDK (domain.md 2.3)
HUSBAND_SHDK: dict[str, frozenset[str]] = {
    "ISTRI": frozenset({"KEPALA KELUARGA"}), "KEPALA KELUARGA": frozenset({"SUAMI"}),
    "ANAK": frozenset({"MENANTU"}),  # a grandparent heads the KK
    "MENANTU": frozenset({"ANAK"}),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "-"


def problem(code: str, task: str | None = None, **extra: Any) -> dict[str, Any]:
    """A problem for the status view; `{placeholders}` in its messages come from `extra`."""
    message_id, message_en = MESSAGES.get(code, MESSAGES["REGISTRY_REJECTED"])
    values = _Blank(extra)
    where = {"field": FIELDS[code]} if code in FIELDS else {}
    return {"code": code, "task": task, "message_id": message_id.format_map(values),
            "message_en": message_en.format_map(values), **where, **extra}


def jurisdiction(kk_regency: str) -> dict[str, str]:
    """Where a family outside Kota Serang registers: the Disdukcapil of its KK (domain.md 11)."""
    name = BANTEN_REGENCIES.get(kk_regency, f"kabupaten/kota {kk_regency}")
    return {"kk_regency": kk_regency, "regency_name": name, "dinas": f"Disdukcapil {name}"}


def marriage_mismatch(reported: str, status_perkawinan: str | None) -> bool:
    """The akta's wording must match the KK (domain.md 3.6): TERCATAT only with a registered
    marriage; BELUM_TERCATAT (SPTJM) only when the KK shows her married, and not registered:
    an akta saying "belum tercatat" of a registered marriage would wrong the child."""
    if not status_perkawinan:
        return False  # SIAK said nothing: it remains the judge (STATUS_ORTU_TIDAK_SESUAI)
    if reported == "TERCATAT":
        return status_perkawinan != "KAWIN TERCATAT"
    if reported == "BELUM_TERCATAT":
        return not status_perkawinan.startswith("KAWIN") or status_perkawinan == "KAWIN TERCATAT"
    return False  # TIDAK_ADA: the akta names the mother only, whatever the KK says


def father_is_husband(father_nik: str, mother: dict[str, Any], kk: dict[str, Any]) -> bool:
    """`mother`, `kk`: SIAK's penduduk row and KK summary; True when it cannot be told."""
    wanted = HUSBAND_SHDK.get(str(mother.get("shdk")))
    members = kk.get("anggota")
    if wanted is None or not isinstance(members, list):
        return True
    row = next((m for m in members if m.get("nik") == father_nik), None)
    return row is not None and row.get("shdk") in wanted and row.get("jenis_kelamin") != "P"


def disagreements_with_siak(marriage: str, father_nik: str | None,
                            found: dict[str, Any]) -> dict[str, Any] | None:
    """The first thing the report says that the mother's record in SIAK contradicts.

    `found` is SIAK's lookup of the mother: `{"penduduk": {...}, "kk": {...}}`."""
    mother, kk = found.get("penduduk", {}), found.get("kk", {})
    status = mother.get("status_perkawinan")
    if marriage_mismatch(marriage, status):
        return problem("MARRIAGE_STATUS_MISMATCH", "nik", needs_correction=True,
                       field="marriage.status", reported=marriage, status_perkawinan=status)
    if father_nik and marriage != "TIDAK_ADA" and not father_is_husband(father_nik, mother, kk):
        return problem("FATHER_NOT_HUSBAND_ON_KK", "nik", needs_correction=True,
                       field="father.nik")
    return None
