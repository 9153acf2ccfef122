"""Every trial in bench/trials, run with its small counts: each target must be met."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TRIALS = Path(__file__).resolve().parents[2] / "bench" / "trials"
sys.path.insert(0, str(TRIALS))

import run as trials  # noqa: E402


@pytest.mark.parametrize("name", trials.trial_names())
def test_trial_meets_its_targets(name):
    outcomes = trials.run_trial(name, quick=True)
    assert outcomes, f"trial {name} reported nothing"
    missed = [o for o in outcomes if not o.met]
    assert not missed, "\n" + trials.table(missed)
