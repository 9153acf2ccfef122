"""Institution settings: saved from the settings dialog in one go, audited, and checked."""

from __future__ import annotations

import pytest

from credtrack.errors import ValidationError
from credtrack.services import settings
from credtrack.services.changes import Change
from tests.unit.records.builders import audit_count, build_world, snapshot

EVERYTHING = {
    "institution_name": "Hôpital Sainte-Anne",
    "institution_url": "https://example.org",
    "signatory_name": "Dr Amélie Dubois",
    "signatory_title": "Director of Interprofessional Education",
    "logo_path": "/srv/credtrack/logo.png",
    "signature_path": "/srv/credtrack/signature.png",
    "certificate_title": "Certificate of Interprofessional Practice",
    "verifier_address": "https://credtrack.example.org/verify",
    "revoked_copies": "refuse",
}


def test_every_setting_can_be_saved_at_once(db) -> None:
    w = build_world(db)
    events = audit_count(db)
    result = settings.update_institution(w.uow(), w.admin, **EVERYTHING)
    assert result.changes == Change.SETTINGS | Change.AUDIT
    assert settings.as_dict(settings.get_institution(w.uow())) == EVERYTHING
    assert audit_count(db) == events + 1
    again = settings.update_institution(w.uow(), w.admin, **EVERYTHING)  # nothing new: nothing written
    assert again.changes == Change.NONE and audit_count(db) == events + 1


def test_settings_refuse_an_empty_institution_name_and_unknown_keys(db) -> None:
    w = build_world(db)
    before = snapshot(db)
    with pytest.raises(ValidationError, match="institution name cannot be empty"):
        settings.update_institution(w.uow(), w.admin, institution_name="  ")
    with pytest.raises(ValidationError, match="Unknown setting\\(s\\): colour"):
        settings.update_institution(w.uow(), w.admin, colour="blue")
    assert snapshot(db) == before
