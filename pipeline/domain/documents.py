"""What the drafts say, as an officer reviews them: akta (F-2.01, kutipan), KK, KIA, lahir mati."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pipeline.domain.citizenship import dual_citizenship_dates
from schemas.birth import BirthReport
from schemas.regions import BANTEN_REGENCIES

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # date.weekday() order
SEX = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}  # domain.md 2.3
ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}  # domain.md 11
# F-2.01 data anak (domain.md 3.3): 3 tempat dilahirkan, 9 penolong kelahiran
PLACES = {"RS": "RS/RB", "PUSKESMAS": "Puskesmas", "POLINDES": "Polindes", "RUMAH": "Rumah",
          "LAINNYA": "Lainnya"}
ATTENDANTS = {"DOKTER": "Dokter", "BIDAN_PERAWAT": "Bidan/Perawat", "DUKUN": "Dukun",
              "LAINNYA": "Lainnya"}
# domain.md 9 akta.status_ortu: drives the wording (3.6)
STATUS_ORTU = {"TERCATAT": "NIKAH_TERCATAT", "BELUM_TERCATAT": "NIKAH_BELUM_TERCATAT",
               "TIDAK_ADA": "ANAK_IBU"}
NOT_REGISTERED = ("yang perkawinannya belum tercatat sesuai dengan ketentuan peraturan "
                  "perundang-undangan")
STILLBIRTH_REPORT_DAYS = 30  # lahir mati is reported within 30 days (domain.md 3.6)


def indonesian_date(day: date) -> str:
    """`22 November 2026`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def status_ortu(report: BirthReport) -> str:
    """domain.md 9: the akta's parents clause; with no father named only the mother can be."""
    return STATUS_ORTU[report.marriage.status] if report.father else "ANAK_IBU"


def jenis_kelahiran(multiplicity: int) -> tuple[int, str]:
    """F-2.01 item 7: 1 Tunggal, 2 Kembar 2, 3 Kembar 3, 4 Kembar 4, 5 Lainnya."""
    if multiplicity <= 1:
        return 1, "Tunggal"
    if multiplicity <= 4:
        return multiplicity, f"Kembar {multiplicity}"
    return 5, f"Lainnya (Kembar {multiplicity})"


def regency_name(code: str) -> str:
    """`KOTA SERANG`; outside Banten the code itself (the KK is the authority on names)."""
    return BANTEN_REGENCIES.get(code, f"Kabupaten/Kota {code}").upper()


def akta_wording(content: dict[str, Any]) -> str:
    """The kutipan's sentence (domain.md 3.3, 3.6): both parents, not registered, mother only."""
    anak_ke = f", anak ke-{content['anak_ke']}" if content.get("anak_ke") else ""
    opening = (f"Bahwa di {content['tempat_lahir']} pada tanggal {content['tanggal_lahir_teks']} "
               f"telah lahir {content['nama_anak']}{anak_ke}, {content['jenis_kelamin']}, ")
    ibu, ayah = content["nama_ibu"], content.get("nama_ayah")
    if content["status_ortu"] == "ANAK_IBU" or not ayah:
        return f"{opening}anak dari seorang ibu bernama {ibu}."
    if content["status_ortu"] == "NIKAH_BELUM_TERCATAT":
        return f"{opening}dari ayah {ayah} dan ibu {ibu} {NOT_REGISTERED}."
    return f"{opening}dari ayah {ayah} dan ibu {ibu}."


