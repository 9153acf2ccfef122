"""UI test fixtures: a database with an administrator, contexts per role, and recorded message boxes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from credtrack.services.accounts import users as accounts
from credtrack.services.permissions import SYSTEM
from credtrack.ui import messages
from credtrack.ui.collector import MainThreadCollector
from credtrack.ui.context import AppContext
from credtrack.ui.tasks import TaskRunner

PASSWORD = "correct horse battery"


@dataclass
class Boxes:
    """Every message box the app tried to show, and the answers prompts will give."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    confirm_answer: bool = True
    text_answers: list[str | None] = field(default_factory=list)
    folder_answer: str | None = None  # what a folder chooser returns; None: the folder it suggested

    def kinds(self) -> list[str]:
        return [kind for kind, _title, _text in self.shown]

    def texts(self) -> str:
        return "\n".join(text for _kind, _title, text in self.shown)


@pytest.fixture
def boxes(monkeypatch) -> Boxes:
    record = Boxes()
    monkeypatch.setattr(messages, "show_error", lambda _p, title, text: record.shown.append(("error", title, text)))
    monkeypatch.setattr(messages, "show_info", lambda _p, title, text: record.shown.append(("info", title, text)))
    monkeypatch.setattr(messages, "show_apology", lambda _p, text: record.shown.append(("apology", "", text)))

    def confirm(_p: Any, title: str, text: str) -> bool:
        record.shown.append(("confirm", title, text))
        return record.confirm_answer

    def ask_text(_p: Any, title: str, label: str, *, secret: bool = False) -> str | None:
        record.shown.append(("ask", title, label))
        return record.text_answers.pop(0) if record.text_answers else None

    def choose_folder(_p: Any, title: str, start: str) -> str | None:
        record.shown.append(("folder", title, start))
        return record.folder_answer if record.folder_answer is not None else start

    monkeypatch.setattr(messages, "choose_folder", choose_folder)
    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "ask_text", ask_text)
    return record


def add_user(db, admin, username: str, role: str, password: str = PASSWORD):
    accounts.create_user(
        db.unit_of_work(), admin, username=username, password=password, role=role, display_name=username.capitalize()
    )
    return accounts.log_in(db.unit_of_work(), username, password)


@pytest.fixture
def admin(sqlite_db):
    accounts.create_user(
        sqlite_db.unit_of_work(), SYSTEM, username="admin", password=PASSWORD, role="admin", display_name="Ada Admin"
    )
    return accounts.log_in(sqlite_db.unit_of_work(), "admin", PASSWORD)


@pytest.fixture
def make_ctx(sqlite_db, boxes):
    def make(actor) -> AppContext:
        return AppContext(sqlite_db, actor, runner=TaskRunner(synchronous=True))

    return make


@pytest.fixture
def admin_ctx(make_ctx, admin) -> AppContext:
    return make_ctx(admin)


def open_page(qtbot, page_class, ctx):
    """A page on its own, shown and loaded as when a user first opens it."""
    page = page_class(ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    return page


def tab_through(qtbot, widget, first, presses: int) -> list[str]:
    """Focus ``first`` in the shown ``widget``, press Tab ``presses`` times: the names of what had focus."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    activate(qtbot, widget)
    first.setFocus()
    names = []
    for _ in range(presses):
        focused = QApplication.focusWidget()
        names.append(focused.accessibleName() or focused.text())
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    return names


def activate(qtbot, window) -> None:
    """Show a window and make it the active one, so keyboard shortcuts reach it."""
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


@pytest.fixture(autouse=True)
def collect_on_the_main_thread(qapp):
    """As in the app (``credtrack.ui.app.main``): garbage cycles are freed on the main thread only, never
    by a report or batch running on a worker thread."""
    collector = MainThreadCollector()
    collector.start()
    yield
    collector.stop()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A demo database built once per test session; each test gets its own copy."""
    from credtrack import demo
    from credtrack.services import setup
    from credtrack.services.database import open_database

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    db = open_database(f"sqlite:///{path}")
    setup.declare_purpose(db.unit_of_work(), "demo")
    setup.load_starter_data(db.unit_of_work())
    accounts.create_user(
        db.unit_of_work(), SYSTEM, username="admin", password=PASSWORD, role="admin", display_name="Ada Admin"
    )
    demo.load_demo(db, 40, seed=11)
    db.dispose()
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path):
    import shutil

    from credtrack.services.database import open_database

    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    db = open_database(f"sqlite:///{path}")
    yield db
    db.dispose()


@pytest.fixture
def demo_ctx(demo_db, boxes):
    def make(username: str = "admin", password: str = PASSWORD) -> AppContext:
        actor = accounts.log_in(demo_db.unit_of_work(), username, password)
        return AppContext(demo_db, actor, runner=TaskRunner(synchronous=True))

    return make
