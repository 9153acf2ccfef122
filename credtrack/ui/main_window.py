"""The main window: a navigation list beside one page at a time. It composes pages and owns nothing else.

A page is built the first time it is shown, so the window appears at once after sign-in
however many pages the user may open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from credtrack.services.audit import checkpoints
from credtrack.ui import navigation, style
from credtrack.ui.context import AppContext
from credtrack.ui.idle import IdleWatcher
from credtrack.ui.lock import LockScreen
from credtrack.ui.pages.base import Page


class MainWindow(QMainWindow):
    sign_out_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("credtrack")
        self.resize(1280, 800)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet(style.NAVIGATION_STYLE)
        self.nav.setAccessibleName("Pages")
        self.nav.setFixedWidth(190)
        self.pages = QStackedWidget()
        self.page_classes = navigation.pages_for(ctx)
        self._built: dict[int, Page] = {}
        for page_class in self.page_classes:
            item = QListWidgetItem(page_class.title)
            item.setToolTip(page_class.title)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self.show_page_at)

        workspace = QWidget()
        row = QHBoxLayout(workspace)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)

        self.lock_screen = LockScreen(ctx)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.sign_out_requested.connect(self.sign_out_requested)
        self.screens = QStackedWidget()
        self.screens.addWidget(workspace)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)

        role = ctx.actor.role.capitalize()
        self.user_label = QLabel(f"Signed in: {ctx.actor.label} ({role})")
        self.database_label = QLabel(f"Database: {ctx.db.describe()}")
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.database_label)

        self._build_actions()
        self.idle = IdleWatcher(ctx.settings.idle_lock_minutes, self)
        self.idle.idle.connect(self.lock)
        if self.page_classes:
            self.nav.setCurrentRow(0)

    # -- actions are declared here, in one place ---------------------------
    def _build_actions(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self._add(menu, "&Print…", QKeySequence.StandardKey.Print, lambda: self.current_page().print_current())
        menu.addSeparator()
        self._add(menu, "&Lock now", "Ctrl+L", self.lock)
        self._add(menu, "Sign &out", "Ctrl+Shift+Q", lambda: self.sign_out_requested.emit())
        menu.addSeparator()
        self.export_action = self._add(menu, "&Export table…", "Ctrl+E", lambda: self.current_page().export_table())
        menu.addSeparator()
        self._add(menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        edit = self.menuBar().addMenu("&Edit")
        self._add(edit, "&Find", QKeySequence.StandardKey.Find, lambda: self.current_page().focus_search())
        self._add(edit, "&New", QKeySequence.StandardKey.New, lambda: self.current_page().new_item())
        self._add(edit, "&Save", QKeySequence.StandardKey.Save, lambda: self.current_page().save())
        go = self.menuBar().addMenu("&Go")
        for i, page_class in enumerate(self.page_classes):
            shortcut = f"Ctrl+{i + 1}" if i < 9 else None
            self._add(go, page_class.title, shortcut, lambda _=False, row=i: self.nav.setCurrentRow(row))

    def _add(self, menu, text, shortcut, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- pages ------------------------------------------------------------
    def current_page(self) -> Page:
        widget = self.pages.currentWidget()
        assert isinstance(widget, Page)
        return widget

    def page_at(self, row: int) -> Page:
        """The page in navigation row ``row``, built now if it has not been shown yet."""
        page = self._built.get(row)
        if page is None:
            page = self._built[row] = self.page_classes[row](self.ctx)
            self.pages.addWidget(page)
        return page

    @property
    def page_list(self) -> list[Page]:
        """Every page this user may open (building any not yet shown)."""
        return [self.page_at(row) for row in range(len(self.page_classes))]

    def show_page_at(self, row: int) -> None:
        if 0 <= row < len(self.page_classes):
            page = self.page_at(row)
            self.pages.setCurrentWidget(page)
            self.export_action.setEnabled(page.table_to_export() is not None)
            page.activate()

    def show_page(self, page_class: type[Page]) -> Page:
        if page_class not in self.page_classes:
            raise LookupError(f"{page_class.__name__} is not available to this user")
        row = self.page_classes.index(page_class)
        self.nav.setCurrentRow(row)
        return self.page_at(row)

    def page(self, page_class: type[Page]) -> Page | None:
        if page_class not in self.page_classes:
            return None
        return self.page_at(self.page_classes.index(page_class))

    # -- locking ----------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.screens.currentWidget() is self.lock_screen

    def lock(self) -> None:
        self.idle.pause()
        self.menuBar().setEnabled(False)
        self.screens.setCurrentWidget(self.lock_screen)
        self.lock_screen.password.setFocus()

    def unlock(self) -> None:
        self.screens.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        self.idle.restart()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.idle.watch(self.windowHandle())  # exists once shown; dialogs are watched as they take the focus

    def closeEvent(self, event: QCloseEvent) -> None:
        self.idle.stop()
        checkpoints.after(self.ctx.uow(), reason="app.close", skip_if_current=True)
        super().closeEvent(event)
