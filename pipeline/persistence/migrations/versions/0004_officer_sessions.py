"""officer sessions, login throttling, operator verification of documents

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "officer_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), sa.ForeignKey("officers.username"), nullable=False,
                  index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
    )
    with op.batch_alter_table("officers") as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("locked_until", TZ, nullable=True))
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("verified_by", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("verified_at", TZ, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_column("verified_at")
        batch_op.drop_column("verified_by")
    with op.batch_alter_table("officers") as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
    op.drop_table("officer_sessions")
