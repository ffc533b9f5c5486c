"""What the base layout needs on every page: the organisation, flash messages and a few text helpers."""

from __future__ import annotations

import re

from flask import Flask
from markupsafe import Markup, escape

from engine.registry import translations as names
from engine.registry.translations import Name
from webapp.web import i18n, organisation

_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_STRONG = re.compile(r"\*\*(.+?)\*\*")


def plain_markdown(text: str | None, heading_offset: int = 1) -> Markup:
    """The small markdown subset process owners use in form texts: headings, paragraphs, lists, bold.

    Everything is escaped first, so nothing typed can become markup; headings start below the page's h1.
    """
    if not text:
        return Markup("")
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def inline(line: str) -> str:
        return _STRONG.sub(r"<strong>\1</strong>", str(escape(line)))

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{' '.join(inline(p) for p in paragraph)}</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        if not line:
            flush()
        elif heading:
            flush()
            level = min(6, len(heading.group(1)) + heading_offset)
            out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif bullet:
            if paragraph:
                flush()
            items.append(bullet.group(1))
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return Markup("".join(out))


def init(app: Flask) -> None:
    org = organisation.load(app.config.get("REDRESSAL_ORGANISATION"))
    app.extensions["redressal.organisation"] = org
    app.jinja_env.globals.update(
        organisation=org, stage_name=stage_name, status_name=status_name, outcome_name=outcome_name
    )
    app.jinja_env.filters["plain_markdown"] = plain_markdown


def _named(name: Name) -> Markup:
    """A process owner's name for a stage, status or outcome; marked English where it fell back."""
    if name.fallback and i18n.current() != "en":
        return Markup('<span lang="en">{}</span>').format(name.text)
    return Markup("{}").format(name.text)


def stage_name(stage: str | None) -> Markup:
    return _named(names.stage_name(stage, i18n.current())) if stage else Markup("")


def status_name(status: str | None) -> Markup:
    return _named(names.status_name(status, i18n.current())) if status else Markup("")


def outcome_name(outcome: str | None) -> Markup:
    return _named(names.outcome_name(outcome, i18n.current())) if outcome else Markup("")
