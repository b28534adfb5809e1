"""SQLAlchemy 2 models of Lahir's own state: registrations, tasks, documents, outbox, inbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in UTC on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every timestamp needs an offset")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


TZ = UtcDateTime()
# SQLite autoincrements only INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Facility(Base):
    __tablename__ = "facilities"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # RS, PUSKESMAS, KLINIK, BIDAN
    regency_code: Mapped[str] = mapped_column(String(4))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=True)


class FacilitySecret(Base):
    """Two may be active at once, for rotation (contract.md 2.1)."""

    __tablename__ = "facility_secrets"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facilities.code"), index=True)
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(TZ)


class SeenNonce(Base):
    __tablename__ = "seen_nonces"
    facility_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(TZ, index=True)


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("facility_code", "notification_id", name="uq_registration_notification"),
        UniqueConstraint("mother_index", "born_at", "birth_order", name="uq_registration_birth"),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facilities.code"))
    notification_id: Mapped[str] = mapped_column(String(64))
    body_sha256: Mapped[str] = mapped_column(String(64))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    mother_index: Mapped[str] = mapped_column(String(64))  # keyed HMAC of the mother's NIK
    born_at: Mapped[datetime] = mapped_column(TZ)
    birth_order: Mapped[int] = mapped_column(Integer)
    live_birth: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(24), index=True)
    received_at: Mapped[datetime] = mapped_column(TZ, index=True)
    updated_at: Mapped[datetime] = mapped_column(TZ)
    child_nik: Mapped[str | None] = mapped_column(String(16), unique=True)
    nomor_kk: Mapped[str | None] = mapped_column(String(16), index=True)
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # corrections
    # the Dinas that owns the family's KK (domicile principle, domain.md 11): officers' jurisdiction
    dinas_code: Mapped[str | None] = mapped_column(String(4), index=True)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class Task(Base):
    __tablename__ = "tasks"
    registration_id: Mapped[str] = mapped_column(ForeignKey("registrations.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # nik kk akta kia bpjs
    state: Mapped[str] = mapped_column(String(24), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(TZ)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("registration_id", "kind", name="uq_document_kind"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    registration_id: Mapped[str] = mapped_column(ForeignKey("registrations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # KK, AKTA_KELAHIRAN, KIA, SK_LAHIR_MATI
    state: Mapped[str] = mapped_column(String(24), index=True)
    number: Mapped[str | None] = mapped_column(String(40))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(TZ)
    decided_at: Mapped[datetime | None] = mapped_column(TZ)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    verified_by: Mapped[str | None] = mapped_column(String(64))  # an OPERATOR checked it
    verified_at: Mapped[datetime | None] = mapped_column(TZ)


class TimelineEntry(Base):
    __tablename__ = "timeline"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    registration_id: Mapped[str] = mapped_column(ForeignKey("registrations.id"), index=True)
    at: Mapped[datetime] = mapped_column(TZ)
    event: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxMessage(Base):
    """Written in the same transaction as the state it announces; the relay publishes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unpublished", "published_at", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(Text)  # the CloudEvent, serialised once
    created_at: Mapped[datetime] = mapped_column(TZ)
    published_at: Mapped[datetime | None] = mapped_column(TZ)
    # a relay's lease while it sends the row (PostgreSQL); expired leases are claimed again
    claimed_until: Mapped[datetime | None] = mapped_column(TZ)


class ProcessedMessage(Base):
    """The inbox: a redelivered event finds its marker and becomes a no-op."""

    __tablename__ = "processed_messages"
    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(TZ)


class Officer(Base):
    """A Disdukcapil officer: OPERATOR verifies, OFFICIAL approves and signs, ADMIN manages."""

    __tablename__ = "officers"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))  # Argon2id
    role: Mapped[str] = mapped_column(String(16))
    dinas_code: Mapped[str] = mapped_column(String(4))  # jurisdiction, e.g. 3673 Kota Serang
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(TZ)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(TZ)  # login throttling


class OfficerSession(Base):
    """Server side of the signed session cookie: expiry, sign-out and the CSRF token."""

    __tablename__ = "officer_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("officers.username"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TZ)
    expires_at: Mapped[datetime] = mapped_column(TZ)
    ended_at: Mapped[datetime | None] = mapped_column(TZ)


class AuditEntry(Base):
    """Append-only; each entry's hash covers the previous one, so an edit breaks the chain."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(TZ)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class IssuedDocument(Base):
    """The signed PDF of an approved document, and what can happen to it afterwards."""

    __tablename__ = "issued_documents"
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    token_id: Mapped[str] = mapped_column(String(32), unique=True)  # in the QR's signed token
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(TZ)
    signed_by: Mapped[str] = mapped_column(String(64))
    supersedes: Mapped[str | None] = mapped_column(String(40))  # the previous KK version's doc
    superseded_by: Mapped[str | None] = mapped_column(String(40))
    revoked_at: Mapped[datetime | None] = mapped_column(TZ)
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class FamilyAccess(Base):
    """The family's second factor for downloads: a PIN sent in the notification (hash only)."""

    __tablename__ = "family_access"
    registration_id: Mapped[str] = mapped_column(ForeignKey("registrations.id"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(TZ)
