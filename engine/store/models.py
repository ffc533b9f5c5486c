"""Tables of the case store.

The workflow state of a case is the truth; `task` and `timer` are indexes derived from it on every save, so
an inbox or "what is due?" is one indexed query instead of a scan of workflow states.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from engine.store.types import UTCDateTime


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Space-separated role names (see engine.users.ROLES): few, fixed, always read together with the user.
    roles: Mapped[str] = mapped_column(String(200), default="")
    skills: Mapped[str] = mapped_column(String(400), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Group(Base):
    """A team. A BPMN lane's id is a group's id: the lane says which team works its tasks."""

    __tablename__ = "user_group"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class Membership(Base):
    __tablename__ = "membership"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("user_group.id", ondelete="CASCADE"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="memberships")


class ProcessVersion(Base):
    """One deployed version of a process: its files and parsed spec, stored once, with their content hash.

    The same content may appear twice: redeploying an older version's files rolls back as a new version.
    """

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(400), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[str] = mapped_column(Text)  # JSON {file name: text}: BPMN, DMN and forms as deployed
    spec: Mapped[str] = mapped_column(Text)  # JSON of the serialized spec and subprocess specs
    elements: Mapped[str] = mapped_column(Text)  # JSON element metadata (lane, form, stage, status, outcome)
    forms: Mapped[str] = mapped_column(Text)  # JSON {form id: form-js definition}
    deployed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str] = mapped_column(String(80), default="")


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
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock
    last_hash: Mapped[str] = mapped_column(String(64))  # head of the audit hash chain
    # Salt of the audit trail's digests of personal data (engine.runtime.audit); erased with the data.
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
    sla_version: Mapped[str | None] = mapped_column(String(40))
    paused_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class CasePause(Base):
    """A stretch of time the internal SLA clock stood still (waiting for the complainant)."""

    __tablename__ = "case_pause"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CaseDeadline(Base):
    """A deadline a case is held to: when it is due, and whether it was met or breached.

    One row per case and deadline name, written when a timer for it is first armed and moved when one is
    re-armed; breached when such a timer fires, met when the last timer for it is left before it was due.
    Kept for reports and for the complainant's tracking page.
    """

    __tablename__ = "case_deadline"
    __table_args__ = (UniqueConstraint("case_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    regulatory: Mapped[bool] = mapped_column(Boolean, default=False)
    profile: Mapped[str | None] = mapped_column(String(80))
    calendar_version: Mapped[str | None] = mapped_column(String(40))
    met_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Task(Base):
    """A ready user task, indexed for inboxes. `id` is SpiffWorkflow's task id."""

    __tablename__ = "task"
    __table_args__ = (Index("ix_task_lane_assignee", "lane", "assignee"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(400), default="")
    form_id: Mapped[str | None] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(80))
    assignee: Mapped[str | None] = mapped_column(String(80), index=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Timer(Base):
    """A waiting timer event, indexed by due time. `id` is SpiffWorkflow's task id of the timer event."""

    __tablename__ = "timer"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    bpmn_id: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    interrupting: Mapped[bool] = mapped_column(Boolean, default=True)
    # "bpmn": a timer event of the diagram; "warning": the engine's own early warning of a deadline.
    kind: Mapped[str] = mapped_column(String(20), default="bpmn")
    deadline: Mapped[str | None] = mapped_column(String(80))  # the SLA deadline it stands for, if any
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


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


class Outbox(Base):
    """A notification to send, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    template: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(20), default="en")
    recipient: Mapped[str] = mapped_column(String(254))
    params: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
