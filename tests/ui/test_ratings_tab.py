"""People page, Ratings tab: record a rating on the source's form (the form keeps what was typed when the
service refuses it), see it listed and counted, and void it with a reason."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from credtrack.services import ratings
from credtrack.ui import messages
from credtrack.ui.context import AppContext
from credtrack.ui.dialogs.rating_dialog import RatingDialog
from credtrack.ui.tasks import TaskRunner
from tests.ui.test_record_corrections import _page, _select, _show
from tests.unit.certificates.helpers import pdf_text, rasterise, read_zxing
from tests.unit.records.builders import PASSWORD, build_world, cheap_hashing


def _dialog() -> RatingDialog:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, RatingDialog) and w.isVisible()]
    assert found, "the rating form did not open"
    return found[0]


def test_recording_and_voiding_a_rating_on_the_person_page(qtbot, sqlite_db, boxes, tmp_path, monkeypatch):
    w = build_world(sqlite_db)
    ctx = AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True))
    page = _page(qtbot, ctx)
    _show(page, w.learner)
    pane = page.detail
    pane.tabs.setCurrentIndex(4)
    assert pane.tabs.tabText(4) == "Ratings (0)"
    assert pane.rate_button.isVisible() and pane.void_rating_button.isVisible()

    qtbot.mouseClick(pane.rate_button, Qt.MouseButton.LeftButton)
    dialog = _dialog()
    qtbot.addWidget(dialog)
    dialog.source.setCurrentIndex(dialog.source.findData("PATIENT"))
    assert set(dialog.score_boxes) == {"VE1", "VE5", "VE6", "C1", "C2", "C3"}  # the patient form's competencies
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()  # nothing rated, not attested, not signed
    c1 = dialog.score_boxes["C1"]
    c1.setCurrentIndex(c1.findData("4"))
    dialog.rated_on.setText("2026-05-02")
    dialog.collection.setCurrentIndex(dialog.collection.findData("interview"))
    dialog.attest.setChecked(True)
    dialog.password.setText(PASSWORD)
    dialog.grab().save(str(tmp_path / "rating-form.png"))
    with cheap_hashing():
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    # No rater named: refused in the form, which stays open with what was typed.
    assert dialog.isVisible() and "rater's name" in dialog.message.text()
    assert dialog.score_boxes["C1"].currentData() == "4"
    dialog.rater.setText("Hélène Marchetti")
    with cheap_hashing():
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert pane.tabs.tabText(4) == "Ratings (1)"
    (row,) = pane.detail.ratings
    assert (row.rater_name, row.scores) == ("Hélène Marchetti", [("C1", "4", "Often")])

    asked = []
    monkeypatch.setattr(
        messages,
        "ask_void_reason",
        lambda _p, what, certs: asked.append((what, certs)) or "The form belonged to another learner",
    )
    _select(pane.ratings_view, lambda r: r.id == row.id)
    assert pane.void_rating_button.isEnabled()
    qtbot.mouseClick(pane.void_rating_button, Qt.MouseButton.LeftButton)
    assert asked == [(asked[0][0], [])] and "Hélène Marchetti" in asked[0][0]  # no certificate rests on it
    (voided,) = ratings.person_ratings(ctx.uow(), ctx.actor, w.learner)
    assert voided.voided and voided.void_reason == "The form belonged to another learner"
    assert pane.detail.ratings[0].voided


def test_a_viewer_sees_ratings_but_may_not_record_or_void_them(qtbot, sqlite_db):
    w = build_world(sqlite_db)
    ctx = AppContext(sqlite_db, w.viewer, runner=TaskRunner(synchronous=True))
    page = _page(qtbot, ctx)
    _show(page, w.learner)
    assert not page.detail.rate_button.isVisible() and not page.detail.void_rating_button.isVisible()


def test_printing_a_blank_form_asks_which_source_and_where_then_saves_one_page(
    qtbot, sqlite_db, boxes, monkeypatch, tmp_path
):
    w = build_world(sqlite_db)
    ctx = AppContext(sqlite_db, w.viewer, runner=TaskRunner(synchronous=True))  # reading is enough to print one
    page = _page(qtbot, ctx)
    _show(page, w.learner)
    pane = page.detail
    pane.tabs.setCurrentIndex(4)
    assert pane.blank_form_button.isVisible()
    offered: list[list[str]] = []
    suggested: list[str] = []

    def choose(_parent, _title, _label, items):
        offered.append(items)
        return items.index("Team member (TEAM)")

    def save_as(_parent, _title, name, _filters):
        suggested.append(name)
        return str(tmp_path / "team-form")

    monkeypatch.setattr(messages, "choose_item", choose)
    monkeypatch.setattr(messages, "save_file_name", save_as)
    qtbot.mouseClick(pane.blank_form_button, Qt.MouseButton.LeftButton)

    assert offered == [
        [
            "Learner rating their preceptor (LEARNER-FAC)",  # the starter preceptor pathway's
            "Patient or family advisor (PATIENT)",
            "Colleague of another profession (PEER-IP)",
            "Self-assessment (SELF)",
            "Team member (TEAM)",
        ]
    ]
    assert suggested == ["rating-form-EMP-001-TEAM.pdf"]
    saved = tmp_path / "team-form.pdf"
    assert boxes.kinds() == ["info"] and str(saved) in boxes.texts()
    document = pdfium.PdfDocument(str(saved))
    assert len(document) == 1
    document.close()
    text = pdf_text(saved)
    assert "Nguyễn Thị Minh" in text and "Team member" in text and "TT11" in text
    assert read_zxing(rasterise(saved)) == [f"CTRF1:EMP-001:TEAM:{dt.date.today().isoformat()}"]

    # Cancelling the choice of source saves nothing.
    monkeypatch.setattr(messages, "choose_item", lambda *_a: None)
    qtbot.mouseClick(pane.blank_form_button, Qt.MouseButton.LeftButton)
    assert suggested == ["rating-form-EMP-001-TEAM.pdf"] and boxes.kinds() == ["info"]


def test_a_scanned_form_opens_its_learner_s_form_of_its_source_to_type_the_scores(
    qtbot, sqlite_db, boxes, monkeypatch, tmp_path
):
    from credtrack.reports.rating_form import write_rating_form

    w = build_world(sqlite_db)
    ctx = AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True))
    with ctx.uow() as uow:
        from credtrack.models import Person

        other = uow.session.get(Person, w.learner2)
        other_ext, other_name = other.external_id, other.full_name
    scan = write_rating_form(ctx.uow(), w.educator, other_ext, "TEAM", tmp_path / "scan.pdf")
    page = _page(qtbot, ctx)
    _show(page, w.learner)  # someone else is on screen when the scan is picked
    pane = page.detail
    pane.tabs.setCurrentIndex(4)
    assert pane.scanned_form_button.isVisible()
    monkeypatch.setattr(messages, "open_file_name", lambda *_a: str(scan))
    qtbot.mouseClick(pane.scanned_form_button, Qt.MouseButton.LeftButton)
    dialog = _dialog()
    qtbot.addWidget(dialog)
    assert other_name in dialog.windowTitle() and dialog.source.currentData() == "TEAM"
    assert "TT11" in dialog.score_boxes  # the team member's form
    box = dialog.score_boxes["TT1"]
    box.setCurrentIndex(box.findData("5"))
    dialog.rated_on.setText("2026-05-02")
    dialog.rater.setText("Tomás Ibarra")
    dialog.attest.setChecked(True)
    dialog.password.setText(PASSWORD)
    with cheap_hashing():
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.message.text()
    (row,) = ratings.person_ratings(ctx.uow(), ctx.actor, w.learner2)
    assert (row.source_code, row.rater_name, row.scores) == ("TEAM", "Tomás Ibarra", [("TT1", "5", "Always")])
    assert ratings.person_ratings(ctx.uow(), ctx.actor, w.learner) == []

    # A file that is not a form: said plainly, nothing opened.
    (tmp_path / "notes.txt").write_text("not a form", encoding="utf-8")
    monkeypatch.setattr(messages, "open_file_name", lambda *_a: str(tmp_path / "notes.txt"))
    qtbot.mouseClick(pane.scanned_form_button, Qt.MouseButton.LeftButton)
    assert any(kind == "error" and "neither a PDF nor an image" in text for kind, _t, text in boxes.shown)
