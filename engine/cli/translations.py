"""`redressal translations report`: what the form and process translations miss, for people and for CI."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from engine.cli.base import cli, fail


def _shorter(finding) -> str:
    """The finding with its file relative to the working folder where it lies inside it."""
    path = Path(finding.file)
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        return str(dataclasses.replace(finding, file=str(path.relative_to(Path.cwd()))))
    return str(finding)


@cli.group()
def translations() -> None:
    """Translations of what process owners write: forms, stage, status and outcome names."""


@translations.command("report")
@click.option("--lang", "languages", multiple=True, help="Only this language (repeatable); default: all.")
@click.option("--form", "form_ids", multiple=True, help="Only this form id (repeatable); default: all.")
@click.option("--forms", "forms_dir", default="forms", show_default=True, help="Folder of form definitions.")
@click.option(
    "--processes", "processes_dir", default="processes", show_default=True, help="Folder of the diagrams."
)
@click.option("--public", "public_only", is_flag=True, help="Only texts a complainant sees.")
@click.option("--strict", is_flag=True, help="Stale texts fail too (exit 1), not only missing ones.")
def translations_report(
    languages: tuple[str, ...],
    form_ids: tuple[str, ...],
    forms_dir: str,
    processes_dir: str,
    public_only: bool,
    strict: bool,
) -> None:
    """List every missing or stale translation by language and file; exit 1 when one is missing."""
    from engine.letters.render import LANGUAGES
    from engine.registry.translation_report import report

    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        fail(f"unknown language {unknown[0]!r}; use one of {', '.join(LANGUAGES)}")
    findings = report(
        languages or None,
        forms_dir=forms_dir,
        processes_dir=processes_dir,
        form_ids=form_ids or None,
        public_only=public_only,
    )
    counts: dict[str, int] = {}
    for finding in findings:
        click.echo(f"{finding.language:8} {_shorter(finding)}")
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing missing"
    click.echo(f"translations: {summary}")
    if counts.get("missing") or counts.get("broken") or (strict and counts.get("stale")):
        sys.exit(1)
