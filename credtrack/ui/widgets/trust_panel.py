"""Trusted institutions on the Verify page: whose certificates verify here, with key fingerprints to confirm.

Everyone sees the list; administrators import a key file or a trust bundle, mark a key retired,
distrusted or trusted again, and export our own trust bundle.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from credtrack.services import trust
from credtrack.ui import messages, style
from credtrack.ui.widgets.certificate_actions import CertificateActions

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

COLUMNS = ("Institution", "Key fingerprint", "Status", "Revocations known")
STATUS_WORDS = {
    "trusted": "trusted",
    "retired": "retired (older certificates still verify)",
    "distrusted": "distrusted (its certificates do not verify)",
}
CONFIRM = "Compare these fingerprints with the institution, by phone or letter, before relying on them."


class TrustPanel(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Trusted institutions", parent)
        self.ctx = ctx
        self.issuers: list[Any] = []
        self.rows: list[tuple[str, str]] = []  # (institution, kid) of each table row
        self.empty = QLabel(
            "No other institution is trusted yet: only certificates signed with our own keys verify here."
        )
        self.empty.setWordWrap(True)
        style.set_role(self.empty, "subtitle")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Trusted institutions and their keys")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(170)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.import_keys_button = QPushButton("Trust a key file (JWKS)…")
        self.import_keys_button.clicked.connect(self.import_key_file)
        self.import_bundle_button = QPushButton("Import a trust bundle…")
        self.import_bundle_button.setToolTip("Another institution's keys and revocation list in one signed file.")
        self.import_bundle_button.clicked.connect(self.import_bundle)
        self.retire_button = QPushButton("Retire key")
        self.retire_button.clicked.connect(lambda: self.set_status("retired"))
        self.distrust_button = QPushButton("Distrust key")
        self.distrust_button.clicked.connect(lambda: self.set_status("distrusted"))
        self.trust_button = QPushButton("Trust key again")
        self.trust_button.clicked.connect(lambda: self.set_status("trusted"))
        self.export_button = QPushButton("Export our trust bundle…")
        self.export_button.setToolTip(
            "Our public keys and revocations as of now, signed, for institutions that trust us."
        )
        self.export_button.clicked.connect(self.export_bundle)
        self.admin_buttons = (
            self.import_keys_button,
            self.import_bundle_button,
            self.retire_button,
            self.distrust_button,
            self.trust_button,
            self.export_button,
        )
        buttons = QHBoxLayout()
        for button in self.admin_buttons:
            button.setVisible(ctx.can("trust.manage"))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._selection_changed()

    def reload(self) -> None:
        ctx = self.ctx

        def work(_c: Any) -> Any:
            return trust.list_issuers(ctx.uow())

        ctx.run(work, self.show_issuers, parent=self)

    def show_issuers(self, issuers: list[Any]) -> None:
        self.issuers = issuers
        self.rows = [(info.name, kid) for info in issuers for kid, _fp, _status in info.keys]
        self.table.setRowCount(len(self.rows))
        fixed = style.monospace(QLabel()).font()
        row = 0
        for info in issuers:
            listed = (
                f"as of {info.revocation_list_as_of:%Y-%m-%d %H:%M}" if info.revocation_list_as_of else "none imported"
            )
            for _kid, fingerprint, status in info.keys:
                for column, text in enumerate((info.name, fingerprint, STATUS_WORDS.get(status, status), listed)):
                    item = QTableWidgetItem(text)
                    if column == 1:  # fingerprints in a fixed-width font, easier to read aloud
                        item.setFont(fixed)
                    self.table.setItem(row, column, item)
                row += 1
        self.empty.setVisible(not self.rows)
        self.table.setVisible(bool(self.rows))
        self._selection_changed()

    def selected_kid(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()][1] if rows else None

    def _selection_changed(self) -> None:
        chosen = self.selected_kid() is not None
        for button in (self.retire_button, self.distrust_button, self.trust_button):
            button.setEnabled(chosen)

    def _read(self, title: str, filters: str) -> str | None:
        source = messages.open_file_name(self, title, filters)
        if not source:
            return None
        try:
            return Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            messages.show_error(self, title, f"{source} cannot be read as text: {exc}")
            return None

    def _imported(self, info: Any) -> None:
        fingerprints = "\n".join(f"  {fingerprint}  {status}" for _kid, fingerprint, status in info.keys)
        messages.show_info(self, "Institution trusted", f"{info.name}\n{fingerprints}\n\n{CONFIRM}")

    def import_key_file(self) -> None:
        name = messages.ask_text(self, "Trust a key file", "The institution's name, as it signs its certificates:")
        if not name:
            return
        text = self._read("Trust a key file (JWKS)", "Public keys (*.json *.jwks);;All files (*)")
        if text is None:
            return
        ctx = self.ctx

        def work() -> Any:
            return trust.import_jwks(ctx.uow(), ctx.actor, name, trust.parse_jwks(text))

        ctx.mutate(work, self._imported, parent=self)

    def import_bundle(self) -> None:
        text = self._read("Import a trust bundle", "Trust bundle (*.bundle *.ctb);;All files (*)")
        if text is None:
            return
        ctx = self.ctx

        def work() -> Any:
            return trust.import_bundle(ctx.uow(), ctx.actor, text)

        ctx.mutate(work, self._imported, parent=self)

    def set_status(self, status: str) -> None:
        kid = self.selected_kid()
        if kid is None:
            return
        if status == "distrusted" and not messages.confirm(
            self,
            "Distrust key",
            "Certificates signed with this key will no longer verify here, nor on the "
            "verifier page exported from now on. Distrust it?",
        ):
            return
        ctx = self.ctx

        def work() -> Any:
            return trust.set_key_status(ctx.uow(), ctx.actor, kid, status)

        ctx.mutate(work, parent=self)

    def export_bundle(self) -> None:
        target = messages.save_file_name(
            self, "Export our trust bundle", "our-trust.bundle", "Trust bundle (*.bundle);;All files (*)"
        )
        if not target:
            return
        passphrase = CertificateActions(self.ctx, self, lambda: None).passphrase()
        if passphrase is False:
            return
        ctx = self.ctx

        def work() -> Any:
            result = trust.export_bundle(ctx.uow(), ctx.actor, passphrase=passphrase or None)
            Path(target).write_text(result.value + "\n", encoding="utf-8")
            return result

        ctx.mutate(
            work,
            lambda _text: messages.show_info(
                self,
                "Trust bundle exported",
                f"Saved to {target}. Send it to the institutions that trust us, and tell them our key fingerprint "
                "(Settings › Signing key) by phone or letter.",
            ),
            parent=self,
        )
