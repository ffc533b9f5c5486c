"""The single-use link in each letter: issued when the letter is rendered, kept as a hash, redeemed once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from engine.cases.tables import Case
from engine.complaints import credentials
from engine.complaints.tables import TrackingLink
from engine.core.errors import NotFound
from engine.letters import outbox_job, send_due
from engine.letters.tables import Outbox
from tests.support.tracking import MemoryTransport, file, links_in, settings

LINKS = TrackingLink.__table__


def _letter(desk, tracking, transport=None, **overrides) -> tuple[int, str, str]:
    """A public complaint acknowledged; its letter sent. (case id, the link's token, the letter's body)"""
    filed = file(desk.service, tracking, **overrides)
    desk.complete(filed["reference"], "acknowledgement")
    transport = transport or MemoryTransport()
    assert send_due(desk.service.db, desk.clock, transport, tracking=tracking) == 1
    [token] = links_in(transport.sent[-1].body)
    with desk.service.db.reading() as conn:
        case_id = conn.scalar(select(Case.id).where(Case.reference == filed["reference"]))
    return case_id, token, transport.sent[-1].body


def _refused(db, clock, token) -> str:
    with pytest.raises(NotFound) as exc:
        credentials.redeem_link(db, clock, token)
    return exc.value.detail


def test_a_link_opens_its_case_once(desk, tracking):
    case_id, token, _ = _letter(desk, tracking)
    db, clock = desk.service.db, desk.clock
    assert len(token) >= 43  # 32 random bytes, URL-safe
    assert credentials.redeem_link(db, clock, token) == case_id
    with db.reading() as conn:
        used_at = conn.scalar(select(LINKS.c.used_at))
    assert used_at == clock.now()
    second = _refused(db, clock, token)
    unknown = _refused(db, clock, "x" * 43)
    assert second == unknown == _refused(db, clock, "") == credentials.LINK_NOT_FOUND


def test_a_link_expires_after_the_configured_time(desk):
    short = settings(link_ttl=dt.timedelta(days=2))
    _, token, _ = _letter(desk, short)
    desk.clock.advance(days=2)
    assert _refused(desk.service.db, desk.clock, token) == credentials.LINK_NOT_FOUND


def test_the_link_lives_60_days_by_default_and_only_its_hash_is_kept(desk, tracking):
    case_id, token, _ = _letter(desk, tracking)
    with desk.service.db.reading() as conn:
        row = conn.execute(select(LINKS)).one()
        letter = conn.execute(select(Outbox.__table__)).one()
    assert row.case_id == case_id and row.letter_id == letter.id
    assert row.expires_at - row.created_at == dt.timedelta(days=60)
    assert token not in " ".join(str(v) for v in row) and row.token_hash == credentials.token_hash(token)
    assert token not in letter.params  # nor in the queued letter
    desk.clock.advance(days=59, hours=23)
    assert credentials.redeem_link(desk.service.db, desk.clock, token) == case_id


def test_a_letter_sent_again_carries_a_new_link_and_the_old_one_stops(desk, tracking):
    case_id, first, _ = _letter(desk, tracking)
    db, clock = desk.service.db, desk.clock
    with db.transaction() as conn:  # as if the mail server lost it and the letter went out again
        conn.execute(update(Outbox.__table__).values(status="pending", next_attempt_at=clock.now()))
    transport = MemoryTransport()
    assert send_due(db, clock, transport, tracking=tracking) == 1
    [second] = links_in(transport.sent[0].body)
    assert second != first
    assert _refused(db, clock, first) == credentials.LINK_NOT_FOUND
    assert credentials.redeem_link(db, clock, second) == case_id


def test_each_letter_has_its_own_link(desk, tracking):
    case_id, first, _ = _letter(desk, tracking)
    _, other_case_token, _ = _letter(desk, tracking)
    db, clock = desk.service.db, desk.clock
    assert credentials.redeem_link(db, clock, other_case_token) != case_id
    assert credentials.redeem_link(db, clock, first) == case_id


def test_expired_links_are_pruned(desk, tracking):
    _letter(desk, tracking)
    assert credentials.prune_links(desk.service.db, desk.clock) == 0
    desk.clock.advance(days=61)
    assert credentials.prune_links(desk.service.db, desk.clock) == 1


def test_the_outbox_job_prunes_expired_links_once_an_hour(desk, tmp_path, monkeypatch):
    monkeypatch.delenv("REDRESSAL_SMTP_HOST", raising=False)
    monkeypatch.setenv("REDRESSAL_MAIL_FOLDER", str(tmp_path / "mail"))
    job = outbox_job(desk.service)
    _letter(desk, settings(link_ttl=dt.timedelta(minutes=10)))

    def links() -> int:
        with desk.service.db.reading() as conn:
            return len(conn.execute(select(LINKS.c.id)).all())

    job()  # the first run prunes: nothing has expired yet
    assert links() == 1
    desk.clock.advance(minutes=30)
    job()
    assert links() == 1  # expired, but within the hour: no second pruning
    desk.clock.advance(minutes=31)
    job()
    assert links() == 0
