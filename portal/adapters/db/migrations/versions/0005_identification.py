"""submissions.identification: how the person who submitted was identified (method, level,
pseudonymous identifier, time and the values the eID vouched for), for registration messages

Revision ID: 0005_identification
Revises: 0004
Create Date: 2026-11-27 00:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0005_identification'
# Chained after 0004_delivery; if another branch also adds a child of 0004, re-chain one of them.
down_revision = '0004'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identification', JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('identification')
