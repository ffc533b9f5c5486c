"""The timer index: what each case waits for and when, so "what is due?" is one indexed query."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

import engine.cases.tables  # noqa: F401  (the foreign keys below name its `case` table)
from engine.store.base import Base
from engine.store.types import UTCDateTime


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
    # Failed firings so far (retried with backoff: `claimed_until` says when), and the incident that parks
    # the timer once they run out; a parked timer is never claimed until the incident is retried.
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    incident_id: Mapped[int | None] = mapped_column(Integer)


class Incident(Base):
    """A firing that failed every retry, parked for an administrator to retry after a fix or dismiss."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "timer" (or "message", for deliveries the engine retries)
    timer_id: Mapped[str | None] = mapped_column(String(36))
    element: Mapped[str | None] = mapped_column(String(200))  # the BPMN element that failed, when known
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # open, retried, dismissed
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
