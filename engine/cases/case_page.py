"""What the staff case page reads: the case's detail, the names its diagram gives elements, the letters
sent and the files attached, in one read model.

The detail is `queries.case_detail`'s (the API's) so both show the same facts; the page adds what a person
reads rather than a machine: element names for the timeline, letters rendered in the language they went in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select

from engine.cases import queries
from engine.cases.read_models import AttachmentItem, CaseDetail
from engine.cases.store import CASE
from engine.core.errors import NotFound
from engine.letters.history import LetterSent, complainant_letters
from engine.letters.transport import DEFAULT_FROM


@dataclass(frozen=True)
class CasePage:
    """A case as a member of staff reads it."""

    detail: CaseDetail  # queries.case_detail
    element_names: dict[str, str]  # BPMN id -> the name the diagram gives it
    letters: tuple[LetterSent, ...]
    attachments: tuple[AttachmentItem, ...]


def read(service, reference: str, *, contact: str | None = None, with_incidents: bool = True) -> CasePage:
    """The page's model of a case; NotFound for an unknown reference. Providers get no incidents (the
    engine's own trouble is for staff). `contact` is the address letters name (default: the sender's From,
    ``REDRESSAL_MAIL_FROM``)."""
    contact = contact or os.environ.get("REDRESSAL_MAIL_FROM") or DEFAULT_FROM
    detail = queries.case_detail(service, reference, incidents=with_incidents)
    with service.db.reading() as conn:
        row = conn.execute(
            select(CASE.c.id, CASE.c.process_version_id).where(CASE.c.reference == reference)
        ).first()
        if row is None:
            raise NotFound(f"no case with the reference {reference}")
        case_id = row.id
        version = service.specs.get(conn, row.process_version_id)
        letters = complainant_letters(conn, case_id, contact)
    return CasePage(
        detail=detail,
        element_names=element_names(version),
        letters=letters,
        attachments=detail.attachments,
    )


def element_names(version) -> dict[str, str]:
    """BPMN id -> name for every element of the version's diagram that has a name."""
    names: dict[str, str] = {}
    for spec in (version.spec, *version.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            if task_spec.bpmn_id and task_spec.bpmn_name:
                names[task_spec.bpmn_id] = task_spec.bpmn_name
    return names
