"""What a learner receives: their certificate's PDF named for people, the e-mail that carries it, and the ZIP
of files for a whole group (one per person) that an educator hands out another way."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from credtrack.certificates import pdf
from credtrack.errors import ValidationError
from credtrack.models import Certificate
from credtrack.services.certificates import copies
from credtrack.services.settings import InstitutionSettings
from credtrack.text import MAX_FILE_NAME_BYTES, cap_utf8

DASH = " \N{EN DASH} "
# Characters Windows refuses in a file name, and the names it keeps for devices whatever their extension.
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?", re.IGNORECASE)

FIELDS = ("name", "credential", "code", "issued", "expires", "institution")
DEFAULT_SUBJECT = "Your certificate: {credential}"
DEFAULT_BODY = (
    "Dear {name},\n\n"
    "Congratulations: your certificate “{credential}” is attached, issued by {institution} on {issued}.\n\n"
    "Its code is {code}. Anyone you show it to can check that it is genuine by scanning its QR code or "
    "entering the code in the verifier.\n\n"
    "With best wishes,\n{institution}\n"
)


def file_stem(holder_name: str, credential_title: str, code: str) -> str:
    """``Name – Credential – Code``, safe as a file name on Windows, macOS and Linux alike."""
    head = f"{_clean(holder_name)}{DASH}{_clean(credential_title)}"
    tail = f"{DASH}{code}"
    room = MAX_FILE_NAME_BYTES - len(tail.encode()) - len(b".pdf (999)")
    stem = cap_utf8(head, room).rstrip(" .") + tail
    return f"_{stem}" if _WINDOWS_RESERVED.fullmatch(stem) else stem


def unique_name(stem: str, suffix: str, taken: set[str]) -> str:
    """``stem + suffix``, or ``stem (2) + suffix`` and so on, never a name already in ``taken`` (compared as
    Windows and macOS compare names: ignoring case); the name chosen is added to ``taken``."""
    name, n = stem + suffix, 1
    while name.casefold() in taken:
        n += 1
        name = f"{stem} ({n}){suffix}"
    taken.add(name.casefold())
    return name


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _WINDOWS_FORBIDDEN.sub("_", text)
    return " ".join(text.split()).strip(" .") or "_"


def check_templates(subject: str, body: str) -> tuple[str, str]:
    """The subject and body, trimmed, if every ``{field}`` in them is one credtrack fills in."""
    subject = " ".join(subject.split())
    body = body.strip() + "\n"
    if not subject:
        raise ValidationError("The subject is empty: write what the learner will see in their inbox.", field="subject")
    if not body.strip():
        raise ValidationError("The message is empty: write a few words to go with the certificate.", field="body")
    sample = dict.fromkeys(FIELDS, "x")
    for what, text in (("subject", subject), ("message", body)):
        try:
            text.format_map(sample)
        except KeyError as exc:
            raise ValidationError(
                f"The {what} names {{{exc.args[0]}}}, which credtrack does not fill in. Use "
                + ", ".join(f"{{{f}}}" for f in FIELDS)
                + "; to write a brace itself, double it ({{ or }}).",
                field=what,
            ) from exc
        except (ValueError, IndexError) as exc:
            raise ValidationError(
                f"The {what} has a brace credtrack cannot read ({exc}): fields are written like {{name}}, and a "
                "brace itself is doubled ({{ or }}).",
                field=what,
            ) from exc
    return subject, body


def fill(template: str, cert: Certificate, institution: InstitutionSettings) -> str:
    return template.format_map(
        {
            "name": cert.holder_name,
            "credential": cert.credential_title,
            "code": cert.code,
            "issued": pdf.format_date(cert.issued_on),
            "expires": pdf.format_date(cert.expires_on) if cert.expires_on else "never",
            "institution": institution.institution_name or "the education office",
        }
    )


def pdf_bytes(cert: Certificate, institution: InstitutionSettings, folder: Path) -> bytes:
    """The certificate's PDF exactly as issued (the caller has made sure it is still in force)."""
    path = copies.write_pdf(cert, institution, folder)
    try:
        return path.read_bytes()
    finally:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Letter:
    """The parts of one learner's e-mail that do not depend on the server."""

    to: str
    subject: str
    body: str
    pdf_name: str
    pdf: bytes
    badge_name: str = ""
    badge: str = ""  # the signed Open Badges credential (VC-JWT), when the mailing includes it

    def message(self) -> EmailMessage:
        message = EmailMessage()
        message["To"] = self.to
        message["Subject"] = self.subject
        message.set_content(self.body)
        message.add_attachment(self.pdf, maintype="application", subtype="pdf", filename=self.pdf_name)
        if self.badge:
            message.add_attachment(
                self.badge.encode("ascii"), maintype="application", subtype="jwt", filename=self.badge_name
            )
        return message


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """Where PDFs are drawn before they are attached or zipped, removed afterwards."""
    return tempfile.TemporaryDirectory(prefix="credtrack-learners-")
