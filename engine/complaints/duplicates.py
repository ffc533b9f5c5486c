"""Duplicate complaints: suggesting possible duplicates, and merging one into its original.

Suggestions are explainable on purpose: a complaint is a possible duplicate of another when both come from
the same e-mail address or phone number (complainant's or representative's, normalised), or when their
subjects share most of their words, and both were received within a period of each other (default 90 days,
REDRESSAL_DUPLICATE_DAYS). SQL finds a bounded set of candidates from the case rows' summaries (the complaint
process keeps subject and contact details there), by time window and a LIKE on the contact or the subject's
longest words; the comparison itself runs in Python, the same on SQLite and PostgreSQL.

Merging takes a real reference and checks it, links both cases (engine.cases.links), appends the duplicate's
text and evidence to the original (its data `merged_complaints`, which handlers see on the case, and copies
of the attachment rows), ends the duplicate with the outcome `merged`, and queues the letter that tells the
complainant which reference to use: one transaction, with an audit event on each case.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, or_, select

from engine.access import policy as access
from engine.bpmn import workflow as wfx
from engine.cases import links
from engine.cases.service import CaseResult, CaseService
from engine.cases.store import CASE, CaseWork
from engine.complaints.intake import PROCESS_ID, normalise_phone
from engine.core.actors import Actor
from engine.core.errors import ConflictError, FormInvalid, NotFound
from engine.evidence.tables import Attachment
from engine.letters import queue as notify

DEFAULT_DAYS = 90
MAX_CANDIDATES = 200
SIMILAR_SUBJECT = 0.5  # share of the smaller subject's words found in the other
TEMPLATE = "merged_letter"
DATA_KEY = "merged_complaints"
MERGED = "merged"
ENDED = ("closed", "withdrawn")
REASONS = {"email": "same email", "phone": "same phone", "subject": "similar subject"}
_WORD = re.compile(r"\w+", re.UNICODE)
_ATTACHMENT = Attachment.__table__
# Words that say nothing about what a complaint is about.
_STOP = frozenset(
    {
        "the",
        "and",
        "for",
        "with",
        "about",
        "from",
        "that",
        "this",
        "was",
        "were",
        "have",
        "has",
        "not",
        "your",
        "you",
        "our",
        "are",
        "but",
        "into",
        "over",
        "complaint",
        "complaints",
        "issue",
        "problem",
    }
)


@dataclass(frozen=True, slots=True)
class DuplicateSuggestion:
    """A complaint that may be the same as the one looked at, and why (`reasons`, in words)."""

    reference: str
    status: str
    outcome: str | None
    subject: str | None
    created_at: dt.datetime
    reasons: list[str] = field(default_factory=list)
    shared_words: list[str] = field(default_factory=list)
    similarity: float = 0.0


def period_days() -> int:
    """The period within which complaints count as possible duplicates (REDRESSAL_DUPLICATE_DAYS)."""
    try:
        return max(1, int(os.environ.get("REDRESSAL_DUPLICATE_DAYS", DEFAULT_DAYS)))
    except ValueError:
        return DEFAULT_DAYS


def normal_email(value: Any) -> str | None:
    return value.strip().lower() or None if isinstance(value, str) else None


def normal_phone(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    phone = normalise_phone(value.strip())
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    return phone or None


def subject_words(subject: Any) -> set[str]:
    """The words of a subject that carry meaning: lower-cased, three letters or more (any script)."""
    if not isinstance(subject, str):
        return set()
    return {w for w in _WORD.findall(subject.lower()) if len(w) >= 3 and w not in _STOP and not w.isdigit()}


def similarity(a: set[str], b: set[str]) -> float:
    """Share of the smaller set's words that the other has: 'card fee charged twice' and 'fee charged
    twice on my card' are alike whatever else either says."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def contacts(data: Mapping[str, Any]) -> dict[str, set[str]]:
    """Normalised e-mail addresses and phone numbers of the complainant and any representative."""
    found: dict[str, set[str]] = {"email": set(), "phone": set()}
    for who in ("complainant", "representative"):
        section = data.get(who)
        if not isinstance(section, Mapping):
            continue
        email, phone = normal_email(section.get("email")), normal_phone(section.get("phone"))
        if email:
            found["email"].add(email)
        if phone:
            found["phone"].add(phone)
    return found


