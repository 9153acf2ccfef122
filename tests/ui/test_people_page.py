"""People page: search as you type, filters, the detail checklist, and adding a person."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from credtrack.models import fold
from credtrack.ui.dialogs.person_dialog import PersonDialog
from credtrack.ui.pages.people import PeoplePage


def _page(qtbot, ctx) -> PeoplePage:
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    return page


def test_search_as_you_type_is_accent_and_case_blind(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx())
    total = page.proxy.rowCount()
    assert total > 40 and "people" in page.count.text()
    target = page.proxy.row_at(5)
    fragment = fold(target.full_name).split()[-1][:4].upper()
    qtbot.keyClicks(page.search, fragment)
    names = [page.proxy.row_at(r).full_name for r in range(page.proxy.rowCount())]
    assert target.full_name in names
    assert all(fragment.lower() in fold(n + " " + page.proxy.row_at(i).external_id) for i, n in enumerate(names))
    assert page.proxy.rowCount() < total
    assert page.count.text() == f"{page.proxy.rowCount():,} of {total:,} people"
    page.search.clear()
    assert page.proxy.rowCount() == total


def test_profession_and_status_filters(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx())
    index = page.profession.findText("Pharmacy")
    page.profession.setCurrentIndex(index)
    rows = [page.proxy.row_at(r) for r in range(page.proxy.rowCount())]
    assert rows and {r.profession_code for r in rows} == {"PHARM"}
    page.status.setCurrentIndex(0)  # any status
    assert page.proxy.rowCount() >= len(rows)


def test_cohort_filter_keeps_only_enrolled_people(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx())
    page.cohort.setCurrentIndex(1)
    shown = page.proxy.rowCount()
    assert 0 < shown < page.model.total()


def test_selecting_a_person_shows_their_checklist_and_records(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx())
    page.search.setText("DEMO-0000")
    page.table.selectRow(0)
    page._detail_timer.stop()
    page._load_detail()
    pane = page.detail
    assert pane.name.text() == page.proxy.row_at(0).full_name
    assert pane.checklist.topLevelItemCount() >= 1
    first = pane.checklist.topLevelItem(0)
    assert " of " in first.text(1) and first.childCount() >= 1
    assert pane.tabs.tabText(1).startswith("Completions (")


def test_new_person_through_the_dialog(qtbot, demo_ctx, monkeypatch):
    page = _page(qtbot, demo_ctx())

    def fill(dialog: PersonDialog):
        dialog.full_name.setText("Zoë O'Brien-Łukasiewicz")
        dialog.external_id.setText("E-99001")
        dialog.profession.setCurrentIndex(dialog.profession.findText("Social work"))
        dialog.start_date.setText("2026-01-05")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PersonDialog, "exec", fill)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    page.search.setText("lukasiewicz")
    assert page.proxy.rowCount() == 1
    assert page.proxy.row_at(0).external_id == "E-99001"


def test_viewer_sees_no_edit_buttons(qtbot, demo_ctx):
    from credtrack.demo import DEMO_PASSWORD

    page = _page(qtbot, demo_ctx("viewer", DEMO_PASSWORD))
    assert not page.new_button.isVisible()
    assert not page.archive_button.isVisible()


def test_save_transcript_from_the_person_detail(qtbot, demo_ctx, boxes, monkeypatch, tmp_path):
    import pypdfium2 as pdfium

    page = _page(qtbot, demo_ctx())
    assert not page.detail.transcript_button.isVisible()  # nobody chosen yet
    page.search.setText("DEMO-0000")
    page.table.selectRow(0)
    page._detail_timer.stop()
    page._load_detail()
    person = page.detail.detail.person
    assert page.detail.transcript_button.isVisible()
    asked = []

    def answer(_parent, title, suggested, filters):
        asked.append(suggested)
        return str(tmp_path / "transcript")

    monkeypatch.setattr("credtrack.ui.messages.save_file_name", answer)
    qtbot.mouseClick(page.detail.transcript_button, Qt.MouseButton.LeftButton)
    assert asked == [f"transcript-{person.external_id}.pdf"]
    saved = tmp_path / "transcript.pdf"
    pdf = pdfium.PdfDocument(str(saved))
    try:
        text = " ".join(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).split())
    finally:
        pdf.close()
    assert person.full_name in text and person.external_id in text
    assert boxes.kinds() == ["info"] and str(saved) in boxes.texts()


def test_the_units_tab_shows_who_was_in_which_unit_when_latest_first(qtbot, demo_ctx, demo_db):
    import datetime as dt

    from sqlalchemy import select

    from credtrack.models import Person, UnitMembership
    from credtrack.services import units

    ctx = demo_ctx()
    with demo_db.unit_of_work() as uow:
        s = uow.session
        person = s.scalar(select(Person).where(Person.external_id == "DEMO-000003"))
        pid, moved, was = person.id, person.external_id, person.unit
    other = next(u.name for u in units.list_units(demo_db.unit_of_work(), ctx.actor) if u.name != was)
    units.move_person(demo_db.unit_of_work(), ctx.actor, pid, other, dt.date.today())
    with demo_db.unit_of_work() as uow:
        stays = uow.session.scalars(
            select(UnitMembership).where(UnitMembership.person_id == pid).order_by(UnitMembership.start_date.desc())
        )
        spans = [(m.unit.name, m.start_date, m.end_date) for m in stays]
    assert len(spans) >= 2 and spans[0][2] is None and spans[1][0] == was
    page = _page(qtbot, ctx)
    page.search.setText(moved)
    page.table.selectRow(0)
    page._detail_timer.stop()
    page._load_detail()
    pane = page.detail
    assert pane.tabs.tabText(6) == f"Units ({len(spans)})"
    model = pane.unit_history
    assert [(r.unit_name, r.start_date, r.end_date) for r in model.rows()] == spans
    cells = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert cells[0][:3] == [spans[0][0], spans[0][1].isoformat(), "now"]
    assert cells[1][:3] == [spans[1][0], spans[1][1].isoformat(), spans[1][2].isoformat()]
    assert cells[1][3] == str((spans[1][2] - spans[1][1]).days + 1)
    assert cells[0][3] == str((dt.date.today() - spans[0][1]).days + 1)
