"""Tables the REST API needs beside the case store: tokens, tracking tokens, attachments, idempotency keys.

Secrets (API tokens, complainants' tracking tokens, idempotency keys) are stored only as SHA-256 hashes, so a
copy of the database lets nobody act as a user or read a complainant's case.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base, Task
from engine.store.types import UTCDateTime


class ApiToken(Base):
    """A bearer token of a staff user or an integration: random, expiring, revocable."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CaseTracking(Base):
    """The hash of the tracking token a complainant was given at intake; one per case."""

    __tablename__ = "case_tracking"

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


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


# The task inbox reads each lane's ready tasks due-first, oldest-first, a page at a time: with this index a
# page is read in index order instead of sorting every task of the lane (engine.runtime.queries.task_page).
_TASK = Task.__table__
Index("ix_task_inbox", _TASK.c.lane, _TASK.c.due_at, _TASK.c.created_at, _TASK.c.id)


class AttachmentBlob(Base):
    """The bytes of an attachment where the database holds them (PostgreSQL: every web node reads them)."""

    __tablename__ = "attachment_blob"

    storage_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
