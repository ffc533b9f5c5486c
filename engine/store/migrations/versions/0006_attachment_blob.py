"""attachment bytes in the database (every web node reads them)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 17:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attachment_blob',
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('storage_key'),
    )


def downgrade() -> None:
    op.drop_table('attachment_blob')
