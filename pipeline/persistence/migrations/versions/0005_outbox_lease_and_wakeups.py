"""outbox lease (claimed_until) and a NOTIFY on insert that wakes the relay (PostgreSQL)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# one notification per inserting transaction: PostgreSQL folds identical ones at commit, and a
# trigger also wakes the relay for rows written by code that bypasses UnitOfWork.publish
NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION lahir_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lahir_outbox', '');
    RETURN NULL;
END
$$
"""
NOTIFY_TRIGGER = """
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
FOR EACH STATEMENT EXECUTE FUNCTION lahir_outbox_notify()
"""


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)
        op.execute(NOTIFY_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
        op.execute("DROP FUNCTION IF EXISTS lahir_outbox_notify()")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("claimed_until")
