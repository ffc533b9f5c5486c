"""Evidence files: stored on disk outside workflow data, described by a row, listed on the case."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from tests.support.api import complaint, problem_of

PDF = b"%PDF-1.7\n" + b"0" * 2000


@pytest.fixture
def tracked(client, processes):
    body = client.post("/api/v1/complaints", json=complaint()).get_json()
    return body["reference"], {"X-Tracking-Token": body["tracking_token"]}


def _upload(content: bytes, name: str, media_type: str | None = None) -> dict:
    return {"file": (io.BytesIO(content), name, media_type) if media_type else (io.BytesIO(content), name)}


def test_complainant_and_staff_add_files_listed_on_the_case(client, tracked, handler, app_config):
    reference, token = tracked
    response = client.post(
        f"/api/v1/track/{reference}/attachments",
        headers=token,
        data=_upload(PDF, "../../statement.pdf", "application/pdf"),
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["name"] == "statement.pdf" and body["media_type"] == "application/pdf"
    assert body["size"] == len(PDF) and body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["uploaded_by"] == "complainant"

    photo = b"\x89PNG\r\n\x1a\n" + b"1" * 100
    staff = client.post(
        f"/api/v1/cases/{reference}/attachments", headers=handler, data=_upload(photo, "kettle.png")
    )
    assert staff.status_code == 201 and staff.get_json()["uploaded_by"] == "hana"

    detail = client.get(f"/api/v1/cases/{reference}", headers=handler).get_json()
    assert [a["name"] for a in detail["attachments"]] == ["statement.pdf", "kettle.png"]
    assert "statement.pdf" not in str(detail["data"])
    stored = [p for p in Path(app_config["REDRESSAL_ATTACHMENTS_DIR"]).rglob("*") if p.is_file()]
    assert sorted(p.read_bytes() for p in stored) == sorted([PDF, photo])


def test_size_and_type_limits(client, tracked, handler, app):
    reference, _token = tracked
    app.extensions["redressal.attachments"] = app.extensions["redressal.attachments"].__class__(
        folder=app.extensions["redressal.attachments"].folder,
        max_bytes=1000,
        media_types=app.extensions["redressal.attachments"].media_types,
    )
    problem_of(
        client.post(f"/api/v1/cases/{reference}/attachments", headers=handler, data=_upload(PDF, "big.pdf")),
        413,
    )
    problem_of(
        client.post(
            f"/api/v1/cases/{reference}/attachments",
            headers=handler,
            data=_upload(b"MZ\x90\x00", "tool.exe", "application/x-msdownload"),
        ),
        415,
    )
    problem_of(
        client.post(
            f"/api/v1/cases/{reference}/attachments",
            headers=handler,
            data=_upload(b"<html>hi</html>", "fake.pdf", "application/pdf"),
        ),
        415,
    )
    problem_of(
        client.post(
            f"/api/v1/cases/{reference}/attachments",
            headers=handler,
            data=_upload(b"%PDF-1.4", "named.png", "application/pdf"),
        ),
        415,
    )
    problem_of(
        client.post(
            f"/api/v1/cases/{reference}/attachments",
            headers=handler,
            data=_upload(b"", "empty.txt", "text/plain"),
        ),
        422,
    )
    problem_of(client.post(f"/api/v1/cases/{reference}/attachments", headers=handler, data={}), 422)
    detail = client.get(f"/api/v1/cases/{reference}", headers=handler).get_json()
    assert detail["attachments"] == []


def test_the_whole_upload_is_limited_too(client, tracked, app):
    reference, token = tracked
    app.config["REDRESSAL_MAX_UPLOAD"] = 5000
    problem_of(
        client.post(
            f"/api/v1/track/{reference}/attachments", headers=token, data=_upload(PDF + b"0" * 5000, "a.pdf")
        ),
        413,
    )


def test_attachment_errors(client, tracked, login):
    reference, _token = tracked
    problem_of(
        client.post(
            f"/api/v1/track/{reference}/attachments",
            headers={"X-Tracking-Token": "no"},
            data=_upload(PDF, "a.pdf"),
        ),
        404,
    )
    problem_of(client.post(f"/api/v1/cases/{reference}/attachments", data=_upload(PDF, "a.pdf")), 401)
    auditor = login("audrey", roles=("auditor",))
    problem_of(
        client.post(f"/api/v1/cases/{reference}/attachments", headers=auditor, data=_upload(PDF, "a.pdf")),
        403,
    )
    handler = login("hana", "handlers")
    problem_of(
        client.post("/api/v1/cases/CMP-2026-ZZZZZZ/attachments", headers=handler, data=_upload(PDF, "a.pdf")),
        404,
    )
