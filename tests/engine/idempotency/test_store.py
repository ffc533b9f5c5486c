"""Idempotency keys: a retry gets the first answer; a key left by a request that died is freed in time."""

from __future__ import annotations

import pytest

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
