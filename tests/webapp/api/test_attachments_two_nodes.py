"""Two web processes on one PostgreSQL: a file uploaded through one is downloaded through the other."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from engine.cases.service import CaseService
from engine.identity import tokens as auth
from tests.support.api import FIXTURES, INTAKE_FORM, complaint
from tests.support.builders import deploy, make_user

SERVER = """
import sys
from waitress import serve
from webapp import create_app
app = create_app({"REDRESSAL_DATABASE_URL": sys.argv[1], "REDRESSAL_ATTACHMENTS_DIR": sys.argv[2],
                  "RATELIMIT_ENABLED": False})
serve(app, host="127.0.0.1", port=int(sys.argv[3]), threads=2)
"""
PDF = b"%PDF-1.7\n" + os.urandom(3000)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(url: str, folder: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SERVER, url, str(folder), str(port)],
        cwd=Path(__file__).resolve().parents[3],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_until_up(base: str, proc: subprocess.Popen) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode())
        try:
            if requests.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError(f"{base} did not start")


@pytest.fixture
def two_nodes(pg, tmp_path):
    service = CaseService(pg)
    deploy(
        service,
        FIXTURES / "processes" / "complaint_handling.bpmn",
        FIXTURES / "processes" / "dispute_resolution.bpmn",
        FIXTURES / "forms" / "review.json",
        FIXTURES / "forms" / "referral.json",
        INTAKE_FORM,
    )
    make_user(service, "hana", "handlers")
    token, _ = auth.issue_for(pg, service.clock, "hana")
    nodes, procs = [], []
    for name in ("a", "b"):
        port = free_port()
        procs.append(_serve(pg.url, tmp_path / name, port))
        nodes.append((f"http://127.0.0.1:{port}/api/v1", tmp_path / name))
    try:
        for (base, _), proc in zip(nodes, procs, strict=True):
            _wait_until_up(base.removesuffix("/api/v1"), proc)
        yield nodes, {"Authorization": f"Bearer {token}"}
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.mark.postgres
def test_a_file_uploaded_on_one_node_downloads_from_the_other(two_nodes):
    (node_a, folder_a), (node_b, folder_b) = two_nodes[0]
    staff = two_nodes[1]
    intake = requests.post(f"{node_a}/complaints", json=complaint(), timeout=10)
    assert intake.status_code == 201, intake.text
    created = intake.json()
    reference, track = created["reference"], {"X-Tracking-Token": created["tracking_token"]}
    upload = requests.post(
        f"{node_a}/track/{reference}/attachments",
        headers=track,
        files={"file": ("statement.pdf", PDF, "application/pdf")},
        timeout=10,
    )
    assert upload.status_code == 201, upload.text
    file_id = upload.json()["id"]

    for headers, url in (
        (track, f"{node_b}/track/{reference}/attachments/{file_id}"),
        (staff, f"{node_b}/cases/{reference}/attachments/{file_id}"),
    ):
        response = requests.get(url, headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        assert response.content == PDF
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"] == "attachment; filename=statement.pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Neither node kept the file on its own disk.
    assert not [
        p for folder in (folder_a, folder_b) if folder.exists() for p in folder.rglob("*") if p.is_file()
    ]
