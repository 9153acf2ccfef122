"""Catalog page: the competency tree, a new module, a new credential with requirements, a cohort and enrolment."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from credtrack.services import catalog, cohorts
from credtrack.ui.catalog.cohorts_tab import NewCohortDialog
from credtrack.ui.catalog.editors import CredentialDialog, ModuleDialog
from credtrack.ui.pages.catalog import CatalogPage


def _page(qtbot, ctx) -> CatalogPage:
    page = CatalogPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    return page


def test_competency_tree_and_scales(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx())
    tree = page.frameworks.tree
    assert tree.topLevelItemCount() >= 1
    domain = tree.topLevelItem(0).child(0)
    assert domain.childCount() >= 5
    tree.setCurrentItem(domain.child(0))
    assert domain.child(0).text(0) in page.frameworks.description.text()
    assert page.frameworks.scales.topLevelItemCount() == 4  # the starter scales, observed frequency among them


def test_new_module_and_credential_with_requirements(qtbot, demo_ctx, monkeypatch):
    ctx = demo_ctx()
    page = _page(qtbot, ctx)

    def fill_module(dialog: ModuleDialog):
        dialog.code.setText("SIM-900")
        dialog.title.setText("Rapid response simulation")
        dialog.kind.setCurrentIndex(dialog.kind.findData("simulation"))
        dialog.competencies.setText("RR1, TT2")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ModuleDialog, "exec", fill_module)
    page.tabs.setCurrentWidget(page.modules)
    qtbot.mouseClick(page.modules.new_button, Qt.MouseButton.LeftButton)
    codes = [m.code for m in page.modules.model.rows()]
    assert "SIM-900" in codes

    def fill_credential(dialog: CredentialDialog):
        dialog.code.setText("RRT-READY")
        dialog.title.setText("Rapid response team ready")
        dialog.module.setCurrentIndex(dialog.module.findText("SIM-900", Qt.MatchFlag.MatchStartsWith))
        qtbot.mouseClick(dialog.add_module, Qt.MouseButton.LeftButton)
        dialog.competency.setCurrentIndex(dialog.competency.findText("RR1", Qt.MatchFlag.MatchStartsWith))
        dialog.level.setCurrentIndex(0)
        qtbot.mouseClick(dialog.add_competency, Qt.MouseButton.LeftButton)
        assert dialog.requirements.rowCount() == 2
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CredentialDialog, "exec", fill_credential)
    page.tabs.setCurrentWidget(page.credentials)
    qtbot.mouseClick(page.credentials.new_button, Qt.MouseButton.LeftButton)
    created = catalog.get_credential(ctx.uow(), ctx.actor, "RRT-READY")
    assert [r.kind for r in created.requirements] == ["module", "competency"]
    assert created.requirements[1].competency_code == "RR1"


def test_new_cohort_assign_and_enrol(qtbot, demo_ctx, monkeypatch):
    ctx = demo_ctx()
    page = _page(qtbot, ctx)
    page.tabs.setCurrentWidget(page.cohorts)

    def fill(dialog: NewCohortDialog):
        dialog.code.setText("2027-JAN-IPE")
        dialog.name.setText("January 2027 interprofessional intake")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewCohortDialog, "exec", fill)
    qtbot.mouseClick(page.cohorts.new_button, Qt.MouseButton.LeftButton)
    tab = page.cohorts
    row = next(i for i in range(tab.model.rowCount()) if tab.model.row_at(i).code == "2027-JAN-IPE")
    proxy_row = next(
        r for r in range(tab.table.model().rowCount()) if tab.table.model().row_at(r).code == "2027-JAN-IPE"
    )
    tab.table.selectRow(proxy_row)
    assert tab.model.row_at(row).active_enrolments == 0
    qtbot.mouseClick(tab.assign_button, Qt.MouseButton.LeftButton)
    assert cohorts.list_cohorts(ctx.uow(), ctx.actor)
    assigned = next(c for c in cohorts.list_cohorts(ctx.uow(), ctx.actor) if c.code == "2027-JAN-IPE")
    assert len(assigned.credentials) == 1

    person = tab.people[0]
    monkeypatch.setattr(QDialog, "exec", lambda self: _choose(self, person.id))
    qtbot.mouseClick(tab.enrol_button, Qt.MouseButton.LeftButton)
    enrolled = cohorts.list_enrolments(ctx.uow(), ctx.actor, cohort_code="2027-JAN-IPE")
    assert [e.person_id for e in enrolled] == [person.id]


def _choose(dialog: QDialog, person_id: int) -> int:
    from credtrack.ui.widgets.learner_picker import LearnerPicker

    dialog.findChild(LearnerPicker).select(person_id)
    return QDialog.DialogCode.Accepted


def test_viewer_cannot_edit_catalog(qtbot, demo_ctx):
    from credtrack.demo import DEMO_PASSWORD

    page = _page(qtbot, demo_ctx("viewer", DEMO_PASSWORD))
    assert not page.modules.new_button.isVisible()
    assert not page.credentials.edit_button.isVisible()
    assert not page.cohorts.enrol_button.isVisible()


def test_a_credential_needing_ratings_is_made_in_the_editor(qtbot, demo_ctx, monkeypatch):
    ctx = demo_ctx()
    page = _page(qtbot, ctx)

    def fill_credential(dialog: CredentialDialog):
        dialog.code.setText("VOICES-2")
        dialog.title.setText("Heard by patients and colleagues")
        dialog.module.setCurrentIndex(dialog.module.findText("IPE-101", Qt.MatchFlag.MatchStartsWith))
        qtbot.mouseClick(dialog.add_module, Qt.MouseButton.LeftButton)
        dialog.source.setCurrentIndex(dialog.source.findText("Patient or family advisor"))
        levels = [dialog.rating_level.itemText(i) for i in range(dialog.rating_level.count())]
        assert levels == [
            "at any level",
            *(f"each at least {w}" for w in ("Never", "Rarely", "Sometimes", "Often", "Always")),
        ]
        dialog.rating_count.setValue(2)
        dialog.rating_level.setCurrentIndex(dialog.rating_level.findText("each at least Often"))
        qtbot.mouseClick(dialog.add_ratings, Qt.MouseButton.LeftButton)
        dialog.source_count.setValue(3)
        qtbot.mouseClick(dialog.add_sources, Qt.MouseButton.LeftButton)
        assert dialog.requirements.rowCount() == 3
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CredentialDialog, "exec", fill_credential)
    page.tabs.setCurrentWidget(page.credentials)
    qtbot.mouseClick(page.credentials.new_button, Qt.MouseButton.LeftButton)
    created = catalog.get_credential(ctx.uow(), ctx.actor, "VOICES-2")
    assert [r.describe for r in created.requirements[1:]] == [
        "2 ratings from Patient or family advisor, each at Often or above",
        "Ratings from at least 3 different sources",
    ]

    def keep_as_is(dialog: CredentialDialog):  # editing keeps the ratings requirements as they were, in order
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CredentialDialog, "exec", keep_as_is)
    proxy = page.credentials.table.model()
    page.credentials.table.selectRow(next(r for r in range(proxy.rowCount()) if proxy.row_at(r).code == "VOICES-2"))
    qtbot.mouseClick(page.credentials.edit_button, Qt.MouseButton.LeftButton)
    again = catalog.get_credential(ctx.uow(), ctx.actor, "VOICES-2")
    assert [r.describe for r in again.requirements] == [r.describe for r in created.requirements]


def test_the_credential_editor_keeps_and_adds_a_precepting_record(qtbot, demo_ctx):
    ctx = demo_ctx()
    ipf = catalog.get_credential(ctx.uow(), ctx.actor, "IP-FACILITATION")
    dialog = CredentialDialog([], [], [], ipf)
    qtbot.addWidget(dialog)
    shown = dialog.requirements
    texts = [shown.data(shown.index(r, 1)) for r in range(shown.rowCount())]
    assert "Precepting: 10 sign-offs given to learners of at least 3 other professions" in texts
    # Saved again as it stands, the precepting record is kept with its numbers.
    catalog.update_credential(ctx.uow(), ctx.actor, ipf.id, requirements=dialog.specs(), **dialog.values())
    again = catalog.get_credential(ctx.uow(), ctx.actor, "IP-FACILITATION")
    assert [(r.kind, r.min_count, r.min_professions) for r in again.requirements if r.kind == "precepting"] == [
        ("precepting", 10, 3)
    ]

    new = CredentialDialog([], [], [])
    qtbot.addWidget(new)
    new.precepted_count.setValue(4)
    new.precepted_professions.setValue(2)
    qtbot.mouseClick(new.add_precepting, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(new.add_precepting, Qt.MouseButton.LeftButton)  # one precepting record per credential
    assert [(s.kind, s.min_count, s.min_professions) for s in new.specs()] == [("precepting", 4, 2)]
