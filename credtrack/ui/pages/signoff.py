"""Sign-off page: the preceptor's quick path — learner, what, level, how, attest, sign with password."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from credtrack.errors import AuthenticationError, CredtrackError
from credtrack.models.enums import ASSESSMENT_METHODS, label
from credtrack.services import catalog, frameworks, people_index
from credtrack.services.accounts import signing
from credtrack.services.changes import Change
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records
from credtrack.ui import crash, style
from credtrack.ui.pages.base import Page
from credtrack.ui.widgets.banner import Banner
from credtrack.ui.widgets.learner_picker import LearnerPicker
from credtrack.ui.widgets.level_picker import LevelPicker
from credtrack.ui.widgets.pick_list import PickList

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


@dataclass
class SignoffCatalog:
    frameworks: list[Any]
    scales: list[Any]
    modules: list[Any]
    people: list[Any]
    attestation: str


def load_catalog(ctx: AppContext) -> SignoffCatalog:
    return SignoffCatalog(
        frameworks=frameworks.list_frameworks(ctx.uow(), ctx.actor),
        scales=frameworks.list_scales(ctx.uow(), ctx.actor),
        modules=catalog.list_modules(ctx.uow(), ctx.actor, include_inactive=False),
        people=people_index.all_people(ctx.uow(), ctx.actor, status="active"),
        attestation=signoff_records.DEFAULT_ATTESTATION,
    )


def _section(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(widget)
    return box


class SignoffPage(Page):
    title = "Sign-off"
    action = "records.record"
    watches = Change.PEOPLE | Change.CATALOG

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.learner = LearnerPicker()
        self.learner.chosen.connect(self._learner_chosen)
        self.learner.changed.connect(self._update_state)
        self.competencies = PickList("Filter competencies, e.g. “RR3” or “roles”", "Competencies")
        self.modules = PickList("Filter modules", "Modules")
        self.what = QTabWidget()
        self.what.addTab(self.competencies, "Competencies")
        self.what.addTab(self.modules, "Module completions")
        self.what.currentChanged.connect(self._update_state)
        self.competencies.selection_changed.connect(self._update_state)
        self.modules.selection_changed.connect(self._update_state)

        self.levels = LevelPicker()
        self.levels.level_chosen.connect(self._update_state)
        self.method = QComboBox()
        self.method.setAccessibleName("Method")
        for m in ASSESSMENT_METHODS:
            self.method.addItem(label(m), m)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setMaximumDate(QDate.currentDate())
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setAccessibleName("Date assessed or completed")
        self.setting = QLineEdit()
        self.setting.setPlaceholderText("e.g. 6 West medical ward, morning huddle")
        self.setting.setAccessibleName("Setting")
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)  # keyboard users move on with Tab, as in every other field
        self.comment.setPlaceholderText("What you saw; for modules, the evidence (certificate no., attendance list…)")
        self.comment.setAccessibleName("Comment or evidence")
        self.comment.setFixedHeight(70)
        how = QWidget()
        how_form = QFormLayout(how)
        how_form.setContentsMargins(0, 0, 0, 0)
        how_form.addRow("&Method", self.method)
        how_form.addRow("&Date", self.date)
        how_form.addRow("Se&tting", self.setting)
        how_form.addRow("&Comment", self.comment)
        self.repeat = QCheckBox("A genuine &repeat: completed again on the same day")
        self.repeat.setToolTip(
            "Modules only. Without it, a second completion of a module on the same day is refused "
            "as a likely double entry."
        )
        how_form.addRow("", self.repeat)

        self.attest = QCheckBox()
        self.attest.setAccessibleName("Attestation")
        self.attest_text = QLabel()
        self.attest_text.setWordWrap(True)
        self.attest_text.setBuddy(self.attest)
        self.attest.toggled.connect(self._update_state)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"Your password, {ctx.actor.label}, as your signature")
        self.password.setAccessibleName("Password to sign")
        self.password.textChanged.connect(self._update_state)
        self.password.returnPressed.connect(self.save)
        self.sign_button = QPushButton("Sign off")
        self.sign_button.setAccessibleName("Sign off")
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.save)
        self.missing = QLabel()
        style.set_role(self.missing, "subtitle")
        self.missing.setWordWrap(True)
        self.banner = Banner()
        sign = QWidget()
        sign_layout = QVBoxLayout(sign)
        sign_layout.setContentsMargins(0, 0, 0, 0)
        attest_row = QHBoxLayout()
        attest_row.addWidget(self.attest, 0, Qt.AlignmentFlag.AlignTop)
        attest_row.addWidget(self.attest_text, 1)
        sign_layout.addLayout(attest_row)
        row = QHBoxLayout()
        row.addWidget(self.password, 1)
        row.addWidget(self.sign_button)
        sign_layout.addLayout(row)
        sign_layout.addWidget(self.missing)

        self.level_box = _section("3  Level", self.levels)
        left = QVBoxLayout()
        left.addWidget(_section("1  Learner", self.learner), 2)
        left.addWidget(_section("2  What", self.what), 3)
        right = QVBoxLayout()
        right.addWidget(self.level_box)
        right.addWidget(_section("4  How", how))
        right.addWidget(_section("5  Attest and sign", sign))
        right.addWidget(self.banner)
        right.addStretch(1)
        right_widget = QWidget()
        right_widget.setLayout(right)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(right_widget)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(scroll, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(style.title(self.title))
        layout.addLayout(columns, 1)
        scroll.setAccessibleName("Sign-off details")
        self.set_tab_order(
            self.learner.search,
            self.learner.table,
            self.what,
            scroll,
            self.levels.scale,
            self.method,
            self.date,
            self.setting,
            self.comment,
            self.repeat,
            self.attest,
            self.password,
            self.sign_button,
        )
        self._update_state()

    # -- data -------------------------------------------------------------
    def reload(self) -> None:
        ctx = self.ctx
        ctx.run(lambda _c: load_catalog(ctx), self._loaded, parent=self)

    def _loaded(self, data: SignoffCatalog) -> None:
        groups = []
        for fw in data.frameworks:
            for domain in fw.domains:
                items = [(f"{fw.code}:{c.code}", f"{c.code} · {c.label}", c.description) for c in domain.competencies]
                groups.append((f"{domain.code} — {domain.name}", items))
        self.competencies.set_groups(groups)
        self.modules.set_groups([("", [(m.code, f"{m.code} · {m.title}", m.description) for m in data.modules])])
        self.levels.set_scales(data.scales)
        self.attest_text.setText(data.attestation)
        self._attestation = data.attestation
        self.learner.set_people(data.people)

    def focus_search(self) -> None:
        self.learner.search.setFocus()
        self.learner.search.selectAll()

    def _learner_chosen(self) -> None:
        self.banner.clear()
        (self.competencies if self.what.currentIndex() == 0 else self.modules).filter.setFocus()
        self._update_state()

    # -- state ------------------------------------------------------------
    def _signing_competencies(self) -> bool:
        return self.what.currentIndex() == 0

    def _missing(self) -> list[str]:
        missing = []
        if self.learner.person() is None:
            missing.append("a learner")
        chosen = self.competencies if self._signing_competencies() else self.modules
        if not chosen.checked_codes():
            missing.append("at least one competency" if self._signing_competencies() else "at least one module")
        if self._signing_competencies() and self.levels.level_code() is None:
            missing.append("a level")
        if not self.attest.isChecked():
            missing.append("the attestation")
        if not self.password.text():
            missing.append("your password")
        return missing

    def _update_state(self) -> None:
        self.level_box.setEnabled(self._signing_competencies())
        self.method.setEnabled(self._signing_competencies())
        self.repeat.setEnabled(not self._signing_competencies())
        missing = self._missing()
        self.sign_button.setEnabled(not missing)
        self.missing.setText("Still needed: " + ", ".join(missing) + "." if missing else "Ready to sign.")

    # -- signing ----------------------------------------------------------
    def save(self) -> None:
        if self._missing():
            self._update_state()
            return
        person, ctx = self.learner.person(), self.ctx
        password, day = self.password.text(), self.date.date().toPython()
        comment, setting = self.comment.toPlainText().strip(), self.setting.text().strip()
        if self._signing_competencies():
            codes, scale, level = (
                self.competencies.checked_codes(),
                self.levels.current_scale(),
                self.levels.level_code(),
            )
            method, attestation = self.method.currentData(), self._attestation
            work = lambda: sign_competencies(  # noqa: E731
                ctx,
                person.id,
                codes,
                scale.code,
                level,
                day,
                method,
                setting,
                comment,
                password,
                attestation,
            )
        else:
            codes, repeat = self.modules.checked_codes(), self.repeat.isChecked()
            work = lambda: record_modules(ctx, person.id, codes, day, comment, password, repeat)  # noqa: E731
        self.sign_button.setEnabled(False)
        self.password.clear()
        ctx.run(lambda _c: work(), lambda outcome: self._saved(person, outcome), on_error=self._failed)

    def _saved(self, person: Any, outcome: tuple[list[str], list[str], Any]) -> None:
        saved, problems, changes = outcome
        if changes:
            self.ctx.publish(changes)
        if saved and not problems:
            self.banner.show_message(
                "good",
                f"Signed: {', '.join(saved)}",
                f"for {person.full_name}. Choose another learner, or more competencies for the same one.",
            )
            self.competencies.clear_checks()
            self.modules.clear_checks()
            self.levels.clear_choice()
            self.comment.clear()
            self.attest.setChecked(False)
            self.repeat.setChecked(False)
        elif saved:
            self.banner.show_message("warn", f"Partly saved: {', '.join(saved)}", "Not saved:\n" + "\n".join(problems))
        else:
            self.banner.show_message("bad", "Nothing was saved", "\n".join(problems))
        self._update_state()

    def _failed(self, exc: BaseException) -> None:
        self._update_state()
        crash.report(exc, self)


def sign_competencies(
    ctx: AppContext,
    person_id: int,
    codes: list[str],
    scale: str,
    level: str | None,
    day: dt.date,
    method: str,
    setting: str,
    comment: str,
    password: str,
    attestation: str,
) -> tuple[list[str], list[str], Any]:
    """One signed record per competency; a refusal names what it refused and stops nothing already saved."""

    saved, problems, changes = [], [], Change.NONE
    for key in codes:
        framework, code = key.split(":", 1)
        try:
            result = signoff_records.record_signoff(
                ctx.uow(),
                ctx.actor,
                person_id=person_id,
                competency_code=code,
                framework_code=framework,
                scale_code=scale,
                level_code=level or "",
                assessed_on=day,
                method=method,
                password=password,
                attestation_accepted=True,
                attestation_text=attestation,
                setting=setting,
                comment=comment,
            )
        except AuthenticationError as exc:
            return saved, [exc.message], changes
        except CredtrackError as exc:
            problems.append(f"{code}: {exc.message}")
            continue
        saved.append(code)
        changes |= result.changes
    return saved, problems, changes


def record_modules(
    ctx: AppContext, person_id: int, codes: list[str], day: dt.date, evidence: str, password: str, repeat: bool = False
) -> tuple[list[str], list[str], Any]:
    """Record completions; the preceptor's password verifies those modules that need verification."""

    with ctx.uow() as uow:
        signing.reauthenticate(uow.session, ctx.actor, password)
    saved, problems, changes = [], [], Change.NONE
    for code in codes:
        try:
            result = completion_records.record_completion(
                ctx.uow(),
                ctx.actor,
                person_id=person_id,
                module_code=code,
                completed_on=day,
                evidence=evidence,
                repeat=repeat,
            )
            changes |= result.changes
            if result.value.verification == "pending":
                changes |= completion_records.verify_completion(
                    ctx.uow(), ctx.actor, result.value.id, password=password
                ).changes
        except CredtrackError as exc:
            problems.append(f"{code}: {exc.message}")
            continue
        saved.append(code)
    return saved, problems, changes
