"""Excel-shaped arguments in, clean cell values out: the shared edge of every ALFA_ function.

Excel sends ``None`` (classic xlwings) or ``0`` (xlwings Lite) for empty cells, ``float``
for whole numbers, text with stray spaces, ``bool``, ``datetime``, 1-D lists for one row
or column and lists of lists for blocks, often with blank rows at the bottom. This module
turns those into the engine's validated objects, turns every failure into one line of
text starting with ``#VALUE!``, keeps NaN and infinity out of cells, and caches results.
It imports neither xlwings nor anything Excel-specific, so any worksheet function module
(``alfa_xl.excel.functions`` and its extensions) can use it.

Writing a worksheet function
----------------------------
::

    from alfa_xl.excel import args as xa

    @xa.wizard_help                         # outermost: Wizard help = first paragraph
    @xw.func(category="Alfa Romeo")
    @xw.arg("year", doc="Calendar year, e.g. 2030.")
    @xa.excel_function                      # innermost: errors become "#VALUE! ..." text
    def alfa_something(year, scenario=None):
        \"\"\"First sentence: Function Wizard help.\"\"\"
        y = xa.year(year, "year", default=2030)
        sc = xa.scenario(scenario)          # Scenario (built-in name or parameter range)
        return xa.cached(("ALFA_SOMETHING", y, sc), lambda: compute(y, sc))

Public helpers
--------------
Arguments (``arg`` is the argument name shown in messages; blanks give ``default``):

``is_blank(value, zero=False)``
    ``None``, ``""``, whitespace, NaN (and ``0`` when ``zero=True``) count as empty.
``scalar(value, arg)``
    One value from a cell or a range holding exactly one non-blank value.
``number(value, arg, default=None, fix=..., zero_is_blank=False, lo=-inf, hi=inf)``
    A finite ``float``; text such as ``" 400,000 "`` or ``"40%"`` accepted; booleans and
    dates refused.
``whole(value, arg, default=None, fix=..., zero_is_blank=False, lo=..., hi=...)``
    An ``int`` from a whole number (``2030.0`` -> ``2030``).
``year(value, arg, default=None, lo=2000, hi=2060)``
    A calendar year; a date (``datetime`` or an Excel date serial number) gives its year.
    ``0`` counts as empty (xlwings Lite).
``text(value, arg, default=None)``
    Stripped text with inner runs of spaces collapsed; whole numbers shown without ``.0``.
``choice(value, arg, options, default)``
    One of ``options`` (a mapping of accepted spellings to the canonical value).
``grid(value, zero_blank=False)``
    A rectangular list of rows with trailing blank rows and columns removed.
``scenario(value, arg="scenario")``
    A :class:`~alfa_xl.model.scenarios.Scenario`: empty -> ``base``; text -> built-in name (case,
    spaces, hyphens ignored); a two-column range of parameter and value -> overrides on top
    of ``base`` via :meth:`Scenario.from_pairs` (a ``base`` row picks another starting
    scenario; an optional header row ``parameter | value`` is skipped).
``lineup(value, arg="lineup")``
    ``None`` (the shipped lineup) when empty, else a :class:`~alfa_xl.model.lineup.Lineup` from a
    table range whose first row holds the lineup CSV's column names.

Errors:

``ArgumentError(argument, value, fix, problem, detail=None)``
    An :class:`~alfa_xl.errors.AlfaInputError` naming the worksheet argument.
``excel_function`` / ``excel_function(name="ALFA_X")``
    Decorator: any exception becomes ``error_text(...)``; never raises.
``error_text(function, exc, arguments=())``
    ``"#VALUE! ALFA_X: argument: problem (got value); fix"`` (one line), or a generic
    one-liner for unexpected exceptions.

Registration:

``wizard_help``
    Decorator placed above ``@xw.func``: the Function Wizard shows only the docstring's
    first paragraph (``summary(doc)``), not its numpydoc sections.

Results and cache:

``clean_value(v)``, ``clean_result(result)``
    NaN, infinity and ``pd.NA`` become ``None`` (an empty cell); NumPy scalars become
    Python numbers; tuples become lists.
``frame_grid(frame)``
    A DataFrame as rows, header row first.
``cached(key, compute)``
    Result of ``compute()`` cleaned and kept in the in-process LRU cache under ``key`` (a
    hashable tuple of normalised arguments, starting with the function name); returns a
    fresh copy each call, so callers cannot change the cached value.
``CACHE``, ``cache_clear()``, ``cache_info()``
    The shared :class:`ResultCache` and its controls.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import math
import os
import re
import sys
import threading
from collections import OrderedDict
from types import SimpleNamespace
from typing import Any, Callable, Hashable, Iterable, Mapping

from alfa_xl.errors import AlfaInputError, LineupError, ScenarioError


def _passthrough(*args, **kwargs):
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


def xlwings_decorators():
    """xlwings (for ``func``/``arg``/``ret``) when it is loaded or this platform can host
    worksheet functions (Windows, xlwings Lite's Pyodide, xlwings Server); otherwise
    pass-through decorators, exactly what xlwings itself provides there, without its
    import cost. Every UDF module takes its decorators from here."""
    hosts = sys.platform.startswith("win") or sys.platform == "emscripten" or os.environ.get("XLWINGS_ON_SERVER") == "true"
    if "xlwings" in sys.modules or hosts:
        import xlwings

        return xlwings
    return SimpleNamespace(func=_passthrough, arg=_passthrough, ret=_passthrough)


#: Function Wizard category of every ALFA_ function.
CATEGORY = "Alfa Romeo"

__all__ = [
    "ArgumentError",
    "is_blank",
    "scalar",
    "number",
    "whole",
    "year",
    "text",
    "choice",
    "grid",
    "scenario",
    "lineup",
    "excel_function",
    "error_text",
    "summary",
    "wizard_help",
    "clean_value",
    "clean_result",
    "frame_grid",
    "ResultCache",
    "CACHE",
    "cached",
    "cache_clear",
    "cache_info",
    "YEAR_MIN",
    "YEAR_MAX",
]

logger = logging.getLogger(__name__)

#: Years accepted by year arguments (the projection's supported range).
YEAR_MIN, YEAR_MAX = 2000, 2060
#: Excel serial numbers of 1 Jan 2000 and 31 Dec 2060 (date cells read as numbers).
_SERIAL_MIN, _SERIAL_MAX = 36526, 58804
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_MAX_MESSAGE = 300


class ArgumentError(AlfaInputError):
    """A worksheet argument the function cannot use.

    Parameters
    ----------
    argument : str
        The worksheet function's argument (``"start_year"``).
    value : object
        What Excel sent.
    fix : str
        What to type instead, as an instruction.
    problem : str
        What is wrong with the value.
    detail : str, optional
        The part of the argument that is wrong (a parameter row of a scenario range,
        a column of a lineup table).
    """

    def __init__(self, argument: str, value: object, fix: str, problem: str = "invalid value", detail: str | None = None):
        self.argument = argument
        self.detail = detail
        where = argument if not detail or detail == argument else f"{argument} [{detail}]"
        super().__init__(where, value, fix, problem)


# -- blanks and single values -------------------------------------------------------------
def is_blank(value: Any, zero: bool = False) -> bool:
    """True for an empty cell: ``None``, empty or blank text, NaN; also ``0`` when ``zero``."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float) and value != value:
        return True
    if zero and not isinstance(value, bool) and isinstance(value, (int, float)) and value == 0:
        return True
    return False


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for v in value:
        if isinstance(v, (list, tuple)):
            out.extend(_flatten(v))
        else:
            out.append(v)
    return out


def scalar(value: Any, arg: str, zero_is_blank: bool = False) -> Any:
    """One value: a cell, or a range whose non-blank cells are exactly one.

    A range of blank cells gives ``None``; a range with several values raises
    :class:`ArgumentError`.
    """
    if not isinstance(value, (list, tuple)):
        return value
    values = [v for v in _flatten(value) if not is_blank(v, zero_is_blank)]
    if not values:
        return None
    if len(values) > 1:
        raise ArgumentError(arg, value, "give one cell or one value, not a range", f"{len(values)} values")
    return values[0]


def _show(value: Any) -> str:
    """A short rendering of an argument value for a message."""
    if value is None:
        return "an empty cell"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (list, tuple)):
        cells = len(_flatten(value))
        return f"a range of {cells} cell{'s' if cells != 1 else ''}"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    text_ = repr(value) if isinstance(value, str) else str(value)
    text_ = " ".join(text_.split())
    return text_ if len(text_) <= 60 else text_[:57] + "..."


