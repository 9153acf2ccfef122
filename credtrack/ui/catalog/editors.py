"""Dialogs that create or edit modules and credentials (with their requirements)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from credtrack.models.enums import MODULE_KINDS, label
from credtrack.services.catalog import RequirementRow, RequirementSpec
from credtrack.ui import style
from credtrack.ui.keyboard import set_dialog_order
from credtrack.ui.models.catalog import RequirementsTableModel
from credtrack.ui.table import TableProxy, make_table, selected_row


def _months(spin: QSpinBox, value: int | None) -> QSpinBox:
    spin.setRange(0, 240)
    spin.setSpecialValueText("does not expire")
    spin.setSuffix(" months")
    spin.setValue(value or 0)
    return spin


def save_cancel_buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class ModuleDialog(QDialog):
    def __init__(self, module: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.module = module
        self.setWindowTitle(f"Module {module.code}" if module else "New module")
        self.setMinimumWidth(520)
        self.code = QLineEdit(module.code if module else "")
        self.code.setEnabled(module is None)
        self.title = QLineEdit(module.title if module else "")
        self.description = QPlainTextEdit(module.description if module else "")
        self.description.setFixedHeight(70)
        self.kind = QComboBox()
        for kind in MODULE_KINDS:
            self.kind.addItem(label(kind), kind)
        if module:
            self.kind.setCurrentIndex(self.kind.findData(module.kind))
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 500)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(float(module.contact_hours) if module else 1.0)
        self.validity = _months(QSpinBox(), module.validity_months if module else None)
        self.verify = QCheckBox("A preceptor must verify completion")
        self.verify.setChecked(bool(module and module.requires_verification))
        self.enrolment = QCheckBox("Only for people enrolled in a cohort that includes it")
        self.enrolment.setChecked(bool(module and module.requires_enrolment))
        self.competencies = QLineEdit(", ".join(module.competency_codes) if module else "")
        self.competencies.setPlaceholderText("e.g. RR1, C4, TT10")
        self.active = QCheckBox("Active (offered for new completions)")
        self.active.setChecked(module.active if module else True)
        form = QFormLayout()
        for text, widget in (
            ("&Code", self.code),
            ("&Title", self.title),
            ("&Description", self.description),
            ("&Kind", self.kind),
            ("Contact &hours", self.hours),
            ("&Valid for", self.validity),
            ("", self.verify),
            ("", self.enrolment),
            ("Co&mpetencies", self.competencies),
            ("", self.active),
        ):
            widget.setAccessibleName(text.replace("&", "") or getattr(widget, "text", lambda: "")())
            form.addRow(text, widget)
        form.setRowVisible(self.active, module is not None)  # a new module is always offered
        buttons = save_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        set_dialog_order(
            self,
            self.code,
            self.title,
            self.description,
            self.kind,
            self.hours,
            self.validity,
            self.verify,
            self.enrolment,
            self.competencies,
            self.active,
            buttons=buttons,
        )

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "title": self.title.text(),
            "description": self.description.toPlainText(),
            "kind": self.kind.currentData(),
            "contact_hours": self.hours.value(),
            "validity_months": self.validity.value() or None,
            "requires_verification": self.verify.isChecked(),
            "requires_enrolment": self.enrolment.isChecked(),
            "competency_codes": [c.strip() for c in self.competencies.text().split(",") if c.strip()],
        }
        if self.module is None:
            values["code"] = self.code.text()
        else:
            values["active"] = self.active.isChecked()
        return values


class CredentialDialog(QDialog):
    """Title, criteria, validity and the requirements: modules to complete, competencies at a level, ratings
    from a source (how many, at what level) and ratings from several sources."""

    def __init__(
        self,
        modules: list[Any],
        competencies: list[Any],
        scales: list[Any],
        credential: Any = None,
        parent: QWidget | None = None,
        *,
        sources: list[Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.credential = credential
        self.setWindowTitle(f"Credential {credential.code}" if credential else "New credential")
        self.resize(760, 640)
        self.code = QLineEdit(credential.code if credential else "")
        self.code.setEnabled(credential is None)
        self.code.setAccessibleName("Code")
        self.title = QLineEdit(credential.title if credential else "")
        self.title.setAccessibleName("Title")
        self.description = QPlainTextEdit(credential.description if credential else "")
        self.description.setFixedHeight(60)
        self.criteria = QPlainTextEdit(credential.criteria if credential else "")
        self.criteria.setFixedHeight(60)
        self.validity = _months(QSpinBox(), credential.validity_months if credential else None)
        self.professions = QSpinBox()
        self.professions.setRange(0, 10)
        self.professions.setSpecialValueText("no minimum")
        self.professions.setSuffix(" professions")
        self.professions.setValue((credential.min_assessor_professions or 0) if credential else 0)
        form = QFormLayout()
        form.addRow("&Code", self.code)
        form.addRow("&Title", self.title)
        form.addRow("&Description", self.description)
        form.addRow("C&riteria", self.criteria)
        form.addRow("&Valid for", self.validity)
        form.addRow("Assessors from at least", self.professions)

        self.requirements = RequirementsTableModel(self)
        self.requirements.set_rows(list(credential.requirements) if credential else [])
        self.table = make_table(TableProxy(self.requirements, self), "Requirements")
        self.table.setSortingEnabled(False)  # the requirements keep the credential's order, as saved
        self.module = QComboBox()
        self.module.setAccessibleName("Module to require")
        for m in modules:
            self.module.addItem(f"{m.code} · {m.title}", m)
        self.add_module = QPushButton("Add module")
        self.add_module.clicked.connect(self._add_module)
        self.competency = QComboBox()
        self.competency.setAccessibleName("Competency to require")
        for c in competencies:
            self.competency.addItem(f"{c.code} · {c.label}", c)
        self.level = QComboBox()
        self.level.setAccessibleName("Minimum level")
        for s in scales:
            for lv in s.levels:
                if lv.passing:
                    self.level.addItem(f"{s.code}: at least {lv.code} · {lv.label}", (s, lv))
        self.add_competency = QPushButton("Add competency")
        self.add_competency.clicked.connect(self._add_competency)
        self._scale_levels = {s.code: list(s.levels) for s in scales}
        self.source = QComboBox()
        self.source.setAccessibleName("Rating source to require")
        for src in sources or []:
            self.source.addItem(src.name, src)
        self.rating_count = QSpinBox()
        self.rating_count.setRange(1, 50)
        self.rating_count.setSuffix(" ratings")
        self.rating_count.setValue(2)
        self.rating_count.setAccessibleName("How many ratings")
        self.rating_level = QComboBox()
        self.rating_level.setAccessibleName("Each rating at least")
        self.source.currentIndexChanged.connect(self._source_levels)
        self._source_levels()
        self.add_ratings = QPushButton("Add ratings")
        self.add_ratings.clicked.connect(self._add_ratings)
        self.source_count = QSpinBox()
        self.source_count.setRange(1, 20)
        self.source_count.setPrefix("from at least ")
        self.source_count.setSuffix(" sources")
        self.source_count.setValue(2)
        self.source_count.setAccessibleName("Ratings from at least this many sources")
        self.add_sources = QPushButton("Add source count")
        self.add_sources.clicked.connect(self._add_sources)
        for widget in (self.source, self.rating_count, self.rating_level, self.add_ratings, self.add_sources):
            widget.setEnabled(bool(sources))
        # A preceptor's own record: sign-offs they gave to learners of professions other than theirs.
        self.precepted_count = QSpinBox()
        self.precepted_count.setRange(1, 50)
        self.precepted_count.setValue(10)
        self.precepted_count.setSuffix(" sign-offs given")
        self.precepted_count.setAccessibleName("Sign-offs the preceptor must have given")
        self.precepted_professions = QSpinBox()
        self.precepted_professions.setRange(1, 50)
        self.precepted_professions.setValue(3)
        self.precepted_professions.setPrefix("to learners of ")
        self.precepted_professions.setSuffix(" other professions")
        self.precepted_professions.setAccessibleName("Learner professions other than the preceptor's")
        self.add_precepting = QPushButton("Add precepting record")
        self.add_precepting.setToolTip(
            "For preceptors and coaches: standing sign-offs they gave to learners of professions other than "
            "their own, to learners of at least this many professions."
        )
        self.add_precepting.clicked.connect(self._add_precepting)
        self.remove = QPushButton("Remove selected")
        self.remove.clicked.connect(self._remove)
        row1 = QHBoxLayout()
        row1.addWidget(self.module, 1)
        row1.addWidget(self.add_module)
        row2 = QHBoxLayout()
        row2.addWidget(self.competency, 1)
        row2.addWidget(self.level, 1)
        row2.addWidget(self.add_competency)
        row_ratings = QHBoxLayout()
        row_ratings.addWidget(self.source, 1)
        row_ratings.addWidget(self.rating_count)
        row_ratings.addWidget(self.rating_level, 1)
        row_ratings.addWidget(self.add_ratings)
        row_sources = QHBoxLayout()
        row_sources.addWidget(QLabel("Ratings"))
        row_sources.addWidget(self.source_count)
        row_sources.addStretch(1)
        row_sources.addWidget(self.add_sources)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        row_precepting = QHBoxLayout()
        row_precepting.addWidget(self.precepted_count, 1)
        row_precepting.addWidget(self.precepted_professions, 1)
        row_precepting.addWidget(self.add_precepting)
        row3 = QHBoxLayout()
        row3.addWidget(self.remove)
        row3.addStretch(1)
        layout.addWidget(style.bold(QLabel("Requirements")))
        layout.addWidget(self.table, 1)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addLayout(row_ratings)
        layout.addLayout(row_sources)
        layout.addLayout(row_precepting)
        layout.addLayout(row3)
        buttons = save_cancel_buttons(self)
        layout.addWidget(buttons)
        set_dialog_order(
            self,
            self.code,
            self.title,
            self.description,
            self.criteria,
            self.validity,
            self.professions,
            self.table,
            self.module,
            self.add_module,
            self.competency,
            self.level,
            self.add_competency,
            self.source,
            self.rating_count,
            self.rating_level,
            self.add_ratings,
            self.source_count,
            self.add_sources,
            self.precepted_count,
            self.precepted_professions,
            self.add_precepting,
            self.remove,
            buttons=buttons,
        )

    def _add(self, row: Any) -> None:
        self.requirements.set_rows([*self.requirements.rows(), row])

    def _add_module(self) -> None:
        m = self.module.currentData()
        if m is not None:
            self._add(RequirementRow(0, "module", m.id, m.code, m.title, None, None, None, None, None, None, None))

    def _add_competency(self) -> None:
        c, choice = self.competency.currentData(), self.level.currentData()
        if c is not None and choice is not None:
            scale, level = choice
            self._add(
                RequirementRow(
                    0,
                    "competency",
                    None,
                    None,
                    None,
                    c.id,
                    c.code,
                    c.label,
                    scale.code,
                    level.code,
                    level.label,
                    level.rank,
                )
            )
            self._frameworks = getattr(self, "_frameworks", {})
            self._frameworks[c.code] = c.framework_code

    def _source_levels(self) -> None:
        """The levels of the chosen source's scale, for "each rating at least"."""
        self.rating_level.clear()
        self.rating_level.addItem("at any level", None)
        src = self.source.currentData()
        for lv in self._scale_levels.get(src.scale_code, []) if src is not None else []:
            self.rating_level.addItem(f"each at least {lv.label}", lv)

    def _add_ratings(self) -> None:
        src, level = self.source.currentData(), self.rating_level.currentData()
        if src is None:
            return
        self._add(
            RequirementRow(
                0,
                "ratings",
                None,
                None,
                None,
                None,
                None,
                None,
                src.scale_code,
                level.code if level is not None else None,
                level.label if level is not None else None,
                level.rank if level is not None else None,
                source_code=src.code,
                source_name=src.name,
                min_count=self.rating_count.value(),
            )
        )

    def _add_sources(self) -> None:
        self._add(
            RequirementRow(
                0, "rating_sources", None, None, None, None, None, None, None, None, None, None,
                min_count=self.source_count.value(),
            )
        )  # fmt: skip

    def _add_precepting(self) -> None:
        if any(r.kind == "precepting" for r in self.requirements.rows()):
            return  # one precepting record per credential: remove the one listed to change it
        count, professions = self.precepted_count.value(), self.precepted_professions.value()
        self._add(RequirementRow(0, "precepting", *([None] * 10), min_count=count, min_professions=professions))

    def _remove(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self.requirements.set_rows([r for r in self.requirements.rows() if r is not row])

    def specs(self) -> list[Any]:
        frameworks = getattr(self, "_frameworks", {})
        return [_spec(r, frameworks) for r in self.requirements.rows()]

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "title": self.title.text(),
            "description": self.description.toPlainText(),
            "criteria": self.criteria.toPlainText(),
            "validity_months": self.validity.value() or None,
            "min_assessor_professions": self.professions.value() or None,
        }
        if self.credential is None:
            values["code"] = self.code.text()
        return values


def _spec(r: RequirementRow, frameworks: dict[str, str | None]) -> RequirementSpec:
    """A requirement shown in the editor, stated again as the service takes it."""
    if r.kind == "module":
        return RequirementSpec(kind="module", module_code=r.module_code)
    if r.kind == "ratings":
        return RequirementSpec(
            kind="ratings", source_code=r.source_code, min_level_code=r.min_level_code, min_count=r.min_count
        )
    if r.kind == "rating_sources":
        return RequirementSpec(kind="rating_sources", min_count=r.min_count)
    if r.kind == "improvement":
        return RequirementSpec(
            kind="improvement", work_kind=r.work_kind, min_count=r.min_count, min_professions=r.min_professions
        )
    if r.kind == "precepting":
        return RequirementSpec(kind="precepting", min_count=r.min_count, min_professions=r.min_professions)
    return RequirementSpec(
        kind="competency",
        competency_code=r.competency_code,
        framework_code=frameworks.get(r.competency_code or ""),
        scale_code=r.scale_code,
        min_level_code=r.min_level_code,
    )
