"""JSON shapes of SIAK answers: penduduk rows, KK versions, lookup summaries, sample mothers."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from simulators.population import Family, Resident, phone_number

LOOKUP_MEMBER_FIELDS = ("nik", "nama", "shdk", "jenis_kelamin", "tanggal_lahir")
RESIDENT_FIELDS = tuple(f.name for f in fields(Resident))


def member_row(resident: Resident) -> dict[str, Any]:
    row = {name: getattr(resident, name) for name in RESIDENT_FIELDS}  # asdict() deep-copies
    row["tanggal_lahir"] = resident.tanggal_lahir.isoformat()
    return row


def kk_registered_on(nomor_kk: str) -> date:
    """Tanggal pencatatan from the Nomor KK's DDMMYY (domain.md 2.1); synthetic KKs are 2010+."""
    return date(2000 + int(nomor_kk[10:12]), int(nomor_kk[8:10]), int(nomor_kk[6:8]))


def base_kk(family: Family) -> dict[str, Any]:
    """Version 1 of a KK as generated with the population."""
    return {
        "nomor_kk": family.nomor_kk,
        "versi": 1,
        "dikeluarkan_tanggal": kk_registered_on(family.nomor_kk).isoformat(),
        "kepala_keluarga": family.members[0].nama,
        "alamat": family.alamat,
        "rt": family.rt,
        "rw": family.rw,
        "kode_kelurahan": family.kode_kelurahan,
        "kode_kecamatan": family.kode_kecamatan,
        "kode_kabupaten": family.kode_kabupaten,
        "is_synthetic": family.is_synthetic,
        "anggota": [member_row(m) for m in family.members],
    }


def kk_summary(kk: dict[str, Any]) -> dict[str, Any]:
    """The KK as /penduduk/cari shows it: header plus short member rows."""
    summary = {k: v for k, v in kk.items() if k != "anggota"}
    summary["anggota"] = [{f: m[f] for f in LOOKUP_MEMBER_FIELDS} for m in kk["anggota"]]
    return summary


def newborn_row(
    nik: str, body: dict[str, Any], mother: Resident, father: Resident | None, shdk: str
) -> dict[str, Any]:
    """The child's biodata: newborn defaults per domain.md 9."""
    return {
        "nik": nik,
        "nama": (body.get("nama_anak") or "").strip().upper() or None,
        "jenis_kelamin": body["jenis_kelamin"],
        "tempat_lahir": "KOTA SERANG",
        "tanggal_lahir": body["tanggal_lahir"],
        "agama": mother.agama,
        "pendidikan": "TIDAK/BELUM SEKOLAH",
        "pekerjaan": "BELUM/TIDAK BEKERJA",
        "golongan_darah": "TIDAK TAHU",
        "status_perkawinan": "BELUM KAWIN",
        "shdk": shdk,
        "kewarganegaraan": "WNI",
        "nik_ayah": father.nik if father else None,
        "nik_ibu": mother.nik,
        "nama_ayah": father.nama if father else None,
        "nama_ibu": mother.nama,
        "no_paspor": None,
        "no_kitas": None,
    }


def sample_mother(mother: Resident, family: Family) -> dict[str, Any]:
    husband = family.member(family.father_nik)
    return {
        "nik": mother.nik,
        "nama": mother.nama,
        "tanggal_lahir": mother.tanggal_lahir.isoformat(),
        "nik_suami": husband.nik if husband else None,
        "nama_suami": husband.nama if husband else None,
        "nomor_kk": family.nomor_kk,
        "kode_kelurahan": family.kode_kelurahan,
        "perkawinan_tercatat": family.perkawinan_tercatat,
        "phone": phone_number(mother.nik),
        "is_synthetic": family.is_synthetic,
    }
