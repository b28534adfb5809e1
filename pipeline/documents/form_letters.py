"""Portrait A4 documents: the kutipan akta kelahiran and the surat keterangan lahir mati."""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from pipeline.documents.layout import DINAS, label_rows, tte_block, value, wrap
from pipeline.domain.documents import akta_wording, indonesian_date


def draw_akta(c: Canvas, content: dict[str, Any], url: str | None, issued_on: date) -> None:
    """Kutipan (domain.md 3.3): number, NIK, the wording variant of the parents' marriage (3.6)."""
    width, height = c._pagesize  # noqa: SLF001
    _heading(c, width, height, "KUTIPAN AKTA KELAHIRAN",
             f"Nomor: {value(content, 'nomor_akta')}")
    y = label_rows(c, [("NIK", value(content, "nik_anak", "nik")),
                       ("Kewarganegaraan", value(content, "kewarganegaraan", default="WNI"))],
                   60, height - 175, label_width=110)
    c.setFont("Helvetica", 10.5)
    for line in wrap(_wording(content), 88):
        y -= 16
        c.drawString(60, y, line)
    for note in (content.get("catatan_kewarganegaraan"),):
        if note:
            c.setFont("Helvetica-Oblique", 8.5)
            for line in wrap(str(note), 110):
                y -= 12
                c.drawString(60, y, line)
    tte_block(c, url, 300, min(y - 40, 330),
              f"Dikeluarkan di Kota Serang, tanggal {indonesian_date(issued_on)}")


def draw_lahir_mati(c: Canvas, content: dict[str, Any], url: str | None,
                    issued_on: date) -> None:
    """No NIK, no akta: a letter recording the stillbirth (domain.md 3.6)."""
    width, height = c._pagesize  # noqa: SLF001
    _heading(c, width, height, "SURAT KETERANGAN LAHIR MATI", "")
    c.setFont("Helvetica", 10)
    c.drawString(60, height - 175, "Yang bertanda tangan di bawah ini menerangkan bahwa:")
    rows = [("Nama Ibu", value(content, "nama_ibu", "mother_name")),
            ("Nama Ayah", value(content, "nama_ayah")),
            ("Hari, Tanggal", f"{value(content, 'hari', default='')} "
                              f"{value(content, 'tanggal_teks', 'tanggal', 'born_at')}".strip()),
            ("Pukul", value(content, "pukul")),
            ("Tempat", f"{value(content, 'tempat_dilahirkan', 'place_kind')}, "
                       f"{value(content, 'tempat', default='KOTA SERANG')}"),
            ("Jenis Kelamin", value(content, "jenis_kelamin", "sex")),
            ("Berat / Panjang", f"{value(content, 'berat_gram', 'weight_grams')} gram / "
                                f"{value(content, 'panjang_cm')} cm"),
            ("Jenis Kelahiran", value(content, "jenis_kelahiran")),
            ("Penolong Kelahiran", value(content, "penolong_kelahiran"))]
    y = label_rows(c, rows, 60, height - 200, label_width=120)
    c.setFont("Helvetica", 10)
    y -= 10
    for line in wrap("telah melahirkan seorang bayi dalam keadaan lahir mati. " +
                     value(content, "catatan", default=""), 90):
        c.drawString(60, y, line)
        y -= 14
    tte_block(c, url, 300, min(y - 30, 330),
              f"Kota Serang, {indonesian_date(issued_on)}")


def _heading(c: Canvas, width: float, height: float, title: str, subtitle: str) -> None:
    c.setFont("Helvetica-Bold", 11)
    c.drawCentredString(width / 2, height - 60, "REPUBLIK INDONESIA")
    c.setFont("Helvetica", 9.5)
    c.drawCentredString(width / 2, height - 74, "PEMERINTAH KOTA SERANG")
    c.drawCentredString(width / 2, height - 86, DINAS)
    c.line(50, height - 94, width - 50, height - 94)
    c.setFont("Helvetica-Bold", 15)
    c.drawCentredString(width / 2, height - 125, title)
    if subtitle:
        c.setFont("Helvetica-Bold", 11)
        c.drawCentredString(width / 2, height - 143, subtitle)
    c.setLineWidth(0.3)
    c.rect(28, 28, width - 56, height - 56)


def _wording(content: dict[str, Any]) -> str:
    if isinstance(content.get("wording"), str):
        return str(content["wording"])
    try:
        return akta_wording(content)
    except KeyError:  # a draft made before the wording was part of the content
        return (f"Bahwa di KOTA SERANG pada tanggal {value(content, 'tanggal_lahir')} telah "
                f"lahir {value(content, 'nama_anak', 'nama')}, dari ibu "
                f"{value(content, 'nama_ibu', 'ibu')}.")
