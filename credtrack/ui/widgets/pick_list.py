"""A filterable, checkable tree for choosing several competencies (grouped by domain) or modules."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from credtrack.models.base import fold

CODE_ROLE = int(Qt.ItemDataRole.UserRole) + 10


class PickList(QWidget):
    selection_changed = Signal()

    def __init__(self, placeholder: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(f"Filter {name}")
        self.filter.textChanged.connect(self._apply_filter)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName(name)
        self.tree.setUniformRowHeights(True)
        self.tree.itemChanged.connect(lambda *_: self.selection_changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)

    def set_groups(self, groups: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
        """``groups``: (group title, [(code, text, tooltip)]); a group title of "" lists items at the top."""
        checked = set(self.checked_codes())
        self.tree.blockSignals(True)
        self.tree.clear()
        for title, items in groups:
            parent: QTreeWidget | QTreeWidgetItem = self.tree
            if title:
                group = QTreeWidgetItem([title])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(group)
                group.setExpanded(True)
                parent = group
            for code, text, tooltip in items:
                item = QTreeWidgetItem([text])
                item.setData(0, CODE_ROLE, code)
                item.setToolTip(0, tooltip)
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
                )
                item.setCheckState(0, Qt.CheckState.Checked if code in checked else Qt.CheckState.Unchecked)
                if isinstance(parent, QTreeWidget):
                    parent.addTopLevelItem(item)
                else:
                    parent.addChild(item)
        self.tree.blockSignals(False)
        self._apply_filter()

    def _items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.data(0, CODE_ROLE) is not None:
                found.append(top)
            found.extend(top.child(j) for j in range(top.childCount()))
        return found

    def checked_codes(self) -> list[str]:
        return [str(i.data(0, CODE_ROLE)) for i in self._items() if i.checkState(0) == Qt.CheckState.Checked]

    def set_checked(self, code: str, checked: bool = True) -> None:
        for item in self._items():
            if item.data(0, CODE_ROLE) == code:
                item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def clear_checks(self) -> None:
        self.tree.blockSignals(True)
        for item in self._items():
            item.setCheckState(0, Qt.CheckState.Unchecked)
        self.tree.blockSignals(False)
        self.selection_changed.emit()

    def _apply_filter(self) -> None:
        words = fold(self.filter.text()).split()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.childCount() == 0:
                top.setHidden(not all(w in fold(top.text(0)) for w in words))
                continue
            visible = 0
            for j in range(top.childCount()):
                child = top.child(j)
                hide = not all(w in fold(child.text(0) + " " + child.toolTip(0)) for w in words)
                child.setHidden(hide)
                visible += not hide
            top.setHidden(visible == 0)
