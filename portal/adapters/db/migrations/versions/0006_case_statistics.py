"""case statistics: anonymous counts per service, channel and month that the retention job
keeps when it deletes cases (issue #12)

Revision ID: 0006_case_statistics
Revises: 0005_identification
Create Date: 2026-12-01 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_case_statistics'
# Chained after 0005_identification (re-chained when the branches were merged).
down_revision = '0005_identification'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_statistics',
    sa.Column('service_id', sa.String(length=80), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('decided', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('processing_seconds', sa.BigInteger(), nullable=False),
    sa.Column('within_1_day', sa.Integer(), nullable=False),
    sa.Column('within_7_days', sa.Integer(), nullable=False),
    sa.Column('within_30_days', sa.Integer(), nullable=False),
    sa.Column('longer', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('service_id', 'channel', 'month', name=op.f('pk_case_statistics'))
    )


def downgrade() -> None:
    op.drop_table('case_statistics')
