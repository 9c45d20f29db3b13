"""Tests of alfa_xl.model.data.sources: the shipped history and facts."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from alfa_xl.model.data.sources import fact, facts, history, latest_actual, plan_2014, plan_targets


def raw(name: str) -> list[dict[str, str]]:
    with (
        resources.as_file(resources.files("alfa_xl.model") / "data" / name) as p,
        open(p, newline="", encoding="utf-8") as fh,
    ):
        return list(csv.DictReader(fh))


class TestHistory:
    def test_matches_the_csv_sorted_by_year(self):
        h = history()
        rows = sorted(raw("history.csv"), key=lambda r: int(r["year"]))
        assert h["year"].tolist() == [int(r["year"]) for r in rows]
        assert h["units"].tolist() == [float(r["units"]) for r in rows]
        assert h["year"].is_unique
        assert set(h["kind"]) <= {"official", "estimate"}
        assert h["source"].str.startswith("http").all()

    def test_latest_actual_is_2025(self):
        assert latest_actual() == (2025, 73_000.0)

    def test_chosen_conflicts(self):
        h = history().set_index("year")["units"]
        assert h[2023] == 68_683  # explicit count preferred to the rounded '>70000'
        assert h[2024] == pytest.approx(73_000 / 1.201, abs=50)  # derived from the 2025 growth
        assert h[2017] == 118_000  # low end of the 118-125k estimate

    def test_copy_is_safe_to_modify(self):
        h = history()
        h.loc[0, "units"] = -1
        assert history().loc[0, "units"] > 0


class TestFacts:
    def test_columns_and_sources(self):
        f = facts()
        assert list(f.columns) == ["key", "value", "unit", "as_of", "source", "note"]
        assert f["key"].is_unique
        assert (f["source"].str.len() > 0).all() and (f["as_of"].str.len() >= 4).all()
        assert len(f) == len(raw("facts.csv"))

    @pytest.mark.parametrize(
        "key, value",
        [
            ("global_units_2025", 73_000),
            ("global_units_h1_2025", 33_020),
            ("target_units", 400_000),
            ("us_units_2025", 5_652),
            ("us_tariff_eu_cars", 0.15),
            (" Global_Units_2025 ", 73_000),
        ],
    )
    def test_fact(self, key, value):
        assert fact(key) == value

    def test_unknown_fact(self):
        with pytest.raises(KeyError):
            fact("global_units_2099")

    def test_history_and_facts_agree_on_2025(self):
        assert fact("global_units_2025") == latest_actual()[1]


def test_plan_tables_are_complete():
    assert len(plan_2014()) == len(raw("plan_2014.csv")) == 12
    assert len(plan_targets()) == len(raw("plan_targets.csv"))


class TestLineupBasis:
    """Issue 9 item 5: every default number of lineup.csv is sourced, derived or an assumption."""

    NUMERIC = (
        "launch_year",
        "announced_year",
        "end_year",
        "hold_until",
        "launch_fraction",
        "peak_units",
        "plateau",
        "decay",
        "decline_after",
        "decline_rate",
        "share_italy",
        "share_rest_of_europe",
        "share_north_america",
        "share_rest_of_world",
    )

    @staticmethod
    def evaluate(expression: str) -> float:
        """Numbers, + - * / ** and brackets only (an independent check of the written arithmetic)."""
        import ast
        import operator

        ops = {
            ast.Add: operator.add,
            ast.Sub: operator.sub,
            ast.Mult: operator.mul,
            ast.Div: operator.truediv,
            ast.Pow: operator.pow,
            ast.USub: operator.neg,
        }

        def ev(node):
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
                return node.value
            if isinstance(node, ast.BinOp):
                return ops[type(node.op)](ev(node.left), ev(node.right))
            if isinstance(node, ast.UnaryOp):
                return ops[type(node.op)](ev(node.operand))
            raise ValueError(ast.dump(node))

        return float(ev(ast.parse(expression, mode="eval").body))

    def test_every_number_of_the_csv_has_one_basis_with_the_same_value(self):
        from alfa_xl.model.data.sources import lineup_basis

        basis = lineup_basis()
        assert not basis.duplicated(["model", "column"]).any()
        marked = {(r.model, r.column): r.value for r in basis.itertuples() if r.model != "(default)"}
        cells = {(r["model"], c): r[c] for r in raw("lineup.csv") for c in self.NUMERIC if r[c].strip()}
        assert set(marked) == set(cells)
        assert all(float(marked[k]) == float(cells[k]) for k in cells)

    def test_every_default_applied_to_blank_cells_has_a_basis(self):
        from alfa_xl.model.engine.lineup import DEFAULTS
        from alfa_xl.model.data.sources import lineup_basis

        b = lineup_basis()
        defaults = {r.column: float(r.value) for r in b.itertuples() if r.model == "(default)"}
        numeric = {k: float(v) for k, v in DEFAULTS.items() if isinstance(v, (int, float))}
        assert defaults == numeric

    def test_each_basis_carries_its_evidence(self):
        import re

        from alfa_xl.model.data.sources import BASES, lineup_basis

        for r in lineup_basis().itertuples():
            assert r.basis in BASES, r
            assert len(r.evidence) >= 20, r
            if r.basis == "sourced":
                assert r.url.startswith("http"), r
                assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", r.as_of), r

    def test_derived_numbers_are_their_arithmetic(self):
        from alfa_xl.model.evidence.calibration import late_life_fit
        from alfa_xl.model.data.sources import lineup_basis

        derived = lineup_basis().query("basis == 'derived'")
        assert len(derived) >= 5
        for r in derived.itertuples():
            expression, equals, rest = r.evidence.partition(" = ")
            assert equals, r
            stated = float(rest.split(":")[0])
            # "late-life fit = VALUE": refit on model/data/late_life.csv, not read from the curve
            computed = late_life_fit()[r.column] if expression == "late-life fit" else self.evaluate(expression)
            assert computed == pytest.approx(stated, abs=0.006, rel=0.005), r
            # the lineup keeps the stated result, rounded at most to the nearest 0.05
            assert abs(float(r.value) - stated) <= 0.05 * max(1.0, abs(stated)), r

    def test_firmness_is_recorded_for_every_planned_model(self):
        rows = {r["model"]: r for r in raw("lineup.csv")}
        assert {r["firmness"] for r in rows.values()} <= {"confirmed", "dated", "rumour"}
        assert rows["4.3 m model"]["firmness"] == "rumour"  # only press rumours (NOTES.md, 2026-01-12)
        assert rows["Stelvio (next)"]["firmness"] == "dated"  # officially 2028
