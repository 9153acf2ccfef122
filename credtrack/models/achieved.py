"""First-achievement days as the judge worked them out: a rebuildable projection the outcome reports read.

The reports by unit, retention and the outcome reports ask when each person first achieved a credential
(``credtrack.reports.achievement``). Judged for everyone that costs about a second per few credentials on
the records bench; read from here it costs a lookup. Nothing here is trusted blindly:

* ``achieved_days`` holds, per person, the days of the credentials judged and a digest of the packed
  evidence (``person_evidence``) they were judged from. A person whose evidence no longer has that digest
  is judged again by the reader, so a row left behind by a change is never believed;
* ``achieved_rules`` holds, per credential, a fingerprint of the rules (and the scales' level ranks) its
  days were judged under. A credential whose rules changed since is judged afresh for everyone.

Only ``credtrack.reports.achieved_days`` writes or reads these tables (``refresh`` rebuilds what is out of
step; ``rebuild`` everything).

Format of ``days``: ``,12:2026-03-01,40:2025-11-30,`` — credential id and first day of each credential the
person had achieved, among those in ``achieved_rules`` when the row was written.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credtrack.models.base import Base


class AchievedDays(Base):
    __tablename__ = "achieved_days"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    evidence_digest: Mapped[int] = mapped_column(BigInteger)
    days: Mapped[str] = mapped_column(Text, default="", server_default="")


class AchievedRules(Base):
    __tablename__ = "achieved_rules"

    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
