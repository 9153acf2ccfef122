"""Link a user account to the person it belongs to: their own page, sign-offs given and precepting record."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from credtrack.ui import style
from credtrack.ui.keyboard import set_dialog_order
from credtrack.ui.widgets.learner_picker import LearnerPicker


class LinkPersonDialog(QDialog):
    def __init__(self, account: Any, people: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Link {account.username} to a person")
        self.resize(620, 520)
        intro = QLabel(
            f"Choose the person the account <b>{account.username}</b> belongs to. A linked preceptor sees their own "
            "page and precepting record, and nobody can sign off or rate themselves."
        )
        intro.setWordWrap(True)
        style.set_role(intro, "subtitle")
        self.picker = LearnerPicker("Linking to", nobody="No person chosen yet.")
        self.picker.search.setPlaceholderText("Type the person's name or ID, then Enter")
        self.picker.search.setAccessibleName("Find person")
        self.picker.set_people(people)
        if account.person_id is not None:
            self.picker.select(account.person_id)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.link_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.link_button.setText("Link")
        self.link_button.setEnabled(self.picker.person() is not None)
        self.picker.changed.connect(lambda: self.link_button.setEnabled(self.picker.person() is not None))
        self.picker.chosen.connect(lambda: self.link_button.setFocus())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.buttons)
        set_dialog_order(self, self.picker.search, self.picker.table, buttons=self.buttons)

    def person_id(self) -> int | None:
        person = self.picker.person()
        return None if person is None else person.id
