"""Where a batch issue keeps its signed files until the database has recorded them, and the repair of
a batch that was stopped (killed, power cut) before it finished.

A batch signs hundreds of certificates before its one transaction commits. Its files wait in a
folder of its own under the data folder's ``batches`` (owner-only, never the output folder, which
may be shared), held by a lock while the batch runs and described by a manifest: the database,
the cohort, the output folder, and — written just before the commit — the certificate codes and
file names. On the next open, a folder nobody holds is settled by asking the database:

- no file list, or none of its codes recorded: the transaction never committed; nothing was
  issued, and the signed files (valid-looking but unrecorded, so unrevocable) are deleted;
- its codes recorded: the batch committed but was stopped while moving files; the rest are
  moved into the output folder, so every recorded certificate has its PDF.

Each outcome comes back as a sentence for the person opening the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import func, select

from credtrack import paths
from credtrack.db import Database
from credtrack.errors import CredtrackError
from credtrack.models import Certificate

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LOCK = "batch.lock"


def _write_manifest(folder: Path, manifest: dict) -> None:
    """Replace the manifest in one step (write, flush to disk, rename), so a crash leaves the old or the new."""
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(manifest, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, folder / MANIFEST)


@dataclass
class Staging:
    """The private folder of one running batch; ``folder`` is where its workers write."""

    folder: Path
    out_dir: Path
    manifest: dict
    lock: FileLock

    @classmethod
    def start(cls, db: Database, cohort_code: str, out_dir: Path) -> Staging:
        folder = Path(tempfile.mkdtemp(prefix="batch-", dir=paths.batches_dir()))  # 0700
        lock = FileLock(str(folder / LOCK))
        lock.acquire()
        manifest = {
            "database": db.describe(),
            "cohort": cohort_code,
            "out_dir": str(out_dir.resolve()),
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": None,
        }
        _write_manifest(folder, manifest)
        return cls(folder, out_dir, manifest, lock)

    def sealed(self, combined: Path, singles: list[tuple[str, Path]]) -> None:
        """Record what the batch made, just before its transaction commits."""
        self.manifest["files"] = {"combined": combined.name, "singles": [[code, p.name] for code, p in singles]}
        _write_manifest(self.folder, self.manifest)

    def deliver(self) -> None:
        """Move every file into the output folder, then remove the staging folder."""
        try:
            _move_files(self.folder, self.out_dir, self.manifest["files"])
        except OSError as exc:
            self.close(remove=False)
            raise CredtrackError(
                f"The certificates were issued and recorded, but their files could not be moved into "
                f"{self.out_dir} ({exc.strerror or exc}). They are kept privately and will be moved there the "
                "next time credtrack opens this database; make the folder writable first."
            ) from exc
        self.close(remove=True)

    def close(self, *, remove: bool) -> None:
        self.lock.release()
        if remove:
            shutil.rmtree(self.folder, ignore_errors=True)


def _file_names(files: dict) -> list[str]:
    return [name for _code, name in files["singles"]] + [files["combined"]]


def _move_files(folder: Path, out_dir: Path, files: dict) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    moved = 0
    for name in _file_names(files):
        source = folder / name
        if source.exists():
            source.replace(out_dir / name)
            moved += 1
    return moved


def recover(db: Database) -> list[str]:
    """Settle every batch of this database that was stopped before it finished; say what was done."""
    root = paths.data_dir() / "batches"
    if not root.is_dir():
        return []
    messages = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        lock = FileLock(str(folder / LOCK))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue  # a batch still running
        try:
            message = _settle(db, folder)
        finally:
            lock.release()
        if message:
            log.warning(message)
            messages.append(message)
    return messages


def _settle(db: Database, folder: Path) -> str | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    if manifest is not None and manifest.get("database") != db.describe():
        return None  # another database's batch: settled when that one is opened
    cohort = manifest.get("cohort", "?") if manifest else "?"
    started = manifest.get("started_at", "") if manifest else ""
    files = manifest.get("files") if manifest else None
    recorded = 0
    if files:
        codes = [code for code, _name in files["singles"]]
        with db.unit_of_work() as uow:
            recorded = sum(
                uow.session.scalar(
                    select(func.count()).select_from(Certificate).where(Certificate.code.in_(codes[i : i + 500]))
                )
                or 0
                for i in range(0, len(codes), 500)
            )
    if files and recorded:
        out_dir = Path(manifest["out_dir"])
        try:
            moved = _move_files(folder, out_dir, files)
        except OSError as exc:
            return (
                f"The batch issue of cohort {cohort} started {started} was recorded, but its last certificate "
                f"files could not be moved into {out_dir} ({exc.strerror or exc}). They are kept in {folder}; "
                "make that folder writable and open credtrack again, or reprint those certificates."
            )
        shutil.rmtree(folder, ignore_errors=True)
        return (
            f"The batch issue of cohort {cohort} started {started} was stopped after it was recorded, while "
            f"its files were being moved: the remaining {moved} file(s) were moved into {out_dir}; all "
            f"{recorded} certificates are issued and have their PDF."
        )
    unfinished = sum(1 for p in folder.iterdir() if p.suffix == ".pdf")
    with contextlib.suppress(OSError):
        shutil.rmtree(folder)
    return (
        f"The batch issue of cohort {cohort} started {started} was stopped before it finished: nothing "
        f"from it was issued, and its {unfinished} unfinished certificate file(s) were deleted. Issue the "
        "cohort again."
    )
