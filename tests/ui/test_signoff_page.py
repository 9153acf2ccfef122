"""The preceptor's quick path, end to end through the widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt

from credtrack.demo import DEMO_PASSWORD
from credtrack.services.records import listing as record_listing
from credtrack.ui.pages.signoff import SignoffPage
from credtrack.ui.widgets.pick_list import CODE_ROLE


def _page(qtbot, ctx) -> SignoffPage:
    page = SignoffPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    # Level buttons made after the page was shown appear on the next turn of the event loop.
    qtbot.waitUntil(lambda: bool(page.levels.buttons) and all(b.isVisible() for b in page.levels.buttons))
    return page


def _competency_key(page: SignoffPage, code: str) -> str:
    tree = page.competencies.tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            key = top.child(j).data(0, CODE_ROLE)
            if key and key.endswith(f":{code}"):
                return key
    raise AssertionError(code)


def test_preceptor_signs_off_a_learner_by_name(qtbot, demo_ctx, demo_db):
    ctx = demo_ctx("preceptor", DEMO_PASSWORD)
    page = _page(qtbot, ctx)
    learner = page.learner.model.rows()[3]
    before = len(record_listing.person_records(demo_db.unit_of_work(), ctx.actor, learner.id)[1])

    qtbot.keyClicks(page.learner.search, learner.external_id)
    qtbot.keyClick(page.learner.search, Qt.Key.Key_Return)
    assert page.learner.person().id == learner.id
    assert learner.full_name in page.learner.chosen_label.text()
    assert not page.sign_button.isEnabled()
    assert "a level" in page.missing.text()

    qtbot.keyClicks(page.competencies.filter, "RR3")
    page.competencies.set_checked(_competency_key(page, "RR3"))
    descriptions = [b.accessibleDescription() for b in page.levels.buttons]
    assert all(descriptions), "every level shows its description"
    qtbot.mouseClick(page.levels.buttons[3], Qt.MouseButton.LeftButton)
    page.attest.setChecked(True)
    qtbot.keyClicks(page.password, DEMO_PASSWORD)
    assert page.missing.text() == "Ready to sign."
    assert page.sign_button.isEnabled()
    changes = []
    ctx.hub.changed.connect(changes.append)
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)

    assert page.banner.tone == "good" and "RR3" in page.banner.headline.text()
    assert changes, "a sign-off broadcasts that records changed"
    signed = record_listing.person_records(demo_db.unit_of_work(), ctx.actor, learner.id)[1]
    assert len(signed) == before + 1
    newest = max(signed, key=lambda a: a.id)
    assert newest.competency_code == "RR3" and newest.level_code == "4" and newest.reauthenticated
    assert page.password.text() == "" and not page.attest.isChecked()


def test_wrong_password_saves_nothing(qtbot, demo_ctx, demo_db):
    ctx = demo_ctx("preceptor", DEMO_PASSWORD)
    page = _page(qtbot, ctx)
    learner = page.learner.model.rows()[0]
    before = record_listing.person_records(demo_db.unit_of_work(), ctx.actor, learner.id)[1]
    page.learner.search.setText(learner.external_id)
    page.learner.table.selectRow(0)
    page.competencies.set_checked(_competency_key(page, "C2"))
    page.competencies.set_checked(_competency_key(page, "TT1"))
    page.levels.choose("3")
    page.attest.setChecked(True)
    page.password.setText("not my password")
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    assert page.banner.tone == "bad" and "password" in page.banner.detail.text()
    assert record_listing.person_records(demo_db.unit_of_work(), ctx.actor, learner.id)[1] == before


def test_module_completion_is_recorded_and_verified(qtbot, demo_ctx, demo_db):
    ctx = demo_ctx("preceptor", DEMO_PASSWORD)
    page = _page(qtbot, ctx)
    learner = page.learner.model.rows()[1]
    page.learner.search.setText(learner.external_id)
    page.learner.table.selectRow(0)
    page.what.setCurrentIndex(1)
    assert not page.level_box.isEnabled()
    from credtrack.services import catalog

    open_modules = [
        m
        for m in catalog.list_modules(demo_db.unit_of_work(), ctx.actor, include_inactive=False)
        if not m.requires_enrolment and m.requires_verification
    ]
    module = open_modules[0].code
    page.modules.set_checked(module)
    page.attest.setChecked(True)
    page.password.setText(DEMO_PASSWORD)
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    assert page.banner.tone == "good", page.banner.detail.text()
    completions = record_listing.person_records(demo_db.unit_of_work(), ctx.actor, learner.id)[0]
    assert any(c.module_code == module and c.verification == "verified" for c in completions)


def test_educator_and_admin_see_sign_off_but_viewer_does_not(qtbot, demo_ctx):
    from credtrack.ui.main_window import MainWindow

    viewer = MainWindow(demo_ctx("viewer", DEMO_PASSWORD))
    qtbot.addWidget(viewer)
    assert viewer.page(SignoffPage) is None
    educator = MainWindow(demo_ctx("educator", DEMO_PASSWORD))
    qtbot.addWidget(educator)
    assert educator.page(SignoffPage) is not None


def test_the_same_module_on_the_same_day_needs_the_repeat_box(qtbot, demo_ctx, demo_db):
    ctx = demo_ctx("preceptor", DEMO_PASSWORD)
    page = _page(qtbot, ctx)
    learner = page.learner.model.rows()[1]
    from credtrack.services import catalog

    module = next(
        m
        for m in catalog.list_modules(demo_db.unit_of_work(), ctx.actor, include_inactive=False)
        if not m.requires_enrolment
    ).code

    def sign(repeat: bool) -> None:
        page.learner.search.setText(learner.external_id)
        page.learner.table.selectRow(0)
        page.what.setCurrentIndex(1)
        page.modules.set_checked(module)
        page.repeat.setChecked(repeat)
        page.attest.setChecked(True)
        page.password.setText(DEMO_PASSWORD)
        qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)

    def standing() -> int:
        return sum(
            1
            for c in record_listing.person_records(demo_db.unit_of_work(), ctx.actor, learner.id)[0]
            if c.module_code == module and not c.voided and c.completed_on == page.date.date().toPython()
        )

    sign(False)
    first = standing()
    assert first >= 1
    sign(False)
    assert page.banner.tone == "bad" and "as a repeat" in page.banner.detail.text()
    assert page.repeat.isEnabled()
    sign(True)
    assert page.banner.tone == "good" and standing() == first + 1
    assert not page.repeat.isChecked()
