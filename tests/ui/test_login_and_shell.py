"""Log-in, lock-out, the main window's role-based pages, idle lock and sign-out."""

from __future__ import annotations

from PySide6.QtCore import Qt

from credtrack.ui.app import Launcher
from credtrack.ui.login import LoginDialog
from credtrack.ui.main_window import MainWindow
from credtrack.ui.pages.audit import AuditPage
from credtrack.ui.pages.importing import ImportPage
from credtrack.ui.pages.users import UsersPage
from credtrack.ui.tasks import TaskRunner
from tests.ui.conftest import PASSWORD, activate, add_user


def _login(qtbot, db) -> LoginDialog:
    dialog = LoginDialog(TaskRunner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.set_database(db, "test database")
    return dialog


def _try(qtbot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username.setText(username)
    dialog.password.setText(password)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)


def test_wrong_password_then_lockout_then_right_password_refused(qtbot, sqlite_db, admin, boxes):
    dialog = _login(qtbot, sqlite_db)
    signed_in = []
    dialog.signed_in.connect(signed_in.append)
    _try(qtbot, dialog, "admin", "not the password")
    assert "Wrong user name or password. 4 attempt(s) left" in dialog.message.text()
    assert dialog.password.text() == ""
    for _ in range(4):
        _try(qtbot, dialog, "admin", "still wrong")
    assert "paused on this workstation for 15 minutes" in dialog.message.text()
    _try(qtbot, dialog, "admin", PASSWORD)
    assert "paused on this workstation after 5 wrong passwords" in dialog.message.text()
    assert signed_in == []


def test_an_unknown_name_gets_the_same_messages_as_a_wrong_password(qtbot, sqlite_db, admin, boxes):
    dialog = _login(qtbot, sqlite_db)
    said = {}
    for name in ("admin", "no.such.user"):
        said[name] = []
        for _ in range(6):
            _try(qtbot, dialog, name, "not the password")
            said[name].append(dialog.message.text())
    assert said["admin"] == said["no.such.user"]


def test_right_password_signs_in(qtbot, sqlite_db, admin, boxes):
    dialog = _login(qtbot, sqlite_db)
    with qtbot.waitSignal(dialog.signed_in) as blocker:
        _try(qtbot, dialog, "ADMIN", PASSWORD)
    assert blocker.args[0].username == "admin"
    assert boxes.shown == []


def test_sign_in_waits_for_the_database(qtbot):
    dialog = LoginDialog(TaskRunner(synchronous=True))
    qtbot.addWidget(dialog)
    assert not dialog.sign_in_button.isEnabled()
    assert "Opening the database" in dialog.status.text()


def test_launcher_log_in_to_main_window_and_sign_out(qtbot, tmp_path, boxes, monkeypatch):
    from credtrack.services.accounts import users as accounts
    from credtrack.services.database import open_database
    from credtrack.services.permissions import SYSTEM

    url = f"sqlite:///{tmp_path / 'app.db'}"
    db = open_database(url)
    accounts.create_user(db.unit_of_work(), SYSTEM, username="admin", password=PASSWORD, role="admin")
    db.dispose()

    launcher = Launcher(url, runner=TaskRunner(synchronous=True))
    launcher.start()
    assert launcher.wizard is None
    login = launcher.login
    assert login is not None
    qtbot.addWidget(login)
    qtbot.waitUntil(login.sign_in_button.isEnabled, timeout=5000)  # the database opens after the first paint
    with qtbot.waitSignal(launcher.main_window_shown) as shown:
        _try(qtbot, login, "admin", PASSWORD)
    window = shown.args[0]
    qtbot.addWidget(window)
    assert window.isVisible()
    assert "admin" in window.user_label.text() and "app.db" in window.database_label.text()
    window.sign_out_requested.emit()
    assert launcher.window is None and launcher.login is not None and launcher.login.isVisible()
    qtbot.addWidget(launcher.login)
    launcher.db.dispose()


def _titles(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def test_pages_follow_the_role(qtbot, sqlite_db, admin, make_ctx):
    preceptor = add_user(sqlite_db, admin, "pat", "preceptor")
    viewer = add_user(sqlite_db, admin, "vic", "viewer")
    admin_window = MainWindow(make_ctx(admin))
    preceptor_window = MainWindow(make_ctx(preceptor))
    viewer_window = MainWindow(make_ctx(viewer))
    for w in (admin_window, preceptor_window, viewer_window):
        qtbot.addWidget(w)
    assert UsersPage.title in _titles(admin_window)
    assert UsersPage.title not in _titles(preceptor_window)
    assert AuditPage.title not in _titles(preceptor_window)
    assert AuditPage.title in _titles(viewer_window)
    assert UsersPage.title not in _titles(viewer_window)


def test_idle_lock_hides_the_work_and_only_the_password_opens_it(qtbot, admin_ctx, boxes):
    admin_ctx.settings.idle_lock_minutes = 0.001  # 60 ms
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert not window.menuBar().isEnabled()
    window.lock_screen.password.setText("wrong password!")
    qtbot.mouseClick(window.lock_screen.unlock_button, Qt.MouseButton.LeftButton)
    assert window.locked and "Wrong" in window.lock_screen.message.text()
    window.lock_screen.password.setText(PASSWORD)
    qtbot.mouseClick(window.lock_screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not window.locked
    window.idle.set_minutes(0)
    assert not window.idle.active


def test_keyboard_page_shortcuts_and_find(qtbot, admin_ctx):
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    activate(qtbot, window)
    for page_class in (AuditPage, ImportPage):
        index = [type(p) for p in window.page_list].index(page_class)
        assert index < 9  # Ctrl+1 … Ctrl+9 reach the first nine pages
        qtbot.keyClick(window.nav, str(index + 1), Qt.KeyboardModifier.ControlModifier)
        assert type(window.current_page()) is page_class
    # Pages past the ninth are in the Go menu.
    go = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Go")
    next(a for a in go.actions() if a.text() == UsersPage.title).trigger()
    assert type(window.current_page()) is UsersPage
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_page().search.hasFocus(), timeout=2000)


def test_command_line_options():
    from credtrack.ui.app import parse_args

    assert parse_args([]).data_dir is None
    options = parse_args(["--data-dir", "/srv/ct", "--database-url", "postgresql://h/db", "-style", "fusion"])
    assert options.data_dir == "/srv/ct" and options.database_url == "postgresql://h/db"


def test_typing_or_moving_the_mouse_in_the_window_or_a_dialog_postpones_the_idle_lock(qtbot, admin_ctx):
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    admin_ctx.settings.idle_lock_minutes = 1
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    activate(qtbot, window)

    def wait_then(act) -> int:
        """Let a third of a second of the countdown pass, do ``act``, and return how long is left."""
        qtbot.waitUntil(lambda: window.idle.remaining_msecs < 59_650, timeout=5000)
        act()
        qtbot.wait(20)  # input reaches the window through the event queue
        return window.idle.remaining_msecs

    # Input arrives at the top-level window and goes on from there to the widget with the focus.
    assert wait_then(lambda: QTest.mouseMove(window.windowHandle(), QPoint(300, 200))) > 59_800
    assert wait_then(lambda: QTest.keyClick(window.windowHandle(), Qt.Key.Key_Down)) > 59_800

    dialog = QDialog(window)  # e.g. a long comment typed into a dialog
    field = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(field)
    activate(qtbot, dialog)
    assert wait_then(lambda: QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_K)) > 59_800
    assert field.text() == "k"
    dialog.close()

    # Nothing but time passing: the countdown goes on.
    qtbot.waitUntil(lambda: window.idle.remaining_msecs < 59_650, timeout=5000)
    assert not window.locked


def test_opening_the_app_makes_the_daily_backup_once(qtbot, tmp_path, boxes):
    from credtrack.services import backups
    from credtrack.services.accounts import users as accounts
    from credtrack.services.database import open_database
    from credtrack.services.permissions import SYSTEM

    url = f"sqlite:///{tmp_path / 'app.db'}"
    db = open_database(url)
    accounts.create_user(db.unit_of_work(), SYSTEM, username="admin", password=PASSWORD, role="admin")
    db.dispose()
    for _opening in range(2):
        launcher = Launcher(url, runner=TaskRunner(synchronous=True))
        launcher.start()
        qtbot.addWidget(launcher.login)
        qtbot.waitUntil(launcher.login.sign_in_button.isEnabled, timeout=5000)
        assert launcher._backup_timer is not None and launcher._backup_timer.isActive()
        launcher._backup_timer.stop()
        launcher.db.dispose()
    made = backups.list_backups()
    assert [b.reason for b in made] == ["auto"]  # the second opening, the same day, made none


def test_a_batch_stopped_before_it_finished_is_settled_and_told_on_opening(qtbot, tmp_path, boxes):
    from credtrack.services import batch_staging
    from credtrack.services.accounts import users as accounts
    from credtrack.services.database import open_database
    from credtrack.services.permissions import SYSTEM

    url = f"sqlite:///{tmp_path / 'app.db'}"
    db = open_database(url)
    accounts.create_user(db.unit_of_work(), SYSTEM, username="admin", password=PASSWORD, role="admin")
    staging = batch_staging.Staging.start(db, "2026-JAN", tmp_path / "out")
    (staging.folder / "CT-AAAA-BBBB-C_Someone.pdf").write_bytes(b"%PDF signed, never recorded")
    staging.lock.release()  # the app was killed mid-batch
    db.dispose()

    launcher = Launcher(url, runner=TaskRunner(synchronous=True))
    launcher.start()
    login = launcher.login
    qtbot.addWidget(login)
    qtbot.waitUntil(login.sign_in_button.isEnabled, timeout=5000)
    assert not staging.folder.exists()
    with qtbot.waitSignal(launcher.main_window_shown) as shown:
        _try(qtbot, login, "admin", PASSWORD)
    qtbot.addWidget(shown.args[0])
    assert boxes.kinds() == ["info"]
    assert "nothing from it was issued" in boxes.texts() and "2026-JAN" in boxes.texts()


def test_opening_a_damaged_database_says_so_at_once(qtbot, tmp_path, boxes):
    from credtrack.services import backups
    from credtrack.services.database import open_database
    from tests.integration.test_certificate_world import build_world
    from tests.integration.test_database_faults import damage

    path = tmp_path / "app.db"
    db = open_database(f"sqlite:///{path}")
    build_world(db, names=tuple(f"Learner {i:03}" for i in range(40)))
    db.dispose()
    damage(path)

    launcher = Launcher(f"sqlite:///{path}", runner=TaskRunner(synchronous=True))
    launcher.start()
    qtbot.addWidget(launcher.login)
    # Said at once either way: by the opening itself (the log-in window says so and offers a restore) when
    # the damage lies in what opening reads, else by the check that runs as soon as it is open (a message).
    login = launcher.login

    def said() -> bool:
        return boxes.kinds() == ["error"] or "damaged" in login.message.text()

    qtbot.waitUntil(said, timeout=5000)
    if boxes.kinds() == ["error"]:
        assert "The database file is damaged" in boxes.texts() and "db restore" in boxes.texts()
    else:
        assert "The database file is damaged" in login.message.text() and login.restore_button.isVisibleTo(login)
        assert not login.sign_in_button.isEnabled()
    assert backups.list_backups() == []
