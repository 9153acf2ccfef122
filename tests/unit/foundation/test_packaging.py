"""A plain (non-editable) install carries everything the app needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from credtrack.certificates.fonts import ALL_FILES

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_the_wheel_carries_resources_and_migrations(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("credtrack-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in [
        "credtrack/resources/starter/ipec-2023.json",
        "credtrack/resources/starter/professions.json",
        "credtrack/resources/starter/scales.json",
        "credtrack/resources/starter/demo-catalog.json",
        "credtrack/migrations/env.py",
        "credtrack/migrations/script.py.mako",
        "credtrack/migrations/versions/0001_initial_schema.py",
        "credtrack/resources/fonts/OFL.txt",
        "credtrack/resources/fonts/LICENSE-Apache-2.0.txt",
        *(f"credtrack/resources/fonts/{name}" for name in ALL_FILES.values()),  # every script's font
    ]:
        assert needed in names, needed
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "credtrack-cli = credtrack.cli:main" in entry_points
    assert "credtrack = credtrack.ui.app:main" in entry_points


def test_starter_framework_is_ipec_2023_with_33_sub_competencies():
    import json

    data = json.loads((ROOT / "credtrack/resources/starter/ipec-2023.json").read_text(encoding="utf-8"))
    by_domain: dict[str, int] = {}
    for c in data["competencies"]:
        by_domain[c["domain"]] = by_domain.get(c["domain"], 0) + 1
    assert by_domain == {"VE": 10, "RR": 5, "C": 7, "TT": 11}
