"""What a user at a terminal expects: progress bars on long work (never in JSON or CSV, nor
when stderr is not a terminal), the top of the assumptions ranking by default, and
messages without programmers' notation."""

from __future__ import annotations

import pytest

from alfa_xl.cli import backtest as backtest_cli, main, simulate as simulate_cli
from alfa_xl.cli.facts import TOP
from alfa_xl.model.risk.assumptions import rank_assumptions
from alfa_xl.model.evidence.replay import replay


@pytest.fixture
def terminal(monkeypatch):
    """stderr counts as a terminal for rich (its FORCE_COLOR switch)."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")


class TestProgressBars:
    def test_facts_assumptions_shows_one_on_a_terminal(self, terminal, capsys):
        assert main(["facts", "--assumptions", "--paths", "200"]) == 0
        assert "ranking assumptions" in capsys.readouterr().err

    @pytest.mark.parametrize("fmt", ["json", "csv"])
    def test_none_for_output_read_by_programs(self, terminal, capsys, fmt):
        assert main(["facts", "--assumptions", "--paths", "200", "--format", fmt]) == 0
        assert capsys.readouterr().err == ""

    def test_none_when_stderr_is_not_a_terminal(self, capsys):
        assert main(["facts", "--assumptions", "--paths", "200"]) == 0
        assert capsys.readouterr().err == ""

    def test_backtest_and_simulate_from_the_threshold(self, terminal, capsys, monkeypatch):
        # the threshold (200,000 paths, about a second) lowered so the test stays short
        monkeypatch.setattr(backtest_cli, "PROGRESS_FROM", 900)
        assert main(["backtest", "--paths", "300"]) == 0  # 3 replays x 300 = 900 paths
        assert "replaying" in capsys.readouterr().err
        assert main(["backtest", "--paths", "299"]) == 0
        assert "replaying" not in capsys.readouterr().err
        monkeypatch.setattr(simulate_cli, "PROGRESS_FROM", 500)
        assert main(["simulate", "-n", "500"]) == 0
        assert "simulating" in capsys.readouterr().err
        assert main(["simulate", "-n", "500", "--format", "json"]) == 0
        assert capsys.readouterr().err == ""

    def test_the_engine_reports_every_run_and_every_path(self):
        calls = []
        frame = rank_assumptions(paths=100, seed=1, progress=lambda done, total: calls.append((done, total)))
        runs = 1 + len(frame)  # the baseline, then one run per ranked assumption
        assert calls == [(i, runs) for i in range(1, runs + 1)]
        seen = []
        replay(2018, paths=3000, progress=lambda done, total: seen.append((done, total)))
        assert seen[-1] == (3000, 3000) and all(t == 3000 for _, t in seen)


class TestAssumptionsRanking:
    def test_the_top_by_default_and_all_on_request(self, capsys):
        assert main(["facts", "--assumptions", "--paths", "200"]) == 0
        out = capsys.readouterr().out
        total = len(rank_assumptions(paths=200))
        assert (
            f"The top {TOP} of {total} assumptions; the other {total - TOP}: alfa-xl facts --assumptions --all" in out
        )
        ranks = [
            line.split("│")[1].strip()
            for line in out.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()
        ]
        assert ranks == [str(i) for i in range(1, TOP + 1)]
        assert main(["facts", "--assumptions", "--paths", "200", "--all"]) == 0
        out = capsys.readouterr().out
        ranks = [
            line.split("│")[1].strip()
            for line in out.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()
        ]
        assert ranks == [str(i) for i in range(1, total + 1)] and "--all" not in out

    def test_csv_holds_them_all(self, capsys):
        assert main(["facts", "--assumptions", "--paths", "200", "--format", "csv"]) == 0
        rows = capsys.readouterr().out.strip().splitlines()
        assert len(rows) - 1 == len(rank_assumptions(paths=200))


class TestMessages:
    def test_seed_bound_written_out(self, capsys):
        assert main(["simulate", "--seed", "-1"]) == 2
        err = capsys.readouterr().err
        assert "outside 0 to 9,223,372,036,854,775,807 (got -1)" in err and "**" not in err


class TestRollingProgress:
    """``alfa-xl backtest --rolling`` shows the bar of the other long commands (issue 14)."""

    def test_on_a_terminal_from_the_threshold_and_never_for_programs(self, terminal, capsys, monkeypatch):
        from alfa_xl.model.evidence.rolling import rolling_origins

        origins = len(rolling_origins())
        monkeypatch.setattr(backtest_cli, "PROGRESS_FROM", 200 * origins)  # 200 paths at every origin
        assert main(["backtest", "--rolling", "--paths", "200"]) == 0
        assert "rolling origins" in capsys.readouterr().err
        assert main(["backtest", "--rolling", "--paths", "200", "--format", "json"]) == 0
        assert capsys.readouterr().err == ""
        assert main(["backtest", "--rolling", "--paths", "199"]) == 0  # under the threshold
        assert "rolling origins" not in capsys.readouterr().err

    def test_silent_when_stderr_is_not_a_terminal(self, capsys, monkeypatch):
        monkeypatch.setattr(backtest_cli, "PROGRESS_FROM", 1)
        assert main(["backtest", "--rolling", "--paths", "200"]) == 0
        assert capsys.readouterr().err == ""

    def test_the_engine_reports_the_paths_of_every_origin(self):
        from alfa_xl.model.evidence.rolling import rolling

        seen = []
        rolling(paths=300, origins=(2023, 2024), progress=lambda done, total: seen.append((done, total)))
        assert all(t == 600 for _, t in seen)  # 2 origins x 300 paths
        assert seen[-1] == (600, 600) and any(d == 300 for d, _ in seen)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
