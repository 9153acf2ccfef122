"""The Certificates page starts the batch workers' server ahead, for those who may issue, and quietly."""

from __future__ import annotations

import logging

from credtrack.certificates import batch
from credtrack.ui.pages.certificates import CertificatesPage
from tests.ui.conftest import PASSWORD, add_user


def _open(qtbot, ctx) -> CertificatesPage:
    page = CertificatesPage(ctx)
    qtbot.addWidget(page)
    return page


def test_the_page_starts_the_server_only_for_those_who_may_issue(qtbot, demo_ctx, demo_db, monkeypatch):
    started: list[bool] = []
    monkeypatch.setattr(batch, "start_worker_server", lambda: started.append(True))
    admin = demo_ctx()
    _open(qtbot, admin)
    assert started == [True]
    add_user(demo_db, admin.actor, "vera", "viewer")
    _open(qtbot, demo_ctx("vera", PASSWORD))
    assert started == [True]  # a viewer cannot issue: nothing to start


def test_a_server_that_will_not_start_is_logged_not_shown(qtbot, demo_ctx, boxes, monkeypatch, caplog):
    def refuse() -> None:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(batch, "start_worker_server", refuse)
    with caplog.at_level(logging.WARNING, logger="credtrack.ui"):
        page = _open(qtbot, demo_ctx())
    assert page.cohort_button.isEnabled()
    assert not boxes.shown  # nobody is interrupted: a batch would start the server itself
    assert "Resource temporarily unavailable" in caplog.text
