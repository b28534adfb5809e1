"""officers, audit log, issued documents, family access; jurisdiction and decisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:05:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("dinas_code", sa.String(4), nullable=True))
        batch_op.create_index("ix_registrations_dinas_code", ["dinas_code"])
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("decided_by", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
    op.create_table(
        "officers",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("dinas_code", sa.String(4), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", BIG, primary_key=True, autoincrement=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(80), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "issued_documents",
        sa.Column("document_id", sa.String(40), sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("token_id", sa.String(32), nullable=False, unique=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("signed_by", sa.String(64), nullable=False),
        sa.Column("supersedes", sa.String(40), nullable=True),
        sa.Column("superseded_by", sa.String(40), nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
    )
    op.create_table(
        "family_access",
        sa.Column("registration_id", sa.String(40), sa.ForeignKey("registrations.id"),
                  primary_key=True),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("family_access", "issued_documents", "audit_log", "officers"):
        op.drop_table(table)
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decided_by")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_index("ix_registrations_dinas_code")
        batch_op.drop_column("dinas_code")
