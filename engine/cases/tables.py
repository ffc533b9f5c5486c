"""Cases and their indexes.

The workflow state of a case is the truth; `task` is an index derived from it on every save, so an inbox
is one indexed query instead of a scan of workflow states. `audit_event` is the hash-chained trail.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

import engine.registry.tables  # noqa: F401  (a case names its `process_version`)
from engine.store.base import Base
from engine.store.types import UTCDateTime


class Case(Base):
    """A complaint or dispute instance: its workflow state plus the few facts lists and filters need."""

    __tablename__ = "case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(40), index=True)
    stage: Mapped[str | None] = mapped_column(String(80), index=True)
    outcome: Mapped[str | None] = mapped_column(String(40))
    # zlib-compressed JSON of the SpiffWorkflow instance, without the spec (that lives on the version).
    state: Mapped[bytes] = mapped_column(LargeBinary)
    serializer_version: Mapped[str] = mapped_column(String(10))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock, checked on every save
    last_hash: Mapped[str] = mapped_column(String(64))  # head of the audit hash chain
    # Salt of the audit trail's digests of personal data (engine.cases.audit); erased with the data.
    audit_salt: Mapped[str | None] = mapped_column(String(64))
    parent_case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    open_children: Mapped[int] = mapped_column(Integer, default=0)  # linked cases still running
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON: a few fields for lists and search
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    # SLA: the profile in force and the version of its calendar, kept so that a later calendar edit never
    # rewrites past due dates; the clock pause in progress (if any) and the paused time so far.
    sla_profile: Mapped[str | None] = mapped_column(String(80))
    calendar_version: Mapped[str | None] = mapped_column(String(40))
    paused_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class Task(Base):
    """A ready user task, indexed for inboxes. `id` is SpiffWorkflow's task id."""

    __tablename__ = "task"
    __table_args__ = (Index("ix_task_group_assignee", "group_id", "assignee"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(400), default="")
    form_id: Mapped[str | None] = mapped_column(String(200))
    group_id: Mapped[str | None] = mapped_column(String(80))
    assignee: Mapped[str | None] = mapped_column(String(80), index=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Append-only record of every state change, hash-chained per case so tampering shows."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(String(36))
    element: Mapped[str | None] = mapped_column(String(200))
    status_before: Mapped[str | None] = mapped_column(String(40))
    status_after: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class CaseSearch(Base):
    """What a case is found by: its reference and the values of its summary and search fields, casefolded
    and joined, so that a search is one case-insensitive LIKE that behaves the same in every script on SQLite
    and PostgreSQL. A narrow table of its own: a scan of it never reads the case rows' workflow state (on
    SQLite, columns stored after it cost a walk through its overflow pages)."""

    __tablename__ = "case_search"

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")


class InvolvedStaff(Base):
    """A member of staff the complaint names as involved: they are never offered, and may not claim,
    complete or be assigned, a task of the case (ISO 10002 clause 4, objectivity).

    `source` is `complaint` when the complaint's `staff_involved` text named them at intake (see
    engine.cases.involvement for the matching rule), `recorded` when a member of staff recorded it.
    """

    __tablename__ = "involved_staff"
    __table_args__ = (UniqueConstraint("case_id", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    username: Mapped[str] = mapped_column(String(80), index=True)
    source: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(400), default="")
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CaseLink(Base):
    """A relation between two cases that is not a parent and its child: a duplicate merged into an original
    (`merged_into`), a complaint reopened as a new case (`reopened_from`). One row per relation, read both
    ways (engine.cases.links names the other side), so measures count reopened or merged cases by a join."""

    __tablename__ = "case_link"
    __table_args__ = (UniqueConstraint("case_id", "linked_case_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    linked_case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(80), default="")


# The task inbox reads each group's ready tasks due-first, oldest-first, a page at a time: with this index
# a page is read in index order instead of sorting every task of the group (engine.cases.queries.task_page).
_TASK = Task.__table__
Index("ix_task_inbox", _TASK.c.group_id, _TASK.c.due_at, _TASK.c.created_at, _TASK.c.id)
