"""Who else can help a complainant: the ombudsman or ADR body of each SLA profile (processes/adr_bodies.toml).

The bodies are data a process owner keeps current, beside the SLA profiles whose complainants they serve; the
engine only reads them (the "How to complain" facts, engine/complaints/how_to_complain.py). A body's name is
its own and is not translated; the period to refer in is data (amount, unit, from what), so each page words it
in its language.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "REDRESSAL_ADR_BODIES"
UNITS = ("days", "months", "years")
COUNTED_FROM = ("final_response", "complaint")


class BodiesError(ValueError):
    """The bodies file is wrong; the message names the file, the body and the field."""


@dataclass(frozen=True)
class ReferralPeriod:
    """Refer within `amount` `unit` (days, months, years) of `counted_from` (final_response or complaint)."""

    amount: int
    unit: str
    counted_from: str


@dataclass(frozen=True)
class AdrBody:
    id: str
    name: str
    website: str | None
    profiles: tuple[str, ...]
    refer_within: ReferralPeriod | None
    note: str = ""


def default_bodies_path() -> Path:
    """``$REDRESSAL_ADR_BODIES`` if set, else ``processes/adr_bodies.toml`` of this repository."""
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    return Path(__file__).resolve().parents[2] / "processes" / "adr_bodies.toml"


def _period(where: str, raw: object) -> ReferralPeriod | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BodiesError(f"{where}, field 'refer_within': write {{ amount = 6, unit = \"months\" }}")
    amount, unit, counted = raw.get("amount"), raw.get("unit"), raw.get("from", "final_response")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise BodiesError(f"{where}, field 'refer_within.amount': a whole number above 0, not {amount!r}")
    if unit not in UNITS:
        raise BodiesError(f"{where}, field 'refer_within.unit': one of {', '.join(UNITS)}, not {unit!r}")
    if counted not in COUNTED_FROM:
        raise BodiesError(
            f"{where}, field 'refer_within.from': one of {', '.join(COUNTED_FROM)}, not {counted!r}"
        )
    return ReferralPeriod(amount, unit, counted)


@functools.lru_cache(maxsize=8)
def _load(path: str, _mtime_ns: int) -> tuple[AdrBody, ...]:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BodiesError(f"{path}: not valid TOML: {exc}") from None
    bodies = []
    for body_id, spec in (raw.get("bodies") or {}).items():
        where = f"{path}: body '{body_id}'"
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"].strip():
            raise BodiesError(f"{where}, field 'name': missing")
        profiles = spec.get("profiles") or []
        if not isinstance(profiles, list) or not all(isinstance(p, str) for p in profiles):
            raise BodiesError(f"{where}, field 'profiles': a list of SLA profile names")
        website = spec.get("website")
        bodies.append(
            AdrBody(
                id=body_id,
                name=spec["name"].strip(),
                website=website if isinstance(website, str) and website.strip() else None,
                profiles=tuple(profiles),
                refer_within=_period(where, spec.get("refer_within")),
                note=str(spec.get("note") or ""),
            )
        )
    return tuple(bodies)


def load_bodies(path: str | os.PathLike[str] | None = None) -> tuple[AdrBody, ...]:
    """Every body in the file (re-read when it changes); () when there is no file."""
    where = Path(path) if path is not None else default_bodies_path()
    try:
        mtime = where.stat().st_mtime_ns
    except OSError:
        return ()
    return _load(str(where), mtime)


def bodies_for(profile: str, path: str | os.PathLike[str] | None = None) -> tuple[AdrBody, ...]:
    """The bodies serving complainants of this SLA profile, in file order (often one, sometimes none)."""
    return tuple(body for body in load_bodies(path) if profile in body.profiles)
