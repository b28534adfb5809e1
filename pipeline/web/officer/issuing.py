"""The officer UI's calls into issuance (pipeline.documents, handlers.decisions) in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.bootstrap import Container
from pipeline.handlers import decisions
from pipeline.persistence.tables import Document, Registration
from pipeline.web.officer.security import PageError, SignedIn


def render_preview(container: Container, document: Document, registration: Registration) -> bytes:
    from pipeline.documents import pdf

    # no token: the page is marked "PRATINJAU – BELUM SAH" and carries no QR
    return pdf.render(document, registration, token=None,
                      public_base_url=container.settings.public_base_url)


@contextmanager
def _as_page_errors(conflict: str) -> Iterator[None]:
    """A missing document is a 404, a decision the document's state forbids a 409."""
    try:
        yield
    except decisions.DocumentNotFound as exc:  # a DecisionConflict too: caught first
        raise PageError(404, "Dokumen tidak ditemukan / document not found") from exc
    except decisions.DecisionConflict as exc:
        raise PageError(409, f"{conflict}: {exc}") from exc


def approve(container: Container, who: SignedIn, document_ids: list[str]) -> list[str]:
    with _as_page_errors("Sudah diputuskan / already decided"):
        return decisions.approve(container.uow, who, document_ids, container.pki,
                                 container.settings)


def reject(container: Container, who: SignedIn, document_ids: list[str], reason: str) -> None:
    with _as_page_errors("Sudah diputuskan / already decided"):
        decisions.reject(container.uow, who, document_ids, reason)


def revoke(container: Container, who: SignedIn, document_id: str, reason: str) -> None:
    with _as_page_errors("Tidak dapat dicabut / cannot revoke"):
        decisions.revoke(container.uow, who, document_id, reason)
