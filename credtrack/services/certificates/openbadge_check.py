"""Verifying a pasted Open Badges token with what this database trusts: keys, revocations, renewals."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import select

from credtrack.certificates import openbadge_token, openbadges
from credtrack.certificates.verify import Verdict
from credtrack.db import UnitOfWork
from credtrack.models import Certificate
from credtrack.services.certificates.revocations import trust_from_session


def verify_token(
    uow: UnitOfWork, text: str, *, extra_jwks: list[dict] | None = None, today: dt.date | None = None
) -> tuple[openbadge_token.TokenCheck, str | None]:
    """The token's verdict and, when this database issued it, the certificate code it stands for."""
    with uow:
        session = uow.session
        trust = trust_from_session(session, extra_jwks)
        result = openbadge_token.check(text, trust.keys, today=today)
        if not result.credential_id:
            return result, None
        code = next(
            (
                c
                for (c,) in session.execute(select(Certificate.code))
                if openbadges.credential_id(result.issuer_id, c) == result.credential_id
            ),
            None,
        )
        if code is None:
            return result, None
        revoked = trust.revocations.get(code)
        if revoked is not None:
            when = f" on {revoked.revoked_on.isoformat()}" if revoked.revoked_on else ""
            return replace(
                result,
                verdict=Verdict.REVOKED,
                message=f"Genuine, but certificate {code} was revoked{when}: {revoked.reason}",
            ), code
        if code in trust.superseded:
            return replace(
                result,
                verdict=Verdict.SUPERSEDED,
                message=f"Genuine, but certificate {code} was replaced by {trust.superseded[code]}.",
            ), code
        return result, code
