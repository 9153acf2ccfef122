"""A person's progress on each credential as a checklist: what is met, by which evidence, what is missing."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from credtrack.ui.style import BAD, GOOD, INFO, MUTED, WARN

STATUS_TONE = {
    "earned": GOOD,
    "eligible": INFO,
    "in_progress": WARN,
    "not_started": MUTED,
    "expiring_soon": WARN,
    "expired": BAD,
}
STATUS_WORDS = {
    "earned": "Earned",
    "eligible": "Eligible — ready to issue",
    "in_progress": "In progress",
    "not_started": "Not started",
    "expiring_soon": "Expiring soon",
    "expired": "Expired",
}
MARK = {"met": "✔", "missing": "○", "expired": "✖", "below_level": "◐"}
MARK_TONE = {"met": GOOD, "missing": MUTED, "expired": BAD, "below_level": WARN}


class ProgressChecklist(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Requirement", "Evidence or what is still needed"])
        self.setAccessibleName("Progress per credential")
        self.setRootIsDecorated(True)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.header().resizeSection(0, 270)
        self.header().setStretchLastSection(True)

    def set_progress(self, items: list[Any], voided_certificates: frozenset[str] | set[str] = frozenset()) -> None:
        """``voided_certificates``: codes of certificates issued on evidence since voided, marked as such."""
        self.clear()
        if not items:
            placeholder = QTreeWidgetItem(["No credentials assigned or started yet.", ""])
            placeholder.setForeground(0, QBrush(QColor(MUTED)))
            self.addTopLevelItem(placeholder)
            return
        for progress in items:
            words = STATUS_WORDS.get(progress.status, progress.status)
            summary = f"{progress.met} of {progress.total} met — {words}"
            if progress.certificate_code:
                summary += f" · certificate {progress.certificate_code}"
                if progress.certificate_code in voided_certificates:
                    summary += " (evidence behind it voided)"
            if progress.renewal_date:
                summary += f" · renew by {progress.renewal_date:%d %b %Y}"
            top = QTreeWidgetItem([progress.credential_title, summary])
            font = QFont(top.font(0))
            font.setBold(True)
            top.setFont(0, font)
            tone = WARN if progress.certificate_code in voided_certificates else STATUS_TONE.get(progress.status, MUTED)
            top.setForeground(1, QBrush(QColor(tone)))
            top.setToolTip(0, progress.credential_code)
            for req in progress.requirements:
                mark = MARK.get(req.state, "•")
                detail = req.evidence.summary if req.evidence is not None and req.state == "met" else req.needed
                child = QTreeWidgetItem([f"{mark}  {req.code} · {req.label}", detail])
                child.setForeground(0, QBrush(QColor(MARK_TONE.get(req.state, MUTED))))
                child.setToolTip(0, f"{req.code} · {req.label}")
                child.setToolTip(1, detail)
                top.addChild(child)
            if progress.min_assessor_professions:
                have = len(progress.assessor_professions)
                ok = have >= progress.min_assessor_professions
                child = QTreeWidgetItem(
                    [
                        f"{'✔' if ok else '○'}  Assessors from {progress.min_assessor_professions} professions",
                        f"{have}: {', '.join(progress.assessor_professions) or 'none yet'}",
                    ]
                )
                child.setForeground(0, QBrush(QColor(GOOD if ok else MUTED)))
                top.addChild(child)
            self.addTopLevelItem(top)
            # Earned ones fold away, unless the evidence behind their certificate was voided.
            top.setExpanded(progress.status not in ("earned",) or progress.certificate_code in voided_certificates)
