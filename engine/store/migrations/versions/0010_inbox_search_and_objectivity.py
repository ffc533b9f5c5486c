"""inbox: a casefolded search text per case (`case_search`); staff named as involved in a complaint
(objectivity); indexes of the deadlines not yet met (the inbox's due times)

`case_search` is filled from each case's reference and the summary fields already on its row; the process's
search-only fields (`search_fields`, the complaint's description) join it the next time the case is saved.

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 20:30:00
"""

import json

import sqlalchemy as sa
from alembic import op


revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def _words(reference, summary):
    try:
        values = json.loads(summary or "{}")
    except ValueError:
        values = {}
    parts = [reference] + [str(v) for v in values.values() if v not in (None, "")]
    return "\n".join(parts).casefold()


def upgrade() -> None:
    op.create_table(
        "case_search",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "involved_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "username"),
    )
    with op.batch_alter_table("involved_staff", schema=None) as batch_op:
        batch_op.create_index("ix_involved_staff_username", ["username"], unique=False)
    open_only = sa.text("met_at IS NULL")
    op.create_index(
        "ix_case_deadline_open",
        "case_deadline",
        ["case_id", "due_at"],
        sqlite_where=open_only,
        postgresql_where=open_only,
    )
    op.create_index(
        "ix_case_deadline_open_due",
        "case_deadline",
        ["due_at"],
        sqlite_where=open_only,
        postgresql_where=open_only,
    )
    case = sa.table(
        "case", sa.column("id", sa.Integer), sa.column("reference", sa.String), sa.column("summary", sa.Text)
    )
    search = sa.table("case_search", sa.column("case_id", sa.Integer), sa.column("text", sa.Text))
    conn = op.get_bind()
    rows = conn.execute(sa.select(case.c.id, case.c.reference, case.c.summary)).all()
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        conn.execute(
            sa.insert(search), [{"case_id": r.id, "text": _words(r.reference, r.summary)} for r in chunk]
        )


def downgrade() -> None:
    op.drop_index("ix_case_deadline_open_due", table_name="case_deadline")
    op.drop_index("ix_case_deadline_open", table_name="case_deadline")
    with op.batch_alter_table("involved_staff", schema=None) as batch_op:
        batch_op.drop_index("ix_involved_staff_username")
    op.drop_table("involved_staff")
    op.drop_table("case_search")
