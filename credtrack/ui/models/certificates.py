"""Table model for issued certificates."""

from __future__ import annotations

from typing import Any

from credtrack.ui.style import BAD, GOOD, MUTED, WARN
from credtrack.ui.table import Column, RowTableModel

STATUS_TONE = {"valid": GOOD, "revoked": BAD, "superseded": MUTED, "expired": WARN}


def _status(row: Any) -> str:
    return str(getattr(row, "display_status", None) or row.status).replace("_", " ").capitalize()


class CertificatesTableModel(RowTableModel[Any]):
    columns = (
        Column("Code", lambda r: r.code, width=135),
        Column("Holder", lambda r: r.holder_name, width=180),
        Column("Credential", lambda r: r.credential_title, width=215),
        Column("Issued", lambda r: r.issued_on, width=90),
        Column("Expires", lambda r: r.expires_on, width=90),
        Column(
            "Status",
            _status,
            colour=lambda r: STATUS_TONE.get(str(getattr(r, "display_status", None) or r.status)),
            tooltip=lambda r: getattr(r, "revoked_reason", None) or "",
        ),
    )
