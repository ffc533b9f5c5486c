"""Deployed process versions: files, their hash and the parsed spec, stored once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.base import Base
from engine.store.types import UTCDateTime


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
