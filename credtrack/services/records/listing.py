"""A person's records as their page lists them: completions and sign-offs, voided ones included."""

from __future__ import annotations

from sqlalchemy import select

from credtrack.db import UnitOfWork
from credtrack.models import Assessment, Completion, Person, User
from credtrack.services.common import get_or_404
from credtrack.services.permissions import Actor, require
from credtrack.services.records.completions import CompletionRow, completion_row
from credtrack.services.records.signoffs import AssessmentRow, assessment_row


def person_records(uow: UnitOfWork, actor: Actor, person_id: int) -> tuple[list[CompletionRow], list[AssessmentRow]]:
    """A person's completions and sign-offs, newest first, voided ones included (marked)."""
    with uow:
        require(actor, "read")
        session = uow.session
        get_or_404(session, Person, person_id, "person")
        users: dict[int | None, str] = dict(session.execute(select(User.id, User.display_name)).all())
        comps = session.scalars(
            select(Completion)
            .where(Completion.person_id == person_id)
            .order_by(Completion.completed_on.desc(), Completion.id.desc())
        )
        completions = [completion_row(c, users.get(c.recorded_by_id) or "") for c in comps]
        assessments = [
            assessment_row(a)
            for a in session.scalars(
                select(Assessment)
                .where(Assessment.person_id == person_id)
                .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
            )
        ]
        return completions, assessments
