"""What every command of the ``alfa-xl`` app shares: output formats, the console, safe text.

Two rules about text that came from a user (model and scenario names, file paths) live
here and only here:

* :func:`csv_text` writes it into a CSV so that no spreadsheet reads it as a formula (a
  cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
  single quote, the usual CSV-injection rule); numbers stay numbers.
* :func:`shown` makes it safe for a rich console: markup such as ``[/]`` or
  ``[link=...]`` is printed as typed, and control characters (ANSI escapes included) are
  shown as ``\\x1b`` instead of reaching the terminal.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pandas as pd

from alfa_xl.errors import AlfaInputError
from alfa_xl.model.engine.lineup import Lineup, load_lineup
from alfa_xl.book.tables.report import clean
from alfa_xl.model.engine.scenarios import Scenario, get_scenario, load_scenario

__all__ = ["Format", "console", "records", "resolve_scenario", "read_lineup", "os_reason", "named_as_options", "YTD_OPTIONS", "csv_text", "csv_safe", "shown", "printable",
           "FORMULA_STARTS", "target_option"]

#: First characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Format(str, Enum):
    """``--format`` of the commands that print results."""

    table = "table"
    csv = "csv"
    json = "json"


def console(width: int = 120):
    """A rich console on stdout; ``width`` columns wide when piped, so tables are not squeezed."""
    from rich.console import Console

    out = Console()
    if not out.is_terminal:
        out = Console(width=width)
    return out


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts (NaN and infinity as ``None``)."""
    return [{str(k): clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def resolve_scenario(value: str | None) -> Scenario:
    """A built-in scenario by name, or a scenario CSV (parameter,value) by path.

    A value ending in ``.csv`` or naming an existing file is read with
    :func:`~alfa_xl.model.engine.scenarios.load_scenario` (on top of ``base``); anything else must be
    a built-in name.
    """
    if value is None:
        return get_scenario("base")
    text = str(value).strip()
    if text.lower().endswith(".csv") or Path(text).is_file():
        try:
            return load_scenario(text)
        except OSError as exc:
            raise AlfaInputError("scenario file", text, "give the path of a CSV file you can read",
                                 f"cannot read ({os_reason(exc)})") from None
    return get_scenario(text)


def target_option() -> Any:
    """The ``--target`` option: text read by the validator the worksheet cells use
    (``400000``, ``400,000``, ``400 000`` and ``4e5`` are 400,000; ``400.000`` is refused as
    ambiguous, as in a cell), so the command line takes whatever a cell takes."""
    import typer

    from alfa_xl.model.engine.gap import DEFAULT_TARGET

    return typer.Option(
        f"{DEFAULT_TARGET:.0f}", "--target", metavar="UNITS",
        help="Target in units a year (400000 or 400,000; a dot is a decimal mark, so 400.000 is refused).",
    )


#: The engine's names of the year-to-date inputs -> the options that set them.
YTD_OPTIONS = {"units_to_date": "--ytd", "ytd": "--ytd", "months": "--ytd-months", "ytd_months": "--ytd-months"}


@contextmanager
def named_as_options(options: Mapping[str, str]) -> Iterator[None]:
    """Report an engine input error under the option the user typed (``--ytd`` for the
    engine's ``units_to_date``); any other error passes unchanged."""
    try:
        yield
    except AlfaInputError as exc:
        option = options.get(exc.field)
        if option is None:
            raise
        raise type(exc)(option, exc.value, exc.fix, exc.problem) from None


def os_reason(exc: OSError) -> str:
    """What the system said about a file, in lower case (``permission denied``)."""
    return (exc.strerror or type(exc).__name__).lower()


def read_lineup(path: str | None) -> Lineup | None:
    """The ``--lineup`` file (``None``: the default lineup); a file the system cannot read
    is an input error naming the file."""
    if path is None:
        return None
    try:
        return load_lineup(path)
    except OSError as exc:
        raise AlfaInputError("lineup file", path, "give the path of a CSV file you can read", f"cannot read ({os_reason(exc)})") from None


def csv_safe(value: Any) -> Any:
    """``value`` as a CSV field no spreadsheet runs as a formula: text starting with one of
    :data:`FORMULA_STARTS` gets a leading ``'``; anything else is returned unchanged.

    >>> csv_safe('=HYPERLINK("http://x")'), csv_safe("-5 model"), csv_safe("Junior"), csv_safe(-5.0)
    ('\\'=HYPERLINK("http://x")', "'-5 model", 'Junior', -5.0)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> str:
    """A CSV (header, ``\\n`` line ends) of ``rows``; every text field through :func:`csv_safe`."""
    frame = pd.DataFrame([[csv_safe(v) for v in row] for row in rows], columns=list(columns))
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def printable(text: Any) -> str:
    """``text`` with every control or other unprintable character written as ``\\xNN``
    (or ``\\uNNNN``), so that nothing typed into a name or path can drive the terminal.

    >>> printable("a\\x1b[31mred")
    'a\\\\x1b[31mred'
    """
    out = []
    for ch in str(text):
        if ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def shown(text: Any) -> str:
    """``text`` ready to go into rich markup: unprintable characters written out
    (:func:`printable`) and rich's markup brackets escaped, so ``[/]`` prints as ``[/]``.

    >>> shown("[/]"), shown("[link=http://x]y")
    ('\\\\[/]', '\\\\[link=http://x]y')
    """
    from rich.markup import escape

    return escape(printable(text))
