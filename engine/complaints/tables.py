"""Complaints' own rows: tracking credentials (hashed) and restrictions of contact with a complainant."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

import engine.cases.tables  # noqa: F401  (the foreign keys below name its `case` table)
from engine.store.base import Base
from engine.store.types import UTCDateTime


class CaseTracking(Base):
    """The hash of the tracking token a complainant was given at intake; one per case."""

    __tablename__ = "case_tracking"

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ContactRestriction(Base):
    """Contact with a complainant limited to one channel and one named member of staff until a review date,
    for conduct that is unreasonable. It takes effect only when a second supervisor approves it."""

    __tablename__ = "contact_restriction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    contact: Mapped[str] = mapped_column(String(80))  # the username of the one member of staff
    review_on: Mapped[dt.date] = mapped_column(Date)
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # proposed, approved, refused
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