# -- numbers --------------------------------------------------------------------------------
def _parse_text_number(value: str) -> float | None:
    s = value.strip().replace("\u00a0", "").replace("_", "")
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    try:
        number_ = float(s)
    except ValueError:
        return None
    return number_ / 100 if percent else number_


def _bound(x: float) -> str:
    return f"{x:,g}" if abs(x) >= 10_000 else f"{x:g}"


def number(
    value: Any,
    arg: str,
    default: float | None = None,
    fix: str | None = None,
    zero_is_blank: bool = False,
    lo: float = -math.inf,
    hi: float = math.inf,
) -> float:
    """A finite number from a cell.

    Parameters
    ----------
    value : object
        What Excel sent: a number, numeric text (``" 400,000 "``, ``"40%"``) or a 1-cell
        range. Booleans and dates are refused.
    arg : str
        Argument name used in messages.
    default : float, optional
        Returned for an empty cell; without it an empty cell is an error.
    fix : str, optional
        Instruction shown when the value is wrong.
    zero_is_blank : bool
        Treat ``0`` as an empty cell (xlwings Lite sends 0 for empty cells); use it only
        where 0 is not a meaningful value.
    lo, hi : float
        Inclusive bounds.

    Examples
    --------
    >>> number(" 400,000 ", "target"), number("10%", "growth"), number(None, "target", default=400000)
    (400000.0, 0.1, 400000.0)
    """
    fix = fix or f"give {arg} as a number"
    value = scalar(value, arg, zero_is_blank)
    if is_blank(value, zero_is_blank):
        if default is None:
            raise ArgumentError(arg, value, fix, "missing")
        return float(default)
    if isinstance(value, bool):
        raise ArgumentError(arg, value, fix, "TRUE/FALSE is not a number")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        raise ArgumentError(arg, value, fix, "a date is not a number here")
    if isinstance(value, str):
        parsed = _parse_text_number(value)
        if parsed is None:
            raise ArgumentError(arg, value, fix, "not a number")
        result = parsed
    else:
        try:
            result = float(value)
        except (TypeError, ValueError, OverflowError):
            raise ArgumentError(arg, value, fix, "not a number") from None
    if not math.isfinite(result):
        raise ArgumentError(arg, value, fix, "not a finite number")
    if not lo <= result <= hi:
        raise ArgumentError(arg, value, fix, f"outside {_bound(lo)} to {_bound(hi)}")
    return result


