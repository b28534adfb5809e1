"""A draft as the officer checks it: KK versions side by side, akta wording, KIA fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.persistence.tables import Document, Registration

KK_COLUMNS = (("nama", "Nama Lengkap"), ("nik", "NIK"), ("jenis_kelamin", "Jenis Kelamin"),
              ("tempat_lahir", "Tempat Lahir"), ("tanggal_lahir", "Tanggal Lahir"),
              ("shdk", "Hubungan dalam Keluarga"), ("agama", "Agama"))
SEX = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}


@dataclass
class Member:
    cells: list[str]
    new: bool


@dataclass
class Preview:
    kind: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # label, value
    wording: str = ""
    current: list[Member] = field(default_factory=list)  # KK in force now
    proposed: list[Member] = field(default_factory=list)  # KK to be issued, newcomer marked
    columns: list[str] = field(default_factory=list)


def preview(document: Document, registration: Registration) -> Preview:
    content = document.content or {}
    if document.kind == "KK":
        return _kk(content, registration)
    if document.kind == "AKTA_KELAHIRAN":
        return Preview(document.kind, _fields(content), wording=_akta_wording(content))
    return Preview(document.kind, _fields(content))


def _kk(content: dict[str, Any], registration: Registration) -> Preview:
    proposed_rows = _first_list(content, ("anggota_baru", "anggota", "members"))
    previous_rows = _first_list(content, ("anggota_sebelumnya", "anggota_lama", "previous_members"))
    if not previous_rows and isinstance(content.get("sebelumnya"), dict):
        previous_rows = _first_list(content["sebelumnya"], ("anggota",))
    if not previous_rows:  # only the new version stored: the current one is it minus the child
        previous_rows = [m for m in proposed_rows if not _is_new(m, registration)]
    header = {k: v for k, v in content.items() if not isinstance(v, list | dict)}
    return Preview("KK", _fields(header), columns=[label for _, label in KK_COLUMNS],
                   current=[_member(m, False) for m in previous_rows],
                   proposed=[_member(m, _is_new(m, registration)) for m in proposed_rows])


def _is_new(member: dict[str, Any], registration: Registration) -> bool:
    flag = member.get("baru", member.get("is_new", member.get("new")))
    if flag is not None:
        return bool(flag)
    return bool(registration.child_nik) and member.get("nik") == registration.child_nik


def _member(row: dict[str, Any], new: bool) -> Member:
    return Member([_text(row.get(key), key) for key, _ in KK_COLUMNS], new)


def _akta_wording(content: dict[str, Any]) -> str:
    for key in ("wording", "kutipan", "teks", "narasi"):
        if isinstance(content.get(key), str):
            return str(content[key])
    nama = content.get("nama_anak") or content.get("nama") or "-"
    ayah = content.get("ayah") or "-"
    return (f"Berdasarkan pencatatan kelahiran, di Kota Serang pada tanggal "
            f"{content.get('tanggal_lahir', '-')} pukul {content.get('pukul', '-')} telah lahir "
            f"{nama}, anak ke-{content.get('kelahiran_ke', '-')}, "
            f"{SEX.get(str(content.get('jenis_kelamin')), '-')}, dari ayah {ayah} "
            f"dan ibu {content.get('ibu', '-')}.")


def _fields(content: dict[str, Any]) -> list[tuple[str, str]]:
    skip = {"wording", "kutipan", "teks", "narasi", "is_synthetic"}
    return [(key.replace("_", " ").capitalize(), _text(value, key))
            for key, value in content.items()
            if key not in skip and not isinstance(value, list | dict)]


def _first_list(content: dict[str, Any], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    for key in keys:
        value = content.get(key)
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return value
    return []


def _text(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return "-"
    if key == "jenis_kelamin":
        return SEX.get(str(value), str(value))
    return str(value)
