"""Starting the desktop app: the log-in window appears first, while the database layer loads behind it.

The imports left inside functions here are the point of the module: the database layer (SQLAlchemy and
the services, about 0.5 s) and the main window with its pages (about 1 s more, measured with
``python -X importtime``) load only once the log-in window is on screen, on a worker, while the person
types. ``bench/bench_startup.py`` measures the result against a bare PySide6 window.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog

from credtrack import config, paths
from credtrack.errors import CredtrackError, DatabaseDamagedError
from credtrack.ui import crash, messages, style
from credtrack.ui.collector import MainThreadCollector
from credtrack.ui.login import LoginDialog
from credtrack.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from credtrack.db import Database
    from credtrack.ui.main_window import MainWindow
    from credtrack.ui.wizard import FirstRunWizard


# Loaded in the background once the log-in window can sign in, while the person types their password:
# first what the main window needs the moment sign-in succeeds, then the services its pages call.
WARM_UP = (
    "credtrack.ui.main_window",
    "credtrack.ui.context",
    "credtrack.ui.pages.dashboard",
    "credtrack.ui.dashboard_data",
) + tuple(
    f"credtrack.services.{name}"
    for name in (
        "dashboard_queries",
        "people",
        "people_index",
        "records",
        "progress.person",
        "progress.bulk",
        "catalog",
        "cohorts",
        "frameworks",
        "certificates.issuing",
        "certificates.queries",
        "certificates.revocations",
        "keys",
        "audit.queries",
    )
)


BACKUP_CHECK_MS = 60 * 60 * 1000  # how often an open app asks whether the daily backup is due


@dataclass
class Options:
    data_dir: str | None = None
    database_url: str | None = None


def parse_args(argv: Sequence[str]) -> Options:
    """``--data-dir`` and ``--database-url``, as for credtrack-cli."""
    if not argv:
        return Options()
    parser = argparse.ArgumentParser(prog="credtrack", description="credtrack desktop app")
    parser.add_argument("--data-dir", help="data folder (default: $CREDTRACK_HOME or the platform's)")
    parser.add_argument(
        "--database-url", help="database URL (default: $CREDTRACK_DATABASE_URL or SQLite in the data folder)"
    )
    args, _qt_args = parser.parse_known_args(argv)
    return Options(args.data_dir, args.database_url)


def _fresh_sqlite(url: str) -> bool:
    """True when the URL names a SQLite file that does not exist yet (no SQLAlchemy needed)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return False
    return not Path(url[len(prefix) :]).exists()