def akta_content(report: BirthReport, local_birth: datetime, akta: dict[str, Any],
                 citizenship: dict[str, Any] | None = None) -> dict[str, Any]:
    """The akta draft: SIAK's registration plus F-2.01 data anak and orang tua, and the wording.

    `local_birth` is in the birthplace's zone (the date and pukul on the akta); `citizenship` is
    the NIK task's finding (pipeline.domain.citizenship), WNI when absent."""
    child, parents = report.child, status_ortu(report)
    father = report.father if parents != "ANAK_IBU" else None
    found = citizenship or {}
    code, label = jenis_kelahiran(child.multiplicity)
    offset = local_birth.utcoffset() or timedelta(hours=7)
    zone = ZONES.get(int(offset.total_seconds()) // 3600, "")
    content: dict[str, Any] = {
        "nomor_akta": akta["nomor_akta"], "jenis_akta": akta.get("jenis"),
        "tanggal_registrasi": akta.get("tanggal_registrasi"),
        "nik_anak": akta.get("nik_anak"), "nama_anak": (child.name or "").strip().upper(),
        "jenis_kelamin": SEX[child.sex], "tempat_lahir": regency_name(report.place.regency_code),
        "tempat_dilahirkan": PLACES[report.place.kind],
        "hari_lahir": DAYS[local_birth.weekday()],
        "tanggal_lahir": local_birth.date().isoformat(),
        "tanggal_lahir_teks": indonesian_date(local_birth.date()),
        "pukul": f"{local_birth:%H:%M} {zone}".strip(),
        "jenis_kelahiran": label, "kode_jenis_kelahiran": code, "kelahiran_ke": child.birth_order,
        "anak_ke": child.child_number, "penolong_kelahiran": ATTENDANTS[report.attendant.kind],
        "berat_gram": child.weight_grams, "panjang_cm": child.length_cm,
        "nama_ayah": father.name.strip().upper() if father else None,
        "nik_ayah": father.nik if father else None,
        "kewarganegaraan_ayah": found.get("kewarganegaraan_ayah", "WNI") if father else None,
        "nama_ibu": report.mother.name.strip().upper(), "nik_ibu": report.mother.nik,
        "kewarganegaraan_ibu": found.get("kewarganegaraan_ibu", "WNI"),
        "status_ortu": parents,
        "kewarganegaraan": found.get("kewarganegaraan", "WNI"),
        "kewarganegaraan_ganda_terbatas": bool(found.get("ganda_terbatas")),
        **_citizenship_note(found, local_birth.date()),
    }
    content["wording"] = akta_wording(content)
    return content


def _citizenship_note(found: dict[str, Any], born: date) -> dict[str, Any]:
    """One foreign parent: paspor and KITAS/KITAP on the akta, dual citizenship noted (3.6)."""
    parent = found.get("orang_tua_asing")
    if not parent:
        return {}
    role = parent.lower()
    note: dict[str, Any] = {f"no_paspor_{role}": found.get("no_paspor"),
                            f"no_kitas_{role}": found.get("no_kitas"),
                            "persyaratan_tambahan": list(found.get("persyaratan", ())),
                            "dasar_hukum_kewarganegaraan": found.get("dasar_hukum")}
    if found.get("ganda_terbatas"):
        until, choose_by = dual_citizenship_dates(born)
        note["ganda_terbatas_sampai"] = until.isoformat()
        note["catatan_kewarganegaraan"] = (
            f"Berkewarganegaraan ganda terbatas sampai berusia 18 tahun "
            f"({indonesian_date(until)}); "
            f"memilih kewarganegaraan paling lambat {indonesian_date(choose_by)} "
            f"({found.get('dasar_hukum')}). Anak didaftarkan pada Kantor Imigrasi untuk "
            f"affidavit.")
    return note


def kk_content(version: dict[str, Any], child_nik: str,
               previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The KK's new version from SIAK, the newborn marked (`baru`), beside the one it replaces.

    `previous` is the KK as SIAK showed it just before the re-issue (short rows); its members
    are shown with the new version's full rows. When it is unknown or not the version right
    before, the previous members are the new version's without the child: a re-issue for a
    birth adds the child and changes nothing else (domain.md 2.4)."""
    members = [{**m, "baru": m.get("nik") == child_nik} for m in version.get("anggota", [])]
    full = {m.get("nik"): {k: v for k, v in m.items() if k != "baru"} for m in members}
    versi = version.get("versi")
    consecutive = isinstance(versi, int) and (previous or {}).get("versi") == versi - 1
    if previous is not None and consecutive:
        before = [full.get(m.get("nik"), m) for m in previous.get("anggota", [])]
    else:
        before = [full[m.get("nik")] for m in members if not m["baru"]]
    header = {k: v for k, v in version.items() if k != "anggota"}
    return {**header, "versi_sebelumnya": versi - 1 if isinstance(versi, int) else None,
            "anggota_baru_nik": child_nik, "anggota": members, "anggota_sebelumnya": before}


def kia_content(kia: dict[str, Any], report: BirthReport, local_birth: datetime,
                citizenship: dict[str, Any] | None = None) -> dict[str, Any]:
    """KIA 0-5 (Permendagri 2/2016, domain.md 4.1): NIK, nama, KK and its head, akta, validity."""
    return {
        "nik": kia.get("nik"), "jenis": kia.get("jenis", "0-5"),
        "nama": (kia.get("nama") or report.child.name or "").strip().upper(),
        "jenis_kelamin": SEX[report.child.sex],
        "tempat_lahir": regency_name(report.place.regency_code),
        "tanggal_lahir": local_birth.date().isoformat(),
        "tanggal_lahir_teks": indonesian_date(local_birth.date()),
        "nomor_kk": kia.get("nomor_kk"), "nama_kepala_keluarga": kia.get("kepala_keluarga"),
        "nomor_akta": kia.get("nomor_akta"),
        "kewarganegaraan": (citizenship or {}).get("kewarganegaraan", "WNI"),
        "berlaku_sampai": kia.get("berlaku_sampai"),
        "diterbitkan_tanggal": kia.get("diterbitkan_tanggal"),
    }


def stillbirth_letter_content(report: BirthReport, facility: str,
                              local_birth: datetime) -> dict[str, Any]:
    """Surat keterangan lahir mati: no NIK, no akta; reported within 30 days (domain.md 3.6)."""
    born = local_birth.date()
    return {
        "jenis_dokumen": "SURAT KETERANGAN LAHIR MATI",
        "nama_ibu": report.mother.name.strip().upper(), "nik_ibu": report.mother.nik,
        "nama_ayah": report.father.name.strip().upper() if report.father else None,
        "nik_ayah": report.father.nik if report.father else None,
        "hari": DAYS[born.weekday()], "tanggal": born.isoformat(),
        "tanggal_teks": indonesian_date(born), "pukul": f"{local_birth:%H:%M}",
        "tempat": regency_name(report.place.regency_code),
        "tempat_dilahirkan": PLACES[report.place.kind], "fasilitas": facility,
        "jenis_kelamin": SEX[report.child.sex], "berat_gram": report.child.weight_grams,
        "panjang_cm": report.child.length_cm,
        "jenis_kelahiran": jenis_kelahiran(report.child.multiplicity)[1],
        "kelahiran_ke": report.child.birth_order,
        "penolong_kelahiran": ATTENDANTS[report.attendant.kind],
        "nama_penolong": report.attendant.name,
        "batas_pelaporan": (born + timedelta(days=STILLBIRTH_REPORT_DAYS)).isoformat(),
        "catatan": "Lahir mati: tidak diterbitkan NIK, akta kelahiran, KIA atau perubahan KK "
                   "(UU 23/2006 jo. UU 24/2013).",
    }
