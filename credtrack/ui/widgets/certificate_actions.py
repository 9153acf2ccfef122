"""What can be done with one issued certificate, and with revocation lists; shared by the Certificates page."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from credtrack import paths
from credtrack.certificates.errors import SigningKeyError
from credtrack.certificates.verify import Trust
from credtrack.services import keys
from credtrack.services.certificates import copies as certificate_copies
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import revocations
from credtrack.services.changes import Result
from credtrack.ui import messages, printing

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

WITHDRAWN = {"revoked": "REVOKED", "superseded": "SUPERSEDED"}
AS_ISSUED = {
    "open": ("Open PDF", "Writes the PDF exactly as issued and opens it in your PDF viewer."),
    "print": ("Print…", "Print the certificate exactly as issued (Ctrl+P)."),
    "save": ("Save PDF as…", "Save the certificate's PDF, exactly as issued, where you choose."),
    "badge": ("Export Open Badge…", "Export the certificate as a signed Open Badges 3.0 credential."),
}
MARKED = {"open": "Open marked copy", "print": "Print marked copy…", "save": "Save marked copy as…"}


def output_folder() -> Path:
    """Where reprints and Open Badges exports are written: the data folder's certificates folder."""
    return paths.certificates_dir()


class CertificateActions:
    def __init__(self, ctx: AppContext, parent: QWidget, selected: Callable[[], Any]) -> None:
        self.ctx, self.parent, self.selected = ctx, parent, selected
        self.revoked_copies_allowed = True  # the institution's setting; the page sets it as it loads
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_pdf)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_pdf)
        self.badge_button = QPushButton()
        self.badge_button.clicked.connect(self.export_badge)
        self.renew_button = QPushButton("Renew")
        self.renew_button.clicked.connect(self.renew)
        self.revoke_button = QPushButton("Revoke…")
        self.revoke_button.clicked.connect(self.revoke)
        self.renew_button.setVisible(ctx.can("certificates.issue"))
        self.revoke_button.setVisible(ctx.can("certificates.revoke"))
        for button in self.copy_buttons():
            button.setVisible(ctx.can("certificates.reprint"))

    def buttons(self) -> list[QPushButton]:
        return [*self.copy_buttons(), self.renew_button, self.revoke_button]

    def copy_buttons(self) -> list[QPushButton]:
        return [self.open_button, self.print_button, self.save_button, self.badge_button]

    def _copies(self) -> dict[str, QPushButton]:
        return {
            "open": self.open_button,
            "print": self.print_button,
            "save": self.save_button,
            "badge": self.badge_button,
        }

    def update(self, row: Any) -> None:
        has = row is not None
        withdrawn = WITHDRAWN.get(row.status) if has else None
        for key, button in self._copies().items():
            label, tip = AS_ISSUED[key]
            enabled = has
            if withdrawn and key == "badge":
                enabled = False
                tip = (
                    f"{row.code} is {row.status}: it is not exported as an Open Badge, because a signed badge "
                    "carries no status and would pass for one in force."
                )
            elif withdrawn and not self.revoked_copies_allowed:
                enabled = False
                tip = (
                    f"{row.code} is {row.status}. This institution does not print revoked or superseded "
                    "certificates, not even as a marked copy (Settings › Institution)."
                )
            elif withdrawn:
                label = MARKED[key]
                tip = (
                    f"{row.code} is {row.status}: it prints only as a copy marked {withdrawn} across the page, "
                    "with the date and the reason, and its QR code covered."
                )
            button.setText(label)
            button.setToolTip(tip)
            button.setEnabled(enabled)
        self.renew_button.setEnabled(has and row.status == "valid")
        self.revoke_button.setEnabled(has and row.status != "revoked")

    def passphrase(self) -> str | bool | None:
        """The key's passphrase if it has one; None if not needed; False if the user cancelled."""

        key = keys.active_key(self.ctx.uow())
        if key is None or not key.encrypted:
            return None
        answer = messages.ask_text(
            self.parent, "Signing key passphrase", "The signing key is protected. Enter its passphrase:", secret=True
        )
        return False if answer is None else answer

    # -- one certificate -------------------------------------------------------
    def _reprint(self, then: Callable[[Path], None]) -> None:

        row, ctx = self.selected(), self.ctx
        if row is None:
            return

        def work() -> Any:
            return certificate_copies.reprint(ctx.uow(), ctx.actor, row.code, output_folder())

        ctx.mutate(work, lambda copy: then(copy.path), parent=self.parent)

    def open_pdf(self) -> None:
        if self.open_button.isEnabled():  # also reached by double-clicking a row
            self._reprint(lambda path: messages.open_with_system(str(path)))

    def print_pdf(self) -> None:
        row = self.selected()
        if row is not None and self.print_button.isEnabled():  # also reached by Ctrl+P
            self._reprint(lambda path: self._print(path, row.code))

    def _print(self, path: Path, code: str) -> None:
        printer = printing.choose_printer(self.parent, f"Print certificate {code}")
        if printer is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            printing.print_pdf(path, printer)
        except printing.PrintError as exc:
            messages.show_error(self.parent, "Print", exc.message)
        finally:
            QApplication.restoreOverrideCursor()

    def save_pdf(self) -> None:
        row = self.selected()
        if row is None:
            return
        withdrawn = WITHDRAWN.get(row.status)
        name = f"{row.code}-{withdrawn}-COPY.pdf" if withdrawn else f"{row.code}.pdf"
        target = messages.save_file_name(self.parent, "Save certificate PDF", name, "PDF (*.pdf)")
        if target:
            self._reprint(lambda path: shutil.copyfile(path, target))

    def export_badge(self) -> None:
        row, ctx = self.selected(), self.ctx
        if row is None:
            return
        target = messages.save_file_name(
            self.parent, "Export Open Badge", f"{row.code}.json", "Open Badge credential (*.json)"
        )
        if not target:
            return
        passphrase = self.passphrase()
        if passphrase is False:
            return

        def work() -> Any:
            exported = certificate_copies.export_openbadge(
                ctx.uow(), ctx.actor, row.code, passphrase=passphrase or None
            )
            token, badge = exported.value
            json_path = Path(target)
            json_path.write_text(json.dumps(badge, indent=2, ensure_ascii=False), encoding="utf-8")
            json_path.with_suffix(".jwt").write_text(token, encoding="ascii")
            return Result(json_path, exported.changes)

        ctx.mutate(
            work,
            lambda path: messages.show_info(
                self.parent,
                "Open Badge exported",
                f"Saved {path.name} (the credential) and {path.with_suffix('.jwt').name} (signed VC-JWT).",
            ),
            parent=self.parent,
        )

    def renew(self) -> None:

        row, ctx = self.selected(), self.ctx
        if row is None or not messages.confirm(
            self.parent,
            "Renew certificate",
            f"Issue a new certificate to {row.holder_name} that replaces {row.code}? "
            "Eligibility is checked again; the old one is marked superseded.",
        ):
            return
        passphrase = self.passphrase()
        if passphrase is False:
            return

        def work() -> Any:
            return certificates.renew_certificate(
                ctx.uow(), ctx.actor, row.code, out_dir=output_folder(), passphrase=passphrase or None
            )

        ctx.mutate(
            work,
            lambda new: messages.show_info(self.parent, "Renewed", f"{new.code} replaces {row.code}."),
            parent=self.parent,
        )

    def revoke(self) -> None:
        row, ctx = self.selected(), self.ctx
        if row is None:
            return
        reason = messages.ask_text(
            self.parent,
            "Revoke certificate",
            f"Why is {row.code} ({row.holder_name}) being revoked? Verifiers will see this.",
        )
        if not reason:
            return

        def work() -> Any:
            return certificates.revoke_certificate(ctx.uow(), ctx.actor, row.code, reason)

        ctx.mutate(work, parent=self.parent)

    # -- revocation lists -----------------------------------------------------
    def export_revocations(self) -> None:
        ctx = self.ctx
        target = messages.save_file_name(
            self.parent, "Export revocation list", "revocations.ctrl", "Signed revocation list (*.ctrl);;All files (*)"
        )
        if not target:
            return
        passphrase = self.passphrase()
        if passphrase is False:
            return

        def work(_c: Any) -> str:
            text = revocations.export_revocation_list(ctx.uow(), ctx.actor, passphrase=passphrase or None)
            Path(target).write_text(text, encoding="utf-8")
            return target

        ctx.run(
            work,
            lambda path: messages.show_info(self.parent, "Exported", f"Revocation list saved to {path}."),
            parent=self.parent,
        )

    def import_revocations(self) -> None:
        ctx = self.ctx
        source = messages.open_file_name(
            self.parent, "Import revocation list", "Signed revocation list (*.ctrl);;All files (*)"
        )
        if not source:
            return

        try:
            text = Path(source).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            messages.show_error(
                self.parent,
                "Import revocation list",
                f"{source} is not a revocation list: it is not text. Choose the .ctrl file the issuer exported.",
            )
            return
        except OSError as exc:
            messages.show_error(
                self.parent, "Import revocation list", f"{source} cannot be read ({exc.strerror or exc})."
            )
            return
        extra: list[dict] = []
        if not revocations.signer_is_trusted(ctx.uow(), text):
            # A list from another workstation's issuer is checked against that issuer's public keys.
            jwks = messages.open_file_name(
                self.parent,
                "Choose the issuer's public key file (JWKS) that signed this list",
                "Public keys (*.json *.jwks);;All files (*)",
            )
            if not jwks:
                messages.show_info(
                    self.parent,
                    "Nothing imported",
                    (
                        "This revocation list was signed by an issuer whose public key this database does not know. "
                        "Ask that issuer for its public key file (Settings › Export public key, or "
                        "`credtrack-cli keys export-jwks`) and choose it when you import the list."
                    ),
                )
                return
            try:
                extra = [json.loads(Path(jwks).read_text(encoding="utf-8"))]
                Trust.from_jwks(extra[0])
            except UnicodeDecodeError:
                messages.show_error(
                    self.parent,
                    "Import revocation list",
                    f"{jwks} is not a public key file (JWKS): it is not UTF-8 text.",
                )
                return
            except ValueError as exc:
                messages.show_error(
                    self.parent,
                    "Import revocation list",
                    f"{jwks} is not a public key file (JWKS): it is not JSON ({exc}).",
                )
                return
            except OSError as exc:
                messages.show_error(
                    self.parent, "Import revocation list", f"{jwks} cannot be read ({exc.strerror or exc})."
                )
                return
            except SigningKeyError as exc:
                messages.show_error(self.parent, "Import revocation list", f"{jwks}: {exc}")
                return

        def work() -> Any:
            return revocations.import_revocation_list(ctx.uow(), ctx.actor, text, extra_jwks=extra)

        ctx.mutate(
            work,
            lambda s: messages.show_info(
                self.parent,
                "Revocation list imported",
                f"{s.issuer_name or 'Issuer'}: {s.total} revocations as of {s.as_of:%Y-%m-%d %H:%M}, {s.new} new.",
            ),
            parent=self.parent,
        )
