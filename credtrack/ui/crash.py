"""Unexpected errors: logged to a file in the data folder and shown as an apology, never a silent crash."""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from credtrack import paths
from credtrack.errors import CredtrackError, describe_os_error
from credtrack.ui import messages

_log_file: Path | None = None


def log_file() -> Path:
    """The log in the data folder; logging is set up on first use, not at start-up."""

    global _log_file
    if _log_file is None:
        _log_file = paths.logs_dir() / "credtrack.log"
        paths.private_file(_log_file)  # owner-only (0600) like the rest of the data folder: errors name people
        handler = logging.FileHandler(_log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger("credtrack")
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return _log_file


def report(exc: BaseException, parent=None) -> None:
    """Show a person-caused error plainly; log and apologise for anything else."""

    if isinstance(exc, CredtrackError):
        messages.show_error(parent, "credtrack", exc.message)
        return
    if isinstance(exc, OSError) and exc.filename:
        # A folder that cannot be made or a file that cannot be written: the person can fix that.
        with contextlib.suppress(OSError):  # the data folder may be what cannot be written
            log_file()
            logging.getLogger("credtrack.ui").warning("File problem: %s", exc)
        messages.show_error(parent, "credtrack", describe_os_error(exc))
        return
    path = log_file()
    logging.getLogger("credtrack.ui").error(
        "Unexpected error\n%s", "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )
    messages.show_apology(
        parent,
        "Sorry — credtrack ran into a problem it did not expect, and that action did not finish.\n\n"
        f"The details were written to:\n{path}\n\n"
        "Nothing already saved was lost. If it happens again, send that file to your administrator.",
    )


def log_only(exc: BaseException, what: str) -> None:
    """Write a failure of background upkeep (nobody is waiting for it) to the log, without a dialog."""

    log_file()
    logging.getLogger("credtrack.ui").warning(
        "%s failed\n%s", what, "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    exc.__traceback__ = tb
    try:
        report(exc)
    except Exception:  # the last line of defence must not raise itself
        sys.__excepthook__(exc_type, exc, tb)


def install() -> None:
    sys.excepthook = _excepthook