def whole(
    value: Any,
    arg: str,
    default: int | None = None,
    fix: str | None = None,
    zero_is_blank: bool = False,
    lo: float = -math.inf,
    hi: float = math.inf,
) -> int:
    """A whole number (``int``) from a cell; ``2030.0`` and ``" 2030 "`` give ``2030``."""
    fix = fix or f"give {arg} as a whole number"
    result = number(value, arg, default, fix, zero_is_blank, lo, hi)
    if result != int(result):
        raise ArgumentError(arg, value, fix, "not a whole number")
    return int(result)


def year(value: Any, arg: str, default: int | None = None, lo: int = YEAR_MIN, hi: int = YEAR_MAX) -> int:
    """A calendar year from a cell.

    Accepts ``2030``, ``2030.0``, ``" 2030 "``, a date (its year) or an Excel date serial
    number between 1 Jan 2000 and 31 Dec 2060 (its year). ``0`` counts as an empty cell
    (xlwings Lite), giving ``default``.

    >>> import datetime
    >>> year(2030.0, "year"), year(" 2031 ", "year"), year(datetime.date(2032, 6, 30), "year"), year(0, "year", default=2030)
    (2030, 2031, 2032, 2030)
    """
    t = type(value)
    if value is None and default is not None:  # fast paths: empty cell, plain whole year
        return int(default)
    if (t is int or t is float) and lo <= value <= hi and value == int(value):
        return int(value)
    fix = f"give a whole year between {lo} and {hi}, e.g. 2030"
    value = scalar(value, arg, zero_is_blank=True)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.year
    elif not isinstance(value, bool) and isinstance(value, (int, float)) and _SERIAL_MIN <= value <= _SERIAL_MAX:
        value = (_EXCEL_EPOCH + dt.timedelta(days=float(value))).year
    return whole(value, arg, default, fix, True, lo, hi)


