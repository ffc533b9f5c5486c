"""The password policy for staff accounts: long enough, not the username, not a common password.

Length beats composition rules (NIST SP 800-63B): at least 12 characters, any characters, checked against
the 30,000 most common passwords of real leaks, which the `zxcvbn` package ships and keeps.
"""

from __future__ import annotations

import functools

from engine.core.errors import FormInvalid

MIN_LENGTH = 12


@functools.cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def problems(username: str, password: str) -> list[str]:
    """What is wrong with `password` for `username`; empty when it may be used."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(f"Use at least {MIN_LENGTH} characters.")
    if password.strip().lower() == username.strip().lower():
        found.append("The password cannot be the username.")
    if password.lower() in common_passwords():
        found.append("This is one of the most common passwords; choose another.")
    return found


def check(username: str, password: str) -> None:
    """FormInvalid naming the `password` field when the policy refuses it."""
    found = problems(username, password)
    if found:
        raise FormInvalid({"password": found})
