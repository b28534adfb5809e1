"""The officer UI's calls into issuance (pipeline.documents, handlers.decisions) in one place."""

from __future__ import annotations

from pipeline.bootstrap import Container
from pipeline.persistence.tables import Document, Registration
from pipeline.web.officer.security import PageError, SignedIn


def render_preview(container: Container, document: Document, registration: Registration) -> bytes:
    from pipeline.documents import pdf

    # no token: the page is marked "PRATINJAU – BELUM SAH" and carries no QR
    return pdf.render(document, registration, token=None,
                      public_base_url=container.settings.public_base_url)


def approve(container: Container, who: SignedIn, document_ids: list[str]) -> list[str]:
    from pipeline.handlers import decisions

    try:
        return decisions.approve(container.uow, who, document_ids, container.pki,
                                 container.settings)
    except decisions.DocumentNotFound as exc:
        raise PageError(404, "Dokumen tidak ditemukan / document not found") from exc
    except decisions.DecisionConflict as exc:
        raise PageError(409, f"Sudah diputuskan / already decided: {exc}") from exc


def reject(container: Container, who: SignedIn, document_ids: list[str], reason: str) -> None:
    from pipeline.handlers import decisions

    try:
        decisions.reject(container.uow, who, document_ids, reason)
    except decisions.DocumentNotFound as exc:
        raise PageError(404, "Dokumen tidak ditemukan / document not found") from exc
    except decisions.DecisionConflict as exc:
        raise PageError(409, f"Sudah diputuskan / already decided: {exc}") from exc


def revoke(container: Container, who: SignedIn, document_id: str, reason: str) -> None:
    from pipeline.handlers import decisions

    try:
        decisions.revoke(container.uow, who, document_id, reason)
    except decisions.DocumentNotFound as exc:
        raise PageError(404, "Dokumen tidak ditemukan / document not found") from exc
    except decisions.DecisionConflict as exc:
        raise PageError(409, f"Tidak dapat dicabut / cannot revoke: {exc}") from exc
