"""Jurisdictions as ISO 3166 codes, and the holiday calendar region each one stands for.

A complaint names where it arose: a country (ISO 3166-1 alpha-2, `GB`) or one of its subdivisions (ISO
3166-2, `GB-SCT`, `GB-EDH`, `US-CA`). pycountry carries the full lists and the parent of each subdivision;
the `holidays` package says which subdivisions have holidays of their own. The calendar region is the
nearest code, walking up from the one given, whose holidays the package knows; a country given alone gets
its default subdivision below, or else its national holidays, which every region of it shares, so that
business-day deadlines fall no later than the region's own calendar would put them.
"""

from __future__ import annotations

import functools

import holidays
import pycountry

# Country -> the subdivision whose calendar applies when only the country is given. Documented in README.
DEFAULT_SUBDIVISIONS = {
    "GB": "GB-ENG",  # England and Wales share bank holidays; the FCA's business days are theirs
}
# Accepted besides ISO 3166 codes, as before: the EU as a whole (ISO 3166-1 reserves `EU` for it) and
# "other" (the intake form's "Elsewhere").
EXTRA_CODES = {"EU": "EU", "OTHER": "other"}


@functools.lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@functools.lru_cache(maxsize=4096)
def canonical(code: str) -> str | None:
    """The code written as the standard writes it (`gb-sct` -> `GB-SCT`), or None when it is not one."""
    if not isinstance(code, str):
        return None
    text = code.strip().upper()
    if text in EXTRA_CODES:
        return EXTRA_CODES[text]
    if len(text) == 2:
        return text if text in _countries() else None
    if "-" in text and text[:2] in _countries():
        return text if pycountry.subdivisions.get(code=text) is not None else None
    return None


def _holiday_regions(country: str) -> frozenset[str]:
    supported = holidays.list_supported_countries().get(country) or []
    return frozenset(f"{country}-{s}" for s in supported)


@functools.lru_cache(maxsize=4096)
def calendar_region(code: str | None) -> str | None:
    """The region whose holidays count for a complaint from `code` (`GB` -> `GB-ENG`, `GB-EDH` -> `GB-SCT`,
    `FR-75C` -> `FR`); None for no code, the code itself for `EU` and `other`."""
    known = canonical(code) if code else None
    if known is None:
        return None
    if known in EXTRA_CODES.values():
        return known
    country = known[:2]
    regions = _holiday_regions(country)
    current = pycountry.subdivisions.get(code=known) if "-" in known else None
    while current is not None:
        if current.code in regions:
            return current.code
        parent = getattr(current, "parent_code", None)
        current = pycountry.subdivisions.get(code=parent) if parent else None
    return DEFAULT_SUBDIVISIONS.get(country, country)
