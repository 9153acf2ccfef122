"""The detail pane of the Certificates page: one certificate's holder, status, dates, what it certifies, and its QR."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from credtrack.certificates import qr
from credtrack.certificates.errors import PayloadTooLargeError
from credtrack.services.certificates import queries as certificate_queries
from credtrack.ui import style

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

QUIET_ZONE = 4  # modules of white around the symbol, as the QR standard asks
WRAPPED = (
    "credential",
    "status",
    "competencies",
    "issued_by",
    "issuer",
)  # the rest are short and read best on one line
STATUS_TONES = {"valid": style.GOOD, "expired": style.WARN, "revoked": style.BAD, "superseded": style.MUTED}


@dataclass
class LoadedDetail:
    detail: Any  # services.certificate_queries.CertificateDetail
    qr: Any  # certificates.qr.QrMatrix, or None when the stored payload cannot be drawn


def load_detail(ctx: AppContext, code: str) -> LoadedDetail:
    """The certificate and its QR matrix, fetched together on a worker."""

    detail = certificate_queries.certificate_detail(ctx.uow(), ctx.actor, code)
    try:
        matrix = qr.encode(detail.row.qr_payload)
    except PayloadTooLargeError:
        matrix = None
    return LoadedDetail(detail, matrix)


def qr_image(matrix: Any, module_pixels: int = 3) -> QImage:
    """The QR symbol as a black-on-white image with its quiet zone."""
    side = (matrix.size + 2 * QUIET_ZONE) * module_pixels
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    black = QColor(0, 0, 0)
    for row, col, length in matrix.runs:
        painter.fillRect(
            QRect(
                (col + QUIET_ZONE) * module_pixels,
                (row + QUIET_ZONE) * module_pixels,
                length * module_pixels,
                module_pixels,
            ),
            black,
        )
    painter.end()
    return image


def status_text(detail: Any) -> str:
    row = detail.row
    if row.display_status == "revoked":
        when = f" on {detail.revoked_at:%d %b %Y}" if detail.revoked_at else ""
        return f"Revoked{when}: {row.revoked_reason}"
    if row.display_status == "superseded":
        return f"Superseded by {detail.superseded_by}" if detail.superseded_by else "Superseded"
    if row.display_status == "expired":
        return f"Expired on {row.expires_on:%d %b %Y}"
    return "Valid"


class CertificateDetailPane(QWidget):
    FIELDS = (
        ("credential", "Credential"),
        ("code", "Code"),
        ("status", "Status"),
        ("issued", "Issued"),
        ("expires", "Expires"),
        ("competencies", "Certifies"),
        ("issued_by", "Issued by"),
        ("issuer", "Issuer"),
        ("fingerprint", "Key fingerprint"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Certificate details")
        self.holder = style.title("")
        self.holder.setWordWrap(True)
        self.holder.setAccessibleName("Holder")
        self.holder_id = style.subtitle("")
        self.fields: dict[str, QLabel] = {}
        # A grid, not a QFormLayout: the grid gives wrapped values the height their real width needs.
        self.form = QGridLayout()
        self.form.setColumnStretch(1, 1)
        top_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        for row, (key, label) in enumerate(self.FIELDS):
            value = QLabel()
            value.setWordWrap(key in WRAPPED)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            value.setObjectName(f"certificate_{key}")
            self.fields[key] = value
            caption = QLabel(f"{label}:")
            caption.setBuddy(value)
            self.form.addWidget(caption, row, 0, top_right)
            self.form.addWidget(value, row, 1)
        style.monospace(self.fields["code"])
        style.monospace(self.fields["fingerprint"])
        self.qr = QLabel()
        self.qr.setAccessibleName("QR code preview")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.qr_note = style.subtitle("")
        self.qr_note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.empty = style.subtitle(
            "Select a certificate to see its holder, status, what it certifies and its QR code."
        )
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.holder)
        body.addWidget(self.holder_id)
        body.addLayout(self.form)
        body.addSpacing(8)
        body.addWidget(self.qr)
        body.addWidget(self.qr_note)
        body.addStretch(1)
        # A scroll area lays the wrapped values out at the width they really get, and keeps a long
        # list of competencies reachable on a small screen.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.empty)
        layout.addStretch(0)
        self.show_detail(None)

    def show_detail(self, loaded: LoadedDetail | None) -> None:
        self.loaded = loaded
        self.body.setVisible(loaded is not None)
        self.scroll.setVisible(loaded is not None)
        self.empty.setVisible(loaded is None)
        if loaded is None:
            return
        d = loaded.detail
        row = d.row
        self.holder.setText(row.holder_name)
        self.holder_id.setText(row.external_id)
        f = self.fields
        f["credential"].setText(row.credential_title)
        f["code"].setText(row.code)
        f["status"].setText(
            status_text(d)
            + (f"\nRenews {d.supersedes}" if d.supersedes else "")
            + (f"\n{d.voided_evidence}" if d.voided_evidence else "")
        )
        style.colour(f["status"], style.WARN if d.voided_evidence else STATUS_TONES.get(row.display_status))
        f["issued"].setText(f"{row.issued_on:%d %b %Y}")
        f["expires"].setText(f"{row.expires_on:%d %b %Y}" if row.expires_on else "Does not expire")
        f["competencies"].setText("\n".join(f"{code} · {label}" for code, label in d.competencies) or "—")
        issued_by = d.issued_by or "credtrack (set-up or demo data)"
        if d.override_reason:
            issued_by += f"\nIssued by exception, not earned: {d.override_reason}"
        f["issued_by"].setText(issued_by)
        f["issuer"].setText(d.issuer_name or "—")
        f["fingerprint"].setText(d.key_fingerprint)
        if loaded.qr is None:
            self.qr.clear()
            self.qr_note.setText("The stored QR payload is too large to draw.")
            return
        self.qr.setPixmap(QPixmap.fromImage(qr_image(loaded.qr)))
        self.qr_note.setText(f"QR version {loaded.qr.version}, as printed on the certificate")
