"""the interface language each member of staff chose (`user_account.language`, a BCP 47 tag or none)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 21:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('language', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('language')
