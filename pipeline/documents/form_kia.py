"""The Kartu Identitas Anak (Permendagri 2/2016, domain.md 4.1): a card-sized front on A4."""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from pipeline.documents.layout import KEPALA_DINAS, TTE_NOTE, draw_qr, value, wrap
from pipeline.domain.documents import indonesian_date

CARD_W, CARD_H = 85.6 * mm, 53.98 * mm  # ISO/IEC 7810 ID-1, the size of a KTP-el


def draw_kia(c: Canvas, content: dict[str, Any], url: str | None, issued_on: date) -> None:
    width, height = c._pagesize  # noqa: SLF001
    x, y = (width - CARD_W) / 2, height - 80 * mm
    c.setFont("Helvetica-Bold", 13)
    c.drawCentredString(width / 2, height - 20 * mm, "KARTU IDENTITAS ANAK (KIA)")
    c.setFont("Helvetica", 9)
    c.drawCentredString(width / 2, height - 26 * mm,
                        "Cetak dan gunting sesuai garis; tanpa chip, berlaku untuk usia 0-5 tahun.")
    c.saveState()
    c.setFillColor(colors.Color(0.86, 0.93, 1.0))
    c.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=1)
    c.restoreState()
    c.setFont("Helvetica-Bold", 6.5)
    c.drawCentredString(x + CARD_W / 2, y + CARD_H - 4 * mm, "PROVINSI BANTEN")
    c.drawCentredString(x + CARD_W / 2, y + CARD_H - 7 * mm, "KOTA SERANG")
    c.setFont("Helvetica-Bold", 7)
    c.drawCentredString(x + CARD_W / 2, y + CARD_H - 10.5 * mm, "KARTU IDENTITAS ANAK")
    _fields(c, content, x + 2.5 * mm, y + CARD_H - 14.5 * mm)
    c.setFont("Helvetica", 4.6)
    c.drawString(x + 60 * mm, y + 27 * mm, "KOTA SERANG")
    c.drawString(x + 60 * mm, y + 25 * mm,
                 _issued(value(content, "diterbitkan_tanggal", default=""), issued_on))
    draw_qr(c, url, x + 60 * mm, y + 2 * mm, 22 * mm)
    _back_note(c, width, y - 10 * mm)


def _fields(c: Canvas, content: dict[str, Any], x: float, y: float) -> None:
    rows = (("NIK", value(content, "nik")), ("Nama", value(content, "nama")),
            ("Tempat/Tgl Lahir", f"{value(content, 'tempat_lahir', default='KOTA SERANG')}, "
                                 f"{value(content, 'tanggal_lahir_teks', 'tanggal_lahir')}"),
            ("Jenis Kelamin", value(content, "jenis_kelamin")),
            ("Gol. Darah", value(content, "golongan_darah", default="TIDAK TAHU")),
            ("No. KK", value(content, "nomor_kk")),
            ("Kepala Keluarga", value(content, "nama_kepala_keluarga", "kepala_keluarga")),
            ("No. Akta Kelahiran", value(content, "nomor_akta")),
            ("Agama", value(content, "agama")),
            ("Kewarganegaraan", value(content, "kewarganegaraan", default="WNI")),
            ("Alamat", value(content, "alamat")),
            ("Berlaku Hingga", value(content, "berlaku_sampai")))
    for label, text in rows:
        c.setFont("Helvetica", 4.8)
        c.drawString(x, y, label)
        c.drawString(x + 17 * mm, y, ":")
        c.setFont("Helvetica-Bold", 4.8)
        c.drawString(x + 18.5 * mm, y, text[:34])
        y -= 2.95 * mm


def _issued(text: str, issued_on: date) -> str:
    try:
        return indonesian_date(date.fromisoformat(text))
    except ValueError:
        return indonesian_date(issued_on)


def _back_note(c: Canvas, width: float, y: float) -> None:
    c.setFont("Helvetica", 8)
    c.drawCentredString(width / 2, y, KEPALA_DINAS)
    c.setFont("Helvetica", 7)
    for i, line in enumerate(wrap(TTE_NOTE, 120)):
        c.drawCentredString(width / 2, y - 12 - 9 * i, line)
