"""A4 PDFs of the issued documents in Indonesian, with the verification QR (reportlab)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from pipeline.documents.form_kia import draw_kia
from pipeline.documents.form_kk import draw_kk
from pipeline.documents.form_letters import draw_akta, draw_lahir_mati
from pipeline.documents.layout import marks
from pipeline.domain.clock import WIB
from pipeline.persistence.tables import Document, Registration

Form = Callable[[Canvas, dict[str, Any], "str | None", date], None]
FORMS: dict[str, tuple[Form, tuple[float, float], str]] = {
    "KK": (draw_kk, landscape(A4), "Kartu Keluarga"),
    "AKTA_KELAHIRAN": (draw_akta, A4, "Kutipan Akta Kelahiran"),
    "KIA": (draw_kia, A4, "Kartu Identitas Anak"),
    "SK_LAHIR_MATI": (draw_lahir_mati, A4, "Surat Keterangan Lahir Mati"),
}


def verification_url(public_base_url: str, token: str) -> str:
    return f"{public_base_url.rstrip('/')}/verify/{token}"


def render(document: Document, registration: Registration, *, token: str | None,
           public_base_url: str | None = None, issued_on: date | None = None) -> bytes:
    """The document's page; without a token a preview marked "PRATINJAU – BELUM SAH"."""
    draw, size, title = FORMS[document.kind]
    if public_base_url is None:
        from pipeline.config import get_settings

        public_base_url = get_settings().public_base_url
    url = verification_url(public_base_url, token) if token else None
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=size, invariant=True)
    c.setTitle(f"{title} – Disdukcapil Kota Serang")
    c.setAuthor("Dinas Kependudukan dan Pencatatan Sipil Kota Serang")
    c.setSubject("PRATINJAU – BELUM SAH" if token is None else title)
    synthetic = bool(registration.is_synthetic or (document.content or {}).get("is_synthetic"))
    marks(c, preview=token is None, synthetic=synthetic)
    draw(c, dict(document.content or {}), url, issued_on or datetime.now(WIB).date())
    c.showPage()
    c.save()
    return buffer.getvalue()
