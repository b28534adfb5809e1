"""What every issued page shares: fonts, watermark, QR of the verification link, TTE block."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table, TableStyle

DINAS = "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KOTA SERANG"
KEPALA_DINAS = "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Serang"
TTE_NOTE = ("Dokumen ini ditandatangani secara elektronik menggunakan sertifikat elektronik yang "
            "diterbitkan oleh Lahir Test Root CA (CA uji coba pengganti BSrE, BSSN; bukan untuk "
            "produksi).")
PREVIEW_MARK = "PRATINJAU – BELUM SAH"
SPECIMEN_MARK = "SPECIMEN – DATA SINTETIS"


def value(content: dict[str, Any], *keys: str, default: str = "-") -> str:
    """The first key present and non-empty, as text; drafts of older versions name fields apart."""
    for key in keys:
        found = content.get(key)
        if found not in (None, ""):
            return str(found)
    return default


def watermark(c: Canvas, text: str, *, red: bool = False) -> None:
    width, height = c._pagesize  # noqa: SLF001 - reportlab keeps the page size there
    c.saveState()
    c.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18) if red
                   else colors.Color(0.4, 0.4, 0.4, alpha=0.16))
    c.setFont("Helvetica-Bold", 44 if red else 40)
    c.translate(width / 2, height / 2)
    c.rotate(35)
    c.drawCentredString(0, 0 if red else -60, text)
    c.restoreState()


def marks(c: Canvas, *, preview: bool, synthetic: bool) -> None:
    if synthetic:
        watermark(c, SPECIMEN_MARK)
    if preview:
        watermark(c, PREVIEW_MARK, red=True)


def qr_image(url: str) -> ImageReader:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer)
    buffer.seek(0)
    return ImageReader(buffer)


def draw_qr(c: Canvas, url: str | None, x: float, y: float, size: float) -> None:
    """The verification QR; a preview gets an empty frame where it will stand."""
    if url is None:
        c.saveState()
        c.setDash(2, 2)
        c.rect(x, y, size, size)
        c.setFont("Helvetica", 6)
        c.drawCentredString(x + size / 2, y + size / 2, "QR setelah disetujui")
        c.restoreState()
        return
    c.drawImage(qr_image(url), x, y, size, size)


def tte_block(c: Canvas, url: str | None, x: float, y: float, place_date: str,
              *, qr_size: float = 32 * mm) -> None:
    """Signature area: place and date, the Kepala Dinas, the QR and the TTE note."""
    c.setFont("Helvetica", 9)
    c.drawString(x, y, place_date)
    c.drawString(x, y - 12, KEPALA_DINAS)
    draw_qr(c, url, x, y - 18 - qr_size, qr_size)
    c.setFont("Helvetica", 6.5)
    lines = wrap(TTE_NOTE, 72)
    for i, line in enumerate(lines):
        c.drawString(x, y - 28 - qr_size - 8 * i, line)


def wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def grid(c: Canvas, rows: Sequence[Sequence[str]], widths: Sequence[float], x: float,
         top: float, *, font_size: float = 7) -> float:
    """A ruled table with a header row; returns the y of its bottom edge."""
    table = Table([list(r) for r in rows], colWidths=list(widths))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", font_size),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", font_size),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    _, height = table.wrapOn(c, sum(widths), 1000)
    table.drawOn(c, x, top - height)
    return top - height


def label_rows(c: Canvas, rows: Sequence[tuple[str, str]], x: float, y: float, *,
               label_width: float, leading: float = 14, font_size: float = 9.5) -> float:
    """`Label : value` lines; returns the y below the last."""
    for label, text in rows:
        c.setFont("Helvetica", font_size)
        c.drawString(x, y, label)
        c.drawString(x + label_width, y, ":")
        c.setFont("Helvetica-Bold", font_size)
        c.drawString(x + label_width + 8, y, text)
        y -= leading
    return y
