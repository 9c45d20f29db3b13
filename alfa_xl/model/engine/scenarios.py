"""Scenarios: named, validated adjustments applied to a lineup.

A :class:`Scenario` never changes the lineup; the projection reads both. Adjustments:

* ``delay_years`` / ``delays``: launch delays in whole years for all planned models or
  per model (negative pulls a launch forward). Models already on sale cannot be delayed.
* ``peak_multiplier`` / ``peak_multipliers``: scale the peak of every planned model, or of
  named models (any status).
* ``cancel``: models that never launch; ``include_reported_cancelled`` brings back models
  whose status is ``reported_cancelled`` (left out otherwise).
* ``use_announced_dates``: planned models launch in their ``announced_year``.
* ``na_tariff``: change in North America volumes in projection years (-0.2 = 20% fewer).
* ``market_trend``: yearly change of every model's volume after the latest actual year,
  compounding (0.02 = +2% a year).

Built-in scenarios are in :data:`BUILTIN`, each with its reasoning. Users define their own
with :meth:`Scenario.from_pairs` (a dict, a two-column table of parameter and value, or a
CSV read into either) on top of ``base``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from alfa_xl import validation as v
from alfa_xl.errors import ScenarioError, UnknownModelError, UnknownScenarioError
from alfa_xl.model.data.past_plans import track_record
from alfa_xl.model.defaults import SCENARIO_NAMES
from alfa_xl.model.engine.files import read_scenario_table

__all__ = [
    "Scenario",
    "BUILTIN",
    "get_scenario",
    "scenario_key",
    "scenario_names",
    "load_scenario",
    "scenario_from_table",
    "PARAMETERS",
]


def _param(param: str, kind: str, value: Any) -> float:
    return v.number(value, param, kind, error=ScenarioError)


def _delay(param: str, value: Any) -> int:
    return v.whole(value, param, "delay_years", error=ScenarioError)


def _as_bool(param: str, value: Any) -> bool:
    return v.flag(value, param, error=ScenarioError, default=False)


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    parts = value.replace(",", ";").split(";") if isinstance(value, str) else [str(v) for v in value]
    return tuple(sorted({v.squash(p) for p in parts if p and p.strip()}))


#: Numeric parameters and their kind of value (bounds in :data:`alfa_xl.validation.LIMITS`).
NUMBER_PARAMETERS: dict[str, str] = {
    "delay_years": "delay_years",
    "peak_multiplier": "peak_multiplier",
    "na_tariff": "na_tariff",
    "market_trend": "market_trend",
}


@dataclass(frozen=True)
class Scenario:
    """A named, immutable set of adjustments; validated when built.

    Per-model mappings are stored as sorted tuples of ``(model, value)`` so a scenario is
    hashable (and usable as a cache key).
    """

    name: str = "custom"
    description: str = ""
    delay_years: int = 0
    delays: tuple[tuple[str, int], ...] = ()
    peak_multiplier: float = 1.0
    peak_multipliers: tuple[tuple[str, float], ...] = ()
    cancel: tuple[str, ...] = ()
    include_reported_cancelled: bool = False
    use_announced_dates: bool = False
    na_tariff: float = 0.0
    market_trend: float = 0.0
    reasoning: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        v.name(self.name, "name", error=ScenarioError, what="scenario name")
        _delay("delay_years", self.delay_years)
        for model, years in self.delays:
            _delay(f"delay:{model}", years)
        for model, mult in self.peak_multipliers:
            _param(f"peak:{model}", "peak_multiplier", mult)
        for param, kind in NUMBER_PARAMETERS.items():
            _param(param, kind, getattr(self, param))
        object.__setattr__(self, "delays", tuple(sorted((str(m), int(v)) for m, v in self.delays)))
        object.__setattr__(
            self, "peak_multipliers", tuple(sorted((str(m), float(v)) for m, v in self.peak_multipliers))
        )
        object.__setattr__(self, "cancel", _names(self.cancel))

    # -- building from user input -------------------------------------------------------
    @classmethod
    def from_pairs(
        cls, pairs: Mapping[str, Any] | Iterable[tuple[Any, Any]] | pd.DataFrame, base: Scenario | str | None = "base"
    ) -> Scenario:
        """Build a scenario from parameter/value pairs on top of ``base``.

        Parameters
        ----------
        pairs : mapping, iterable of pairs, or DataFrame
            Parameter names as in :data:`PARAMETERS` (case and spaces ignored). Per-model
            entries are written ``delay:MODEL`` and ``peak:MODEL``; ``cancel`` takes model
            names separated by ``;``. A DataFrame must have two columns (parameter, value).
        base : Scenario or str or None
            The scenario the pairs adjust (default ``"base"``); ``None`` starts from no
            adjustment at all.

        Examples
        --------
        >>> s = Scenario.from_pairs({"name": "late", "delay_years": 2, "peak:Junior": 1.1})
        >>> s.delay_years, s.peak_multipliers
        (2, (('Junior', 1.1),))
        """
        if isinstance(pairs, pd.DataFrame):
            if pairs.shape[1] != 2:
                raise ScenarioError(
                    "scenario table",
                    f"{pairs.shape[1]} columns",
                    "give two columns: parameter and value",
                    "wrong shape",
                )
            items = list(pairs.itertuples(index=False, name=None))
        elif isinstance(pairs, Mapping):
            items = list(pairs.items())
        else:
            items = list(pairs)
        start = get_scenario(base) if isinstance(base, str) else (base or cls(name="custom"))
        values: dict[str, Any] = {f.name: getattr(start, f.name) for f in fields(cls)}
        delays = dict(start.delays)
        peaks = dict(start.peak_multipliers)
        touched_name = False
        seen: dict[str, str] = {}
        for raw_key, value in items:
            if raw_key is None or (isinstance(raw_key, float) and math.isnan(raw_key)) or not str(raw_key).strip():
                continue
            key = v.identifier(raw_key)
            prefix, sep, model = str(raw_key).strip().partition(":")
            prefix = v.identifier(prefix)
            _once(seen, _canonical(key, prefix, sep, model), str(raw_key).strip(), value)
            if sep and prefix in ("delay", "delays"):
                delays[v.squash(model)] = _delay(f"delay:{model.strip()}", value)
            elif sep and prefix in ("peak", "peak_multiplier", "peak_multipliers"):
                peaks[v.squash(model)] = _param(f"peak:{model.strip()}", "peak_multiplier", value)
            elif key in ("name", "description"):
                values[key] = "" if value is None else str(value).strip()
                touched_name |= key == "name"
            elif key == "delay_years":
                values[key] = _delay(key, value)
            elif key in NUMBER_PARAMETERS:
                values[key] = _param(key, NUMBER_PARAMETERS[key], value)
            elif key in ("include_reported_cancelled", "use_announced_dates"):
                values[key] = _as_bool(key, value)
            elif key == "cancel":
                values[key] = _names(value)
            else:
                raise ScenarioError(
                    "parameter",
                    str(raw_key),
                    f"use one of {', '.join(PARAMETERS)}, delay:MODEL or peak:MODEL",
                    "unknown parameter",
                )
        values["delays"] = tuple(delays.items())
        values["peak_multipliers"] = tuple(peaks.items())
        if not touched_name and items:
            values["name"] = f"{start.name} (custom)"
            values["reasoning"] = ""
        return cls(**values)

    def with_(self, **changes: Any) -> Scenario:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def check_models(self, names: Iterable[str]) -> None:
        """Raise :class:`UnknownModelError` if a per-model entry names no model in ``names``."""
        known = {v.name_key(n) for n in names}
        listed = ", ".join(names)
        for param, model in (
            [("delay", m) for m, _ in self.delays]
            + [("peak", m) for m, _ in self.peak_multipliers]
            + [("cancel", m) for m in self.cancel]
        ):
            if v.name_key(model) not in known:
                raise UnknownModelError(
                    f"{param}:{model}" if param != "cancel" else "cancel",
                    model,
                    f"use a model in the lineup: {listed}",
                    "unknown model",
                )

    def to_frame(self) -> pd.DataFrame:
        """The scenario as a two-column table (parameter, value) readable by ``from_pairs``."""
        rows: list[tuple[str, Any]] = [
            ("name", self.name),
            ("description", self.description),
            ("delay_years", self.delay_years),
            ("peak_multiplier", self.peak_multiplier),
            ("cancel", "; ".join(self.cancel)),
            ("include_reported_cancelled", self.include_reported_cancelled),
            ("use_announced_dates", self.use_announced_dates),
            ("na_tariff", self.na_tariff),
            ("market_trend", self.market_trend),
        ]
        rows += [(f"delay:{m}", v) for m, v in self.delays]
        rows += [(f"peak:{m}", v) for m, v in self.peak_multipliers]
        return pd.DataFrame(rows, columns=["parameter", "value"])


#: Scalar parameter names accepted by :meth:`Scenario.from_pairs`.
PARAMETERS: tuple[str, ...] = (
    "name",
    "description",
    "delay_years",
    "peak_multiplier",
    "cancel",
    "include_reported_cancelled",
    "use_announced_dates",
    "na_tariff",
    "market_trend",
)


def _builtins() -> dict[str, Scenario]:
    tr = track_record()
    return {
        "base": Scenario(
            name="base",
            description="Latest news: next Stelvio and Giulia in 2028, US E-SUV cancelled, flat market",
            reasoning=(
                "The default lineup as the newest reports stand: next-generation Stelvio and Giulia "
                "officially in 2028 (production in H2 2028), the large US E-SUV reported cancelled in "
                "October 2025, no market trend, and the 15% US tariff already inside the 2025 actual."
            ),
        ),
        "bear": Scenario(
            name="bear",
            description="Every launch a year late, peaks 20% lower, US -20%, market -2%/yr",
            delay_years=1,
            peak_multiplier=0.8,
            na_tariff=-0.2,
            market_trend=-0.02,
            reasoning=(
                "One more year of slippage (every past Alfa plan slipped), new models selling 20% "
                "below the assumed peaks, North America another 20% down (the 2025 US fall was 36%) "
                "and a European market shrinking 2% a year."
            ),
        ),
        "bull": Scenario(
            name="bull",
            description="Launches on time, peaks 25% higher, market +2%/yr",
            peak_multiplier=1.25,
            market_trend=0.02,
            reasoning=(
                "Everything goes right: launches on the dates now reported, new models selling 25% "
                "above the assumed peaks (the Junior's orders kept beating guidance) and a market "
                "growing 2% a year."
            ),
        ),
        "plan": Scenario(
            name="plan",
            description="Every model in the seed articles arrives as first announced, E-SUV included",
            use_announced_dates=True,
            include_reported_cancelled=True,
            reasoning=(
                "Every model the 2025 articles list arrives when first announced: Tonale successor, "
                "next Stelvio and Giulia, the US E-SUV (since reported cancelled) and the 4.3 m model."
            ),
        ),
        "track_record": Scenario(
            name="track_record",
            description=(
                f"Launches {round(tr.mean_slip_years)} years late, new-model peaks x{tr.peak_realisation:.2f}, "
                "as past plans ended"
            ),
            delay_years=round(tr.mean_slip_years),
            peak_multiplier=tr.peak_realisation,
            reasoning=(
                f"Calibrated on Alfa's own history: models of the 2014 plan that were built arrived "
                f"{tr.mean_slip_years:.2f} years late on average (slips {', '.join(f'{s:g}' for s in tr.slips)}), "
                f"and the models that were built reached a median of {tr.peak_realisation:.0%} of the peak "
                f"assumed before launch ({len(tr.peak_realisations)} models). Only {tr.build_rate:.1%} of "
                "announced models were ever built; that risk is left to the simulation, not folded in here. "
                f"Brand-wide volume targets were met at a median of {tr.median_realisation:.1%}: a check of "
                "the whole, not applied to a model (the missing models explain most of it)."
            ),
        ),
    }


#: Built-in scenarios by name, in display order.
BUILTIN: dict[str, Scenario] = _builtins()
if tuple(BUILTIN) != SCENARIO_NAMES:  # the command line lists the names without importing this module
    raise ImportError(f"alfa_xl.model.defaults.SCENARIO_NAMES {SCENARIO_NAMES} differ from BUILTIN {tuple(BUILTIN)}")


def scenario_names() -> tuple[str, ...]:
    """Names of the built-in scenarios, in display order."""
    return tuple(BUILTIN)


def scenario_key(name: str) -> str:
    """The one normalisation of a scenario name (case, spaces and hyphens ignored); every
    caller that compares scenario names goes through it.

    >>> scenario_key(" Track-Record "), scenario_key("Track Record")
    ('track_record', 'track_record')
    """
    return v.identifier(name, dashes=True)


def get_scenario(name: str | Scenario) -> Scenario:
    """Look up a built-in scenario by name (:func:`scenario_key`).

    >>> get_scenario(" Track-Record ").delay_years
    2
    """
    if isinstance(name, Scenario):
        return name
    key = scenario_key(name)
    try:
        return BUILTIN[key]
    except KeyError:
        raise UnknownScenarioError("scenario", name, f"use one of {', '.join(BUILTIN)}", "unknown scenario") from None


def _canonical(key: str, prefix: str, sep: str, model: str) -> str:
    """The one name a parameter is known by, whatever its spelling: ``Delay Years`` and
    ``delay_years`` are one parameter, ``delays:X`` and ``delay:X`` one model's delay."""
    if sep and prefix in ("delay", "delays"):
        return "delay:" + v.squash(model)
    if sep and prefix in ("peak", "peak_multiplier", "peak_multipliers"):
        return "peak:" + v.squash(model)
    return key


