"""The Audit page folds runs of sign-ins by one user into one line; every event stays in the log."""

from __future__ import annotations

import datetime as dt

from credtrack.services.accounts import users as accounts
from credtrack.services.audit.queries import AuditRow
from credtrack.ui.audit_folding import fold_sign_ins
from credtrack.ui.pages.audit import AuditPage
from tests.ui.conftest import PASSWORD, open_page


def _row(n: int, actor: str, action: str) -> AuditRow:
    return AuditRow(n, dt.datetime(2026, 3, 1, 9, n), actor, action, "user", "1", "", "", False, "")


def test_consecutive_sign_ins_of_one_user_fold_and_others_stay():
    rows = [
        _row(9, "bot", "user.login"),
        _row(8, "bot", "user.login"),
        _row(7, "bot", "user.login"),
        _row(6, "ann", "user.login"),
        _row(5, "bot", "person.create"),
        _row(4, "bot", "user.login"),
    ]
    folded, hidden = fold_sign_ins(rows)
    assert hidden == 2
    assert [(r.id, r.action) for r in folded] == [
        (9, "user.login ×3"),
        (6, "user.login"),
        (5, "person.create"),
        (4, "user.login"),
    ]
    assert "3 sign-ins by bot" in folded[0].note and "events 7–9" in folded[0].note


def test_the_audit_page_folds_repeated_sign_ins_unless_asked_for_them(qtbot, sqlite_db, admin, admin_ctx):
    for _ in range(4):
        accounts.log_in(sqlite_db.unit_of_work(), "admin", PASSWORD)
    page = open_page(qtbot, AuditPage, admin_ctx)
    actions = [page.model.row_at(r).action for r in range(page.model.rowCount())]
    assert actions[0] == "user.login ×5" and "4 repeated sign-ins folded" in page.count_label.text()
    page.action_filter.setCurrentText("user.login")
    page.reload()
    assert [page.model.row_at(r).action for r in range(page.model.rowCount())] == ["user.login"] * 5