def _flat(summary: Mapping[str, Any]) -> dict[str, Any]:
    """A summary's dotted keys (`complainant.email`) as the nested shape case data has."""
    nested: dict[str, Any] = {}
    for key, value in summary.items():
        node = nested
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return nested


def _like(text: str) -> str:
    """A LIKE pattern for text as it stands inside the summary's JSON (non-ASCII characters escaped)."""
    escaped = json.dumps(text.lower())[1:-1]
    escaped = escaped.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def suggestions(
    service: CaseService, reference: str, actor: Actor, days: int | None = None
) -> list[DuplicateSuggestion]:
    """Possible duplicates of complaint `reference`, best first, each with its reasons."""
    access.require(actor, access.Action.FIND_DUPLICATES)
    work = service.read_case(reference)
    data = wfx.case_data(work.wf)
    return find_similar(service, data, exclude_id=work.saved_id, around=_created_at(service, work), days=days)


def suggestions_for_intake(
    service: CaseService, data: Mapping[str, Any], actor: Actor, days: int | None = None
) -> list[DuplicateSuggestion]:
    """Possible duplicates of a complaint staff are about to log (its complainant and subject), so the
    person taking the call can add to the earlier complaint instead of filing a new one."""
    access.require(actor, access.Action.FIND_DUPLICATES)
    return find_similar(service, data, days=days)


def find_similar(
    service: CaseService,
    data: Mapping[str, Any],
    *,
    exclude_id: int | None = None,
    around: dt.datetime | None = None,
    days: int | None = None,
) -> list[DuplicateSuggestion]:
    """Complaints like `data` (a complaint's data, or an intake not yet filed) within the period."""
    window = dt.timedelta(days=days or period_days())
    at = around or service.clock.now()
    mine = contacts(data)
    words = subject_words(data.get("subject"))
    hints = [*(_like(e) for e in mine["email"]), *(_like(p) for p in mine["phone"])]
    hints += [_like(w) for w in sorted(words, key=lambda w: (-len(w), w))[:5]]
    if not hints:
        return []
    summary = func.lower(CASE.c.summary)
    query = (
        select(CASE.c.id, CASE.c.reference, CASE.c.status, CASE.c.outcome, CASE.c.summary, CASE.c.created_at)
        .where(
            CASE.c.process_id == PROCESS_ID,
            CASE.c.created_at >= at - window,
            CASE.c.created_at <= at + window,
            or_(*(summary.like(h, escape="\\") for h in hints)),
        )
        .order_by(CASE.c.created_at.desc(), CASE.c.id.desc())
        .limit(MAX_CANDIDATES)
    )
    if exclude_id is not None:
        query = query.where(CASE.c.id != exclude_id)
    with service.db.reading() as conn:
        rows = conn.execute(query).all()
    found = []
    for row in rows:
        if row.outcome == MERGED:
            continue  # merged already: its original is the one to suggest, and it is found by itself
        theirs = _flat(json.loads(row.summary or "{}"))
        other = contacts(theirs)
        reasons = [REASONS[kind] for kind in ("email", "phone") if mine[kind] & other[kind]]
        their_words = subject_words(theirs.get("subject"))
        score = similarity(words, their_words)
        if score >= SIMILAR_SUBJECT:
            reasons.append(REASONS["subject"])
        if reasons:
            found.append(
                DuplicateSuggestion(
                    reference=row.reference,
                    status=row.status,
                    outcome=row.outcome,
                    subject=theirs.get("subject"),
                    created_at=row.created_at,
                    reasons=reasons,
                    shared_words=sorted(words & their_words),
                    similarity=round(score, 2),
                )
            )
    found.sort(key=lambda s: (-len(s.reasons), -s.similarity, -s.created_at.timestamp()))
    return found


