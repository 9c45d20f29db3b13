"""Tests of alfa_xl.model.data.past_plans (the track-record numbers, recomputed from the CSV rows) and
alfa_xl.model.evidence.calibration (the late-life fit)."""

from __future__ import annotations

import csv
import statistics
from importlib import resources

import pytest

from alfa_xl.model.data.past_plans import launch_slips, track_record, volume_realisation


def rows(name: str) -> list[dict[str, str]]:
    with (
        resources.as_file(resources.files("alfa_xl.model") / "data" / name) as p,
        open(p, newline="", encoding="utf-8") as fh,
    ):
        return list(csv.DictReader(fh))


def plan_row(prefix: str) -> dict[str, str]:
    (hit,) = [r for r in rows("plan_2014.csv") if r["model"].startswith(prefix)]
    return hit


class TestLaunchSlips:
    def test_rows_behind_the_slips(self):
        # Built models of the May 2014 plan: planned -> actual launch year, as in the CSV.
        assert (plan_row("Giulia (new")["planned_launch_year"], plan_row("Giulia (new")["actual_launch_year"]) == (
            "2015",
            "2016",
        )
        assert (plan_row("Stelvio")["planned_launch_year"], plan_row("Stelvio")["actual_launch_year"]) == (
            "2016",
            "2017",
        )
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
            115_000 / 300_000,  # 2010
            68_000 / 400_000,  # 2011 plan for 2014 (the 2009/10 500,000 it superseded is not counted)
            71_700 / 300_000,  # 2013 plan for 2016
            131_000 / 400_000,  # May 2014 plan for 2018
            118_000 / 170_000,  # 2017
            131_000 / 170_000,  # Jun 2018 CMD estimate (the Jan 2018 expectation it superseded is not counted)
            55_000 / 400_000,  # Jun 2018 plan for 2022: the 2022 outcome, now filled in
            68_683 / 100_000,  # Imparato, 2023
            60_800 / 85_000,  # 2024 guidance
        ]
        assert volume_realisation() == pytest.approx(expected)

    def test_rule_applied_to_the_csv(self):
        picked = []
        for r in rows("plan_targets.csv"):
            if r["counted"] == "yes":
                assert r["actual_measure"] == "sales" and r["basis"].lower().startswith("global")
                picked.append(float(r["actual_units_found"]) / float(r["target_units"]))
        assert len(picked) == 9
        assert statistics.median(picked) == pytest.approx(115 / 300)
        assert track_record().median_realisation == pytest.approx(115 / 300)

    def test_each_fix_is_written_in_the_notes(self):
        fixed = [r for r in rows("plan_targets.csv") if "FIX 2026-12-01" in r["notes"]]
        assert len(fixed) == 4
        production = [r for r in rows("plan_targets.csv") if r["actual_measure"] == "production"]
        assert [r["target_year"] for r in production] == ["2005"]
        (row,) = [
            r for r in rows("plan_targets.csv") if r["plan_announced"] == "2018-06" and r["target_year"] == "2022"
        ]
        assert row["actual_units_found"] == "55000"
        # no outcome year is counted twice for the same lead class
        counted = [
            (r["target_year"], int(r["target_year"]) - int(r["plan_announced"][:4]) <= 1)
            for r in rows("plan_targets.csv")
            if r["counted"] == "yes"
        ]
        assert len(counted) == len(set(counted))

    def test_realisation_falls_with_the_lead_of_the_promise(self):
        tr = track_record()
        # guidance (lead <= 1): 2010, 2017, Jun 2018 for 2018, 2022 for 2023, 2024
        short = sorted([115 / 300, 118 / 170, 131 / 170, 68.683 / 100, 60.8 / 85])
        # plans (lead >= 2): 2011 for 2014, 2013 for 2016, 2014 for 2018, 2018 for 2022
        long = sorted([68 / 400, 71.7 / 300, 131 / 400, 55 / 400])
        assert tr.realisation_short == pytest.approx(short[2])
        assert tr.realisation_long == pytest.approx((long[1] + long[2]) / 2)
        assert tr.brand_realisation(1) == tr.realisation_short and tr.brand_realisation(2) == tr.realisation_long


class TestAsOf:
    """Only plans and outcomes resolved before as_of; any plan can be left out."""

    def test_2018_knows_two_built_models_and_no_drop(self):
        tr = track_record(as_of=2018)
        assert tr.slips == (1.0, 1.0)  # Giulia 2016, Stelvio 2017; the compact SUV came in 2022
        assert tr.cancel_near == pytest.approx((0 + 1) / (2 + 2))  # Laplace: none dropped of 2
        # targets resolved by 2017: 2010, 2011->2014, 2013->2016, 2017
        assert sorted(tr.realisations) == pytest.approx(sorted([115 / 300, 68 / 400, 71.7 / 300, 118 / 170]))

    def test_2014_knows_one_outcome_and_no_plan(self):
        tr = track_record(as_of=2014)
        assert tr.realisations == pytest.approx((115 / 300,))
        assert tr.slips == () and tr.mean_slip_years == 0.0
        assert tr.cancel_near == tr.cancel_far == 0.5  # no evidence: Laplace's 1/2
        assert tr.realisation_long == tr.realisation_short == pytest.approx(115 / 300)  # pooled fallback

    def test_leave_one_out(self):
        full = track_record(as_of=2023)
        out = track_record(as_of=2023, exclude_plans=("2014-05",))
        assert 131 / 400 in full.realisations and 131 / 400 not in out.realisations
        assert out.slips == () and full.slips == (1.0, 1.0, 5.0)

    def test_cancellation_by_lead(self):
        tr = track_record()
        # lead <= 2 (planned 2015-2016): Giulia, Stelvio built, Giulietta successor dropped
        assert tr.cancel_near == pytest.approx((1 + 1) / (3 + 2))
        # lead >= 3 (ranges 2016-2018 and 2017): 4 of 5 dropped
        assert tr.cancel_far == pytest.approx((4 + 1) / (5 + 2))


class TestTargets:
    def test_every_target_was_missed(self):
        assert max(volume_realisation()) < 1


class TestLateLife:
    def test_records_are_units_over_peak(self):
        for r in rows("late_life.csv"):
            assert float(r["share"]) == pytest.approx(float(r["units"]) / float(r["peak_units"]), abs=1e-4)
            assert int(r["age"]) == int(r["year"]) - int(r["launch_year"])

    def test_as_of_uses_only_earlier_records_and_keeps_the_prior_when_few(self):
        from alfa_xl.model.engine.curve import LATE_LIFE, lifecycle_share
        from alfa_xl.model.evidence.calibration import late_life_fit, late_life_records

        assert len(late_life_records(2018)) == 3  # Giulietta 2015, MiTo 2015 and 2017
        prior = late_life_fit(2018)  # uninformative: a model holds its peak
        assert lifecycle_share([1, 2, 6, 12], 0.5, **prior).tolist() == [1.0, 1.0, 1.0, 1.0]
        assert late_life_fit() == LATE_LIFE
        assert len(late_life_records(2023)) == 6 and late_life_fit(2023) != LATE_LIFE
