"""Sealing a certificate: its Open Badges record, the digest the QR carries, and the signed QR text.

Needs no database, so a batch seals its certificates in the worker processes that
also draw them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from credtrack.certificates import openbadges, payload, qr
from credtrack.certificates.keys import SigningKey


@dataclass(frozen=True)
class Sealed:
    """What signing adds to a certificate's record."""

    qr_text: str
    digest: bytes
    snapshot_json: str  # the snapshot with its Open Badges record, exactly as stored


def seal(snapshot: dict[str, Any], claims: payload.Claims, key: SigningKey) -> Sealed:
    """Build the Open Badges record of ``snapshot`` and sign ``claims`` bound to it by its digest.

    ``snapshot`` is left unchanged; ``claims.openbadge_digest`` is replaced.
    """
    badge = openbadges.build(snapshot)
    digest = openbadges.digest(badge)
    qr_text = qr.sign_to_fit(
        replace(claims, openbadge_digest=digest), key, address=snapshot.get("verifier_address") or ""
    )
    stored = json.dumps({**snapshot, "openbadge": badge}, ensure_ascii=False, sort_keys=True)
    return Sealed(qr_text, digest, stored)