def _created_at(service: CaseService, work: CaseWork) -> dt.datetime | None:
    with service.db.reading() as conn:
        return conn.scalar(select(CASE.c.created_at).where(CASE.c.id == work.saved_id))


# --- merging --------------------------------------------------------------------------------------------


def merge(
    service: CaseService, duplicate_ref: str, original_ref: str, actor: Actor, note: str = ""
) -> CaseResult:
    """Merge complaint `duplicate_ref` into `original_ref`; refused field by field when the original is not
    a complaint one can merge into, and as a conflict when the duplicate cannot be closed now."""
    access.require(actor, access.Action.MERGE_DUPLICATES)
    original_ref = (original_ref or "").strip()
    if not original_ref:
        raise FormInvalid({"original_reference": ["Give the reference of the original complaint."]})
    if original_ref == duplicate_ref:
        raise FormInvalid({"original_reference": ["A complaint cannot be merged into itself."]})
    duplicate = service.read_case(duplicate_ref)
    if duplicate.version.process_id != PROCESS_ID:
        raise ConflictError(f"{duplicate_ref} is not a complaint; only complaints are merged")
    if duplicate.status in ENDED:
        raise ConflictError(f"{duplicate_ref} is {duplicate.status} already; it cannot be merged")
    if duplicate.open_children:
        raise ConflictError(f"{duplicate_ref} has a dispute in progress; it cannot be merged while that runs")
    original = _original(service, original_ref)
    now = service.clock.now()
    dup_data = wfx.case_data(duplicate.wf)
    with service.db.reading() as conn:
        evidence = conn.execute(
            select(_ATTACHMENT).where(_ATTACHMENT.c.case_id == duplicate.saved_id).order_by(_ATTACHMENT.c.id)
        ).all()
    entry = {
        "reference": duplicate_ref,
        "subject": dup_data.get("subject"),
        "description": dup_data.get("description"),
        "received_at": dup_data.get("received_at"),
        "channel": dup_data.get("channel"),
        "attachments": [a.name for a in evidence],
        "merged_at": now.isoformat(),
        "merged_by": actor.username,
        "note": (note or "").strip() or None,
    }
    orig_data = wfx.case_data(original.wf)
    merged = [*(orig_data.get(DATA_KEY) or []), entry]
    for task in wfx.live_tasks(original.wf):
        task.data[DATA_KEY] = merged
    original.record(actor.username, "merge_received", personal=entry, duplicate=duplicate_ref)
    with service.store.running(duplicate):
        wfx.end(duplicate.wf, {"outcome": MERGED, "merged_into": original_ref})
    duplicate.record(actor.username, "merged_into", original=original_ref, attachments=len(evidence))
    notify.complainant_letter(
        duplicate,
        TEMPLATE,
        dup_data,
        now,
        service.sla_profiles,
        {"original_reference": original_ref},
        audit={"original": original_ref},
    )

    def link(conn: Connection, *_: Any) -> None:
        links.add(conn, duplicate.saved_id, original.saved_id, links.MERGED_INTO, now, actor.username)
        for row in evidence:
            # The same stored bytes, listed on the original too: nothing is copied or lost when one goes.
            values = {k: v for k, v in row._mapping.items() if k != "id"}
            conn.execute(_ATTACHMENT.insert().values(**{**values, "case_id": original.saved_id}))

    return service.commit([duplicate, original], link)


def _original(service: CaseService, reference: str) -> CaseWork:
    """The original, checked: it exists, is a complaint, is open and was not itself merged."""
    try:
        work = service.read_case(reference)
    except NotFound:  # said under the field that holds the reference
        raise FormInvalid({"original_reference": [f"No complaint has the reference {reference}."]}) from None
    problem = None
    if work.version.process_id != PROCESS_ID:
        problem = f"{reference} is not a complaint."
    elif work.outcome == MERGED:
        problem = f"{reference} was itself merged into another complaint; merge into that one."
    elif work.status in ENDED:
        problem = f"{reference} is {work.status}; reopen it first or handle this complaint on its own."
    if problem:
        raise FormInvalid({"original_reference": [problem]})
    return work
