"""Evidence files: one row per file; the bytes live in storage, never in workflow data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

import engine.cases.tables  # noqa: F401  (the foreign keys below name its `case` table)
from engine.store.base import Base
from engine.store.types import UTCDateTime


class Attachment(Base):
    """An evidence file of a case: bytes on disk (never in workflow data), described by this row."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))  # path under the attachments folder
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
