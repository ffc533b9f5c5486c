"""inbox: a casefolded search text on each case; staff named as involved in a complaint (objectivity);
an index of the deadlines not yet met, by case and due time (the inbox's due times)

`case.search_text` is filled from the reference and the summary fields already on the row; the process's
search-only fields (`search_fields`, the complaint's description) join it the next time each case is saved.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 20:30:00
"""

import json

import sqlalchemy as sa
from alembic import op


revision = "0010"
down_revision = "0007"
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
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
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
        "case", sa.column("id", sa.Integer), sa.column("reference", sa.String), sa.column("summary", sa.Text),
        sa.column("search_text", sa.Text),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(case.c.id, case.c.reference, case.c.summary)).all()
    update = case.update().where(case.c.id == sa.bindparam("b_id")).values(search_text=sa.bindparam("b_text"))
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        conn.execute(update, [{"b_id": r.id, "b_text": _words(r.reference, r.summary)} for r in chunk])


def downgrade() -> None:
    op.drop_index("ix_case_deadline_open_due", table_name="case_deadline")
    op.drop_index("ix_case_deadline_open", table_name="case_deadline")
    with op.batch_alter_table("involved_staff", schema=None) as batch_op:
        batch_op.drop_index("ix_involved_staff_username")
    op.drop_table("involved_staff")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("search_text")
