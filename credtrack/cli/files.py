"""Files named on the command line: read them, or say in one line why they cannot be read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from credtrack.certificates import payload
from credtrack.errors import ValidationError

_CERTIFICATE_FILE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif")


def read_text(path: Path, what: str) -> str:
    """The file's UTF-8 text, or a ValidationError naming the file and what is wrong with it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError(f"{path} does not exist; check the name of the {what}.") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a folder, not a {what}.") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not a {what}: it is not UTF-8 text.") from None
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read ({exc.strerror or exc}).") from None


def read_jwks(path: Path) -> dict[str, Any]:
    """A JWKS file: a JSON object whose ``keys`` is a list of JSON objects."""
    text = read_text(path, "key file (JWKS)")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} is not a key file (JWKS): not JSON (line {exc.lineno}).") from None
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not all(isinstance(key, dict) for key in keys):
        raise ValidationError(f'{path} is not a key file (JWKS): it needs an object with a "keys" list.')
    return document


def certificate_source(text: str) -> str | Path:
    """What ``verify`` was given: an existing file, or text to read as a QR payload or code.

    QR payloads can be thousands of characters long and contain ``/``, so a name too long
    for the file system is text, not an error. A name that looks like a PDF or image file
    but does not exist is an error of its own, so nobody is told their file is "a code".
    """
    path = Path(text)
    try:
        if path.is_file():
            return path
        is_dir = path.is_dir()
    except (OSError, ValueError):  # too long for a file name, or a NUL in it: it is text
        return text
    if is_dir:
        raise ValidationError(f"{text} is a folder; name a certificate PDF or image inside it.")
    if path.suffix.lower() in _CERTIFICATE_FILE_SUFFIXES and not payload.looks_like_payload(text):
        raise ValidationError(f"{text} does not exist; check the file name.")
    return text
