"""Every page can be used from the keyboard: each control has a name, Tab follows reading order, shortcuts work."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from credtrack.ui import printing
from credtrack.ui.main_window import MainWindow
from credtrack.ui.pages.certificates import CertificatesPage

from .conftest import activate
from .keyboard_helpers import geometry, inside_spin_box, reads_after, spoken_name, takes_tab


@pytest.fixture
def window(qtbot, demo_ctx):
    window = MainWindow(demo_ctx())
    qtbot.addWidget(window)
    window.resize(1360, 860)
    activate(qtbot, window)
    return window


def _pages(qtbot, window: MainWindow):
    for row in range(len(window.page_classes)):
        window.nav.setCurrentRow(row)
        QApplication.processEvents()
        # The offscreen platform deactivates a window when certain pages are first built into it (an X server
        # does not); keyboard events only reach an active window.
        activate(qtbot, window)
        yield window.page_at(row)


def test_every_control_on_every_page_has_a_name(qtbot, window):
    unnamed = {}
    for page in _pages(qtbot, window):
        for widget in page.findChildren(QWidget):
            if not takes_tab(widget) or inside_spin_box(widget):
                continue
            if not spoken_name(widget):
                unnamed.setdefault(page.title, []).append(type(widget).__name__)
    assert unnamed == {}


def test_tab_visits_each_pages_main_widgets_in_reading_order(qtbot, window):
    for page in _pages(qtbot, window):
        stops = [w for w in page.tab_stops if takes_tab(w)]
        assert stops, f"{page.title} declares no tab stops"
        for a, b in zip(stops, stops[1:], strict=False):
            assert reads_after(geometry(a, window), geometry(b, window)), (
                f"{page.title}: {spoken_name(b)!r} is placed before {spoken_name(a)!r} but tabbed to after it"
            )

        first = stops[0].focusProxy() or stops[0]
        first.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda first=first: QApplication.focusWidget() is first, timeout=2000)
        visited = [QApplication.focusWidget()]
        for _ in range(len(stops) * 8):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            focused = QApplication.focusWidget()
            if not page.isAncestorOf(focused):
                break  # Tab has left the page for the navigation list: every stop had its turn
            visited.append(focused)
        # A tab widget takes focus through its tab bar (its focus proxy).
        owner = {w.focusProxy() or w: w for w in stops}
        order = [owner[w] for w in visited if w in owner]
        deduplicated = [w for i, w in enumerate(order) if w not in order[:i]]
        assert deduplicated == stops, (
            f"{page.title}: Tab went {[spoken_name(w) for w in deduplicated]}, "
            f"expected {[spoken_name(w) for w in stops]}"
        )


def test_ctrl_f_focuses_the_search_box_of_the_page_in_front(qtbot, window):
    searched = 0
    for page in _pages(qtbot, window):
        search = getattr(page, "search", None)
        if search is None:
            continue
        window.nav.setFocus()
        qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda s=search: s.hasFocus() or s.isAncestorOf(QApplication.focusWidget()), timeout=2000)
        searched += 1
    assert searched >= 4


def test_ctrl_p_prints_the_selected_certificate(qtbot, window, demo_db, tmp_path, monkeypatch):
    from credtrack.services import keys
    from credtrack.services.certificates import issuing as certificates
    from credtrack.services.permissions import SYSTEM
    from credtrack.services.progress import bulk as progress_bulk

    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)
    ctx = window.ctx
    row = next(r for r in progress_bulk.bulk_progress(ctx.uow(), ctx.actor) if r.status == "eligible")
    issued = certificates.issue_certificate(
        ctx.uow(), ctx.actor, row.person_id, row.credential_id, out_dir=tmp_path
    ).value
    page = window.show_page(CertificatesPage)
    page.reload()
    assert page.select_code(issued.code)
    asked = []
    monkeypatch.setattr(printing, "choose_printer", lambda _parent, title: asked.append(title))
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert asked == [f"Print certificate {issued.code}"]
