"""Tracking credentials of complaints (hashed), so complainants follow their case without an account."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
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
