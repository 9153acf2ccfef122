"""Restore from backup: choose one of this workstation's backups (or another file) and see what restoring does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from credtrack import backup
from credtrack.errors import ValidationError
from credtrack.services.backups import BackupInfo
from credtrack.ui import messages, style
from credtrack.ui.keyboard import set_dialog_order

KINDS = {"auto": "daily (automatic)", "manual": "manual", "before-restore": "before a restore"}


def describe_kind(reason: str) -> str:
    if reason.startswith("before-upgrade-from-"):
        return f"before the upgrade from schema {reason.removeprefix('before-upgrade-from-')}"
    return KINDS.get(reason, reason)


class RestoreDialog(QDialog):
    COLUMNS = ("Made (UTC)", "Kind", "Schema", "Signing key", "File")

    def __init__(self, backups: list[Any], folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.setMinimumSize(860, 420)
        self.folder = folder
        self.paths: list[Path] = []
        self.explain = style.subtitle(
            "Restoring replaces this workstation's database with the backup's, after checking the backup's "
            "manifest and the database inside it; a damaged backup is refused. The database as it is now is "
            "backed up first (kind: before a restore), so a restore can be undone. The audit checkpoints go back "
            "with it, and a signing key in the backup is installed if this workstation lacks it. You are signed "
            "out afterwards."
        )
        self.explain.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Backups")
        caption = QLabel(f"&Backups in {folder}")
        caption.setBuddy(self.table)
        self.empty = QLabel("No backups here yet. Choose a backup file from elsewhere.")
        self.other_button = QPushButton("Choose another file…")
        self.other_button.clicked.connect(self.choose_other)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Restore this backup")
        self.ok_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(lambda: self.ok_button.setEnabled(self.chosen() is not None))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addSpacing(6)
        layout.addWidget(caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        other = QHBoxLayout()
        other.addWidget(self.other_button)
        other.addStretch(1)
        layout.addLayout(other)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        for info in backups:
            self.add(info)
        self.empty.setVisible(not backups)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        set_dialog_order(self, self.table, self.other_button, buttons=self.buttons)

    def add(self, info: Any) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        cells = (
            f"{info.created_at:%Y-%m-%d %H:%M}",
            describe_kind(info.reason),
            info.schema_revision or "?",
            info.key,
            info.path.name,
        )
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(str(info.path) if column == 4 else text)
            self.table.setItem(row, column, item)
        self.paths.append(info.path)

    def choose_other(self) -> None:
        name = messages.open_file_name(self, "Choose a credtrack backup", "credtrack backups (*.zip);;All files (*)")
        if not name:
            return
        path = Path(name)
        try:
            info = BackupInfo.of(path, backup.read_manifest(path))
        except ValidationError as exc:
            messages.show_error(self, "Restore from backup", exc.message)
            return
        self.add(info)
        self.empty.setVisible(False)
        self.table.selectRow(self.table.rowCount() - 1)

    def chosen(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self.paths[rows[0].row()] if rows else None
