"""Read pages: the work queue, one document's preview, its PDFs. Each view is audited."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from pipeline.domain.roles import Permission
from pipeline.persistence import audit
from pipeline.persistence.tables import IssuedDocument
from pipeline.web.officer import issuing, queries
from pipeline.web.officer.preview import preview
from pipeline.web.officer.render import page
from pipeline.web.officer.security import PageError, Who, allowed, container_of

router = APIRouter()


def queue_filter(kind: str = "", state: str = "AWAITING_APPROVAL", older_than_hours: str = "",
                 facility: str = "", waiting_for_name: bool = False) -> queries.QueueFilter:
    if kind and kind not in queries.KINDS:
        raise PageError(404, "Jenis dokumen tidak dikenal / unknown document kind")
    try:  # an empty form field means no limit
        hours = float(older_than_hours) if older_than_hours.strip() else None
    except ValueError as exc:
        raise PageError(422, "Umur harus berupa angka jam / hours must be a number") from exc
    if hours is not None and hours < 0:
        raise PageError(422, "Umur tidak boleh negatif / hours must not be negative")
    return queries.QueueFilter(kind, state, hours, facility.strip(), waiting_for_name)



@router.get("/")
def work_queue(request: Request, who: Who, kind: str = "", state: str = "AWAITING_APPROVAL",
               older_than_hours: str = "", facility: str = "",
               waiting_for_name: bool = False) -> Response:
    allowed(who, Permission.VIEW_DOCUMENTS)
    f = queue_filter(kind, state, older_than_hours, facility, waiting_for_name)
    with container_of(request).uow() as uow:
        rows = queries.queue(uow.session, who, f, uow.now())
        counts = queries.counts(uow.session, who)
        facilities = queries.facilities(uow.session, who)
        audit.append(uow.session, who.username, "queue.viewed", f"dinas:{who.dinas_code}",
                     at=uow.now(), filter=f.query_string(), shown=len(rows))
        uow.commit()
    return page(request, "queue.html", who, rows=rows, counts=counts, f=f,
                facilities=facilities, limit=queries.QUEUE_LIMIT)


@router.get("/documents/{document_id}")
def document_page(request: Request, who: Who, document_id: str) -> Response:
    allowed(who, Permission.VIEW_DOCUMENTS)
    with container_of(request).uow() as uow:
        document, registration = queries.one(uow.session, who, document_id)
        siblings = queries.siblings(uow.session, registration)
        tasks = queries.tasks_of(uow.session, registration)
        issued = uow.session.get(IssuedDocument, document.id)
        audit.append(uow.session, who.username, "document.viewed", document.id, at=uow.now(),
                     kind=document.kind, registration=registration.id)
        uow.commit()
    return page(request, "document.html", who, document=document, registration=registration,
                preview=preview(document, registration), siblings=siblings, tasks=tasks,
                issued=issued, report=registration.report or {})


@router.get("/documents/{document_id}/preview.pdf")
def preview_pdf(request: Request, who: Who, document_id: str) -> Response:
    allowed(who, Permission.VIEW_DOCUMENTS)
    with container_of(request).uow() as uow:
        document, registration = queries.one(uow.session, who, document_id)
        audit.append(uow.session, who.username, "document.preview_downloaded", document.id,
                     at=uow.now(), kind=document.kind)
        uow.commit()
    pdf = issuing.render_preview(container_of(request), document, registration)
    return _pdf(pdf, f"pratinjau-{document.id}.pdf")


@router.get("/documents/{document_id}/issued.pdf")
def issued_pdf(request: Request, who: Who, document_id: str) -> Response:
    allowed(who, Permission.VIEW_DOCUMENTS)
    with container_of(request).uow() as uow:
        document, _ = queries.one(uow.session, who, document_id)
        issued = uow.session.get(IssuedDocument, document.id)
        if issued is None:
            raise PageError(404, "Dokumen belum diterbitkan / not issued yet")
        audit.append(uow.session, who.username, "document.issued_pdf_downloaded", document.id,
                     at=uow.now(), kind=document.kind)
        uow.commit()
    return _pdf(issued.pdf, f"{document.kind.lower()}-{document.id}.pdf")


def _pdf(body: bytes, filename: str) -> Response:
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
