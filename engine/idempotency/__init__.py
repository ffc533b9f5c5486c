"""Idempotency keys: a retried request (same key, same body) gets the first answer, changing nothing twice.

They live in the engine, not the web layer, because the remembered answer commits in the same transaction
as the case change it describes: otherwise a crash between the two could replay a change or lose its answer.
"""
