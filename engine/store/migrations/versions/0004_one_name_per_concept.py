"""one name per concept: task.group_id (was lane), case.lock_version (was version), case.calendar_version
(was sla_version); deployed versions' element metadata says group_id and form_id (were lane and form)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 18:00:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_KEYS = {"lane": "group_id", "form": "form_id"}


def _rename_element_keys(keys: dict[str, str]) -> None:
    """Rewrite the element metadata of every deployed version; the files and their hashes stay as they are."""
    conn = op.get_bind()
    versions = sa.table("process_version", sa.column("id", sa.Integer), sa.column("elements", sa.Text))
    for row in conn.execute(sa.select(versions.c.id, versions.c.elements)).all():
        meta = json.loads(row.elements)
        meta["elements"] = {
            bpmn_id: {keys.get(k, k): v for k, v in element.items()}
            for bpmn_id, element in meta["elements"].items()
        }
        conn.execute(versions.update().where(versions.c.id == row.id).values(elements=json.dumps(meta)))


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_inbox")
        batch_op.drop_index("ix_task_lane_assignee")
        batch_op.alter_column("lane", new_column_name="group_id", existing_type=sa.String(length=80))
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_group_assignee", ["group_id", "assignee"], unique=False)
        batch_op.create_index("ix_task_inbox", ["group_id", "due_at", "created_at", "id"], unique=False)
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.alter_column("version", new_column_name="lock_version", existing_type=sa.Integer())
        batch_op.alter_column("sla_version", new_column_name="calendar_version", existing_type=sa.String(length=40))
    _rename_element_keys(_KEYS)


def downgrade() -> None:
    _rename_element_keys({new: old for old, new in _KEYS.items()})
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.alter_column("calendar_version", new_column_name="sla_version", existing_type=sa.String(length=40))
        batch_op.alter_column("lock_version", new_column_name="version", existing_type=sa.Integer())
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_inbox")
        batch_op.drop_index("ix_task_group_assignee")
        batch_op.alter_column("group_id", new_column_name="lane", existing_type=sa.String(length=80))
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_lane_assignee", ["lane", "assignee"], unique=False)
        batch_op.create_index("ix_task_inbox", ["lane", "due_at", "created_at", "id"], unique=False)
