"""Problems the hospital can act on, with messages in Indonesian and English (contract.md 2.3)."""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "MOTHER_NOT_FOUND": ("NIK ibu tidak ditemukan di SIAK; periksa NIK ibu.",
                         "The mother's NIK is not in SIAK; check it."),
    "MOTHER_NOT_FEMALE": ("Data SIAK menyatakan NIK ibu bukan perempuan.",
                          "SIAK records the mother's NIK as not female."),
    "FATHER_NOT_FOUND": ("NIK ayah tidak ditemukan di SIAK.", "The father's NIK is not in SIAK."),
    "OUTSIDE_JURISDICTION": (
        "KK keluarga terdaftar di luar Kota Serang; kelahiran dicatat oleh Disdukcapil domisili.",
        "The family's KK is registered outside Kota Serang; the Disdukcapil of its domicile "
        "registers the birth."),
    "NIK_SERIAL_EXHAUSTED": ("Nomor urut NIK habis untuk tanggal ini; hubungi Disdukcapil.",
                             "No NIK serial is left for this date; contact Disdukcapil."),
    "REGISTRY_REJECTED": ("SIAK menolak permintaan.", "SIAK rejected the request."),
    "BPJS_NOT_A_MEMBER": (
        "Ibu bukan peserta JKN; daftarkan keluarga sebagai peserta mandiri (PBPU) atau lewat "
        "Dinas Sosial dalam 28 hari.",
        "The mother is not a JKN participant; register the family as PBPU or through Dinas "
        "Sosial within 28 days."),
    "DEAD_LETTERED": ("Tugas gagal setelah beberapa percobaan; operator menanganinya.",
                      "The task failed after several attempts; an operator is on it."),
}

SIAK_CODES = {
    "IBU_TIDAK_DITEMUKAN": "MOTHER_NOT_FOUND", "NIK_TIDAK_DITEMUKAN": "MOTHER_NOT_FOUND",
    "IBU_BUKAN_PEREMPUAN": "MOTHER_NOT_FEMALE", "AYAH_TIDAK_DITEMUKAN": "FATHER_NOT_FOUND",
    "KK_LUAR_WILAYAH": "OUTSIDE_JURISDICTION", "NOMOR_URUT_HABIS": "NIK_SERIAL_EXHAUSTED",
}


def problem(code: str, task: str | None = None, **extra: Any) -> dict[str, Any]:
    message_id, message_en = MESSAGES.get(code, MESSAGES["REGISTRY_REJECTED"])
    return {"code": code, "task": task, "message_id": message_id, "message_en": message_en,
            **extra}
