"""Opening a case with its reference and case code; the throttle that limits guessing, on SQLite and
PostgreSQL. A wrong code and an unknown reference must be indistinguishable."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from engine.cases.tables import Case
from engine.complaints import case_codes, credentials
from engine.complaints import tracking as track
from engine.complaints.tables import CaseTracking, TrackingAttempt
from engine.core.errors import NotFound, TooManyAttempts
from tests.support.tracking import file, settings

WRONG = "ZZZZ-ZZZZ"


def _case_id(db, reference: str) -> int:
    with db.reading() as conn:
        return conn.scalar(select(Case.id).where(Case.reference == reference))


def _refusal(call) -> tuple[type, str, int]:
    with pytest.raises((NotFound, TooManyAttempts)) as exc:
        call()
    return type(exc.value), exc.value.detail, exc.value.status


def _attempt_rows(db) -> int:
    with db.reading() as conn:
        return conn.scalar(select(func.count()).select_from(TrackingAttempt.__table__))


def test_the_intake_code_opens_the_case_however_it_is_typed(desk, tracking):
    filed = file(desk.service, tracking)
    code = filed["case_code"]
    assert len(code) == 9 and code[4] == "-"
    case_id = _case_id(desk.service.db, filed["reference"])
    for reference, typed in [
        (filed["reference"], code),
        (filed["reference"].lower(), code.lower()),
        (f" {filed['reference']} ", code.replace("-", " ")),
    ]:
        assert track.open_by_code(desk.service.db, desk.clock, tracking, reference, typed) == case_id
    assert _attempt_rows(desk.service.db) == 0  # successes are not counted against anyone


def test_staff_logging_a_phone_complaint_get_the_same_kind_of_code(desk, tracking):
    filed = file(desk.service, tracking, desk.handler, channel="phone")
    assert case_codes.normalise(filed["case_code"]) != ""
    case_id = _case_id(desk.service.db, filed["reference"])
    assert (
        track.open_by_code(desk.service.db, desk.clock, tracking, filed["reference"], filed["case_code"])
        == case_id
    )


def test_a_wrong_code_and_an_unknown_reference_fail_the_same_way(desk, tracking):
    filed = file(desk.service, tracking)
    db, clock = desk.service.db, desk.clock
    wrong = _refusal(lambda: track.open_by_code(db, clock, tracking, filed["reference"], WRONG))
    unknown = _refusal(
        lambda: track.open_by_code(db, clock, tracking, "CMP-2026-ZZZZZZZZ", filed["case_code"])
    )
    empty = _refusal(lambda: track.open_by_code(db, clock, tracking, filed["reference"], ""))
    assert wrong == unknown == empty == (NotFound, track.NOT_FOUND, 404)
    # The same words as a wrong intake token: one message for every credential.
    assert _refusal(lambda: track.verify(db, filed["reference"], "guess"))[1] == wrong[1]


def test_another_key_gives_other_codes(desk, tracking):
    filed = file(desk.service, tracking)
    other = settings(secret_key=b"another key of at least sixteen bytes")
    with pytest.raises(NotFound):
        track.open_by_code(desk.service.db, desk.clock, other, filed["reference"], filed["case_code"])


def test_the_database_holds_no_code(desk, tracking):
    filed = file(desk.service, tracking)
    with desk.service.db.reading() as conn:
        row = conn.execute(select(CaseTracking.__table__)).one()
    stored = " ".join(str(v) for v in row)
    assert case_codes.normalise(filed["case_code"]) not in case_codes.normalise(stored)
    assert filed["tracking_token"] not in stored


@pytest.mark.parametrize("known", [True, False], ids=["known reference", "unknown reference"])
def test_after_five_wrong_codes_even_the_right_one_waits_for_the_window(desk, tracking, known):
    filed = file(desk.service, tracking)
    db, clock = desk.service.db, desk.clock
    reference = filed["reference"] if known else "CMP-2026-ZZZZZZZZ"
    for _ in range(5):
        assert _refusal(lambda: track.open_by_code(db, clock, tracking, reference, WRONG))[0] is NotFound
    throttled = _refusal(lambda: track.open_by_code(db, clock, tracking, reference, filed["case_code"]))
    assert throttled == (
        TooManyAttempts,
        "too many attempts for this reference; please wait 15 minutes and try again",
        429,
    )
    # Typed another way, the reference is the same reference to the throttle.
    assert _refusal(lambda: track.open_by_code(db, clock, tracking, reference.lower(), WRONG)) == throttled
    clock.advance(minutes=14)
    assert (
        _refusal(lambda: track.open_by_code(db, clock, tracking, reference, filed["case_code"])) == throttled
    )
    clock.advance(minutes=1, seconds=1)  # refused attempts did not prolong the lock
    if known:
        assert track.open_by_code(db, clock, tracking, reference, filed["case_code"]) == _case_id(
            db, reference
        )
    else:
        assert _refusal(lambda: track.open_by_code(db, clock, tracking, reference, WRONG))[0] is NotFound


def test_the_throttle_counts_per_reference_and_its_limits_are_settings(desk, tracking):
    first, second = file(desk.service, tracking), file(desk.service, tracking)
    db, clock = desk.service.db, desk.clock
    strict = settings(max_attempts=2, attempt_window=dt.timedelta(minutes=5))
    for _ in range(2):
        with pytest.raises(NotFound):
            track.open_by_code(db, clock, strict, first["reference"], WRONG)
    with pytest.raises(TooManyAttempts, match="wait 5 minutes"):
        track.open_by_code(db, clock, strict, first["reference"], first["case_code"])
    # Another reference is not locked by the first one's failures.
    assert track.open_by_code(db, clock, strict, second["reference"], second["case_code"])


def test_old_attempts_are_pruned(desk, tracking):
    db, clock = desk.service.db, desk.clock
    for n in range(3):
        with pytest.raises(NotFound):
            track.open_by_code(db, clock, tracking, f"CMP-2026-UNKNOWN{n}", WRONG)
    assert _attempt_rows(db) == 3
    clock.advance(minutes=16)
    with pytest.raises(NotFound):
        track.open_by_code(db, clock, tracking, "CMP-2026-UNKNOWN9", WRONG)
    assert _attempt_rows(db) == 1
    with db.reading() as conn:
        keys = conn.scalars(select(TrackingAttempt.__table__.c.key_hash)).all()
    assert "UNKNOWN9" not in keys[0] and len(keys[0]) == 64  # a hash, not the reference


def test_a_rotated_code_replaces_the_old_one(desk, tracking):
    filed = file(desk.service, tracking)
    db, clock = desk.service.db, desk.clock
    case_id = _case_id(db, filed["reference"])
    new = credentials.rotate_code(db, clock, tracking, case_id)
    assert new != filed["case_code"]
    assert track.case_code(db, clock, tracking, case_id) == new
    with pytest.raises(NotFound):
        track.open_by_code(db, clock, tracking, filed["reference"], filed["case_code"])
    assert track.open_by_code(db, clock, tracking, filed["reference"], new) == case_id
    # The intake token still works: rotating the code leaves the other credentials alone.
    assert track.verify(db, filed["reference"], filed["tracking_token"]) == case_id


def test_a_case_started_without_intake_gets_a_code_when_first_asked(desk, tracking):
    reference = desk.file()  # staff start the case directly: no intake token, no nonce yet
    db, clock = desk.service.db, desk.clock
    case_id = _case_id(db, reference)
    with pytest.raises(NotFound):
        track.open_by_code(db, clock, tracking, reference, WRONG)
    code = track.case_code(db, clock, tracking, case_id)
    assert track.case_code(db, clock, tracking, case_id) == code  # drawn once, then kept
    assert track.open_by_code(db, clock, tracking, reference, code) == case_id
    with pytest.raises(NotFound):
        track.verify(db, reference, "")  # no intake token: the token path stays closed
