"""Dispute-resolution provider organisations (ISO 10003): ombudsmen, ADR bodies, arbitrators; their users."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

import engine.identity.tables  # noqa: F401  (a provider user is a `user_account`)
from engine.store.base import Base
from engine.store.types import UTCDateTime


class ProviderOrganisation(Base):
    """An external body disputes are referred to. `slug` is what a dispute case records at referral
    (`provider_organisation`), so the access policy finds the organisation's cases from case rows alone."""

    __tablename__ = "provider_organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # ombudsman, adr_body, arbitrator
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ProviderUser(Base):
    """A user of role `provider` working for one organisation: they see that organisation's cases."""

    __tablename__ = "provider_user"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("provider_organisation.id", ondelete="CASCADE"), index=True
    )
