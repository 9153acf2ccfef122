"""The exported offline verifier page, in a real headless Chromium with the network cut off.

It must give every conformance vector the same verdict as the Python verifier, from pasted
text and from the page address, and make no request at all.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from credtrack.certificates import payload, verifier_page
from credtrack.cli import main
from credtrack.models import Certificate
from credtrack.services.certificates import issuing as certificates
from tests.browser.offline import offline_page
from tests.unit.certificates.vectors import VECTORS_FILE
from tests.unit.test_cli_records import _stamp_current

from .test_certificate_world import DAY, PASSWORD, build_world

SHIPPED = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vectors_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "verifier.html"
    path.write_text(verifier_page.render(SHIPPED["trust"]), encoding="utf-8")
    return path


def test_the_page_gives_every_vector_the_python_verdict_offline(vectors_page):
    wrong = []
    with offline_page(vectors_page) as page:
        page.open()
        for vector in SHIPPED["vectors"]:
            got = page.check_text(vector["text"])
            if got != vector["verdict"]:
                wrong.append((vector["name"], got, vector["verdict"]))
        assert page.requests == []
    assert wrong == []


def test_the_page_reads_the_code_from_its_address(vectors_page):
    # A phone opening the scanned address: the payload is in the fragment. (A raw space cannot be
    # carried in an address: the browser writes it %20 itself, so that vector is for pasted text only.)
    addressed = [v for v in SHIPPED["vectors"] if "#" in v["text"] and " " not in v["text"]]
    assert len(addressed) >= 5
    with offline_page(vectors_page) as page:
        for vector in addressed:
            page.open(vector["text"].split("#", 1)[1])
            assert page.verdict() == vector["verdict"], vector["name"]
        page.open(
            next(v["text"] for v in SHIPPED["vectors"] if v["name"] == "valid").replace("%", "%25").replace(" ", "%20")
        )
        assert page.verdict() == "valid"
        assert re.search(r"Zoë O'Brien", page.page.text_content("#details"))
        assert page.requests == []


def test_the_page_holds_no_address_to_load_anything_from(vectors_page):
    html = vectors_page.read_text(encoding="utf-8")
    assert "connect-src 'none'" in html
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html, re.IGNORECASE)
    assert "sourceMappingURL" not in html


def test_cli_exports_a_page_that_verifies_this_institutions_certificates(db, tmp_path, monkeypatch, capsys):
    _stamp_current(db)
    world = build_world(db, names=("Amara Okafor", "Ben Lindqvist"))
    first = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
    ).value
    certificates.revoke_certificate(db.unit_of_work(), world.admin, first.code, "Issued to the wrong person")
    with db.unit_of_work() as uow:
        revoked_text = uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == first.code))
    monkeypatch.setenv("CREDTRACK_USER", "edu")
    monkeypatch.setenv("CREDTRACK_PASSWORD", PASSWORD)
    out = tmp_path / "verifier.html"
    assert main(["--database-url", db.url, "verifier", "export", str(out)]) == 0
    assert "KB" in capsys.readouterr().out
    with offline_page(out) as page:
        page.open(payload.in_address("https://x.example/v", revoked_text).split("#", 1)[1])
        assert page.verdict() == "revoked"
        assert "Issued to the wrong person" in page.page.text_content("#verdict-message")
        assert page.requests == []
