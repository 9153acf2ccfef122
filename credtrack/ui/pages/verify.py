"""Verify page: paste QR text, type a code, or drop/open a PDF or photo, and get one unambiguous verdict."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from credtrack.services.certificates import revocations, verifier_export
from credtrack.services.changes import Change
from credtrack.ui import crash, messages, style
from credtrack.ui.pages.base import Page
from credtrack.ui.widgets.certificate_actions import CertificateActions
from credtrack.ui.widgets.trust_panel import TrustPanel
from credtrack.ui.widgets.verdict import VerdictView

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

FILE_TYPES = "Certificates (*.pdf *.png *.jpg *.jpeg);;All files (*)"


def check(ctx: AppContext, source: str | Path) -> Any:
    """Verify against the keys and revocations this database knows (runs on a worker)."""

    return revocations.verify_input(ctx.uow(), source)


class VerifyPage(Page):
    title = "Verify"
    watches = Change.CERTIFICATES | Change.KEYS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setAcceptDrops(True)
        self.input = QPlainTextEdit()
        self.input.setTabChangesFocus(True)  # Tab moves on to the buttons; a certificate code never holds a tab
        self.input.setPlaceholderText(
            "Paste the text from a scanned QR code (it starts with CT1:), or type a certificate code "
            "such as CT-7K3F-9QXM-K."
        )
        self.input.setAccessibleName("QR text or certificate code")
        self.input.setMaximumHeight(110)
        self.check_button = QPushButton("Check")
        self.check_button.setDefault(True)
        self.check_button.setAccessibleName("Check certificate")
        self.check_button.clicked.connect(self.check_text)
        self.open_button = QPushButton("Open PDF or photo…")
        self.open_button.clicked.connect(self.open_file)
        self.page_button = QPushButton("Export offline verifier page…")
        self.page_button.setToolTip(
            "One HTML file with our public keys, the issuers we trust and our revocations as of now. Put it on the "
            "web site as the verifier address, or hand it over: anyone checks a certificate with it on a phone, "
            "offline."
        )
        self.page_button.setAccessibleName("Export offline verifier page")
        self.page_button.clicked.connect(self.export_page)
        self.page_button.setVisible(ctx.can("certificates.revocations_export"))
        self.drop_hint = QLabel("…or drop a certificate PDF or a photo of a printed certificate anywhere on this page.")
        style.set_role(self.drop_hint, "subtitle")
        self.result = VerdictView()
        self.trust_panel = TrustPanel(ctx)

        buttons = QHBoxLayout()
        buttons.addWidget(self.drop_hint, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addWidget(style.title(self.title))
        layout.addWidget(
            style.subtitle(
                "Checks the signature against this institution's keys and those of the institutions it trusts, then "
                "revocations and the validity period. Works offline."
            )
        )
        layout.addWidget(self.input)
        layout.addLayout(buttons)
        layout.addSpacing(8)
        layout.addWidget(self.result)
        layout.addStretch(1)
        layout.addWidget(self.trust_panel)
        publish = QHBoxLayout()
        publish.addStretch(1)
        publish.addWidget(self.page_button)
        layout.addLayout(publish)
        self.set_tab_order(
            self.input,
            self.open_button,
            self.check_button,
            self.trust_panel.table,
            *self.trust_panel.admin_buttons,
            self.page_button,
        )

    def reload(self) -> None:
        self.trust_panel.reload()

    def focus_search(self) -> None:
        self.input.setFocus()
        self.input.selectAll()

    def check_text(self) -> None:
        text = self.input.toPlainText().strip()
        if text:
            self.verify(text)

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a certificate", "", FILE_TYPES)
        if path:
            self.verify(Path(path))

    def verify(self, source: str | Path) -> None:
        ctx = self.ctx
        self.check_button.setEnabled(False)
        self.result.clear()

        def done(result: Any) -> None:
            self.check_button.setEnabled(True)
            self.result.show_result(result)

        def failed(exc: BaseException) -> None:
            self.check_button.setEnabled(True)
            crash.report(exc, self)

        ctx.run(lambda _c: check(ctx, source), done, on_error=failed)

    def export_page(self) -> None:
        ctx = self.ctx
        target = messages.save_file_name(
            self, "Export offline verifier page", "verify.html", "Web page (*.html);;All files (*)"
        )
        if not target:
            return
        passphrase = CertificateActions(ctx, self, lambda: None).passphrase()
        if passphrase is False:
            return

        def work() -> Any:
            result = verifier_export.export_verifier_page(ctx.uow(), ctx.actor, passphrase=passphrase or None)
            Path(target).write_text(result.value, encoding="utf-8")
            return result

        ctx.mutate(
            work,
            lambda html: messages.show_info(
                self,
                "Verifier page exported",
                f"Saved to {target} ({len(html.encode('utf-8')) // 1024} KB). Publish it at your verifier address "
                "(Settings) or hand the file over; it checks certificates without any network. Export it again after "
                "revoking a certificate.",
            ),
            parent=self,
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        if data.hasUrls() and data.urls()[0].isLocalFile():
            self.verify(Path(data.urls()[0].toLocalFile()))
        elif data.hasText():
            self.input.setPlainText(data.text())
            self.check_text()
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
