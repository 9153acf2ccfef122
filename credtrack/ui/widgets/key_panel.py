"""The signing key as people need to see it: its fingerprint, whether it is protected, and the public key export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QWidget

from credtrack.services import keys
from credtrack.ui import messages, style

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class KeyPanel(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Signing key", parent)
        self.ctx = ctx
        self.fingerprint = QLabel("—")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setAccessibleName("Key fingerprint")
        style.monospace(self.fingerprint)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.export_button = QPushButton("Export public key (JWKS)…")
        self.export_button.setToolTip("Give this file to verifiers elsewhere so they can check your certificates.")
        self.export_button.clicked.connect(self.export_jwks)
        form = QFormLayout(self)
        form.addRow("Fingerprint", self.fingerprint)
        form.addRow("", self.state)
        form.addRow("", self.export_button)

    def reload(self) -> None:
        ctx = self.ctx

        def work(_c: Any) -> Any:
            return keys.list_keys(ctx.uow())

        ctx.run(work, self.show_keys, parent=self)

    def show_keys(self, keys: list[Any]) -> None:
        active = next((k for k in keys if k.status == "active"), None)
        if active is None:
            self.fingerprint.setText("No signing key yet")
            self.state.setText("An administrator makes one during set-up; certificates cannot be issued without it.")
            return
        self.fingerprint.setText(active.fingerprint)
        facts = [
            f"made {active.created_at:%d %b %Y}",
            "protected by a passphrase" if active.encrypted else "no passphrase",
            "private key on this computer"
            if active.private_key_here
            else "private key NOT on this computer: to issue here, an administrator installs it "
            "(credtrack-cli keys export-private, then keys install; see the README)",
        ]
        retired = len(keys) - 1
        if retired:
            facts.append(f"{retired} retired key(s) kept so older certificates still verify")
        self.state.setText("; ".join(facts) + ".")

    def export_jwks(self) -> None:
        target = messages.save_file_name(
            self, "Export public key", "credtrack-issuer.jwks.json", "JSON Web Key Set (*.json)"
        )
        if not target:
            return
        ctx = self.ctx

        def work(_c: Any) -> str:
            Path(target).write_text(json.dumps(keys.export_jwks(ctx.uow()), indent=2), encoding="utf-8")
            return target

        ctx.run(work, lambda path: messages.show_info(self, "Exported", f"Public key saved to {path}."), parent=self)
