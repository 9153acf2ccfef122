"""UI test fixtures: a database with an administrator, contexts per role, and recorded message boxes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from credtrack.services import accounts
from credtrack.services.permissions import SYSTEM
from credtrack.ui import messages
from credtrack.ui.context import AppContext
from credtrack.ui.tasks import TaskRunner

PASSWORD = "correct horse battery"


@dataclass
class Boxes:
    """Every message box the app tried to show, and the answers prompts will give."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    confirm_answer: bool = True
    text_answers: list[str | None] = field(default_factory=list)

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

    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "ask_text", ask_text)
    return record


def add_user(db, admin, username: str, role: str, password: str = PASSWORD):
    accounts.create_user(db.unit_of_work(), admin, username=username, password=password, role=role,
                         display_name=username.capitalize())
    return accounts.log_in(db.unit_of_work(), username, password)


@pytest.fixture
def admin(sqlite_db):
    accounts.create_user(sqlite_db.unit_of_work(), SYSTEM, username="admin", password=PASSWORD, role="admin",
                         display_name="Ada Admin")
    return accounts.log_in(sqlite_db.unit_of_work(), "admin", PASSWORD)


@pytest.fixture
def make_ctx(sqlite_db, boxes):
    def make(actor) -> AppContext:
        return AppContext(sqlite_db, actor, runner=TaskRunner(synchronous=True))

    return make


@pytest.fixture
def admin_ctx(make_ctx, admin) -> AppContext:
    return make_ctx(admin)


def activate(qtbot, window) -> None:
    """Show a window and make it the active one, so keyboard shortcuts reach it."""
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
