"""Backup and restore from the command line, as an administrator would run them.

Each round: back up (database, checkpoints, the signing key encrypted under a backup passphrase),
change records, lose the key file, restore. It survives when the records are those of the
backup, the audit chain verifies, the key and the checkpoints are back and the replaced database
was kept. Then altered copies of a backup (a flipped byte, a cut-off file, an added member) are
offered to restore: each must be refused with the database left as it was. Figures: the backup's
size and the time each step took.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from common import Outcome, TrialContext

PASSWORD = "trial admin password"
BACKUP_PASSPHRASE = "trial backup passphrase"


class Cli:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            **os.environ,
            "CREDTRACK_HOME": str(home),
            "CREDTRACK_USER": "admin",
            "CREDTRACK_PASSWORD": PASSWORD,
            "BACKUP_PASS": BACKUP_PASSPHRASE,
        }
        self.env.pop("CREDTRACK_DATABASE_URL", None)

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "credtrack.cli", *args], env=self.env, capture_output=True, text=True, timeout=600
        )


def _people(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM person").fetchone()[0]


def _key_files(home: Path) -> list[Path]:
    return sorted((home / "keys").glob("*.pem"))


def run(ctx: TrialContext) -> list[Outcome]:
    rounds, demo_people = (1, 20) if ctx.quick else (5, 400)
    home = ctx.work / "home"
    cli = Cli(home)
    database = home / "credtrack.db"
    for step in (("init", "--demo", "--admin", "admin"), ("demo", "--people", str(demo_people))):
        done = cli(*step)
        if done.returncode != 0:
            return [Outcome("backup", "sqlite", "set-up for the trial", 1, 0, "set-up succeeds", done.stderr[-300:])]
    checkpoints = home / "audit-checkpoints.jsonl"
    ok_rounds, problems, sizes, timings = 0, [], [], {"backup": [], "restore": []}
    last_backup: Path | None = None
    for number in range(rounds):
        cli("audit", "checkpoint")
        at_backup = checkpoints.read_text(encoding="utf-8")
        started = time.perf_counter()
        made = cli("db", "backup", "--passphrase-env", "BACKUP_PASS")
        timings["backup"].append(time.perf_counter() - started)
        if made.returncode != 0:
            problems.append(f"backup: {made.stderr.strip()[-200:]}")
            continue
        last_backup = Path(made.stdout.splitlines()[0].removeprefix("Backup written: "))
        sizes.append(last_backup.stat().st_size)
        expected = _people(database)
        changed = cli("people", "add", f"TRIAL-{number}", f"Trial Person {number}").returncode == 0
        cli("audit", "checkpoint")  # the file moves on past the backup
        moved_on = checkpoints.read_text(encoding="utf-8") != at_backup
        for key in _key_files(home):
            key.unlink()
        started = time.perf_counter()
        restored = cli("db", "restore", str(last_backup))
        timings["restore"].append(time.perf_counter() - started)
        verified = cli("audit", "verify")
        checks = {
            "change made after the backup": changed and moved_on,
            "restore exit 0": restored.returncode == 0,
            "records as backed up": _people(database) == expected,
            "audit chain intact": verified.returncode == 0 and "intact" in verified.stdout,
            "key back": bool(_key_files(home)),
            "checkpoints back": checkpoints.read_text(encoding="utf-8") == at_backup,
            "replaced database kept": "backed up first" in restored.stdout,
        }
        failed = [name for name, ok in checks.items() if not ok]
        if failed:
            problems.append(f"round {number}: {', '.join(failed)} {restored.stderr.strip()[-200:]}")
        else:
            ok_rounds += 1

    refused, altered = 0, _altered_copies(last_backup, ctx.work) if last_backup else []
    for path in altered:
        before = _people(database)
        answer = cli("db", "restore", str(path))
        if answer.returncode != 0 and "nothing was restored" in answer.stderr.lower() and _people(database) == before:
            refused += 1
        else:
            problems.append(f"{path.name} was not refused cleanly")
    size = f"{max(sizes) / 1024:.0f} KiB" if sizes else "-"
    timing = ", ".join(f"{name} {max(values):.2f} s" for name, values in timings.items() if values)
    return [
        Outcome(
            "backup",
            "sqlite",
            f"backup, change, lose the key, restore ({demo_people} demo people)",
            rounds,
            ok_rounds,
            "records, audit chain, key and checkpoints as backed up",
            f"backup {size}; slowest {timing}; " + "; ".join(problems)[:300],
        ),
        Outcome(
            "backup",
            "sqlite",
            "altered backups offered to restore",
            len(altered),
            refused,
            "each refused, database unchanged",
            "; ".join(problems)[:200],
        ),
    ]


def _altered_copies(good: Path, work: Path) -> list[Path]:
    """A byte flipped inside the database member, the file cut short, and a member added."""
    folder = work / "altered"
    folder.mkdir(exist_ok=True)
    flipped = folder / "flipped.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(flipped, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = bytearray(src.read(name))
            if name == "credtrack.db":
                data[len(data) // 2] ^= 0x01
            dst.writestr(name, bytes(data))
    cut = folder / "cut.zip"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    added = folder / "added.zip"
    shutil.copyfile(good, added)
    with zipfile.ZipFile(added, "a") as archive:
        archive.writestr("extra.txt", "not from credtrack")
    return [flipped, cut, added]
