"""Helpers, not tests: issued certificates whose holders have (or lack) e-mail addresses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from credtrack.db import Database
from credtrack.models import Person
from credtrack.services import mail
from credtrack.services.certificates import issuing as certificates
from tests.integration.test_certificate_world import DAY, World, build_world

NAMES = ("Nguyễn Thị Minh Khai", "Amir Haddad", "Mary-Jane O'Neill", "Chidi Okafor", "Siobhán Ní Bhriain")


@dataclass
class Issued:
    world: World
    codes: list[str]  # in the order of NAMES
    emails: dict[str, str]  # code -> address; a code missing here has no address


def issue_to_everyone(db: Database, *, without_email: tuple[int, ...] = ()) -> Issued:
    """Each of NAMES holds a certificate; the people at ``without_email`` (indexes) have no address."""
    w = build_world(db, NAMES)
    codes, emails = [], {}
    with db.unit_of_work() as uow:
        people = list(uow.session.scalars(select(Person).where(Person.external_id.like("E%")).order_by(Person.id)))
        for i, person in enumerate(people):
            person.email = None if i in without_email else f"learner{i}@riverbend.example"
        uow.commit()
        ids = [(p.id, p.email) for p in people]
    for person_id, email in ids:
        cert = certificates.issue_certificate(db.unit_of_work(), w.admin, person_id, w.credential_id, today=DAY).value
        codes.append(cert.code)
        if email:
            emails[cert.code] = email
    return Issued(w, codes, emails)


def use_server(db: Database, issued: Issued, server, password: str | None = None) -> None:
    mail.update_mail_settings(db.unit_of_work(), issued.world.admin, server.settings(), password=password)
