"""Backups on the Settings page: where they are, the newest, Back up now and Restore from backup…"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from credtrack import paths
from credtrack.services import backups
from credtrack.ui import messages
from credtrack.ui.dialogs.restore_dialog import RestoreDialog

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class BackupPanel(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Backups", parent)
        self.ctx = ctx
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.backup_button = QPushButton("Back up now")
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = QPushButton("Restore from backup…")
        self.restore_button.clicked.connect(self.choose_restore)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        form = QFormLayout(self)
        form.addRow(self.info)
        form.addRow(buttons)

    def reload(self) -> None:
        if self.ctx.db.sqlite_path is None:
            self.info.setText(
                "This workstation uses a shared PostgreSQL database: it is backed up on the server "
                "with pg_dump, and restored there with pg_restore."
            )
            self.backup_button.setEnabled(False)
            self.restore_button.setEnabled(False)
            return
        found = backups.list_backups()
        latest = (
            f" Newest: {found[0].created_at:%Y-%m-%d %H:%M} UTC ({found[0].reason})." if found else " No backups yet."
        )
        self.info.setText(
            f"A backup holds the database, the audit checkpoints and the signing key (never in the "
            f"clear). One is made automatically each day; the newest {self.ctx.settings.backup_keep} "
            f"daily ones are kept, and manual ones until you delete them. Kept in "
            f"{paths.backups_dir()} ({len(found)} there).{latest}"
        )

    def back_up(self) -> None:
        ctx = self.ctx
        path = ctx.db.sqlite_path
        if path is None:
            return
        passphrase, without_key = None, False
        if backups.key_needs_passphrase(path):
            passphrase = messages.ask_text(
                self,
                "Backup passphrase",
                "The signing key on this workstation has no passphrase, and a backup never holds it in the clear. "
                f"Type a passphrase (at least {backups.MIN_PASSPHRASE} characters) to store it encrypted; keep the "
                "passphrase apart from the backup. Cancel to choose whether to back up without the key.",
                secret=True,
            )
            if passphrase is None:
                if not messages.confirm(self, "Back up without the key?", "Make this backup without the signing key?"):
                    return
                without_key = True

        def done(info: Any) -> None:
            self.reload()
            messages.show_info(self, "Backup made", f"Backup written to {info.path}.\nSigning key: {info.key}.")

        ctx.mutate(
            lambda: backups.create_backup(ctx.db, ctx.actor, passphrase=passphrase, without_key=without_key),
            done,
            parent=self,
        )

    def choose_restore(self) -> None:
        dialog = RestoreDialog(backups.list_backups(), paths.backups_dir(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() is None:
            return
        self.restore(dialog.chosen())

    def restore(self, source: Path) -> None:
        ctx = self.ctx
        target = ctx.db.sqlite_path
        if target is None:
            return

        def done(report: Any) -> None:
            previous = f"\n\nThe database it replaced was backed up first: {report.previous}" if report.previous else ""
            messages.show_info(
                self,
                "Backup restored",
                f"{report.restored_from.name} was restored (schema {report.schema_revision}). "
                f"Signing key: {report.key}.{previous}\n\nSign in again to continue.",
            )
            window = self.window()
            signal = getattr(window, "sign_out_requested", None)
            if signal is not None:
                signal.emit()

        ctx.mutate(lambda: backups.restore(target, source, ctx.actor), done, parent=self)