# -- text -----------------------------------------------------------------------------------
def text(value: Any, arg: str, default: str | None = None) -> str | None:
    """Stripped text (inner runs of spaces collapsed); ``default`` for an empty cell.

    Whole numbers are shown without a decimal point (``156.0`` -> ``"156"``); booleans
    and dates are refused.
    """
    value = scalar(value, arg)
    if is_blank(value):
        return default
    if isinstance(value, bool) or isinstance(value, (dt.datetime, dt.date)):
        raise ArgumentError(arg, value, f"give {arg} as text", "not text")
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    return " ".join(str(value).split())


def choice(value: Any, arg: str, options: Mapping[str, str], default: str) -> str:
    """One of ``options`` (accepted spelling -> canonical value); case and spaces ignored.

    ``0`` counts as an empty cell (xlwings Lite).
    """
    value = scalar(value, arg, zero_is_blank=True)
    if is_blank(value, zero=True):
        return default
    key = "_".join(str(value).strip().lower().split())
    try:
        return options[key]
    except KeyError:
        shown = ", ".join(f'"{v}"' for v in dict.fromkeys(options.values()))
        raise ArgumentError(arg, value, f"use one of {shown}, or leave it empty", "unknown choice") from None


# -- ranges ---------------------------------------------------------------------------------
def grid(value: Any, zero_blank: bool = False) -> list[list[Any]]:
    """A range as a rectangular list of rows; trailing blank rows and columns removed.

    A single value gives one row of one cell; a 1-D list gives one row (xlwings sends a
    single row or a single column as a 1-D list). Shorter rows are padded with ``None``.
    With ``zero_blank`` a row or column of zeros and blanks also counts as blank (xlwings
    Lite sends 0 for empty cells).
    """
    if isinstance(value, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value] if value and any(isinstance(r, (list, tuple)) for r in value) else [list(value)]
    else:
        rows = [[value]]
    while rows and all(is_blank(v, zero_blank) for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    while width and all(is_blank(r[width - 1], zero_blank) for r in rows):
        width -= 1
    return [r[:width] for r in rows]


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, float) and value != value:
        return None
    return value


def _typed(rows: tuple) -> tuple:
    """A cache key that tells ``TRUE`` from ``1`` and ``1`` from ``1.0`` cell by cell."""
    return tuple(tuple((type(v), v) for v in r) for r in rows)


def _memo(maxsize: int):
    """Bounded memo of a range parser keyed on the typed cell values (exceptions are not
    kept); unlike ``functools.lru_cache`` it never mixes ``TRUE`` and ``1`` in a range."""

    def deco(f: Callable) -> Callable:
        store: OrderedDict = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(f)
        def wrapper(rows: tuple, arg: str):
            key = (_typed(rows), arg)
            with lock:
                if key in store:
                    store.move_to_end(key)
                    return store[key]
            result = f(rows, arg)
            with lock:
                store[key] = result
                while len(store) > maxsize:
                    store.popitem(last=False)
            return result

        wrapper.cache_clear = store.clear  # type: ignore[attr-defined]
        return wrapper

    return deco


# -- scenario -------------------------------------------------------------------------------
_SCENARIO_FIX = "give a scenario name (base, bear, bull, plan, track_record) or a two-column range of parameter and value"


