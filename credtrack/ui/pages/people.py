"""People page: search-as-you-type over every person, filters, and a detail pane with their checklist."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from credtrack.models.enums import PERSON_STATUSES
from credtrack.reports.rating_form import write_rating_form
from credtrack.reports.transcript import write_transcript
from credtrack.services import cohorts, frameworks, people, people_index, rating_sources, ratings
from credtrack.services.certificates import evidence as certificate_evidence
from credtrack.services.changes import Change
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records
from credtrack.ui import messages, style
from credtrack.ui.calendar_files import save_person_calendar
from credtrack.ui.dialogs.kept_open import open_saving_on_accept
from credtrack.ui.dialogs.person_dialog import PersonDialog
from credtrack.ui.dialogs.rating_dialog import RatingDialog
from credtrack.ui.export import export_button
from credtrack.ui.models.people import PeopleTableModel
from credtrack.ui.pages import rating_scan
from credtrack.ui.pages.base import Page
from credtrack.ui.pages.people_improvement import ImprovementActions
from credtrack.ui.table import TableProxy, make_table, selected_row
from credtrack.ui.widgets.person_detail import PersonDetailPane, load_detail

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

ALL = None


def load_people(ctx: AppContext, model: PeopleTableModel) -> tuple[list[Any], list[Any], list[Any]]:
    rows = model.prepare(people_index.all_people(ctx.uow(), ctx.actor))
    return rows, people.list_professions(ctx.uow(), ctx.actor), cohorts.list_cohorts(ctx.uow(), ctx.actor)


class PeoplePage(Page):
    title = "People"
    watches = Change.PEOPLE | Change.RECORDS | Change.CERTIFICATES | Change.COHORTS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name or ID — accents and case do not matter  (Ctrl+F)")
        self.search.setAccessibleName("Search people")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        self.profession = QComboBox()
        self.profession.setAccessibleName("Profession filter")
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort filter")
        self.profession.setMinimumContentsLength(9)
        self.cohort.setMinimumContentsLength(9)
        for combo in (self.profession, self.cohort):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status = QComboBox()
        self.status.setAccessibleName("Status filter")
        self.status.addItem("Any status", ALL)
        for value in PERSON_STATUSES:
            self.status.addItem(value.capitalize(), value)
        self.status.setCurrentIndex(1)
        for combo in (self.profession, self.status):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.cohort.currentIndexChanged.connect(self._cohort_changed)
        self._cohort_members: set[int] | None = None

        self.model = PeopleTableModel(self)
        self.proxy = TableProxy(self.model, self)
        self.table = make_table(self.proxy, "People")
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.count = QLabel()
        style.set_role(self.count, "subtitle")
        self.detail = PersonDetailPane()
        self.detail.transcript_requested.connect(self.save_transcript)
        self.detail.calendar_requested.connect(lambda: save_person_calendar(ctx, self, self.detail.detail))
        self.detail.void_requested.connect(self.void_record)
        self.detail.verify_requested.connect(self.verify_record)
        self.detail.rating_requested.connect(self.record_rating)
        self.detail.blank_form_requested.connect(self.save_blank_rating_form)
        self.detail.scanned_form_requested.connect(lambda: rating_scan.record_from_scan(self))
        self.detail.set_allowed(
            {
                name
                for name, action in (
                    ("void", "records.void"),
                    ("verify", "records.verify"),
                    ("confirm", "records.confirm"),
                    ("rate", "ratings.record"),
                )
                if ctx.can(action)
            }
        )
        self.improvement = ImprovementActions(ctx, self.detail, self._load_detail, self)
        self.export_button = export_button(self.export_table, "the people listed")

        self.new_button = QPushButton("New person…")
        self.new_button.clicked.connect(self.new_item)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_person)
        self.archive_button = QPushButton("Archive…")
        self.archive_button.clicked.connect(self.archive_person)
        can_edit = ctx.can("people.edit")
        for button in (self.new_button, self.edit_button, self.archive_button):
            button.setVisible(can_edit)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.profession, 1)
        filters.addWidget(self.cohort, 1)
        filters.addWidget(self.status)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.edit_button)
        bottom.addWidget(self.archive_button)
        left_layout.addLayout(bottom)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([640, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(style.title(self.title))
        layout.addWidget(splitter, 1)
        self.set_tab_order(
            self.search,
            self.profession,
            self.cohort,
            self.status,
            self.table,
            self.new_button,
            self.edit_button,
            self.archive_button,
            self.detail.tabs,
        )
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(120)
        self._detail_timer.timeout.connect(self._load_detail)
        self._selected_id: int | None = None
        self._update_buttons()

    # -- loading ----------------------------------------------------------
    def reload(self) -> None:
        ctx = self.ctx
        self.count.setText("Loading people…")
        model = self.model
        ctx.run(lambda _c: load_people(ctx, model), self._loaded, parent=self)

    def _loaded(self, result: tuple[list[Any], list[Any], list[Any]]) -> None:
        rows, professions, cohorts = result
        self._fill(self.profession, "Any profession", [(p.name, p.code) for p in professions])
        self._fill(self.cohort, "Any cohort", [(c.name, c.code) for c in cohorts])
        self.model.set_prepared(rows)
        self.apply_filter()
        if self._selected_id is not None:
            self.select_person(self._selected_id)

    @staticmethod
    def _fill(combo: QComboBox, any_text: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(any_text, ALL)
        for text, code in items:
            combo.addItem(text, code)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
        combo.blockSignals(False)

    # -- filtering --------------------------------------------------------
    def _cohort_changed(self) -> None:
        code = self.cohort.currentData()
        if code is None:
            self._cohort_members = None
            self.apply_filter()
            return
        ctx = self.ctx

        def work(_c: Any) -> set[int]:
            return {e.person_id for e in cohorts.list_enrolments(ctx.uow(), ctx.actor, cohort_code=code)}

        def done(members: set[int]) -> None:
            self._cohort_members = members
            self.apply_filter()

        ctx.run(work, done, parent=self)

    def _predicate(self) -> Any:
        profession, status, members = self.profession.currentData(), self.status.currentData(), self._cohort_members
        if profession is None and status is None and members is None:
            return None
        key = (profession, status, id(members))
        if getattr(self, "_predicate_key", None) == key:
            return self._cached_predicate  # the same object lets the model narrow instead of refilter

        def keep(row: Any) -> bool:
            return (
                (profession is None or row.profession_code == profession)
                and (status is None or row.status == status)
                and (members is None or row.id in members)
            )

        self._predicate_key, self._cached_predicate = key, keep
        return keep

    def apply_filter(self) -> None:
        self.model.set_filter(self.search.text(), self._predicate())
        shown, total = self.model.rowCount(), self.model.total()
        self.count.setText(f"{shown:,} of {total:,} people" if shown != total else f"{total:,} people")
        if self._selected_id is not None:
            self.select_person(self._selected_id)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def table_to_export(self) -> tuple[TableProxy, str]:
        return self.proxy, "People"

    # -- selection and detail ---------------------------------------------
    def select_person(self, person_id: int) -> bool:
        row = self.model.row_where(lambda r: r.id == person_id)
        if row < 0:
            return False
        self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        return True

    def _selection_changed(self) -> None:
        row = selected_row(self.table)
        self._update_buttons()
        if row is None:
            return
        self._selected_id = row.id
        self._detail_timer.start()

    def _load_detail(self) -> None:
        person_id, ctx = self._selected_id, self.ctx
        if person_id is None:
            return

        def done(detail: Any) -> None:
            if detail.person.id == self._selected_id:
                self.detail.show_detail(detail)

        ctx.run(lambda _c: load_detail(ctx, person_id), done, parent=self)

    def _update_buttons(self) -> None:
        row = selected_row(self.table)
        self.edit_button.setEnabled(row is not None)
        self.archive_button.setEnabled(row is not None and row.status != "archived")

    # -- editing ----------------------------------------------------------
    def _professions(self) -> list[Any]:
        return people.list_professions(self.ctx.uow(), self.ctx.actor)

    def new_item(self) -> None:
        if self.ctx.can("people.edit"):
            self._edit(None)

    def edit_person(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self._edit(row)

    def _edit(self, person: Any) -> None:
        dialog = PersonDialog(self._professions(), person, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values, ctx = dialog.values(), self.ctx
        if person is None:
            work = lambda: people.create_person(ctx.uow(), ctx.actor, **values)  # noqa: E731
        else:
            work = lambda: people.update_person(  # noqa: E731
                ctx.uow(),
                ctx.actor,
                person.id,
                expected_version=person.version,
                **values,
            )

        def done(row: Any) -> None:
            self._selected_id = row.id
            if not self.isVisible():
                self.activate()

        ctx.mutate(work, done, parent=self)

    def archive_person(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        reason = messages.ask_text(
            self, "Archive person", f"Why is {row.full_name} being archived? Their records and certificates stay."
        )
        if reason:
            ctx = self.ctx
            ctx.mutate(lambda: people.archive_person(ctx.uow(), ctx.actor, row.id, reason), parent=self)

    # -- correcting records -----------------------------------------------
    def void_record(self, kind: str, row: Any) -> None:
        """Void the chosen completion, sign-off or rating with a reason, after saying what rests on it."""

        ctx, detail = self.ctx, self.detail.detail
        who = detail.person.full_name if detail is not None else "this person"
        if kind == "rating":
            what = f"Void the rating from {row.rater_name} ({row.source_name}) of {row.rated_on:%d %b %Y}, for {who}?"
        elif kind == "completion":
            what = f"Void {row.module_code} — {row.module_title}, completed {row.completed_on:%d %b %Y}, for {who}?"
        else:
            what = (
                f"Void the sign-off of {row.competency_code} at {row.level_label} on {row.assessed_on:%d %b %Y} "
                f"by {row.assessor_name}, for {who}?"
            )
        resting = certificate_evidence.certificates_on_record(ctx.uow(), ctx.actor, kind, row.id)
        reason = messages.ask_void_reason(self, what, resting)
        if not reason:
            return
        void = {
            "rating": ratings.void_rating,
            "completion": completion_records.void_completion,
        }.get(kind, signoff_records.void_assessment)

        def done(voided: Any) -> None:
            self._load_detail()
            if voided.resting_certificates:
                messages.show_info(
                    self,
                    "Record voided",
                    (
                        f"Certificate {', '.join(voided.resting_certificates)} was issued on this record. It stays "
                        "valid until you revoke or reissue it; this page and its detail now say its evidence was "
                        "voided."
                    ),
                )

        ctx.mutate(lambda: void(ctx.uow(), ctx.actor, row.id, reason), done, parent=self)

    def record_rating(self, learner: tuple[int, str] | None = None, source_code: str | None = None) -> None:
        """Record a rating of the person shown (or of ``learner``, id and name, on the form of ``source_code``);
        the form stays open, with what was typed, until it is saved."""
        ctx, detail = self.ctx, self.detail.detail
        if learner is None and detail is None:
            return
        person_id, name = learner if learner is not None else (detail.person.id, detail.person.full_name)
        sources = rating_sources.list_sources(ctx.uow(), ctx.actor)
        if not sources:
            messages.show_info(self, "Record rating", "No rating source is offered; an educator adds them.")
            return
        levels = {
            s.code: [(lv.code, lv.label) for lv in s.levels] for s in frameworks.list_scales(ctx.uow(), ctx.actor)
        }
        labels = {c.code: c.label for c in frameworks.list_competencies(ctx.uow(), ctx.actor)}
        dialog = RatingDialog(name, ctx.actor.label, sources, levels, labels, self)
        if source_code is not None:
            dialog.source.setCurrentIndex(max(0, dialog.source.findData(source_code)))

        open_saving_on_accept(
            ctx,
            dialog,
            lambda values: ratings.record_rating(ctx.uow(), ctx.actor, person_id=person_id, **values),
            self._load_detail,
        )

    def verify_record(self, kind: str, row: Any) -> None:
        """Verify a completion awaiting verification, or confirm a historical sign-off, signed with a password."""

        ctx = self.ctx
        if kind == "completion":
            question = (
                f"Verify {row.module_code}, completed {row.completed_on:%d %b %Y}: re-enter your password "
                "to sign that you checked it."
            )
            work = lambda password: completion_records.verify_completion(  # noqa: E731
                ctx.uow(),
                ctx.actor,
                row.id,
                password=password,
            )
        else:
            question = (
                f"Confirm the historical sign-off of {row.competency_code} by {row.assessor_name} on "
                f"{row.assessed_on:%d %b %Y}: re-enter your password to sign that you checked it against "
                "the program's records. The credential rules count it from then on."
            )
            work = lambda password: signoff_records.confirm_assessment(  # noqa: E731
                ctx.uow(),
                ctx.actor,
                row.id,
                password=password,
            )
        password = messages.ask_text(
            self, "Verify record" if kind == "completion" else "Confirm sign-off", question, secret=True
        )
        if password:
            ctx.mutate(lambda: work(password), lambda _row: self._load_detail(), parent=self)

    # -- transcript -------------------------------------------------------
    def save_transcript(self) -> None:
        """Save the shown person's transcript (credentials, completions, sign-offs) as a PDF."""
        detail = self.detail.detail
        if detail is None:
            return
        person = detail.person
        target = messages.save_file_name(
            self, "Save transcript", f"transcript-{person.external_id}.pdf", "PDF document (*.pdf)"
        )
        if not target:
            return
        if not target.lower().endswith(".pdf"):
            target += ".pdf"
        ctx = self.ctx

        def work(_c: Any) -> Any:
            return write_transcript(ctx.uow(), ctx.actor, person.external_id, target)

        ctx.run(
            work,
            lambda path: messages.show_info(
                self, "Transcript saved", f"{person.full_name}'s transcript was saved to {path}."
            ),
            parent=self,
        )

    def save_blank_rating_form(self) -> None:
        """Save a source's blank rating form for the shown person as a PDF, asking which source if several."""
        ctx, detail = self.ctx, self.detail.detail
        if detail is None:
            return
        sources = rating_sources.list_sources(ctx.uow(), ctx.actor)
        if not sources:
            messages.show_info(self, "Print blank form", "No rating source is offered; an educator adds them.")
            return
        source = sources[0]
        if len(sources) > 1:
            index = messages.choose_item(
                self, "Print blank form", "Which rating source's form?", [f"{s.name} ({s.code})" for s in sources]
            )
            if index is None:
                return
            source = sources[index]
        person = detail.person
        target = messages.save_file_name(
            self,
            "Save blank rating form",
            f"rating-form-{person.external_id}-{source.code}.pdf",
            "PDF document (*.pdf)",
        )
        if not target:
            return
        if not target.lower().endswith(".pdf"):
            target += ".pdf"

        def work(_c: Any) -> Any:
            return write_rating_form(ctx.uow(), ctx.actor, person.external_id, source.code, target)

        ctx.run(
            work,
            lambda path: messages.show_info(
                self, "Blank form saved", f"The {source.name} form for {person.full_name} was saved to {path}."
            ),
            parent=self,
        )
