"""`redressal db`: create or upgrade the database schema."""

from __future__ import annotations

import click

from engine.cli.base import Context, cli, handles_errors, pass_ctx


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_ctx
@handles_errors
def db_upgrade(ctx: Context) -> None:
    """Create or migrate the schema to the newest revision."""
    from engine.store.migrate import upgrade

    upgrade(ctx.service.db)
    click.echo(f"database at {ctx.service.db.engine.url.render_as_string(hide_password=True)} is up to date")
