"""The Kartu Keluarga page (Permendagri 109/2019 model, domain.md 2.2): header, two tables, TTE."""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from pipeline.documents.layout import grid, label_rows, tte_block, value
from pipeline.domain.documents import indonesian_date
from schemas.regions import (
    BANTEN_REGENCIES,
    KOTA_SERANG_KECAMATAN,
    KOTA_SERANG_KELURAHAN,
    PROVINCES,
)

SEX = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}
TABLE_1 = ("No", "Nama Lengkap\n(1)", "NIK\n(2)", "Jenis Kelamin\n(3)", "Tempat Lahir\n(4)",
           "Tanggal Lahir\n(5)", "Agama\n(6)", "Pendidikan\n(7)", "Jenis Pekerjaan\n(8)",
           "Golongan\nDarah (9)")
TABLE_2 = ("No", "Status\nPerkawinan (10)", "Tanggal\nPerkawinan (11)",
           "Status Hubungan\nDalam Keluarga (12)", "Kewarga-\nnegaraan (13)",
           "No. Paspor\n(14)", "No. KITAP\n(15)", "Nama Ayah\n(16)", "Nama Ibu\n(17)")
WIDTHS_1 = (18, 150, 92, 62, 72, 62, 58, 105, 105, 48)
WIDTHS_2 = (18, 82, 66, 100, 62, 70, 70, 153, 151)


def draw_kk(c: Canvas, content: dict[str, Any], url: str | None, issued_on: date) -> None:
    width, height = c._pagesize  # noqa: SLF001
    c.setFont("Helvetica-Bold", 16)
    c.drawCentredString(width / 2, height - 40, "KARTU KELUARGA")
    c.setFont("Helvetica-Bold", 11)
    c.drawCentredString(width / 2, height - 56, f"No. {value(content, 'nomor_kk')}")
    left, right = _address(content)
    label_rows(c, left, 40, height - 80, label_width=110, leading=12, font_size=8.5)
    label_rows(c, right, 470, height - 80, label_width=95, leading=12, font_size=8.5)
    members = [m for m in content.get("anggota", []) if isinstance(m, dict)]
    bottom = grid(c, [TABLE_1, *(_row_1(i, m) for i, m in enumerate(members, 1))], WIDTHS_1,
                  40, height - 140)
    bottom = grid(c, [TABLE_2, *(_row_2(i, m) for i, m in enumerate(members, 1))], WIDTHS_2,
                  40, bottom - 10)
    y = min(bottom - 22, 150)
    c.setFont("Helvetica", 8.5)
    c.drawString(40, y, f"Dikeluarkan Tanggal : {indonesian_date(issued_on)}")
    c.drawString(40, y - 12, f"Versi : {value(content, 'versi')}")
    c.drawString(40, y - 40, "KEPALA KELUARGA")
    c.setFont("Helvetica-Bold", 8.5)
    c.drawString(40, y - 80, value(content, "kepala_keluarga", "nama_kepala_keluarga"))
    tte_block(c, url, 520, y, f"Kota Serang, {indonesian_date(issued_on)}", qr_size=30 * mm)


def _address(content: dict[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    kelurahan = value(content, "kode_kelurahan", default="")
    kecamatan = value(content, "kode_kecamatan", default=kelurahan[:6])
    regency = value(content, "kode_kabupaten", default=kelurahan[:4])
    left = [("Nama Kepala Keluarga", value(content, "kepala_keluarga", "nama_kepala_keluarga")),
            ("Alamat", value(content, "alamat")),
            ("RT/RW", f"{value(content, 'rt')}/{value(content, 'rw')}"),
            ("Kode Pos", value(content, "kode_pos"))]
    right = [("Desa/Kelurahan", KOTA_SERANG_KELURAHAN.get(kelurahan, kelurahan or "-").upper()),
             ("Kecamatan", KOTA_SERANG_KECAMATAN.get(kecamatan, kecamatan or "-").upper()),
             ("Kabupaten/Kota", BANTEN_REGENCIES.get(regency, regency or "-").upper()),
             ("Provinsi", PROVINCES.get(regency[:2], regency[:2] or "-").upper())]
    return left, right


def _row_1(i: int, m: dict[str, Any]) -> list[str]:
    sex = value(m, "jenis_kelamin")
    return [str(i), value(m, "nama"), value(m, "nik"), SEX.get(sex, sex),
            value(m, "tempat_lahir"), _date(value(m, "tanggal_lahir")), value(m, "agama"),
            value(m, "pendidikan"), value(m, "pekerjaan"), value(m, "golongan_darah")]


def _row_2(i: int, m: dict[str, Any]) -> list[str]:
    return [str(i), value(m, "status_perkawinan"), _date(value(m, "tanggal_perkawinan")),
            value(m, "shdk"), value(m, "kewarganegaraan"), value(m, "no_paspor"),
            value(m, "no_kitap", "no_kitas"), value(m, "nama_ayah"), value(m, "nama_ibu")]


def _date(text: str) -> str:
    """ISO date as the KK prints it, DD-MM-YYYY."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}-{text[5:7]}-{text[:4]}"
    return text
