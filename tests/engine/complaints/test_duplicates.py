"""Possible duplicates (same e-mail, same phone, similar subject, within the period) and merging one into its
original: the checks on the original's reference, the links both ways, the text and evidence carried over,
the duplicate closed as merged, and the letter telling the complainant which reference to use."""

from __future__ import annotations

import io

import pytest

from engine.complaints import duplicates
from engine.core.errors import ConflictError, FormInvalid, PermissionDenied
from engine.evidence import attachments
from tests.support.paths import Desk


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def reasons(desk: Desk, ref: str, **kwargs) -> dict[str, list[str]]:
    found = duplicates.suggestions(desk.service, ref, desk.handler, **kwargs)
    return {s.reference: s.reasons for s in found}


def test_suggestions_say_why_each_case_may_be_a_duplicate(desk):
    first = desk.file()
    same_email = desk.file(**{"complainant.phone": "+441110000000", "subject": "Branch was closed"})
    same_phone = desk.file(
        **{"complainant.email": "other@example.org", "complainant.phone": "00442079460000"},
        subject="Rude staff at the branch",
    )
    similar = desk.file(
        **{"complainant.email": "x@example.org", "complainant.phone": "+449990000000"},
        subject="Fee charged twice this month",
    )
    unrelated = desk.file(
        **{"complainant.email": "y@example.org", "complainant.phone": "+448880000000"},
        subject="Card never arrived",
    )
    found = reasons(desk, first)
    assert found[same_email] == ["same email"]
    assert found[same_phone] == ["same phone"]  # 0044 is +44: the same number, normalised
    assert found[similar] == ["similar subject"]
    assert unrelated not in found and first not in found
    assert found  # best first: more reasons before fewer
    ordered = duplicates.suggestions(desk.service, first, desk.handler)
    assert len(ordered[0].reasons) >= len(ordered[-1].reasons)


def test_email_matches_whatever_its_case_and_only_within_the_period(desk):
    first = desk.file(**{"complainant.email": "Ada@Example.ORG"})
    desk.clock.advance(days=91)
    later = desk.file(subject="Something else entirely", **{"complainant.phone": "+447700900001"})
    assert first not in reasons(desk, later)
    assert reasons(desk, later, days=120)[first] == ["same email"]


def test_suggestions_need_a_staff_role(desk):
    ref = desk.file()
    with pytest.raises(PermissionDenied):
        duplicates.suggestions(desk.service, ref, desk.provider)


def test_merge_checks_the_original_reference(desk):
    dup = desk.file()
    checks = {
        "CMP-2026-NOSUCH00": "No complaint has the reference",
        dup: "cannot be merged into itself",
    }
    for original, message in checks.items():
        with pytest.raises(FormInvalid) as refused:
            duplicates.merge(desk.service, dup, original, desk.handler)
        assert message in refused.value.errors["original_reference"][0]
    _, dispute = desk.escalated()
    with pytest.raises(FormInvalid) as refused:
        duplicates.merge(desk.service, dup, dispute, desk.handler)
    assert "is not a complaint" in refused.value.errors["original_reference"][0]
    assert desk.state(dup)[0] == "open"  # nothing written


def test_merge_links_both_ways_carries_text_and_evidence_and_closes_the_duplicate(desk, tmp_path):
    original = desk.acknowledged()
    dup = desk.file(description="Also: the fee was taken a third time.")
    db = desk.service.db
    policy = attachments.AttachmentPolicy(folder=tmp_path)
    attachments.save(
        db,
        desk.clock,
        policy,
        attachments.case_id_of(db, dup),
        "statement.pdf",
        "application/pdf",
        io.BytesIO(b"%PDF-1.4 statement"),
        "hana",
    )

    result = duplicates.merge(desk.service, dup, original, desk.handler, note="Same fee")
    assert (result.reference, result.status, result.outcome) == (dup, "closed", "merged")

    merged = desk.case(dup)
    assert (merged.status, merged.outcome, merged.tasks) == ("closed", "merged", ())
    assert merged.data["merged_into"] == original
    assert [(link["relation"], link["reference"]) for link in merged.case_links] == [
        ("merged_into", original)
    ]
    assert desk.letters(dup)[-1] == "merged_letter"
    assert "merged_into" in desk.actions(dup)

    kept = desk.case(original)
    assert kept.status == "open" and kept.tasks  # the original goes on
    assert [(link["relation"], link["reference"]) for link in kept.case_links] == [("merged_from", dup)]
    entry = kept.data["merged_complaints"][0]
    assert entry["reference"] == dup and "third time" in entry["description"]
    assert entry["attachments"] == ["statement.pdf"] and entry["note"] == "Same fee"
    assert "merge_received" in desk.actions(original)
    copied = desk.case(original).attachments
    assert [a.name for a in copied] == ["statement.pdf"]
    _, content = attachments.fetch(db, policy, attachments.case_id_of(db, original), copied[0].id)
    assert content == b"%PDF-1.4 statement"  # the same stored bytes, reachable from the original

    # The merged data reaches the next task's form too: the original's handler sees it when they work on.
    desk.complete(original, "assessment")
    assert desk.case(original).data["merged_complaints"][0]["reference"] == dup


def test_a_merged_or_closed_case_is_no_original_and_is_not_merged_twice(desk):
    original = desk.file()
    dup = desk.file()
    third = desk.file()
    duplicates.merge(desk.service, dup, original, desk.handler)
    with pytest.raises(FormInvalid) as refused:
        duplicates.merge(desk.service, third, dup, desk.handler)
    assert "was itself merged" in refused.value.errors["original_reference"][0]
    with pytest.raises(ConflictError):
        duplicates.merge(desk.service, dup, third, desk.handler)
    assert dup not in reasons(desk, third)  # a merged case is no longer suggested


def test_providers_and_auditors_cannot_merge(desk):
    original, dup = desk.file(), desk.file()
    with pytest.raises(PermissionDenied):
        duplicates.merge(desk.service, dup, original, desk.provider)
