"""Record one rater's rating of a learner: the source's form (a level for each competency it rates), who
rated and how the feedback was collected, the attestation, and the recorder's password as signature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from credtrack.models.enums import RATING_COLLECTION, label
from credtrack.services.ratings import SIGNED_ATTESTATION
from credtrack.ui import style
from credtrack.ui.keyboard import set_dialog_order

NOT_RATED = "— not rated —"


class RatingDialog(QDialog):
    """``sources``: the offered sources (``rating_sources.SourceRow``); ``levels``: scale code -> [(code, label)];
    ``competencies``: competency code -> its short label, for the form's rows."""

    def __init__(
        self,
        learner: str,
        signer: str,
        sources: list[Any],
        levels: dict[str, list[tuple[str, str]]],
        competencies: dict[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Record a rating of {learner}")
        self.setMinimumWidth(720)
        self.sources, self.levels, self.labels = sources, levels, competencies
        self.source = QComboBox()
        self.source.setAccessibleName("Rating source")
        for s in sources:
            self.source.addItem(s.name, s.code)
        self.rated_on = QLineEdit(dt.date.today().isoformat())
        self.rated_on.setPlaceholderText("YYYY-MM-DD")
        self.rated_on.setAccessibleName("Date of the rating")
        self.collection = QComboBox()
        self.collection.setAccessibleName("How the rating was collected")
        for value in RATING_COLLECTION:
            self.collection.addItem("I am the rater (signed)" if value == "signed" else label(value), value)
        self.collection.setCurrentIndex(self.collection.findData("paper_form"))
        self.rater = QLineEdit()
        self.rater.setAccessibleName("Rater's name")
        self.rater.setPlaceholderText("The patient, family member, colleague or learner who gave the rating")
        self.form_box = QGroupBox("The form")
        self.form_grid = QGridLayout(self.form_box)
        self.form_grid.setColumnStretch(0, 1)
        self.form_grid.setColumnMinimumWidth(1, 180)
        self.score_boxes: dict[str, QComboBox] = {}
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName("Comment")
        self.comment.setPlaceholderText("What the rater said, in their words (optional)")
        self.comment.setFixedHeight(64)
        self.attest = QCheckBox()
        self.attest.setAccessibleName("Attestation")
        self.attest_text = QLabel()
        self.attest_text.setWordWrap(True)
        self.attest_text.setBuddy(self.attest)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"Your password, {signer}, as your signature")
        self.password.setAccessibleName("Password to sign")
        self.message = style.error_label()
        form = QFormLayout()
        form.addRow("&Source", self.source)
        form.addRow("&Date", self.rated_on)
        form.addRow("&Collected", self.collection)
        form.addRow("&Rater", self.rater)
        attest_row = QHBoxLayout()
        attest_row.addWidget(self.attest, 0, Qt.AlignmentFlag.AlignTop)
        attest_row.addWidget(self.attest_text, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Sign and save")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_box)
        layout.addWidget(QLabel("Co&mment", buddy=self.comment))
        layout.addWidget(self.comment)
        layout.addLayout(attest_row)
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.source.currentIndexChanged.connect(self._source_changed)
        self.collection.currentIndexChanged.connect(self._collection_changed)
        for signal in (self.attest.toggled, self.password.textChanged):
            signal.connect(self._update_state)
        self._source_changed()
        self._collection_changed()
        set_dialog_order(
            self,
            self.source,
            self.rated_on,
            self.collection,
            self.rater,
            self.comment,
            self.attest,
            self.password,
            buttons=self.buttons,
        )

    def _current(self) -> Any:
        return self.sources[self.source.currentIndex()] if self.sources else None

    def _source_changed(self) -> None:
        """Lay out the chosen source's form: a level list for each competency it may rate."""
        while self.form_grid.count():
            item = self.form_grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.score_boxes = {}
        source = self._current()
        if source is None:
            return
        self.form_box.setTitle(f"The form: {source.scale_name}")
        for row, code in enumerate(source.competency_codes):
            box = QComboBox()
            box.setAccessibleName(f"Level for {code}")
            box.addItem(NOT_RATED, None)
            for level_code, level_label in self.levels.get(source.scale_code, []):
                box.addItem(f"{level_code} · {level_label}", level_code)
            box.currentIndexChanged.connect(self._update_state)
            name = QLabel(f"{code} — {self.labels.get(code, '')}")
            name.setToolTip(self.labels.get(code, ""))
            name.setBuddy(box)
            self.form_grid.addWidget(name, row, 0)
            self.form_grid.addWidget(box, row, 1)
            self.score_boxes[code] = box
        self.attest_text.setText(source.attestation_text)
        self._update_state()

    def _collection_changed(self) -> None:
        signed = self.collection.currentData() == "signed"
        self.rater.setEnabled(not signed)
        if signed:
            self.rater.clear()
        source = self._current()
        if signed:
            self.attest_text.setText(SIGNED_ATTESTATION)
        elif source is not None:
            self.attest_text.setText(source.attestation_text)
        self._update_state()

    def scores(self) -> dict[str, str]:
        return {code: box.currentData() for code, box in self.score_boxes.items() if box.currentData() is not None}

    def _update_state(self) -> None:
        ready = bool(self.scores()) and self.attest.isChecked() and bool(self.password.text())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ready)

    def values(self) -> dict[str, Any]:
        source = self._current()
        return {
            "source_code": source.code if source else "",
            "rated_on": self.rated_on.text().strip(),
            "scores": self.scores(),
            "collection": self.collection.currentData(),
            "rater_name": self.rater.text(),
            "comment": self.comment.toPlainText(),
            "attestation_accepted": self.attest.isChecked(),
            "password": self.password.text(),
        }
