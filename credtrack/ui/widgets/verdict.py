"""How a verification result is shown: one big verdict in colour and words, then only trusted details."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from credtrack.ui.widgets.banner import Banner

# verdict value -> (tone, headline)
VERDICTS = {
    "valid": ("good", "✔  VALID — genuine and current"),
    "expired": ("warn", "⚠  EXPIRED — genuine, but no longer current"),
    "revoked": ("bad", "✖  REVOKED — the issuer withdrew this certificate"),
    "superseded": ("warn", "⚠  SUPERSEDED — replaced by a newer certificate"),
    "unknown_issuer": ("bad", "✖  UNKNOWN ISSUER — not signed by a key this workstation trusts"),
    "altered_or_forged": ("bad", "✖  ALTERED OR FORGED — do not accept this certificate"),
    "unreadable": ("info", "?  UNREADABLE — no certificate could be read from this input"),
    "internal_error": (
        "warn",
        "⚠  NOT CHECKED — credtrack failed while checking; this says nothing about the certificate",
    ),
}


def _date(value: Any) -> str:
    return value.isoformat() if value is not None else "does not expire"


class VerdictView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._verdict = ""
        self.banner = Banner(big=True)
        self.banner.setObjectName("verdict")
        self.details = QGroupBox("What the issuer signed")
        form = QFormLayout(self.details)
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("holder", "Holder"),
            ("credential", "Credential"),
            ("code", "Certificate code"),
            ("issued", "Issued"),
            ("expires", "Expires"),
            ("competencies", "Competencies"),
            ("basis", "Basis"),
            ("issuer", "Issuer"),
            ("status", "Status"),
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setAccessibleName(label)
            self.fields[key] = value
            form.addRow(f"{label}:", value)
        self.details.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.details)

    @property
    def verdict(self) -> str:
        return self._verdict

    def show_result(self, result: Any) -> None:
        verdict = str(getattr(result.verdict, "value", result.verdict))
        self._verdict = verdict
        tone, headline = VERDICTS.get(verdict, ("bad", verdict.upper()))
        self.banner.show_message(tone, headline, result.message)
        claims = result.claims
        if claims is None:
            self.details.hide()
            return
        issuer = result.issuer_name or claims.issuer
        status = {"valid": "Current", "expired": f"Expired on {_date(claims.expires_on)}"}.get(verdict, "")
        if result.revocation is not None:
            when = result.revocation.revoked_on.isoformat() if result.revocation.revoked_on else "date not given"
            status = f"Revoked on {when}: {result.revocation.reason} (source: {result.revocation.source})"
        if result.superseded_by:
            status = f"Replaced by certificate {result.superseded_by}"
        values = {
            "holder": claims.holder_name,
            "credential": claims.credential_title,
            "code": claims.code,
            "issued": claims.issued_on.isoformat(),
            "expires": _date(claims.expires_on),
            "competencies": ", ".join(claims.competencies) or "—",
            "basis": (
                "Issued by exception — not every requirement was met"
                if getattr(result, "by_exception", False)
                else "Earned: every requirement met"
            ),
            "issuer": f"{issuer}  (key {result.kid[:16]}…)" if result.kid else issuer,
            "status": status or "—",
        }
        for key, text in values.items():
            self.fields[key].setText(text)
        self.details.show()

    def clear(self) -> None:
        self._verdict = ""
        self.banner.clear()
        self.details.hide()
