"""The family's download pages: `/family/{registration_id}` asks the PIN, then lists the PDFs."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from html import escape
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from pipeline.bootstrap import Container
from pipeline.handlers import family
from pipeline.web.verify import KIND_LABELS

router = APIRouter(prefix="/family", include_in_schema=False)
COOKIE = "lahir_family"
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff"}
MESSAGES = {
    family.PinCheck.WRONG: "PIN salah. / Wrong PIN.",
    family.PinCheck.LOCKED: "Terlalu banyak PIN salah; hubungi Disdukcapil Kota Serang. / "
                            "Too many wrong PINs; contact Disdukcapil Kota Serang.",
    family.PinCheck.NO_ACCESS: "PIN salah. / Wrong PIN.",  # do not tell which registrations exist
}
STATUS = {family.PinCheck.WRONG: 401, family.PinCheck.NO_ACCESS: 401, family.PinCheck.LOCKED: 423}


@router.get("/{registration_id}", response_class=HTMLResponse)
def pin_form(registration_id: str) -> HTMLResponse:
    return _html(_form(registration_id, ""))


@router.post("/{registration_id}", response_class=HTMLResponse)
async def documents(request: Request, registration_id: str,
                    pin: str = Form(default="", max_length=12)) -> HTMLResponse:
    container: Container = request.app.state.container
    s = container.settings
    result = await asyncio.to_thread(family.check_pin, container.uow, registration_id,
                                     pin.strip(), s.family_max_pin_failures)
    if result != family.PinCheck.OK:
        return _html(_form(registration_id, MESSAGES[result]), STATUS[result])
    issued = await asyncio.to_thread(family.issued_documents, container.uow, registration_id)
    nonce = secrets.token_urlsafe(24)
    links = [(d, _serializer(container).dumps(
        {"r": registration_id, "d": d.document_id, "n": _digest(nonce)})) for d in issued]
    response = _html(_list(links))
    response.set_cookie(COOKIE, nonce, max_age=int(s.family_link_minutes * 60), httponly=True,
                        samesite="strict", path="/family",
                        secure=s.public_base_url.startswith("https"))
    return response


@router.get("/download/{signed}")
async def download(request: Request, signed: str) -> Response:
    container: Container = request.app.state.container
    try:
        link: dict[str, Any] = _serializer(container).loads(
            signed, max_age=int(container.settings.family_link_minutes * 60))
    except BadSignature:
        return _html("<p>Tautan tidak berlaku lagi. / This link has expired.</p>", 410)
    nonce = request.cookies.get(COOKIE, "")
    if not secrets.compare_digest(_digest(nonce), str(link.get("n"))):
        return _html("<p>Sesi berakhir; masukkan PIN lagi. / Session ended.</p>", 403)
    pdf = await asyncio.to_thread(family.download, container.uow, str(link["r"]), str(link["d"]))
    if pdf is None:
        return _html("<p>Dokumen tidak tersedia. / Document not available.</p>", 404)
    return Response(pdf, media_type="application/pdf", headers={
        **HEADERS, "Content-Disposition": f'attachment; filename="{link["d"]}.pdf"'})


def _serializer(container: Container) -> URLSafeTimedSerializer:
    secret = container.settings.family_link_secret.get_secret_value()
    return URLSafeTimedSerializer(secret, salt="lahir-family-download")


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()[:32]


def _form(registration_id: str, error: str) -> str:
    warning = f"<p role='alert'><strong>{escape(error)}</strong></p>" if error else ""
    return (f"{warning}<form method='post' action='/family/{escape(registration_id)}'>"
            f"<label>PIN (6 angka dari pesan WhatsApp/SMS) / PIN from the message "
            f"<input name='pin' inputmode='numeric' autocomplete='one-time-code' maxlength='6' "
            f"pattern='[0-9]{{6}}' required></label> <button>Buka / Open</button></form>")


def _list(links: list[tuple[family.FamilyDocument, str]]) -> str:
    if not links:
        return "<p>Belum ada dokumen yang terbit. / No document issued yet.</p>"
    items = "".join(
        f"<li><a href='/family/download/{escape(token)}'>"
        f"{escape(' / '.join(KIND_LABELS.get(d.kind, (d.kind, d.kind))))}</a> "
        f"<small>({escape(d.issued_at.date().isoformat())})</small></li>" for d, token in links)
    return (f"<p>Dokumen berikut dapat diunduh dan dicetak di kertas HVS A4 selama sesi ini. / "
            f"Download and print on plain A4 paper during this session.</p><ul>{items}</ul>")


def _html(body: str, status: int = 200) -> HTMLResponse:
    page = (f"<!doctype html><html lang='id'><head><meta charset='utf-8'><meta name='viewport' "
            f"content='width=device-width'><title>Dokumen keluarga – Disdukcapil Kota Serang"
            f"</title></head><body><h1>Dokumen Kependudukan Keluarga</h1>{body}</body></html>")
    return HTMLResponse(page, status_code=status, headers=HEADERS)
