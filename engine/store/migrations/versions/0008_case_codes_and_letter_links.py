"""case codes (a nonce per case), throttled code attempts, single-use letter links

`case_tracking` gains `code_nonce` (the case code is HMAC(server key, reference + nonce); existing rows get a
nonce here) and its `token_hash` becomes optional (a case started by staff has a code but no intake token).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 20:30:00
"""

import secrets

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_tracking') as batch:
        batch.add_column(sa.Column('code_nonce', sa.String(length=32), nullable=True))
        batch.alter_column('token_hash', existing_type=sa.String(length=64), nullable=True)
    tracking = sa.table('case_tracking', sa.column('case_id', sa.Integer), sa.column('code_nonce', sa.String))
    conn = op.get_bind()
    for (case_id,) in conn.execute(sa.select(tracking.c.case_id)).all():
        conn.execute(
            tracking.update().where(tracking.c.case_id == case_id).values(code_nonce=secrets.token_hex(16))
        )
    op.create_table(
        'tracking_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('attempted_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_tracking_attempt_key_at', 'tracking_attempt', ['key_hash', 'attempted_at'])
    op.create_index('ix_tracking_attempt_attempted_at', 'tracking_attempt', ['attempted_at'])
    op.create_table(
        'tracking_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['letter_id'], ['outbox.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
        sa.UniqueConstraint('letter_id'),
    )
    op.create_index('ix_tracking_link_case_id', 'tracking_link', ['case_id'])
    op.create_index('ix_tracking_link_expires_at', 'tracking_link', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_tracking_link_expires_at', table_name='tracking_link')
    op.drop_index('ix_tracking_link_case_id', table_name='tracking_link')
    op.drop_table('tracking_link')
    op.drop_index('ix_tracking_attempt_attempted_at', table_name='tracking_attempt')
    op.drop_index('ix_tracking_attempt_key_at', table_name='tracking_attempt')
    op.drop_table('tracking_attempt')
    tracking = sa.table('case_tracking', sa.column('token_hash', sa.String))
    op.execute(tracking.delete().where(tracking.c.token_hash.is_(None)))  # codes-only rows had no token
    with op.batch_alter_table('case_tracking') as batch:
        batch.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
        batch.drop_column('code_nonce')
