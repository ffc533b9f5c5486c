"""Deadline records of a case (met, breached) and the spans its SLA clock stood still."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

import engine.cases.tables  # noqa: F401  (the foreign keys below name its `case` table)
from engine.store.base import Base
from engine.store.types import UTCDateTime


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


# The inbox dates a task by its case's earliest deadline not yet met (engine.cases.inbox): it reads the
# open deadlines in due order (`_open_due`) and checks each is its case's first (`_open`, a short range).
_DEADLINE = CaseDeadline.__table__
_OPEN = _DEADLINE.c.met_at.is_(None)
Index(
    "ix_case_deadline_open",
    _DEADLINE.c.case_id,
    _DEADLINE.c.due_at,
    sqlite_where=_OPEN,
    postgresql_where=_OPEN,
)
Index("ix_case_deadline_open_due", _DEADLINE.c.due_at, sqlite_where=_OPEN, postgresql_where=_OPEN)
