"""Remembered answers to requests that carried an idempotency key."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.base import Base
from engine.store.types import UTCDateTime


class IdempotencyRecord(Base):
    """The first answer to a request sent with an Idempotency-Key, replayed to retries of it.

    `status_code` is NULL while the first request is still running, so a concurrent retry is told to wait
    instead of running the request a second time.
    """

    __tablename__ = "idempotency_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of caller, operation and key
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
