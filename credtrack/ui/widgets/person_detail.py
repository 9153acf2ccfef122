"""The detail pane of the People page: who the person is, their checklist, records and certificates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from credtrack.services import cohorts, improvement, people, ratings, units
from credtrack.services.certificates import evidence as certificate_evidence
from credtrack.services.permissions import allowed
from credtrack.services.precepting import precepted_record
from credtrack.services.progress import person as progress
from credtrack.services.records import listing as record_listing
from credtrack.ui import certificate_rows, style
from credtrack.ui.models.certificates import CertificatesTableModel
from credtrack.ui.models.people import (
    AssessmentsTableModel,
    CompletionsTableModel,
    RatingsTableModel,
    UnitHistoryTableModel,
)
from credtrack.ui.table import RowTableModel, TableProxy, make_table, selected_row
from credtrack.ui.widgets.banner import Banner
from credtrack.ui.widgets.checklist import ProgressChecklist
from credtrack.ui.widgets.improvement_tab import ImprovementTab
from credtrack.ui.widgets.precepted import PreceptedPanel

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


@dataclass
class PersonDetail:
    person: Any
    progress: list[Any] = field(default_factory=list)
    completions: list[Any] = field(default_factory=list)
    assessments: list[Any] = field(default_factory=list)
    enrolments: list[Any] = field(default_factory=list)
    certificates: list[Any] = field(default_factory=list)
    voided_evidence: list[Any] = field(default_factory=list)  # certificate_evidence.VoidedEvidence
    ratings: list[Any] = field(default_factory=list)  # ratings from other sources, newest first
    improvement: list[Any] = field(default_factory=list)  # improvement work, latest first
    unit_history: list[Any] = field(default_factory=list)  # services.units.MembershipRow, latest first
    precepted: Any = None  # services.precepting.PreceptedRecord; None when the user may not see it


def load_detail(ctx: AppContext, person_id: int) -> PersonDetail:
    """Everything the pane shows, fetched in one go on a worker."""

    person = people.get_person(ctx.uow(), ctx.actor, person_id)
    completions, assessments = record_listing.person_records(ctx.uow(), ctx.actor, person_id)
    return PersonDetail(
        person=person,
        progress=progress.person_all_progress(ctx.uow(), ctx.actor, person_id),
        completions=completions,
        assessments=assessments,
        enrolments=cohorts.list_enrolments(ctx.uow(), ctx.actor, person_id=person_id),
        certificates=certificate_rows.for_person(ctx, person_id),
        voided_evidence=certificate_evidence.person_voided_evidence(ctx.uow(), ctx.actor, person_id),
        ratings=ratings.person_ratings(ctx.uow(), ctx.actor, person_id),
        improvement=improvement.person_work(ctx.uow(), ctx.actor, person_id),
        unit_history=list(reversed(units.history(ctx.uow(), ctx.actor, person_id))),
        precepted=precepted_record(ctx.uow(), ctx.actor, person_id)
        if ctx.actor.person_id == person_id or allowed(ctx.actor, "precepting.read")
        else None,
    )


def _record_bar(*buttons: QPushButton) -> QHBoxLayout:
    bar = QHBoxLayout()
    bar.addStretch(1)
    for button in buttons:
        bar.addWidget(button)
    return bar


def _with_bar(view: QWidget, bar: QHBoxLayout) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(view, 1)
    layout.addLayout(bar)
    return box


class PersonDetailPane(QWidget):
    transcript_requested = Signal()
    calendar_requested = Signal()
    void_requested = Signal(str, object)  # "completion", "assessment" or "rating", the row
    verify_requested = Signal(str, object)
    rating_requested = Signal()
    blank_form_requested = Signal()
    scanned_form_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = style.title("")
        self.name.setWordWrap(True)
        self.transcript_button = QPushButton("Save transcript…")
        self.transcript_button.setToolTip("A PDF of this person's credentials, completed modules and sign-offs.")
        self.transcript_button.setAccessibleName("Save this person's transcript as PDF")
        self.transcript_button.clicked.connect(lambda: self.transcript_requested.emit())
        self.calendar_button = QPushButton("Save dates to calendar…")
        self.calendar_button.setToolTip("A calendar file (.ics) of this person's due and expiry dates.")
        self.calendar_button.setAccessibleName("Save this person's due and expiry dates as a calendar file")
        self.calendar_button.clicked.connect(lambda: self.calendar_requested.emit())
        self.facts = style.subtitle("")
        self.facts.setObjectName("person_facts")
        self.checklist = ProgressChecklist()
        self.completions = CompletionsTableModel(self)
        self.assessments = AssessmentsTableModel(self)
        self.certificates: RowTableModel[Any] = CertificatesTableModel(self)
        self.ratings = RatingsTableModel(self)
        self.unit_history = UnitHistoryTableModel(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.checklist, "Progress")
        self.completions_view = make_table(TableProxy(self.completions, self), "Completions")
        self.assessments_view = make_table(TableProxy(self.assessments, self), "Sign-offs")
        self.certificates_view = make_table(TableProxy(self.certificates, self), "Certificates of this person")
        self.ratings_view = make_table(TableProxy(self.ratings, self), "Ratings from other sources")
        self.void_rating_button = QPushButton("Void…")
        self.void_rating_button.setToolTip("Void a wrong rating with a reason; it stays in history.")
        self.void_rating_button.setAccessibleName("Void the selected rating")
        self.void_rating_button.clicked.connect(lambda: self._request(self.void_requested, "rating"))
        self.ratings_view.selectionModel().selectionChanged.connect(self._update_record_buttons)
        self.rate_button = QPushButton("Record rating…")
        self.rate_button.setToolTip(
            "Record a rating from a colleague, a patient or family advisor, a team member or the learner; "
            "you sign with your password."
        )
        self.rate_button.setAccessibleName("Record a rating of this person")
        self.rate_button.clicked.connect(lambda: self.rating_requested.emit())
        self.blank_form_button = QPushButton("Print blank form…")
        self.blank_form_button.setToolTip(
            "Save a one-page PDF form of a rating source for this person, for a rater without an account "
            "(a patient or family advisor) to fill in by hand; its QR code names the person and the form."
        )
        self.blank_form_button.setAccessibleName("Save a blank rating form for this person as PDF")
        self.blank_form_button.clicked.connect(lambda: self.blank_form_requested.emit())
        self.scanned_form_button = QPushButton("From scanned form…")
        self.scanned_form_button.setToolTip(
            "Record a filled-in paper form from its scan or photo (PDF, PNG or JPEG): its QR code finds the "
            "learner and the source; you type the scores from the paper and sign with your password."
        )
        self.scanned_form_button.setAccessibleName("Record a rating from a scanned or photographed form")
        self.scanned_form_button.clicked.connect(lambda: self.scanned_form_requested.emit())
        self.verify_completion_button = QPushButton("Verify…")
        self.verify_completion_button.setToolTip(
            "Verify a completion awaiting verification; you sign with your password."
        )
        self.void_completion_button = QPushButton("Void…")
        self.void_completion_button.setToolTip("Void a wrong completion with a reason; it stays in history.")
        self.confirm_assessment_button = QPushButton("Confirm…")
        self.confirm_assessment_button.setToolTip(
            "Confirm a historical, unverified sign-off so the credential rules count it; you sign with your password."
        )
        self.void_assessment_button = QPushButton("Void…")
        self.void_assessment_button.setToolTip("Void a wrong sign-off with a reason; it stays in history.")
        for button, name in (
            (self.verify_completion_button, "Verify the selected completion"),
            (self.void_completion_button, "Void the selected completion"),
            (self.confirm_assessment_button, "Confirm the selected sign-off"),
            (self.void_assessment_button, "Void the selected sign-off"),
        ):
            button.setAccessibleName(name)
        self.verify_completion_button.clicked.connect(lambda: self._request(self.verify_requested, "completion"))
        self.void_completion_button.clicked.connect(lambda: self._request(self.void_requested, "completion"))
        self.confirm_assessment_button.clicked.connect(lambda: self._request(self.verify_requested, "assessment"))
        self.void_assessment_button.clicked.connect(lambda: self._request(self.void_requested, "assessment"))
        self.completions_view.selectionModel().selectionChanged.connect(self._update_record_buttons)
        self.assessments_view.selectionModel().selectionChanged.connect(self._update_record_buttons)
        self.tabs.addTab(
            _with_bar(self.completions_view, _record_bar(self.verify_completion_button, self.void_completion_button)),
            "Completions",
        )
        self.tabs.addTab(
            _with_bar(self.assessments_view, _record_bar(self.confirm_assessment_button, self.void_assessment_button)),
            "Sign-offs",
        )
        self.tabs.addTab(self.certificates_view, "Certificates")
        self.tabs.addTab(
            _with_bar(
                self.ratings_view,
                _record_bar(
                    self.blank_form_button, self.scanned_form_button, self.rate_button, self.void_rating_button
                ),
            ),
            "Ratings",
        )
        self.improvement = ImprovementTab()
        self.tabs.addTab(self.improvement, "Improvement work")
        self.units_view = make_table(TableProxy(self.unit_history, self), "Units this person was in")
        self.tabs.addTab(self.units_view, "Units")
        self.precepted = PreceptedPanel()
        self.tabs.addTab(self.precepted, "Precepted")
        self.evidence_banner = Banner()
        self.evidence_banner.setObjectName("voided_evidence")
        self.empty = QLabel("Select a person to see their progress, records and certificates.")
        style.set_role(self.empty, "subtitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.name, 1)
        heading.addWidget(self.calendar_button, 0, Qt.AlignmentFlag.AlignTop)
        heading.addWidget(self.transcript_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(heading)
        layout.addWidget(self.facts)
        layout.addWidget(self.evidence_banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.empty)
        self.allowed: set[str] = set()
        self.show_detail(None)

    def set_allowed(self, actions: set[str]) -> None:
        """Which record actions the signed-in user may take ("void", "verify", "confirm", "rate"); the rest stay
        hidden."""
        self.allowed = set(actions)
        self.void_completion_button.setVisible("void" in actions)
        self.void_assessment_button.setVisible("void" in actions)
        self.void_rating_button.setVisible("void" in actions)
        self.rate_button.setVisible("rate" in actions)
        self.scanned_form_button.setVisible("rate" in actions)
        self.verify_completion_button.setVisible("verify" in actions)
        self.confirm_assessment_button.setVisible("confirm" in actions)
        self._update_record_buttons()

    def selected_record(self, kind: str) -> Any:
        views = {"completion": self.completions_view, "assessment": self.assessments_view, "rating": self.ratings_view}
        return selected_row(views[kind])

    def _request(self, signal: Any, kind: str) -> None:
        row = self.selected_record(kind)
        if row is not None:
            signal.emit(kind, row)

    def _update_record_buttons(self) -> None:
        completion, assessment = self.selected_record("completion"), self.selected_record("assessment")
        self.void_completion_button.setEnabled(completion is not None and not completion.voided)
        self.verify_completion_button.setEnabled(
            completion is not None and not completion.voided and completion.verification == "pending"
        )
        self.void_assessment_button.setEnabled(assessment is not None and not assessment.voided)
        rating = self.selected_record("rating")
        self.void_rating_button.setEnabled(rating is not None and not rating.voided)
        self.confirm_assessment_button.setEnabled(
            assessment is not None and not assessment.voided and assessment.verification == "pending"
        )

    def show_detail(self, detail: PersonDetail | None) -> None:
        self.detail = detail
        has = detail is not None
        for widget in (self.name, self.facts, self.tabs, self.transcript_button, self.calendar_button):
            widget.setVisible(has)
        self.empty.setVisible(not has)
        if detail is None:
            self.evidence_banner.clear()
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
        self.checklist.set_progress(detail.progress, {v.certificate_code for v in detail.voided_evidence})
        self.completions.set_rows(detail.completions)
        self.assessments.set_rows(detail.assessments)
        self.certificates.set_rows(detail.certificates)
        self.ratings.set_rows(detail.ratings)
        self.improvement.set_rows(detail.improvement)
        self.unit_history.set_rows(detail.unit_history)
        self.precepted.show_record(detail.precepted)
        self._update_record_buttons()
        if detail.voided_evidence:
            many = len(detail.voided_evidence) > 1
            self.evidence_banner.show_message(
                "warn",
                f"Evidence behind {'certificates' if many else 'a certificate'} of this person was voided",
                "\n".join(v.describe() for v in detail.voided_evidence),
            )
        else:
            self.evidence_banner.clear()
        self.tabs.setTabText(1, f"Completions ({len(detail.completions)})")
        self.tabs.setTabText(2, f"Sign-offs ({len(detail.assessments)})")
        self.tabs.setTabText(3, f"Certificates ({len(detail.certificates)})")
        self.tabs.setTabText(4, f"Ratings ({len(detail.ratings)})")
        self.tabs.setTabText(5, f"Improvement work ({len(detail.improvement)})")
        self.tabs.setTabText(6, f"Units ({len(detail.unit_history)})")
        given = detail.precepted.counted if detail.precepted is not None else None
        self.tabs.setTabText(7, "Precepted" if not given else f"Precepted ({given})")