def _once(seen: dict[str, str], canonical: str, given: str, value: Any) -> None:
    """Refuse a parameter given a second time (a silent last-wins would hide a typo)."""
    if canonical in seen:
        first = seen[canonical]
        also = "" if first == given else f" (first as {first!r})"
        raise ScenarioError(
            given, value, f"give {canonical} once: remove one of the two rows", f"parameter given twice{also}"
        )
    seen[canonical] = given


def load_scenario(path: str | Path, base: str = "base") -> Scenario:
    """Read a scenario from a CSV of two columns (parameter, value) with a header row.

    The pairs adjust ``base`` exactly as in :meth:`Scenario.from_pairs`. Raises
    :class:`~alfa_xl.errors.ScenarioError` when the file is missing, unreadable, not
    two columns wide, or has no header row (its first line is a parameter such as
    ``delay_years,2``, which would otherwise be taken as the header and lost).
    """
    return scenario_from_table(read_scenario_table(path), path, base)


def scenario_from_table(table: v.CsvTable, path: str | Path, base: str = "base") -> Scenario:
    """The scenario of a table read by :func:`~alfa_xl.model.engine.files.read_scenario_table`
    from ``path`` (named in messages), as :func:`load_scenario` describes."""
    p = Path(path)
    frame = pd.DataFrame(table.rows, columns=table.header, dtype=object)
    if frame.shape[1] != 2:
        raise ScenarioError(
            "scenario file",
            str(path),
            "give two columns: parameter, value (a header row, then one parameter a line)",
            f"{frame.shape[1]} column{'s' if frame.shape[1] != 1 else ''} ({_SEPARATORS[table.separator]}-separated)",
        )
    first = str(frame.columns[0]) if len(frame.columns) else ""
    if _is_parameter(first):
        line = ",".join(str(c) for c in frame.columns)
        raise ScenarioError(
            f"scenario file {p.name}, line 1",
            line,
            "add the header line parameter,value above the parameters (or the first one is lost)",
            "no header row: the first line is a parameter",
        )
    if not table.rows:
        raise ScenarioError(
            "scenario file",
            str(path),
            "add the parameters below the header, one a line (for example delay_years,1); "
            f"for {base} unchanged, use the built-in scenario {base}",
            "no parameters below the header",
        )
    try:
        return Scenario.from_pairs(frame, base=base)
    except ScenarioError as exc:
        keys = ["".join(str(k).split()).casefold() for k in frame.iloc[:, 0]] if frame.shape[1] else []
        want = "".join(str(exc.field).split()).casefold()
        if want not in keys:
            raise
        row = table.lines[len(keys) - 1 - keys[::-1].index(want)]  # the file line of the last row naming it
        raise type(exc)(f"{p.name} line {row}: {exc.field}", exc.value, exc.fix, exc.problem) from None


_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _is_parameter(key: str) -> bool:
    """True when ``key`` is a parameter name ``from_pairs`` accepts (so not a header)."""
    prefix, sep, _ = key.strip().partition(":")
    prefix = v.identifier(prefix)
    if sep:
        return prefix in ("delay", "delays", "peak", "peak_multiplier", "peak_multipliers")
    return prefix in PARAMETERS
