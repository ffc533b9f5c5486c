"""Read models: what lists and pages show, as typed records with named fields.

Queries (engine/cases/queries.py) return these; the API's marshmallow schemas dump them and the coming HTML
templates read the same attribute names, so a field is named once for both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class TaskItem:
    """A ready task in an inbox, with the few facts of its case a list shows."""

    id: str
    name: str
    bpmn_id: str
    form_id: str | None
    group_id: str | None
    assignee: str | None
    due_at: dt.datetime | None
    created_at: dt.datetime
    reference: str
    status: str
    stage: str | None


@dataclass(frozen=True, slots=True)
class TaskDetail:
    """One ready task with its form definition and the values the case already has for the form."""

    id: str
    name: str
    bpmn_id: str
    reference: str
    case_status: str
    stage: str | None
    form_id: str | None
    group_id: str | None
    assignee: str | None
    due_at: dt.datetime | None
    created_at: dt.datetime
    form_definition: dict[str, Any] | None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseItem:
    """A case in a staff list: its state and the summary fields its process keeps on the row."""

    reference: str
    process_id: str
    status: str
    stage: str | None
    outcome: str | None
    summary: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
