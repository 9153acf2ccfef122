"""People page, Precepted tab: the sign-offs a person gave as assessor with counts by learner profession,
what a preceptor may see of it, and a person with no linked account told so plainly."""

from __future__ import annotations

from credtrack.services.precepting import NO_ACCOUNT
from credtrack.ui.context import AppContext
from credtrack.ui.tasks import TaskRunner
from credtrack.ui.widgets.precepted import NOT_YOURS
from tests.ui.test_record_corrections import _page, _show
from tests.unit.records.builders import add_person, build_world, cheap_hashing, signoff

PRECEPTED_TAB = 7


def _cells(model) -> list[list[str]]:
    return [[str(model.data(model.index(r, c))) for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_precepted_tab_lists_the_sign_offs_a_preceptor_gave(qtbot, qtmodeltester, sqlite_db):
    w = build_world(sqlite_db)
    pharm = add_person(w.db, w.educator, "L-PH", "Chidi Okeke", "PHARM", start_date="2026-01-05")
    with cheap_hashing():
        signoff(w, "C1", "3", "2026-03-01", person=w.learner)  # a nurse, as the preceptor is: not counted
        signoff(w, "C1", "4", "2026-03-02", person=w.learner2)  # a physician
        signoff(w, "TT1", "3", "2026-03-03", person=pharm)
    ctx = AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True))
    page = _page(qtbot, ctx)
    _show(page, w.preceptor_person)
    pane = page.detail
    pane.tabs.setCurrentIndex(PRECEPTED_TAB)
    panel = pane.precepted
    assert pane.tabs.tabText(PRECEPTED_TAB) == "Precepted (2)"
    assert panel.summary.text().startswith("2 standing sign-offs given to learners of 2 professions other than")
    assert not panel.note.isVisible()
    assert sorted(_cells(panel.counts)) == [["Medicine", "1", "Yes"], ["Nursing", "1", "No"], ["Pharmacy", "1", "Yes"]]
    rows = _cells(panel.sign_offs)
    assert [r[:3] for r in rows] == [
        ["2026-03-03", "Chidi Okeke", "Pharmacy"],
        ["2026-03-02", "José Álvarez", "Medicine"],
        ["2026-03-01", "Nguyễn Thị Minh", "Nursing"],
    ]
    assert rows[0][-1] == "Standing"
    qtmodeltester.check(panel.counts)
    qtmodeltester.check(panel.sign_offs)


def test_a_person_with_no_account_is_told_so_and_a_preceptor_sees_only_their_own(qtbot, sqlite_db):
    w = build_world(sqlite_db)
    page = _page(qtbot, AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True)))
    _show(page, w.learner)
    panel = page.detail.precepted
    assert page.detail.tabs.tabText(PRECEPTED_TAB) == "Precepted"
    assert panel.note.text() == NO_ACCOUNT and panel.sign_offs.rowCount() == 0

    own = _page(qtbot, AppContext(sqlite_db, w.preceptor, runner=TaskRunner(synchronous=True)))
    _show(own, w.preceptor_person)
    assert own.detail.precepted.note.text() == "No sign-offs given yet."
    _show(own, w.learner)
    assert own.detail.precepted.note.text() == NOT_YOURS and own.detail.precepted.record is None
