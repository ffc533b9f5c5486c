"""Where attachment bytes live, behind one small interface: every web node must read what any node stored.

PostgreSQL is the database of several nodes, so there the bytes go into a table (`attachment_blob`) in the
same transaction as the row that describes them: nothing to share between machines, no file without its
row or row without its file, and backups hold both. The SQLite default is one node with its own disk, so
there they stay a file in the attachments folder, written and synced before the row commits.

"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, select

from engine.core.errors import NotFound
from engine.evidence.tables import AttachmentBlob
from engine.store.db import Database

_BLOB = AttachmentBlob.__table__
# `REDRESSAL_ATTACHMENT_STORE`: where the bytes go; `auto` is the database on PostgreSQL, else the folder.
KINDS = ("auto", "database", "folder")


class AttachmentStore(Protocol):
    """Bytes of attachments, by the storage key the attachment row keeps."""

    def put(self, conn: Connection, key: str, content: bytes) -> None:
        """Store `content` within the transaction of `conn`, which also inserts the attachment's row."""

    def discard(self, key: str) -> None:
        """Forget what `put` left outside the database when its transaction did not commit."""

    def get(self, db: Database, key: str) -> bytes:
        """The bytes stored under `key`; NotFound when they are gone."""


class FolderStore:
    """Files under one folder: the single-node SQLite default."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        path = (self.folder / key).resolve()
        if self.folder.resolve() not in path.parents:
            raise NotFound("no such attachment")
        return path

    def put(self, conn: Connection, key: str, content: bytes) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        try:
            with open(partial, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def get(self, db: Database, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound("the attachment's file is missing from the attachments folder") from None


class DatabaseStore:
    """Rows of `attachment_blob`: every node that reaches the database reads them.

    Files stored in a folder before the database held them are still read from `legacy_folder`.
    """

    def __init__(self, legacy_folder: Path | None = None) -> None:
        self.legacy = FolderStore(legacy_folder) if legacy_folder else None

    def put(self, conn: Connection, key: str, content: bytes) -> None:
        conn.execute(_BLOB.insert().values(storage_key=key, content=content))

    def discard(self, key: str) -> None:
        """Nothing to do: the blob went with the transaction that failed."""

    def get(self, db: Database, key: str) -> bytes:
        with db.reading() as conn:
            content = conn.scalar(select(_BLOB.c.content).where(_BLOB.c.storage_key == key))
        if content is not None:
            return bytes(content)
        if self.legacy is not None:
            return self.legacy.get(db, key)
        raise NotFound("no such attachment")


def store_for(db: Database, kind: str, folder: Path) -> AttachmentStore:
    """The store a deployment uses: `auto` picks the database on PostgreSQL and the folder on SQLite."""
    if kind not in KINDS:
        raise ValueError(f"REDRESSAL_ATTACHMENT_STORE must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "database" or (kind == "auto" and not db.is_sqlite):
        return DatabaseStore(legacy_folder=folder)
    return FolderStore(folder)
