"""The `redressal` command line: one module per command group, over the same services as the web.

Importing this package registers every engine command group on `cli`; `webapp.cli` adds `serve`.
"""

from engine.cli import cases, db, processes, translations, users, worker  # noqa: F401  (each registers its commands)
from engine.cli.base import cli

__all__ = ["cli"]
