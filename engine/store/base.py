"""The declarative base every slice's tables share, so one metadata describes the whole schema."""

from typing import ClassVar

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Every class here maps a Table (no class maps a join or a subquery); SQLAlchemy types `__table__` as
    # the wider FromClause, which has no insert() and which update()/delete() do not accept.
    __table__: ClassVar[Table]
