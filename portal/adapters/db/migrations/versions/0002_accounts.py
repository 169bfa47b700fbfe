"""accounts: SAML replay store, local citizen accounts, counter verification, staff

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saml_seen_ids',
    sa.Column('id', sa.String(length=255), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saml_seen_ids'))
    )
    with op.batch_alter_table('saml_seen_ids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saml_seen_ids_expires_at'), ['expires_at'], unique=False)

    op.create_table('local_accounts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('given_names', sa.String(length=120), nullable=False),
    sa.Column('family_name', sa.String(length=120), nullable=False),
    sa.Column('birth_date', sa.String(length=10), nullable=True),
    sa.Column('trust_level', sa.Integer(), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_local_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_local_accounts_email'))
    )
    op.create_table('staff_accounts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_accounts_email'))
    )
    op.create_table('staff_roles',
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_staff_roles_staff_id_staff_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'role', name=op.f('pk_staff_roles'))
    )
    op.create_table('staff_departments',
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('department', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_staff_departments_staff_id_staff_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'department', name=op.f('pk_staff_departments'))
    )
    with op.batch_alter_table('staff_departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_departments_department'), ['department'], unique=False)

    op.create_table('counter_verifications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('staff_name', sa.String(length=255), nullable=False),
    sa.Column('document_type', sa.String(length=40), nullable=False),
    sa.Column('previous_level', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['local_accounts.id'], name=op.f('fk_counter_verifications_account_id_local_accounts')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_counter_verifications_staff_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counter_verifications'))
    )
    with op.batch_alter_table('counter_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counter_verifications_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counter_verifications_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('counter_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counter_verifications_staff_id'))
        batch_op.drop_index(batch_op.f('ix_counter_verifications_account_id'))

    op.drop_table('counter_verifications')
    with op.batch_alter_table('staff_departments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_departments_department'))

    op.drop_table('staff_departments')
    op.drop_table('staff_roles')
    op.drop_table('staff_accounts')
    op.drop_table('local_accounts')
    with op.batch_alter_table('saml_seen_ids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saml_seen_ids_expires_at'))

    op.drop_table('saml_seen_ids')
