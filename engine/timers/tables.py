"""The timer index: what each case waits for and when, so "what is due?" is one indexed query."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String
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
