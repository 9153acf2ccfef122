"""The detail pane of the People page: who the person is, their checklist, records and certificates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from credtrack.ui import style
from credtrack.ui.models.people import AssessmentsTableModel, CompletionsTableModel
from credtrack.ui.signals import emit
from credtrack.ui.table import RowTableModel, TableProxy, make_table
from credtrack.ui.widgets.checklist import ProgressChecklist


@dataclass
class PersonDetail:
    person: Any
    progress: list[Any] = field(default_factory=list)
    completions: list[Any] = field(default_factory=list)
    assessments: list[Any] = field(default_factory=list)
    enrolments: list[Any] = field(default_factory=list)
    certificates: list[Any] = field(default_factory=list)


def load_detail(ctx: Any, person_id: int) -> PersonDetail:
    """Everything the pane shows, fetched in one go on a worker."""
    from credtrack.services import cohorts, people, progress, records
    from credtrack.ui import certificate_rows

    person = people.get_person(ctx.uow(), ctx.actor, person_id)
    completions, assessments = records.person_records(ctx.uow(), ctx.actor, person_id)
    return PersonDetail(
        person=person,
        progress=progress.person_all_progress(ctx.uow(), ctx.actor, person_id),
        completions=completions,
        assessments=assessments,
        enrolments=cohorts.list_enrolments(ctx.uow(), ctx.actor, person_id=person_id),
        certificates=certificate_rows.for_person(ctx, person_id),
    )


class PersonDetailPane(QWidget):
    transcript_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = style.title("")
        self.name.setWordWrap(True)
        self.transcript_button = QPushButton("Save transcript…")
        self.transcript_button.setToolTip("A PDF of this person's credentials, completed modules and sign-offs.")
        self.transcript_button.setAccessibleName("Save this person's transcript as PDF")
        self.transcript_button.clicked.connect(lambda: emit(self.transcript_requested))
        self.facts = style.subtitle("")
        self.facts.setObjectName("person_facts")
        self.checklist = ProgressChecklist()
        self.completions = CompletionsTableModel(self)
        self.assessments = AssessmentsTableModel(self)
        from credtrack.ui.models.certificates import CertificatesTableModel

        self.certificates: RowTableModel[Any] = CertificatesTableModel(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.checklist, "Progress")
        self.completions_view = make_table(TableProxy(self.completions, self), "Completions")
        self.assessments_view = make_table(TableProxy(self.assessments, self), "Sign-offs")
        self.certificates_view = make_table(TableProxy(self.certificates, self), "Certificates of this person")
        self.tabs.addTab(self.completions_view, "Completions")
        self.tabs.addTab(self.assessments_view, "Sign-offs")
        self.tabs.addTab(self.certificates_view, "Certificates")
        self.empty = QLabel("Select a person to see their progress, records and certificates.")
        style.set_role(self.empty, "subtitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.name, 1)
        heading.addWidget(self.transcript_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(heading)
        layout.addWidget(self.facts)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.empty)
        self.show_detail(None)

    def show_detail(self, detail: PersonDetail | None) -> None:
        self.detail = detail
        has = detail is not None
        for widget in (self.name, self.facts, self.tabs, self.transcript_button):
            widget.setVisible(has)
        self.empty.setVisible(not has)
        if detail is None:
            return
        p = detail.person
        self.name.setText(p.full_name)
        facts = [p.external_id, p.profession_name or "no profession", p.unit or "no unit"]
        if p.start_date:
            facts.append(f"started {p.start_date:%d %b %Y}")
        if p.end_date:
            facts.append(f"left {p.end_date:%d %b %Y}")
        if p.status != "active":
            facts.append(p.status.upper())
        cohorts = [f"{e.cohort_name}" + ("" if e.status == "active" else f" ({e.status})") for e in detail.enrolments]
        text = " · ".join(facts)
        if p.email:
            text += f"\n{p.email}"
        if cohorts:
            text += "\nCohorts: " + ", ".join(cohorts)
        self.facts.setText(text)
        self.checklist.set_progress(detail.progress)
        self.completions.set_rows(detail.completions)
        self.assessments.set_rows(detail.assessments)
        self.certificates.set_rows(detail.certificates)
        self.tabs.setTabText(1, f"Completions ({len(detail.completions)})")
        self.tabs.setTabText(2, f"Sign-offs ({len(detail.assessments)})")
        self.tabs.setTabText(3, f"Certificates ({len(detail.certificates)})")
