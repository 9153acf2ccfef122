"""Record a learner's piece of improvement work: its kind, title, aim, the learner's role, dates, outcome and
team (each member's name and profession; the learner counts as part of the team)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from credtrack.models.enums import IMPROVEMENT_KINDS, label
from credtrack.services.improvement import TeamMember
from credtrack.ui import style
from credtrack.ui.keyboard import set_dialog_order

TEAM_ROWS = 6
NO_PROFESSION = "— profession —"


class ImprovementDialog(QDialog):
    """``professions``: (code, name) of each profession a team member may have."""

    def __init__(self, learner: str, professions: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Record improvement work of {learner}")
        self.setMinimumWidth(640)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of work")
        for value in IMPROVEMENT_KINDS:
            self.kind.addItem(label(value), value)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setPlaceholderText("e.g. Fewer interruptions during the medication round")
        self.aim = QLineEdit()
        self.aim.setAccessibleName("Aim")
        self.aim.setPlaceholderText("What the work set out to change, by how much, by when")
        self.role = QLineEdit()
        self.role.setAccessibleName("The learner's role")
        self.role.setPlaceholderText("e.g. Project lead, Reviewer, Huddle lead")
        self.started_on = QLineEdit(dt.date.today().isoformat())
        self.started_on.setPlaceholderText("YYYY-MM-DD")
        self.started_on.setAccessibleName("Start date")
        self.ended_on = QLineEdit()
        self.ended_on.setPlaceholderText("YYYY-MM-DD, empty while under way")
        self.ended_on.setAccessibleName("End date")
        self.outcome = QPlainTextEdit()
        self.outcome.setAccessibleName("Outcome")
        self.outcome.setPlaceholderText("What changed, with the measure (optional)")
        self.outcome.setFixedHeight(56)
        team_box = QGroupBox(f"The team besides the learner (up to {TEAM_ROWS} here)")
        grid = QGridLayout(team_box)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        self.member_names: list[QLineEdit] = []
        self.member_professions: list[QComboBox] = []
        for i in range(TEAM_ROWS):
            name = QLineEdit()
            name.setAccessibleName(f"Team member {i + 1}: name")
            name.setPlaceholderText("Name" if i else "Name of a team member of another profession")
            profession = QComboBox()
            profession.setAccessibleName(f"Team member {i + 1}: profession")
            profession.addItem(NO_PROFESSION, None)
            for code, profession_name in professions:
                profession.addItem(profession_name, code)
            grid.addWidget(name, i, 0)
            grid.addWidget(profession, i, 1)
            self.member_names.append(name)
            self.member_professions.append(profession)
        self.message = style.error_label()
        form = QFormLayout()
        form.addRow("&Kind", self.kind)
        form.addRow("&Title", self.title_edit)
        form.addRow("&Aim", self.aim)
        form.addRow("&Role", self.role)
        form.addRow("&Started", self.started_on)
        form.addRow("&Ended", self.ended_on)
        form.addRow(QLabel("&Outcome", buddy=self.outcome), self.outcome)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(team_box)
        note = style.subtitle("It counts towards credentials once a supervisor confirms it with their password.")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        members = [w for pair in zip(self.member_names, self.member_professions, strict=True) for w in pair]
        set_dialog_order(
            self,
            self.kind,
            self.title_edit,
            self.aim,
            self.role,
            self.started_on,
            self.ended_on,
            self.outcome,
            *members,
            buttons=self.buttons,
        )

    def team(self) -> list[TeamMember]:
        """The members typed in; a name without a profession is passed on so the service says what is missing."""
        members = []
        for name, profession in zip(self.member_names, self.member_professions, strict=True):
            if name.text().strip() or profession.currentData() is not None:
                members.append(TeamMember(name.text(), profession.currentData() or ""))
        return members

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.currentData(),
            "title": self.title_edit.text(),
            "aim": self.aim.text(),
            "role": self.role.text(),
            "started_on": self.started_on.text(),
            "ended_on": self.ended_on.text() or None,
            "outcome": self.outcome.toPlainText(),
            "team": self.team(),
        }
