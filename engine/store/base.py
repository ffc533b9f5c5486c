"""The declarative base every slice's tables share, so one metadata describes the whole schema."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
