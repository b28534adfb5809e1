"""Public verification of a document's QR token: `/verify/{token}` (HTML), `/v1/verify/…`."""

from __future__ import annotations

import asyncio
from html import escape
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.exc import OperationalError

from pipeline.bootstrap import Container
from pipeline.documents.issue import verification

router = APIRouter(tags=["verification"])
log = structlog.get_logger("lahir.verify")
KIND_LABELS = {"KK": ("Kartu Keluarga", "Family card"),
               "AKTA_KELAHIRAN": ("Kutipan Akta Kelahiran", "Birth certificate"),
               "KIA": ("Kartu Identitas Anak", "Child identity card"),
               "SK_LAHIR_MATI": ("Surat Keterangan Lahir Mati", "Stillbirth certificate")}
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def answer(container: Container, token: str) -> dict[str, Any]:
    """Any token string gets an answer; only a database outage escapes (as a 503)."""
    try:
        with container.uow() as uow:
            return verification(uow, token, container.pki)
    except OperationalError:
        raise
    except Exception:  # noqa: BLE001 - never a 5xx for what a stranger typed
        log.exception("verification_failed")
        return {"valid": False, "reason": "UNVERIFIABLE"}


@router.get("/v1/verify/{token:path}")
async def verify_json(request: Request, token: str) -> JSONResponse:
    result = await asyncio.to_thread(answer, request.app.state.container, token)
    return JSONResponse(result, headers=NO_STORE)


@router.get("/verify/{token:path}", response_class=HTMLResponse, include_in_schema=False)
async def verify_page(request: Request, token: str) -> HTMLResponse:
    result = await asyncio.to_thread(answer, request.app.state.container, token)
    return HTMLResponse(_page(result), headers=NO_STORE)


def _page(result: dict[str, Any]) -> str:
    if not result.get("valid"):
        verdict = ("TIDAK SAH – dokumen tidak dikenal atau kode QR telah diubah",
                   "NOT VALID – unknown document or altered QR code", "invalid")
        rows = ""
    else:
        revoked = result.get("status") == "REVOKED"
        verdict = (("DICABUT – dokumen ini tidak berlaku lagi", "REVOKED – no longer valid",
                    "revoked") if revoked else
                   ("SAH – diterbitkan dan ditandatangani secara elektronik",
                    "VALID – issued and electronically signed", "valid"))
        kind = result["document_type"]
        label_id, label_en = KIND_LABELS.get(kind, (kind, kind))
        rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in (
            ("Jenis dokumen / Document", f"{label_id} / {label_en}"),
            ("Nomor / Number", result["document_number"]),
            ("Diterbitkan / Issued", result["issued_at"]), ("Penerbit / Issuer", result["issuer"]),
            *((("Diganti versi baru / Superseded by", result["superseded_by"]),)
              if result.get("superseded_by") else ())))
    title_id, title_en, css = verdict
    return (f"<!doctype html><html lang='id'><head><meta charset='utf-8'><title>Verifikasi "
            f"dokumen – Disdukcapil Kota Serang</title><meta name='viewport' "
            f"content='width=device-width'></head><body class='{css}'>"
            f"<h1>Verifikasi Dokumen Kependudukan</h1><p><em>Document verification</em></p>"
            f"<h2>{escape(title_id)}</h2><p><em>{escape(title_en)}</em></p>"
            f"<table>{rows}</table><p><small>Disdukcapil Kota Serang · tanda tangan elektronik "
            f"dengan CA uji coba (bukan BSrE) · test CA, not for production</small></p>"
            f"</body></html>")