def scenario(value: Any, arg: str = "scenario"):
    """The :class:`~alfa_xl.model.scenarios.Scenario` an argument names or describes.

    Empty (or ``0`` from xlwings Lite) gives ``base``; text is a built-in name; a
    two-column range holds parameter/value rows applied on top of ``base`` (a row
    ``base | bear`` starts from another built-in scenario; rows with an empty parameter
    or value are skipped; a first row ``parameter | value`` is a header).
    """
    if value is None or type(value) is str:
        try:
            return _NAMED[value]
        except KeyError:
            pass
    from alfa_xl.model.scenarios import get_scenario

    if isinstance(value, (list, tuple)):
        rows = grid(value, zero_blank=True)
        if not rows:
            return get_scenario("base")
        if len(rows) == 1 and len(rows[0]) == 1:
            value = rows[0][0]
        else:
            return _scenario_from_rows(_freeze(rows), arg)
    if is_blank(value, zero=True):
        result = get_scenario("base")
    elif not isinstance(value, str):
        raise ArgumentError(arg, value, _SCENARIO_FIX, "not a scenario")
    else:
        try:
            result = get_scenario(value)
        except AlfaInputError as exc:
            raise ArgumentError(arg, value, exc.fix, exc.problem) from None
    if (value is None or type(value) is str) and len(_NAMED) < 256:
        _NAMED[value] = result
    return result


#: Built-in scenarios already looked up, by the exact text (or None) Excel sent.
_NAMED: dict = {}


@_memo(maxsize=128)
def _scenario_from_rows(rows: tuple[tuple[Any, ...], ...], arg: str):
    from alfa_xl.model.scenarios import Scenario

    if len(rows[0]) != 2:
        raise ArgumentError(arg, rows, "give two columns: parameter and value", f"{len(rows[0])} columns")
    pairs: list[tuple[str, Any]] = []
    base = "base"
    for i, (key, value) in enumerate(rows):
        if is_blank(key, zero=True):
            continue
        name = " ".join(str(key).split())
        if i == 0 and name.lower() in ("parameter", "parameters"):
            continue
        if is_blank(value):
            continue
        if name.lower() in ("cancel", "name", "description") and not isinstance(value, str):
            if name.lower() == "cancel" and not isinstance(value, bool) and value == 0:
                continue  # xlwings Lite's empty cell
            if isinstance(value, float) and math.isfinite(value) and value == int(value):
                value = int(value)
            value = str(value)
        if name.lower() == "base":
            base = str(value)
            continue
        pairs.append((name, value))
    try:
        return Scenario.from_pairs(pairs, base=base)
    except AlfaInputError as exc:
        raise ArgumentError(arg, exc.value, exc.fix, exc.problem, detail=exc.field) from None


# -- lineup ---------------------------------------------------------------------------------
_LINEUP_FIX = "give a table range whose first row holds the lineup columns (model, launch_year, peak_units, ...)"
_BLANK_ZERO_COLUMNS = ("status", "announced_year", "end_year", "replaces", "source", "comment")
_YEAR_COLUMNS = ("launch_year", "announced_year", "end_year")
_NAME_COLUMNS = ("model", "replaces")


def lineup(value: Any, arg: str = "lineup"):
    """The :class:`~alfa_xl.model.lineup.Lineup` in a table range, or ``None`` when empty.

    The first row holds column names as in the lineup CSV (case and spaces ignored);
    each following row is one model. Blank rows are ignored. In ``status``,
    ``announced_year``, ``end_year``, ``replaces``, ``source`` and ``comment`` a 0 counts
    as blank (xlwings Lite); dates in year columns give their year.
    """
    if not isinstance(value, (list, tuple)):
        if is_blank(value, zero=True):
            return None
        raise ArgumentError(arg, value, _LINEUP_FIX, "not a table range")
    rows = grid(value, zero_blank=True)
    if not rows:
        return None
    return _lineup_from_rows(_freeze(rows), arg)


