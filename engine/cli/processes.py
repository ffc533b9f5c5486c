"""`redressal processes`: validate, deploy and list process versions."""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli.base import Context, checked_profiles, cli, handles_errors, pass_ctx, warn
from engine.core.errors import ProcessInvalid


@cli.group()
def processes() -> None:
    """Process models: validate, deploy, list versions."""


def _bundle(paths: tuple[str, ...], forms_dir: str | None):
    from engine.registry import load_bundle

    forms = forms_dir if forms_dir is not None else ("forms" if Path("forms").is_dir() else None)
    return load_bundle(list(paths), forms)


def _translation_warnings(parsed: list) -> list[str]:
    from engine.registry.translation_report import deploy_warnings

    forms = {form_id: form for proc in parsed for form_id, form in proc.forms.items()}
    return deploy_warnings(forms, [e for proc in parsed for e in proc.elements.values()])


FORMS_OPTION = click.option(
    "--forms", "forms_dir", default=None, help="Folder of form definitions (default: ./forms when it exists)."
)


@processes.command("validate")
@click.argument("paths", nargs=-1, required=True)
@FORMS_OPTION
@click.option(
    "--profiles",
    "profiles_path",
    default=None,
    help="SLA profiles file to check (default: $REDRESSAL_SLA_PROFILES or processes/sla_profiles.toml).",
)
@handles_errors
def processes_validate(paths: tuple[str, ...], forms_dir: str | None, profiles_path: str | None) -> None:
    """Check BPMN, DMN, forms and the SLA profiles; print every problem with file, element and line."""
    from engine.deadlines.checks import check_profile_choices
    from engine.registry import validate_bundle
    from engine.registry.deadline_lint import unmet_deadlines

    profiles = checked_profiles(profiles_path)
    bundle = _bundle(paths, forms_dir)
    parsed = validate_bundle(bundle)
    problems = check_profile_choices(bundle.dmn, profiles)
    if problems:
        raise ProcessInvalid(problems)
    warn([w for proc in parsed for w in proc.warnings])
    warn(_translation_warnings(parsed))
    for proc in parsed:
        click.echo(
            f"ok {proc.process_id} ({proc.file}): {len(proc.elements)} elements, {len(proc.forms)} forms"
        )
        for warning in unmet_deadlines(proc.file, proc.process_id, proc.elements, profiles):
            click.echo(warning)
    click.echo(f"ok SLA profiles: {len(profiles)} profiles")


@processes.command("deploy")
@click.argument("paths", nargs=-1, required=True)
@FORMS_OPTION
@pass_ctx
@handles_errors
def processes_deploy(ctx: Context, paths: tuple[str, ...], forms_dir: str | None) -> None:
    """Deploy new versions of the processes in these files (identical content deploys nothing)."""
    from engine.registry import deploy_bundle, validate_bundle

    parsed = validate_bundle(_bundle(paths, forms_dir))
    warn([w for proc in parsed for w in proc.warnings])
    warn(_translation_warnings(parsed))
    with ctx.service.db.write() as session:
        results = deploy_bundle(session, parsed, ctx.service.clock, "cli")
    for r in results:
        click.echo(f"{r.process_id} version {r.version} " + ("deployed" if r.created else "unchanged"))


@processes.command("list")
@pass_ctx
@handles_errors
def processes_list(ctx: Context) -> None:
    from engine.registry import list_versions

    with ctx.service.db.read() as session:
        for v in list_versions(session):
            click.echo(
                f"{v.process_id:30} v{v.version:<4} {v.deployed_at:%Y-%m-%d %H:%M} {v.content_hash[:12]}"
            )
