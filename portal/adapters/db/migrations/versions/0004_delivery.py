"""delivery: outbox of delivery jobs, stored XÖV messages, case assignments, messages to
citizens, API clients of specialist systems and their receipts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 00:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0004'
# Chained after 0003_documents, the head in the work tree today: a second child of 0001 would
# give two heads and stop `upgrade head` (and every test). Re-chain freely.
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_clients',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('department', sa.String(length=40), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('token_hint', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('name', name=op.f('uq_api_clients_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_clients_token_hash'))
    )
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_clients_department'), ['department'], unique=False)

    op.create_table('case_assignments',
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('staff_name', sa.String(length=255), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_case_assignments_submission_id_submissions')),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_case_assignments'))
    )
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignments_staff_id'), ['staff_id'], unique=False)

    op.create_table('citizen_messages',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('author', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_citizen_messages_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_messages'))
    )
    with op.batch_alter_table('citizen_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_messages_submission_id'), ['submission_id'], unique=False)

    op.create_table('delivery_jobs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=60), nullable=False),
    sa.Column('idempotency_key', sa.String(length=160), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('receipt', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_delivery_jobs_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_jobs')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_delivery_jobs_idempotency_key'))
    )
    with op.batch_alter_table('delivery_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_jobs_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_jobs_submission_id'), ['submission_id'], unique=False)

    op.create_table('delivery_receipts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('external_id', sa.String(length=120), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['api_clients.id'], name=op.f('fk_delivery_receipts_client_id_api_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_delivery_receipts_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_receipts')),
    sa.UniqueConstraint('submission_id', 'client_id', name='uq_delivery_receipts_pair')
    )
    with op.batch_alter_table('delivery_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_receipts_submission_id'), ['submission_id'], unique=False)

    op.create_table('stored_messages',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_stored_messages_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_messages')),
    sa.UniqueConstraint('submission_id', 'kind', name='uq_stored_messages_submission_kind')
    )
    with op.batch_alter_table('stored_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_messages_submission_id'), ['submission_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stored_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_messages_submission_id'))

    op.drop_table('stored_messages')
    with op.batch_alter_table('delivery_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_receipts_submission_id'))

    op.drop_table('delivery_receipts')
    with op.batch_alter_table('delivery_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_jobs_submission_id'))
        batch_op.drop_index('ix_delivery_jobs_status_next')

    op.drop_table('delivery_jobs')
    with op.batch_alter_table('citizen_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_messages_submission_id'))

    op.drop_table('citizen_messages')
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assignments_staff_id'))

    op.drop_table('case_assignments')
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_clients_department'))

    op.drop_table('api_clients')