@_memo(maxsize=32)
def _lineup_from_rows(rows: tuple[tuple[Any, ...], ...], arg: str):
    import pandas as pd

    from alfa_xl.model.lineup import Lineup

    header = ["" if is_blank(h) else "_".join(str(h).strip().lower().split()) for h in rows[0]]
    if "model" not in header:
        raise ArgumentError(arg, rows, _LINEUP_FIX, "no header row with a 'model' column")
    body = [list(r) for r in rows[1:] if not all(is_blank(v, zero=True) for v in r)]
    if not body:
        raise ArgumentError(arg, rows, "add at least one model row under the header", "no models")
    for r in body:
        for j, col in enumerate(header):
            v = r[j]
            if col in _BLANK_ZERO_COLUMNS and not isinstance(v, bool) and isinstance(v, (int, float)) and v == 0:
                r[j] = None
            elif col in _YEAR_COLUMNS and isinstance(v, (dt.datetime, dt.date)):
                r[j] = v.year
            elif col in _NAME_COLUMNS and isinstance(v, float) and math.isfinite(v) and v == int(v):
                r[j] = str(int(v))
            elif isinstance(v, str) and not v.strip():
                r[j] = None
    keep = [j for j, h in enumerate(header) if h]
    frame = pd.DataFrame([[r[j] for j in keep] for r in body], columns=[header[j] for j in keep], dtype=object)
    try:
        return Lineup.from_frame(frame)
    except AlfaInputError as exc:
        raise ArgumentError(arg, exc.value, exc.fix, exc.problem, detail=exc.field) from None


# -- errors ---------------------------------------------------------------------------------
def error_text(function: str, exc: BaseException, arguments: Iterable[str] = ()) -> str:
    """One line of text for a cell: ``#VALUE! FUNCTION: argument: problem (got value); fix``.

    An :class:`AlfaInputError` raised by the engine is attributed to the worksheet
    argument it concerns (its field when that is an argument name, ``scenario`` for
    scenario errors, ``lineup`` for lineup errors). Any other exception gives a generic
    line without internals.

    >>> error_text("ALFA_TOTAL", ArgumentError("year", 1990.0, "give a year from 2000 to 2060", "too early"), ["year"])
    '#VALUE! ALFA_TOTAL: year: too early (got 1990); give a year from 2000 to 2060'
    """
    arguments = tuple(arguments)
    if isinstance(exc, ArgumentError):
        where = exc.field
    elif isinstance(exc, AlfaInputError):
        field = str(exc.field)
        if field in arguments:
            where = field
        elif isinstance(exc, ScenarioError) and "scenario" in arguments:
            where = f"scenario [{field}]"
        elif isinstance(exc, LineupError) and "lineup" in arguments:
            where = f"lineup [{field}]"
        else:
            where = field
    else:
        message = f"#VALUE! {function}: unexpected error ({type(exc).__name__}); check the arguments, or report this message if they look right"
        return message
    message = f"#VALUE! {function}: {where}: {exc.problem} (got {_show(exc.value)}); {exc.fix}"
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."


def excel_function(func: Callable | None = None, *, name: str | None = None):
    """Decorator for a worksheet function: exceptions become a one-line ``#VALUE!`` text.

    Place it innermost (right above ``def``), under ``@xw.func``/``@xw.arg``; the signature,
    name and docstring are kept, so xlwings registers the function as written. ``name`` is
    the Excel name used in messages (default: the Python name upper-cased). The function
    itself should return through :func:`cached` or :func:`clean_result`.
    """

    def wrap(f: Callable) -> Callable:
        excel_name = name or f.__name__.upper()
        params = tuple(inspect.signature(f).parameters)

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            try:
                return f(*args, **kwargs)
            except Exception as exc:  # every failure becomes text in the cell
                if not isinstance(exc, AlfaInputError):
                    logger.debug("%s failed", excel_name, exc_info=True)
                return error_text(excel_name, exc, params)

        wrapper.excel_name = excel_name  # type: ignore[attr-defined]
        return wrapper

    return wrap(func) if func is not None else wrap


def summary(doc: str | None) -> str:
    """The first paragraph of a docstring on one line, at most 255 characters (the length
    Excel's Function Wizard shows)."""
    first = (doc or "").strip().split("\n\n", 1)[0]
    first = " ".join(first.split())
    return first if len(first) <= 255 else first[:252] + "..."


