"""credtrack-cli people precepted and catalog add-starter: a preceptor's own record from the command line,
who may read it, and the starter pathway added to a database set up before it."""

from __future__ import annotations

from unittest import mock

from credtrack.demo import DEMO_PASSWORD
from credtrack.services import pathways, setup
from tests.unit.test_cli_records import ADMIN_PASSWORD, cli  # noqa: F401 - the fixture


def test_a_preceptor_reads_what_they_precepted_and_not_a_colleague_s(cli) -> None:  # noqa: F811 - the fixture
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "12")[0] == 0

    # The nurse preceptor (STAFF-002) reads her own record: counts by learner profession, then each sign-off.
    code, out, err = cli("people", "precepted", "STAFF-002", user="preceptor", password=DEMO_PASSWORD)
    assert code == 0, err
    assert out.startswith("Renée Marchand (STAFF-002), Nursing; linked accounts: preceptor")
    assert "Counted towards precepting:" in out and "Sign-offs given, newest first:" in out
    assert "Nursing" in out.split("Sign-offs given")[0]  # her own profession is listed, not counted
    assert "not counted (their own profession" in out

    code, out, err = cli("people", "precepted", "STAFF-002", user="preceptor.pharm", password=DEMO_PASSWORD)
    assert code != 0 and "view what someone else has precepted" in err and "Traceback" not in err

    code, out, err = cli("people", "precepted", "DEMO-000001", user="educator", password=DEMO_PASSWORD)
    assert code == 0, err
    assert "No user account is linked to this person" in out

    code, out, _ = cli("catalog", "add-starter", user="educator", password=DEMO_PASSWORD)
    assert code == 0 and "already in this database; nothing was added" in out


def test_an_older_database_gets_the_pathway_when_an_educator_asks(cli) -> None:  # noqa: F811 - the fixture
    nothing = pathways.PathwaySummary([], [], [], [])
    with mock.patch.object(setup, "add_missing_pathway", return_value=nothing):
        assert cli("init", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    code, out, err = cli("catalog", "add-starter", user="admin", password=ADMIN_PASSWORD)
    assert code == 0, err
    assert "Added framework: FACILITATE" in out and "Added credential: IP-FACILITATION" in out
    assert "Added modules: FAC-101, FAC-102, FAC-103" in out and "Added rating source: LEARNER-FAC" in out
    code, out, _ = cli("catalog", "add-starter", user="admin", password=ADMIN_PASSWORD)
    assert code == 0 and "nothing was added" in out
