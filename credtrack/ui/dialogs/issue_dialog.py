"""Issue one certificate: choose the person and the credential; see whether they are eligible first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from credtrack.services.progress import person as progress
from credtrack.ui import style
from credtrack.ui.keyboard import set_dialog_order
from credtrack.ui.widgets.learner_picker import LearnerPicker

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class IssueDialog(QDialog):
    def __init__(
        self, ctx: AppContext, people: list[Any], credentials: list[Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Issue a certificate")
        self.resize(640, 560)
        self.learner = LearnerPicker("Issuing to")
        self.learner.set_people(people)
        self.learner.changed.connect(self.check_eligibility)
        self.learner.chosen.connect(lambda: self.credential.setFocus())  # Enter on a match moves on to the credential
        self.credential = QComboBox()
        self.credential.setAccessibleName("Credential")
        for c in credentials:
            self.credential.addItem(f"{c.title} ({c.code})", c.id)
        self.credential.currentIndexChanged.connect(self.check_eligibility)
        self.eligibility = QLabel("Choose a person and a credential.")
        self.eligibility.setWordWrap(True)
        self.override = QLineEdit()
        self.override.setAccessibleName("Reason to issue although not eligible")
        self.override.setPlaceholderText("Only administrators: why issue although requirements are not all met")
        self.override.setVisible(ctx.can("certificates.override"))
        self.message = style.error_label()
        form = QFormLayout()
        form.addRow("Credential", self.credential)
        form.addRow("", self.eligibility)
        if ctx.can("certificates.override"):
            form.addRow("Override", self.override)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.issue_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.issue_button.setText("Issue")
        self.issue_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.learner, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fields = [self.learner.search, self.learner.table, self.credential]
        if ctx.can("certificates.override"):
            fields.append(self.override)
        set_dialog_order(self, *fields, buttons=self.buttons)
        self.eligible = False

    def person_id(self) -> int | None:
        person = self.learner.person()
        return None if person is None else person.id

    def credential_id(self) -> int | None:
        return self.credential.currentData()

    def check_eligibility(self) -> None:
        person_id, credential_id, ctx = self.person_id(), self.credential_id(), self.ctx
        if person_id is None or credential_id is None:
            self.issue_button.setEnabled(False)
            return

        def work(_c: Any) -> Any:
            return progress.person_progress(ctx.uow(), ctx.actor, person_id, credential_id)

        ctx.run(work, self._show_progress, parent=self)

    def _show_progress(self, progress: Any) -> None:
        self.eligible = progress.status == "eligible"
        missing = [f"{r.code} ({r.needed})" for r in progress.requirements if r.state != "met"]
        if self.eligible:
            self.eligibility.setText(f"✔ Eligible: all {progress.total} requirements met.")
            style.colour(self.eligibility, style.GOOD)
        elif progress.status in ("earned", "expiring_soon"):
            self.eligibility.setText(f"Already holds {progress.certificate_code}; use Renew on that certificate.")
            style.colour(self.eligibility, style.WARN)
        else:
            self.eligibility.setText(
                f"Not yet eligible — {progress.met} of {progress.total} met. Missing: "
                + "; ".join(missing[:6])
                + ("…" if len(missing) > 6 else "")
            )
            style.colour(self.eligibility, style.BAD)
        self.issue_button.setEnabled(self.eligible or self.ctx.can("certificates.override"))

    def override_reason(self) -> str | None:
        return None if self.eligible else (self.override.text().strip() or None)