def wizard_help(f: Callable) -> Callable:
    """Decorator placed above ``@xw.func``: the Function Wizard description (xlwings keeps
    the whole docstring) becomes the docstring's first paragraph only. No effect where
    the decorators are pass-throughs."""
    info = getattr(f, "__xlfunc__", None)
    if isinstance(info, dict) and isinstance(info.get("ret"), dict):
        info["ret"]["doc"] = summary(f.__doc__)
    return f


# -- results --------------------------------------------------------------------------------
def clean_value(value: Any) -> Any:
    """A value safe for a cell: NaN, infinity, ``pd.NA``/``NaT`` -> ``None``; NumPy
    scalars -> Python; ``date``/``datetime`` kept; anything else unknown -> its text."""
    t = type(value)
    if t is float:
        return value if value - value == 0 else None
    if value is None or t is str or t is int or t is bool:
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        try:
            return None if value != value else value  # NaT
        except TypeError:
            return value
    if hasattr(value, "item") and hasattr(value, "dtype"):  # NumPy scalar
        return clean_value(value.item())
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, int):
        return int(value)
    try:
        if value != value:  # pd.NA raises TypeError here
            return None
    except TypeError:
        return None
    return str(value)


def clean_result(result: Any) -> Any:
    """A scalar, a 1-D list or a list of rows with every value passed through
    :func:`clean_value` (new lists; tuples become lists)."""
    if isinstance(result, (list, tuple)):
        return [clean_result(r) if isinstance(r, (list, tuple)) else clean_value(r) for r in result]
    return clean_value(result)


def frame_grid(frame, header: Iterable[str] | None = None) -> list[list[Any]]:
    """A DataFrame as rows: the header (``header`` or the column names) first, then the
    values (index dropped)."""
    head = [str(c) for c in (header if header is not None else frame.columns)]
    return [head] + [list(r) for r in frame.itertuples(index=False, name=None)]


# -- cache ----------------------------------------------------------------------------------
def _thaw(value: Any) -> Any:
    if type(value) is tuple:
        return [list(r) if type(r) is tuple else r for r in value]
    return value


class ResultCache:
    """Bounded least-recently-used cache of worksheet results.

    Values are stored cleaned and frozen (tuples of tuples) and handed out as new lists,
    so a caller changing a result cannot change what the next call gets.

    Parameters
    ----------
    maxsize : int
        Most results kept; the least recently used goes first.
    """

    def __init__(self, maxsize: int = 512):
        self.maxsize = int(maxsize)
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The result for ``key``, computing and storing it on a miss."""
        try:
            with self._lock:
                frozen = self._data[key]
                self._data.move_to_end(key)
                self.hits += 1
            return _thaw(frozen)
        except KeyError:
            pass
        except TypeError:  # unhashable key: compute without caching
            return clean_result(compute())
        import numpy as np  # already loaded by the engine

        with np.errstate(all="ignore"):  # undefined values become empty cells, not warnings
            frozen = _freeze(clean_result(compute()))
        with self._lock:
            self.misses += 1
            self._data[key] = frozen
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return _thaw(frozen)

    def clear(self) -> None:
        """Forget every result and reset the counters."""
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def info(self) -> dict[str, int]:
        """``{"hits", "misses", "size", "maxsize"}``."""
        return {"hits": self.hits, "misses": self.misses, "size": len(self._data), "maxsize": self.maxsize}

    def __len__(self) -> int:
        return len(self._data)


#: The cache shared by every worksheet function of the process.
CACHE = ResultCache()


def cached(key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()`` cleaned, served from :data:`CACHE` under ``key`` (a fresh copy each
    call). ``key`` must hold the function name and every normalised argument."""
    return CACHE.get(key, compute)


def cache_clear() -> None:
    """Empty the shared cache (also the parsed scenario and lineup ranges)."""
    CACHE.clear()
    _scenario_from_rows.cache_clear()
    _lineup_from_rows.cache_clear()


def cache_info() -> dict[str, int]:
    """Hits, misses, size and capacity of the shared cache."""
    return CACHE.info()
