"""Frameworks and competencies as a tree, and the sign-off scales with each level's meaning."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from credtrack.ui import style


class FrameworksTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Framework, domain and competency", "Short label"])
        self.tree.setAccessibleName("Frameworks and competencies")
        self.tree.setColumnWidth(0, 330)
        self.tree.currentItemChanged.connect(self._show)
        self.scales = QTreeWidget()
        self.scales.setHeaderLabels(["Scale and level", "Meaning"])
        self.scales.setAccessibleName("Scales")
        self.scales.setColumnWidth(0, 260)
        self.scales.setWordWrap(True)
        self.description = QLabel("Select a competency to read its description.")
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setAccessibleName("Description")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(style.bold(QLabel("Description")))
        right_layout.addWidget(self.description)
        right_layout.addSpacing(12)
        right_layout.addWidget(style.bold(QLabel("Scales for sign-off")))
        right_layout.addWidget(self.scales, 1)
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setSizes([620, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def set_data(self, frameworks: list[Any], scales: list[Any]) -> None:
        self.tree.clear()
        for fw in frameworks:
            top = QTreeWidgetItem([f"{fw.name}", f"version {fw.version_label} · {fw.competency_count} competencies"])
            top.setData(0, Qt.ItemDataRole.UserRole, fw.name)
            self.tree.addTopLevelItem(top)
            for domain in fw.domains:
                node = QTreeWidgetItem([f"{domain.code} — {domain.name}", f"{len(domain.competencies)}"])
                top.addChild(node)
                for c in domain.competencies:
                    leaf = QTreeWidgetItem([c.code, c.label])
                    leaf.setData(0, Qt.ItemDataRole.UserRole, f"<b>{c.code} · {c.label}</b><br>{c.description}")
                    leaf.setToolTip(1, c.label)
                    node.addChild(leaf)
            top.setExpanded(True)
        self.scales.clear()
        for scale in scales:
            top = QTreeWidgetItem([scale.name, scale.description])
            self.scales.addTopLevelItem(top)
            for level in scale.levels:
                passing = "  ✔ passing" if level.passing else ""
                child = QTreeWidgetItem([f"{level.code} · {level.label}{passing}", level.description])
                child.setToolTip(1, level.description)
                if level.passing:
                    child.setForeground(0, style_colour(style.GOOD))
                top.addChild(child)
            top.setExpanded(True)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        text = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self.description.setText(text or "Select a competency to read its description.")


def style_colour(colour: str) -> Any:
    return QBrush(QColor(colour))
