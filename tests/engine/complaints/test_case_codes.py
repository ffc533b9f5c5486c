"""Case codes without a database: derivation, the alphabet, grouping and lenient reading of typed input."""

from __future__ import annotations

import pytest

from engine.complaints import case_codes

KEY = b"a test key for case codes, 32+ bytes"
REF = "CMP-2026-7K3Q9D2X"


def test_a_code_is_eight_characters_of_crockfords_alphabet_and_the_same_every_time():
    code = case_codes.derive(KEY, REF, "n1")
    assert len(code) == 8 and set(code) <= set(case_codes.ALPHABET)
    assert not set(code) & set("ILOU")
    assert case_codes.derive(KEY, REF, "n1") == code


def test_the_code_depends_on_the_key_the_reference_and_the_nonce():
    code = case_codes.derive(KEY, REF, "n1")
    assert case_codes.derive(KEY, REF, "n2") != code  # a new nonce is a new code (rotation)
    assert case_codes.derive(KEY + b"!", REF, "n1") != code  # a database copy without the key is useless
    assert case_codes.derive(KEY, "CMP-2026-7K3Q9D2Y", "n1") != code


def test_codes_spread_over_the_alphabet():
    codes = {case_codes.derive(KEY, REF, case_codes.new_nonce()) for _ in range(2000)}
    assert len(codes) == 2000
    assert set("".join(codes)) == set(case_codes.ALPHABET)


def test_codes_are_shown_in_two_groups_of_four():
    assert case_codes.display("ABCD2345") == "ABCD-2345"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("abcd-efgh", "ABCDEFGH"),
        (" AB CD  EF-GH ", "ABCDEFGH"),
        ("ABCD\tEFGH", "ABCDEFGH"),
        ("1ilO-0o2L", "1110002" + "1"),  # I and L are read as 1, O as 0, as Crockford intends
        ("", ""),
        (None, ""),
    ],
)
def test_typed_codes_are_read_leniently(typed, read):
    assert case_codes.normalise(typed) == read


def test_a_typed_code_matches_however_it_was_written():
    code = case_codes.derive(KEY, REF, "n1")
    shown = case_codes.display(code)
    for typed in (code, shown, shown.lower(), f"  {code[:2]} {code[2:6]}-{code[6:]} "):
        assert case_codes.matches(KEY, REF, "n1", typed)
    assert not case_codes.matches(KEY, REF, "n2", shown)
    assert not case_codes.matches(KEY, REF, "n1", shown[:-1])
    assert not case_codes.matches(KEY, REF, "n1", None)


def test_references_are_read_as_stored():
    assert case_codes.normalise_reference(" cmp-2026-7k3q9d2x\n") == REF
    assert case_codes.normalise_reference("CMP-2026- 7K3Q9D2X") == REF
    assert case_codes.normalise_reference(None) == ""
