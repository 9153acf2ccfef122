"""People page: record a filled-in paper rating form from its scan or photo.

The form's QR code names the learner and the source it was printed for (``services.rating_forms``); the
page goes to that learner and opens the source's form for the scores to be typed from the paper. The
code proves nothing, so the person recording still names the rater, attests and signs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from credtrack.errors import ValidationError
from credtrack.services.rating_forms import ScannedForm, read_scanned_form
from credtrack.ui import messages

if TYPE_CHECKING:
    from credtrack.ui.pages.people import PeoplePage

FILES = "Scans and photos (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.webp);;All files (*)"


def record_from_scan(page: PeoplePage) -> None:
    """Ask for the scan, read its QR code off the UI thread, then record the rating on that learner's form."""
    chosen = messages.open_file_name(page, "Record from a scanned form", FILES)
    if not chosen:
        return
    ctx = page.ctx

    def work(_check: Any) -> ScannedForm:
        try:
            data = Path(chosen).read_bytes()
        except OSError as exc:
            raise ValidationError(f"Cannot read {chosen}: {exc.strerror or exc}.") from None
        return read_scanned_form(ctx.uow(), ctx.actor, data)

    def done(form: ScannedForm) -> None:
        page.select_person(form.person_id)  # shown when the filters let them be; the form names them anyway
        page.record_rating((form.person_id, form.learner_name), form.source_code)

    ctx.run(work, done, parent=page)
