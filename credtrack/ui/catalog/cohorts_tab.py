"""Cohorts: who is enrolled together, and which credentials they are due to earn by when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from credtrack.services import cohorts
from credtrack.ui import messages, style
from credtrack.ui.calendar_files import save_cohort_calendar
from credtrack.ui.catalog.cohort_dialogs import EnrolDialog, NewCohortDialog
from credtrack.ui.models.catalog import CohortsTableModel, EnrolmentsTableModel
from credtrack.ui.table import TableProxy, make_table, selected_row

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class CohortsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.people: list[Any] = []
        self.model = CohortsTableModel(self)
        self.table = make_table(TableProxy(self.model, self), "Cohorts")
        self.table.selectionModel().selectionChanged.connect(self.load_enrolments)
        self.enrolments = EnrolmentsTableModel(self)
        self.enrolments_view = make_table(TableProxy(self.enrolments, self), "Enrolments")
        self.heading = style.bold(QLabel("Enrolled people"))
        self.credential = QComboBox()
        self.credential.setAccessibleName("Credential to assign")
        self.due = QDateEdit(QDate.currentDate().addMonths(4))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setAccessibleName("Due date")
        self.assign_button = QPushButton("Assign credential")
        self.assign_button.clicked.connect(self.assign)
        self.new_button = QPushButton("New cohort…")
        self.new_button.clicked.connect(self.new)
        self.enrol_button = QPushButton("Enrol a person…")
        self.enrol_button.clicked.connect(self.enrol)
        self.withdraw_button = QPushButton("Withdraw selected")
        self.withdraw_button.clicked.connect(self.withdraw)
        self.calendar_button = QPushButton("Save dates to calendar…")
        self.calendar_button.setToolTip(
            "A calendar file (.ics) of the cohort's due and expiry dates, person by person."
        )
        self.calendar_button.clicked.connect(self.save_calendar)
        editable = ctx.can("cohorts.edit")
        for w in (
            self.credential,
            self.due,
            self.assign_button,
            self.new_button,
            self.enrol_button,
            self.withdraw_button,
        ):
            w.setVisible(editable)
        top = QHBoxLayout()
        top.addWidget(self.credential, 2)
        top.addWidget(QLabel("due"))
        top.addWidget(self.due)
        top.addWidget(self.assign_button)
        top.addStretch(1)
        top.addWidget(self.new_button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.calendar_button)
        head.addWidget(self.enrol_button)
        head.addWidget(self.withdraw_button)
        lower_layout.addLayout(head)
        lower_layout.addWidget(self.enrolments_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def set_data(self, cohorts: list[Any], credentials: list[Any], people: list[Any]) -> None:
        selected = selected_row(self.table)
        self.model.set_rows(cohorts)
        self.people = people
        self.credential.clear()
        for c in credentials:
            self.credential.addItem(f"{c.title} ({c.code})", c.code)
        if cohorts:
            codes = [c.code for c in cohorts]
            self.table.selectRow(codes.index(selected.code) if selected and selected.code in codes else 0)

    def load_enrolments(self) -> None:
        cohort, ctx = selected_row(self.table), self.ctx
        if cohort is None:
            self.enrolments.set_rows([])
            return

        def work(_c: Any) -> Any:
            return cohorts.list_enrolments(ctx.uow(), ctx.actor, cohort_code=cohort.code)

        def done(rows: list[Any]) -> None:
            self.enrolments.set_rows(rows)
            self.heading.setText(f"Enrolled in {cohort.name}: {sum(r.status == 'active' for r in rows)} active")

        ctx.run(work, done, parent=self)

    def new(self) -> None:
        dialog = NewCohortDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        ctx, code, name, start = self.ctx, dialog.code.text(), dialog.name.text(), dialog.start.date().toPython()
        ctx.mutate(
            lambda: cohorts.create_cohort(ctx.uow(), ctx.actor, code=code, name=name, start_date=start), parent=self
        )

    def assign(self) -> None:
        cohort, ctx = selected_row(self.table), self.ctx
        credential, due = self.credential.currentData(), self.due.date().toPython()
        if cohort is not None and credential:
            ctx.mutate(
                lambda: cohorts.assign_credential(ctx.uow(), ctx.actor, cohort.code, credential, due), parent=self
            )

    def enrol(self) -> None:
        cohort, ctx = selected_row(self.table), self.ctx
        if cohort is None:
            return
        dialog = EnrolDialog(cohort.name, self.people, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.person() is None:
            return
        person_id = dialog.person().id
        ctx.mutate(
            lambda: cohorts.enrol(ctx.uow(), ctx.actor, cohort.code, [person_id]),
            lambda added: messages.show_info(self, "Enrolled", "Enrolled." if added else "Already enrolled."),
            parent=self,
        )

    def withdraw(self) -> None:
        enrolment, ctx = selected_row(self.enrolments_view), self.ctx
        if enrolment is not None:
            ctx.mutate(
                lambda: cohorts.set_enrolment_status(ctx.uow(), ctx.actor, enrolment.id, "withdrawn"), parent=self
            )

    def save_calendar(self) -> None:
        cohort = selected_row(self.table)
        if cohort is not None:
            save_cohort_calendar(self.ctx, self, cohort.code)