class Launcher(QObject):
    """Drives first run, log-in, the main window and signing out."""

    main_window_shown = Signal(object)
    login_shown = Signal(object)

    def __init__(self, database_url: str | None = None, *, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.url = config.database_url(database_url)
        self.runner = runner or TaskRunner()
        self.runner.error_handler = crash.report
        self.db: Database | None = None
        self.login: LoginDialog | None = None
        self.wizard: FirstRunWizard | None = None
        self.window: MainWindow | None = None
        self._opening = False
        self._backup_timer: QTimer | None = None
        self.institution = ""
        self.settled_batches: list[str] = []  # what opening did to batches stopped before they finished

    def start(self) -> None:
        if _fresh_sqlite(self.url):
            self.show_wizard()
            return
        self.show_login()
        if self.db is None:
            # Load the database layer only once the log-in window is on screen, so the two do not compete.
            login = self.login
            assert login is not None
            login.first_painted.connect(self._open_in_background)
            QTimer.singleShot(300, self, self._open_in_background)  # in case the window is never painted

    def _open_in_background(self) -> None:
        if self._opening:
            return
        self._opening = True
        self.runner.run(self._open, on_done=self._opened, on_error=self._open_failed)

    # -- database ---------------------------------------------------------
    def _open(self, _control: Any) -> Any:
        from credtrack.services import batch_staging, settings
        from credtrack.services.accounts import users as accounts
        from credtrack.services.database import open_database

        db = open_database(self.url)
        self.settled_batches = batch_staging.recover(db)
        self.institution = settings.get_institution(db.unit_of_work()).institution_name
        users = accounts.count_users(db.unit_of_work())
        return db, users

    @staticmethod
    def _warm_up(_control: Any) -> None:
        for name in WARM_UP:
            importlib.import_module(name)

    def _opened(self, result: tuple[Database, int]) -> None:
        self.db, users = result
        if users == 0:
            if self.login is not None:
                self.login.close()
                self.login = None
            self.show_wizard()
        elif self.login is not None:
            self.login.set_database(self.db, f"Database: {self.db.describe()}")
            if self.institution:
                self.login.institution_label.setText(self.institution)
            self.runner.run(self._warm_up)
        if users:
            self._start_backups()

    # -- automatic backups ------------------------------------------------
    def _start_backups(self) -> None:
        """The daily backup of a SQLite database: checked now and every hour while the app is open."""
        if self.db is None or self.db.sqlite_path is None or self._backup_timer is not None:
            return
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(self._auto_backup)
        self._backup_timer.start()
        self._auto_backup()

    def _auto_backup(self) -> None:
        assert self.db is not None and self.db.sqlite_path is not None
        path, keep = self.db.sqlite_path, config.LocalSettings.load().backup_keep

        def work(_control: Any) -> Any:
            from credtrack.services import backups

            return backups.auto_backup(path, keep=keep)

        # A backup that fails (a full disk) must not interrupt anyone's work: it goes to the log.
        # A damaged database is another matter: whoever is using it must know at once.
        self.runner.run(work, on_error=self._backup_failed)

    def _backup_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseDamagedError):
            messages.show_error(self.window or self.login, "The database is damaged", exc.message)
        else:
            crash.log_only(exc, "automatic backup")

    def _open_failed(self, exc: BaseException) -> None:
        if self.login is not None and isinstance(exc, CredtrackError):
            damaged = isinstance(exc, DatabaseDamagedError) and self._sqlite_path() is not None
            message = exc.message
            if damaged:
                message = message.replace(
                    "(Settings › Restore from backup, or credtrack-cli db restore)", "(Restore from backup… below)"
                )
            self.login.set_unavailable(message, can_restore=damaged)
        else:
            crash.report(exc, self.login)

    def _sqlite_path(self) -> Path | None:
        from sqlalchemy.engine import make_url

        url = make_url(self.url)
        return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None

    # -- restoring a database that cannot be opened -------------------------
    def restore_from_backup(self) -> None:
        """Replace a damaged database with a backup the person chooses, then open it again."""
        from credtrack.services import backups
        from credtrack.ui.dialogs.restore_dialog import RestoreDialog

        target = self._sqlite_path()
        if target is None or self.login is None:
            return
        dialog = RestoreDialog(backups.list_backups(), paths.backups_dir(), self.login)
        if dialog.exec() != QDialog.DialogCode.Accepted or (source := dialog.chosen()) is None:
            return

        def done(result: Any) -> None:
            report = result.value
            kept = f"\n\nThe damaged file was kept: {report.previous}" if report.previous else ""
            messages.show_info(
                self.login,
                "Backup restored",
                f"{report.restored_from.name} was restored (schema {report.schema_revision}). "
                f"Signing key: {report.key}.{kept}\n\nSign in to continue.",
            )
            self._opening = False  # open the restored file as the first was opened
            self._open_in_background()

        def failed(exc: BaseException) -> None:
            crash.report(exc, self.login)

        self.runner.run(lambda _control: backups.restore(target, source, None), on_done=done, on_error=failed)

    # -- windows ----------------------------------------------------------
    def show_login(self) -> None:
        self.login = LoginDialog(self.runner)
        self.login.signed_in.connect(self.show_main_window)
        self.login.restore_requested.connect(self.restore_from_backup)
        self.login.rejected.connect(self._login_cancelled)
        if self.db is not None:
            self.login.set_database(self.db, f"Database: {self.db.describe()}")
        if self.institution:
            self.login.institution_label.setText(self.institution)
        self.login.show()
        self.login_shown.emit(self.login)

    def _login_cancelled(self) -> None:
        if self.window is None:
            QApplication.instance().quit()

    def show_wizard(self) -> None:
        from credtrack.ui.wizard import FirstRunWizard

        self.wizard = FirstRunWizard(self.url, self.runner, db=self.db)
        self.wizard.finished_setup.connect(self._set_up)
        self.wizard.show()

    def _set_up(self, db: Database, actor: Any) -> None:
        self.db = db
        self.wizard = None
        self.show_main_window(actor)

    def show_main_window(self, actor: Any) -> None:
        from credtrack.ui.context import AppContext
        from credtrack.ui.main_window import MainWindow

        assert self.db is not None
        ctx = AppContext(self.db, actor, runner=self.runner)
        self.window = MainWindow(ctx)
        self.window.sign_out_requested.connect(self.sign_out)
        self.window.show()
        self.login = None
        if self.settled_batches:
            notes, self.settled_batches = self.settled_batches, []
            messages.show_info(self.window, "An interrupted batch issue", "\n\n".join(notes))
        self.main_window_shown.emit(self.window)

    def sign_out(self) -> None:
        if self.window is not None:
            window, self.window = self.window, None
            window.idle.stop()
            window.close()
            window.deleteLater()
        self.show_login()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("credtrack")
    app.setApplicationDisplayName("credtrack")
    style.apply(app)
    crash.install()
    collector = MainThreadCollector(app)
    collector.start()
    launcher = Launcher(args.database_url)
    launcher.start()
    code = app.exec()
    # Let background work (the database still opening, a save in flight) finish before Python shuts down.
    launcher.runner.wait_idle()
    collector.stop()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
