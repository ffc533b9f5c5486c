"""Idempotency keys: a retry gets the first answer; a key left by a request that died is freed in time."""

from __future__ import annotations

import pytest

from engine.core.errors import ConflictError
from engine.idempotency.store import Answer, IdempotencyStore, KeyInUse


def test_replay_and_abandoned_key(db, clock):
    store = IdempotencyStore(db, clock)
    assert store.begin("cases", "8f14e45f-ceea-4671-9a0d-c1f1e5b6a0d2", "hash-a") is None
    with pytest.raises(KeyInUse):
        store.begin(
            "cases", "8f14e45f-ceea-4671-9a0d-c1f1e5b6a0d2", "hash-a"
        )  # the first request is still running
    clock.advance(minutes=3)  # ... or died before recording its answer
    assert store.begin("cases", "8f14e45f-ceea-4671-9a0d-c1f1e5b6a0d2", "hash-a") is None
    store.finish(
        "cases", "8f14e45f-ceea-4671-9a0d-c1f1e5b6a0d2", Answer(201, {"reference": "CMP-2026-ABCDEFGH"})
    )
    again = store.begin("cases", "8f14e45f-ceea-4671-9a0d-c1f1e5b6a0d2", "hash-a")
    assert (again.status, again.body) == (201, {"reference": "CMP-2026-ABCDEFGH"})


def test_answers_are_forgotten_after_the_retention_period(db, clock):
    store = IdempotencyStore(db, clock)
    key = "0b5c5a3e-6a43-4c43-9a7f-0e1f3b8ad111"
    assert store.begin("cases", key, "hash-a") is None
    store.finish("cases", key, Answer(201, {"reference": "CMP-2026-ABCDEFGH"}))
    assert store.purge() == 0
    clock.advance(hours=25)
    assert store.purge() == 1
    assert store.begin("cases", key, "hash-b") is None  # the key may be used afresh


def _stored(db) -> dict:
    import json

    from sqlalchemy import select

    from engine.idempotency.tables import IdempotencyRecord

    with db.read() as session:
        return [json.loads(r) for r in session.scalars(select(IdempotencyRecord.response))]


def _tamper(db, stored_bodies: list[dict]) -> None:
    import json

    from sqlalchemy import update

    from engine.idempotency.tables import IdempotencyRecord

    with db.write() as session:
        session.execute(update(IdempotencyRecord).values(response=json.dumps(stored_bodies[0])))


SECRET = "trk_a-complainants-tracking-token"


def test_secrets_are_sealed_with_an_authenticated_cipher(db, clock):
    store = IdempotencyStore(db, clock)
    keys = ["1f0e2b9c-0000-4000-8000-000000000001", "1f0e2b9c-0000-4000-8000-000000000002"]
    for key in keys:
        assert store.begin("complaints\npublic", key, "same-request") is None
        store.finish("complaints\npublic", key, Answer(201, {"tracking_token": SECRET}), ["tracking_token"])
    first, second = _stored(db)
    assert SECRET not in str(first) and SECRET not in str(second)
    # The same secret never looks the same twice.
    assert first["body"]["tracking_token"] != second["body"]["tracking_token"]
    replay = store.begin("complaints\npublic", keys[0], "same-request")
    assert replay.body == {"tracking_token": SECRET}


def test_an_altered_sealed_answer_is_refused_not_replayed(db, clock):
    store = IdempotencyStore(db, clock)
    key = "1f0e2b9c-0000-4000-8000-000000000003"
    assert store.begin("complaints\npublic", key, "same-request") is None
    store.finish("complaints\npublic", key, Answer(201, {"tracking_token": SECRET}), ["tracking_token"])
    [stored] = _stored(db)
    sealed = stored["body"]["tracking_token"]
    stored["body"]["tracking_token"] = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    _tamper(db, [stored])
    with pytest.raises(ConflictError):
        store.begin("complaints\npublic", key, "same-request")
