"""BCP 47 language tags (RFC 5646): is a tag well-formed, and how the standard writes its case.

A complainant's language is recorded as the tag they chose or a system sent (`fa`, `zh-TW`, `de-CH`); letters
go out in the nearest language they exist in (engine/mail/render.py `resolve_language`), else English. Only
the syntax is checked, not the IANA registry: a well-formed tag nobody here knows is still recorded.
"""

from __future__ import annotations

import re

_GRANDFATHERED = (
    "en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|"
    "i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|"
    "zh-min-nan|zh-xiang"
)
# RFC 5646 section 2.1: language[-script][-region]*(-variant)*(-extension)[-privateuse], a private-use tag,
# or one of the grandfathered tags.
WELL_FORMED = re.compile(
    r"^(?:"
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language, with up to three extlangs
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+"
    rf"|{_GRANDFATHERED}"
    r")$",
    re.IGNORECASE,
)
HINT = "Give a BCP 47 language tag such as en, fa, pl, vi, zh-Hans or zh-Hant."


def is_well_formed(tag: object) -> bool:
    return isinstance(tag, str) and WELL_FORMED.match(tag) is not None


def canonical(tag: str) -> str | None:
    """The tag in the standard's letter case (`ZH-hant-tw` -> `zh-Hant-TW`), or None when malformed.

    RFC 5646 2.1.1: language lower case, script title case, region upper case, everything after a
    singleton (extension or private use) lower case.
    """
    if not is_well_formed(tag):
        return None
    parts = tag.split("-")
    out = [parts[0].lower()]
    after_singleton = len(parts[0]) == 1
    for part in parts[1:]:
        if after_singleton or len(part) == 1:
            after_singleton = True
            out.append(part.lower())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)
