"""Tests of alfa_xl.model.calibration: the track-record numbers, recomputed from the CSV rows."""

from __future__ import annotations

import csv
import statistics
from importlib import resources

import pytest

from alfa_xl.model.calibration import launch_slips, track_record, volume_realisation


def rows(name: str) -> list[dict[str, str]]:
    with resources.as_file(resources.files("alfa_xl.model") / "data" / name) as p, open(p, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def plan_row(prefix: str) -> dict[str, str]:
    (hit,) = [r for r in rows("plan_2014.csv") if r["model"].startswith(prefix)]
    return hit


class TestLaunchSlips:
    def test_rows_behind_the_slips(self):
        # Built models of the May 2014 plan: planned -> actual launch year, as in the CSV.
        assert (plan_row("Giulia (new")["planned_launch_year"], plan_row("Giulia (new")["actual_launch_year"]) == ("2015", "2016")
        assert (plan_row("Stelvio")["planned_launch_year"], plan_row("Stelvio")["actual_launch_year"]) == ("2016", "2017")
        compact = plan_row("Compact SUV")
        assert (compact["planned_launch_year"], compact["actual_launch_year"]) == ("2016-2018", "2022")

    def test_slips_by_hand(self):
        slips, never = launch_slips()
        giulia, stelvio, tonale = 2016 - 2015, 2017 - 2016, 2022 - (2016 + 2018) / 2
        assert slips == [giulia, stelvio, tonale] == [1.0, 1.0, 5.0]
        never_rows = [r for r in rows("plan_2014.csv") if r["actual_launch_year"] == "never"]
        assert never == len(never_rows) == 5

    def test_summary(self):
        tr = track_record()
        assert tr.mean_slip_years == pytest.approx(7 / 3)  # (1 + 1 + 5) / 3
        assert tr.build_rate == pytest.approx(3 / 8)
        assert tr.slips == (1.0, 1.0, 5.0)


class TestVolumeRealisation:
    def test_ratios_by_hand(self):
        expected = [
            132_441 / 300_000,  # 2003 plan for 2005
            68_000 / 500_000,  # 2009/10 plan for 2014
            115_000 / 300_000,  # 2010
            68_000 / 400_000,  # 2011 plan for 2014
            71_700 / 300_000,  # 2013 plan for 2016
            131_000 / 400_000,  # May 2014 plan for 2018
            118_000 / 170_000,  # 2017
            131_000 / 145_000,  # Jan 2018 expectation
            131_000 / 170_000,  # Jun 2018 CMD estimate
            68_683 / 100_000,  # Imparato, 2023
            60_800 / 85_000,  # 2024 guidance
        ]
        assert volume_realisation() == pytest.approx(expected)

    def test_rule_applied_to_the_csv(self):
        picked = []
        for r in rows("plan_targets.csv"):
            if r["basis"].lower().startswith("global") and r["target_units"] and r["actual_units_found"]:
                picked.append(float(r["actual_units_found"]) / float(r["target_units"]))
        assert len(picked) == 11
        assert statistics.median(picked) == pytest.approx(0.44147)
        assert track_record().median_realisation == pytest.approx(0.44147)

    def test_every_target_was_missed(self):
        assert max(volume_realisation()) < 1
