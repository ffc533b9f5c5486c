"""Complaints' own rows: tracking credentials, and restrictions of contact with a complainant.

Nothing here lets a database reader open a case: tokens are kept as hashes, and a case code is derived from
the server's secret key and the per-case nonce kept here (engine.complaints.case_codes).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

import engine.cases.tables  # noqa: F401  (the foreign keys below name its `case` table)
from engine.store.base import Base
from engine.store.types import UTCDateTime


class CaseTracking(Base):
    """One per case: the hash of the intake token (if the case came through intake) and the nonce that,
    with the server's secret key, gives the case code printed on letters. A new nonce is a new code."""

    __tablename__ = "case_tracking"

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    code_nonce: Mapped[str | None] = mapped_column(String(32))


class TrackingAttempt(Base):
    """A case-code attempt that has not (yet) succeeded, by the hash of the normalised reference it named.

    Known and unknown references are counted alike, so the throttle says nothing about which exist. Rows
    older than the window are pruned as new attempts come in.
    """

    __tablename__ = "tracking_attempt"
    __table_args__ = (Index("ix_tracking_attempt_key_at", "key_hash", "attempted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class TrackingLink(Base):
    """The single-use link printed in one letter: only the token's hash, the case and the letter it went in.

    One per letter: rendering the letter again (a retried delivery) replaces the link, so only the copy
    that went out last opens the case.
    """

    __tablename__ = "tracking_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    # `outbox` is engine.letters' table; not imported here, because the letter worker imports this slice
    # (engine.tables gathers both for the schema).
    letter_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)  # pruning reads it
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


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
