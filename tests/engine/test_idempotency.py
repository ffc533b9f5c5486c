"""Idempotency keys: a retry gets the first answer; a key left by a request that died is freed in time."""

from __future__ import annotations

import pytest

from engine.idempotency import Answer, IdempotencyStore, KeyInUse


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
