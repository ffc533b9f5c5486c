"""audit trail without personal data: a salt per case; old trails re-chained with a recorded event

Events used to carry submitted values (the intake in `start`, form data in `complete_task`, the payload of
`message`). Each such value is replaced by its field names and a salted digest (as engine.cases.audit now
writes), every hash of the case's chain is computed afresh, and one `audit_rechained` event closes the new
chain naming the old head hash, so that an exported copy of the old chain can still be matched to this one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 18:10:00
"""

import datetime as dt
import hashlib
import hmac
import json
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
PERSONAL_KEYS = ("data", "payload")  # the detail keys that carried submitted values

def _case_table(lock_column):
    return sa.table(
        "case",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column(lock_column, sa.Integer),
        sa.column("last_hash", sa.String),
        sa.column("audit_salt", sa.String),
    )
event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("task_id", sa.String),
    sa.column("element", sa.String),
    sa.column("status_before", sa.String),
    sa.column("status_after", sa.String),
    sa.column("detail", sa.Text),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _hash(prev, seq, at, actor, action, task_id, element, before, after, detail):
    # The chain's hash exactly as engine.cases.audit.event_hash computes it (times are stored naive UTC).
    body = json.dumps(
        [prev, seq, at.replace(tzinfo=dt.timezone.utc).isoformat(timespec="microseconds"), actor, action,
         task_id, element, before, after, detail],
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _digest(salt, value):
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return "hmac-sha256:" + hmac.new(bytes.fromhex(salt), canonical.encode(), hashlib.sha256).hexdigest()


def _without_personal_data(detail, salt):
    found = [k for k in PERSONAL_KEYS if k in detail]
    if not found:
        return detail
    clean = {k: v for k, v in detail.items() if k not in PERSONAL_KEYS}
    value = detail[found[0]] if len(found) == 1 else {k: detail[k] for k in found}
    clean["fields"] = sorted(str(k) for k in value) if isinstance(value, dict) else []
    clean["digest"] = _digest(salt, value)
    return clean


def _dump(detail):
    return json.dumps(detail, default=str, separators=(",", ":"), sort_keys=True)


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: batch mode would copy `case` on SQLite, and dropping the old copy
    # with foreign keys on would cascade to every audit event.
    op.add_column("case", sa.Column("audit_salt", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    # The optimistic-lock column is `version`, or `lock_version` once the renaming migration (0004) has run.
    columns = {c["name"] for c in sa.inspect(conn).get_columns("case")}
    lock_column = "lock_version" if "lock_version" in columns else "version"
    case = _case_table(lock_column)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for case_id, status, old_head in conn.execute(
        sa.select(case.c.id, case.c.status, case.c.last_hash).order_by(case.c.id)
    ).all():
        salt = secrets.token_hex(16)
        rows = conn.execute(sa.select(event).where(event.c.case_id == case_id).order_by(event.c.seq)).all()
        prev, seq = GENESIS, 0
        for row in rows:
            detail = _dump(_without_personal_data(json.loads(row.detail or "{}"), salt))
            digest = _hash(prev, row.seq, row.at, row.actor, row.action, row.task_id, row.element,
                           row.status_before, row.status_after, detail)
            conn.execute(
                event.update().where(event.c.id == row.id).values(detail=detail, prev_hash=prev, hash=digest)
            )
            prev, seq = digest, row.seq
        if rows:
            seq += 1
            detail = _dump({"old_head": old_head, "events": len(rows), "migration": "0007",
                            "reason": "personal data moved out of the audit trail"})
            digest = _hash(prev, seq, now, "system", "audit_rechained", None, None, status, status, detail)
            conn.execute(event.insert().values(
                case_id=case_id, seq=seq, at=now, actor="system", action="audit_rechained", task_id=None,
                element=None, status_before=status, status_after=status, detail=detail, prev_hash=prev,
                hash=digest,
            ))
            prev = digest
        # The row version counts audit events, so it moves with the appended one.
        values = {"audit_salt": salt, "last_hash": prev}
        if rows:
            values[lock_column] = seq
        conn.execute(case.update().where(case.c.id == case_id).values(**values))


def downgrade() -> None:
    # The values the old events carried are not restored: they were personal data, and are gone from here.
    op.execute('ALTER TABLE "case" DROP COLUMN audit_salt')  # native on SQLite 3.35+ and PostgreSQL
