"""Speed and memory of the Monte Carlo (``alfa_xl.model.risk.simulate``).

1. 100,000 paths over 2026-2035 with the default lineup and the base scenario: median
   wall time of ``simulate`` (totals per path and year). Target: <= 0.25 s. Also the
   median with the answer a user asks for added (probability of 400,000 in 2030 and
   P10/P50/P90 by year), against the same target.
2. The same model as a plain per-path Python loop (scalar ``math``, no NumPy in the
   loop) over the first 2,000 paths: given the same drawn inputs (``simulate.draw``:
   slips, cancellations, peaks, trend, tariff, the yearly noise of models on sale), it
   does the projection path by path; its totals are checked against the vectorised run,
   its time is scaled linearly to 100,000 paths (and excludes the draws, which the
   vectorised time includes); the speed ratio. Target: >= 50x.
3. 1,000,000 paths: peak resident memory of a fresh Python process that imports the
   package and runs the simulation (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), next
   to the same process after the imports only. Target: <= 1 GB.

The loop takes the vectorised run's own draws (``simulate.draw``), so both compute the
same paths.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np

from alfa_xl.model.data.sources import latest_actual
from alfa_xl.model.engine.lineup import default_lineup
from alfa_xl.model.engine.projection import effective_inputs
from alfa_xl.model.engine.scenarios import get_scenario
from alfa_xl.model.risk.simulate import draw, simulate
from alfa_xl.model.risk.uncertainty import Uncertainty

PATHS, START, END = 100_000, 2026, 2035
LOOP_PATHS = 2_000
TARGET_SECONDS, TARGET_RATIO, TARGET_BYTES = 0.25, 50.0, 1 << 30
VECTORISED = f"simulate: {PATHS:,} paths x {END - START + 1} years, vectorised"


def vectorised():
    return simulate(paths=PATHS, start_year=START, end_year=END, seed=1)


def with_answer():
    sim = vectorised()
    sim.probability(400_000, 2030)
    sim.percentiles((10, 50, 90))
    return sim


def python_loop(n_paths: int) -> list[list[float]]:
    """Totals per path and year, one path, model and year at a time (plain Python).

    The loop gets each path's drawn inputs (the numbers the vectorised run draws) and
    applies the rules of ``simulate`` per path, model and year, written out again:

    * launch: a planned model with a slip drawn slips from its stated year (the scenario's
      own delay is counted inside the draw), other models launch as the scenario says;
    * availability: models the scenario keeps, plus models reported cancelled that it does
      not cancel by name (revived on a path unless the draw cancels them, with the track
      record's revival probability); a planned model the draw cancels is not built;
    * curve: a model on sale with a hold year stops ageing after the latest actual year
      through that year (the Junior and the Tonale hold their 2025 level through 2026);
    * hand-over to a built successor in its (slipped) launch year, end year, peak times the
      drawn realisation, regional split with the North America tariff, the yearly noise of
      the models on sale, and the market trend.
    """
    lineup, scenario = default_lineup(), get_scenario("base")
    d = draw(paths=n_paths, seed=1, lineup=lineup, scenario=scenario, start_year=START, end_year=END)
    slips, cancels, mults = d.slip.tolist(), d.cancelled.tolist(), d.peak_multiplier.tolist()
    trends, tariffs = d.market_trend.tolist(), d.na_tariff.tolist()
    volumes = d.volume.tolist()  # cumulative log noise of models on sale, per year after the latest actual
    uncertainty = Uncertainty.track_record()  # what ``simulate`` uses when given none
    eff = effective_inputs(lineup, scenario)
    stated = effective_inputs(lineup, scenario.with_(delay_years=0, delays=()))["launch"].tolist()
    launch0, peak0, active0 = eff["launch"].tolist(), eff["peak"].tolist(), eff["active"].tolist()
    models = lineup.models
    n_models = len(models)
    named = {lineup.resolve(name) for name in scenario.cancel}
    revived = [
        m.status == "reported_cancelled"
        and not active0[i]
        and m.model not in named
        and uncertainty.revival_probability > 0
        for i, m in enumerate(models)
    ]
    kept = [active0[i] or revived[i] for i in range(n_models)]
    on_sale = [m.status == "on_sale" for m in models]
    planned = [kept[i] and not on_sale[i] for i in range(n_models)]
    slipping = [planned[i] and uncertainty.slip_mean > 0 for i in range(n_models)]
    launch_base = [stated[i] if slipping[i] else launch0[i] for i in range(n_models)]
    index = {m.model: i for i, m in enumerate(models)}
    successor = [-1] * n_models
    for i, m in enumerate(models):
        if m.replaces is not None:
            successor[index[m.replaces]] = i
    base_year, _ = latest_actual()
    # per-model constants looked up once, as a careful hand-written loop would
    params = [
        (
            m.launch_fraction,
            m.plateau,
            m.decay,
            m.decline_after,
            m.decline_rate,
            math.inf if m.end_year is None else m.end_year,
            sum(m.shares),
            m.share_north_america,
            max(0, m.hold_until - base_year) if on_sale[i] and m.hold_until is not None else 0,
        )
        for i, m in enumerate(models)
    ]
    fraction = [m.launch_fraction for m in models]
    out = []
    for p in range(n_paths):
        trend, tariff = trends[p], tariffs[p]
        slip, cancelled, mult, volume = slips[p], cancels[p], mults[p], volumes[p]
        launch = [launch_base[i] + slip[i] for i in range(n_models)]
        active = [kept[i] and not cancelled[i] for i in range(n_models)]
        row = []
        for year in range(START, END + 1):
            total = 0.0
            for i in range(n_models):
                f, plateau, decay, after, rate, end, w_all, w_na, hold = params[i]
                if not active[i] or year > end:
                    continue
                age = year - launch[i] - min(max(0, year - base_year), hold)
                if age < 0:
                    share = 0.0
                elif age < 1:
                    share = f
                else:
                    share = (plateau + (1 - plateau) * math.exp(-decay * (age - 1))) * (1 - rate) ** max(
                        0.0, age - after
                    )
                s = successor[i]
                hand = 1.0
                if s >= 0 and active[s]:
                    if year == launch[s]:
                        hand = 1.0 - fraction[s]
                    elif year > launch[s]:
                        hand = 0.0
                weight = w_all + tariff * w_na if year > base_year else w_all
                noise = math.exp(volume[year - base_year - 1]) if on_sale[i] and year > base_year else 1.0
                total += peak0[i] * mult[i] * share * hand * weight * noise
            row.append(total * (1 + trend) ** max(0, year - base_year))
        out.append(row)
    return out


def bench_vectorised(benchmark, figures):
    benchmark.pedantic(vectorised, rounds=figures.rounds(15, 5), warmup_rounds=1)
    figures.timing(benchmark, VECTORISED, TARGET_SECONDS, "s")


def bench_with_answer(benchmark, figures):
    benchmark.pedantic(with_answer, rounds=figures.rounds(15, 5), warmup_rounds=1)
    figures.timing(benchmark, "  with probability and P10/P50/P90", TARGET_SECONDS, "s")


def bench_python_loop(benchmark, figures):
    reference = simulate(paths=LOOP_PATHS, start_year=START, end_year=END, seed=1).totals
    totals = benchmark.pedantic(python_loop, args=(LOOP_PATHS,), rounds=figures.rounds(5, 3), warmup_rounds=1)
    np.testing.assert_allclose(np.array(totals), reference, rtol=1e-9)  # the same model, path by path
    slow = figures.timing(benchmark, f"python loop: {LOOP_PATHS:,} paths, same totals as the vectorised run", None, "s")
    scaled = slow * PATHS / LOOP_PATHS
    figures.line(f"  scaled linearly to {PATHS:,} paths: {scaled:.1f} s")
    fast = figures.median(VECTORISED)
    if fast is not None:
        figures.line(f"speed ratio (totals vs totals): {scaled / fast:.0f}x (target >= {TARGET_RATIO:.0f}x)")


MEMORY_SCRIPT = """
import resource, sys, time
import alfa_xl.model.risk.simulate as s
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
sim = s.simulate(paths=1_000_000, start_year=2026, end_year=2035, seed=1)
p = sim.probability(400_000, 2030)
took = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before, after, took, p)
"""


def bench_memory(figures):
    """Peak memory of 1,000,000 paths in a fresh process (a measurement, not a timing)."""
    done = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT], capture_output=True, text=True, check=True)
    before, after, took, p = done.stdout.split()
    before, after = int(before) * 1024, int(after) * 1024  # ru_maxrss is in KiB on Linux
    figures.line(
        f"1,000,000 paths: peak RSS {after / 2**20:,.0f} MiB (after imports {before / 2**20:,.0f} MiB), "
        f"{float(took):.2f} s, P(400,000 in 2030) = {float(p):.4f} (target <= {TARGET_BYTES / 2**20:,.0f} MiB)"
    )
