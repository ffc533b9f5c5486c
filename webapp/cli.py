"""The `redressal` console script: the engine's commands plus `serve`, which needs the web layer."""

from __future__ import annotations

import os

import click

from engine.cli import cli


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), show_default="$PORT or 5000")
@click.option("--threads", default=8, show_default=True)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web application (waitress)."""
    from waitress import serve as waitress_serve

    from webapp import create_app

    click.echo(f"Redressal listening on http://{host}:{port}/")
    waitress_serve(create_app(), host=host, port=port, threads=threads)


def main() -> None:
    cli(prog_name="redressal")
