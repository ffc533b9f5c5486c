"""The database: connections and transactions, migrations, and the hot path behind one public surface.

Tables live with the slice that owns them (`engine/<slice>/tables.py`); `engine.tables` gathers them all.
"""

from engine.store.db import Database

__all__ = ["Database"]
