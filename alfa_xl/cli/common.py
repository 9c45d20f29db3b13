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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alfa_xl.errors import AlfaInputError
from alfa_xl.model.engine.files import read_lineup_table, read_scenario_table
from alfa_xl.validation import CsvTable

if TYPE_CHECKING:  # the engine is imported by the functions that use it, after the files are read
    import pandas as pd

    from alfa_xl.model.engine.lineup import Lineup
    from alfa_xl.model.engine.scenarios import Scenario

__all__ = [
    "Format",
    "console",
    "records",
    "resolve_scenario",
    "read_lineup",
    "scenario_table",
    "lineup_table",
    "os_reason",
    "named_as_options",
    "YTD_OPTIONS",
    "check_ytd",
    "progress_bar",
    "PROGRESS_FROM",
    "csv_text",
    "csv_safe",
    "shown",
    "printable",
    "FORMULA_STARTS",
    "MAX_LINE",
    "error_line",
    "clipped",
]

#: First characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Format(StrEnum):
    """``--format`` of the commands that print results."""

    table = "table"
    csv = "csv"
    json = "json"


def console(width: int = 120):
    """A rich console on stdout; ``width`` columns wide when piped, so tables are not squeezed.

    A reader that goes away (``| head``) raises ``BrokenPipeError`` for
    :func:`alfa_xl.cli.main` to turn into exit code 141; rich's own answer would be exit 1.
    """
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    out = _Console()
    if not out.is_terminal:
        out = _Console(width=width)
    return out


#: Work of at least this many simulated paths shows a progress bar: about a second on the
#: 2-core test machine (derived: 200,000 paths of the default simulation took 1.2 s there).
PROGRESS_FROM = 200_000


@contextmanager
def progress_bar(label: str, total: int, unit: str, fmt: Format, show: bool = True) -> Iterator[Any]:
    """A rich progress bar on stderr for long work; yields ``update(done, total=None)``
    (``total`` when it is known only once the work starts), or ``None`` when there is no bar.

    Silent (``None``) when ``show`` is false, for ``--format json`` and ``csv`` (output
    read by programs) and when stderr is not a terminal; the bar disappears when the work
    is done (``transient``), so the results print as they would without it.
    """
    if not show or fmt is not Format.table:
        yield None
        return
    from rich.console import Console

    err = Console(stderr=True)
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn(f"{{task.completed:,}}/{{task.total:,}} {unit}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task(label, total=total)

    def update(done: int, new_total: int | None = None) -> None:
        bar.update(task, completed=done, total=new_total if new_total is not None else None)

    with bar:
        yield update


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts (NaN and infinity as ``None``)."""
    from alfa_xl.book.tables.report import clean

    return [{str(k): clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _is_scenario_file(text: str) -> bool:
    """Whether a ``--scenario`` value names a file (ends in ``.csv`` or is an existing file)
    rather than a built-in scenario."""
    return text.lower().endswith(".csv") or _is_file(text)


def scenario_table(value: str | None) -> CsvTable | None:
    """The scenario CSV named by ``value``, read within its bounds (no engine import: a
    refused file costs little); ``None`` when ``value`` is a built-in scenario's name."""
    if value is None or not _is_scenario_file(str(value).strip()):
        return None
    text = str(value).strip()
    try:
        return read_scenario_table(text)
    except OSError as exc:
        raise AlfaInputError(
            "scenario file", text, "give the path of a CSV file you can read", f"cannot read ({os_reason(exc)})"
        ) from None


def resolve_scenario(value: str | None, table: CsvTable | None = None) -> Scenario:
    """A built-in scenario by name, or a scenario CSV (parameter,value) by path.

    A value ending in ``.csv`` or naming an existing file is read (on top of ``base``) from
    ``table``, its :func:`scenario_table` when already read, or from the file; anything
    else must be a built-in name.
    """
    from alfa_xl.model.engine.scenarios import get_scenario, scenario_from_table

    if value is None:
        return get_scenario("base")
    text = str(value).strip()
    if table is None and _is_scenario_file(text):
        table = scenario_table(text)
    if table is not None:
        return scenario_from_table(table, text)
    return get_scenario(text)


def _is_file(text: str) -> bool:
    """Whether ``text`` names an existing file; a name the system cannot even look up (too
    long, a NUL byte) names none."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


#: The engine's names of the year-to-date inputs -> the options that set them.
YTD_OPTIONS = {
    "units_to_date": "--ytd",
    "ytd": "--ytd",
    "ytd_units": "--ytd",
    "months": "--ytd-months",
    "ytd_months": "--ytd-months",
}


def check_ytd(ytd: float | None, ytd_months: int | None, override: bool) -> None:
    """``--ytd`` over ``--ytd-months`` against the brand's own pace
    (:func:`alfa_xl.model.risk.nowcast.check_pace`), unless ``--ytd-override``; one of the two
    without the other is left for the engine to refuse."""
    if ytd is None or ytd_months is None or override:
        return
    from alfa_xl.model.risk.nowcast import check_pace

    with named_as_options(YTD_OPTIONS):
        check_pace(ytd, ytd_months, field="ytd_units", override="give --ytd-override")


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


def lineup_table(path: str | None) -> CsvTable | None:
    """The ``--lineup`` file read within its bounds (no engine import: a refused file costs
    little); ``None`` for the default lineup. A file the system cannot read is an input
    error naming the file."""
    if path is None:
        return None
    try:
        return read_lineup_table(path)
    except OSError as exc:
        raise AlfaInputError(
            "lineup file", path, "give the path of a CSV file you can read", f"cannot read ({os_reason(exc)})"
        ) from None


def read_lineup(path: str | None, table: CsvTable | None = None) -> Lineup | None:
    """The ``--lineup`` file as a lineup (``None``: the default lineup), from ``table``, its
    :func:`lineup_table` when already read, or from the file."""
    if path is None:
        return None
    from alfa_xl.model.engine.lineup import lineup_from_table

    if table is None:
        table = lineup_table(path)
    assert table is not None  # a path was given
    return lineup_from_table(table, Path(path).name)


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
    import pandas as pd

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


#: The longest line the command line writes on stderr, in characters (about four lines of a
#: standard 80-column terminal; assumption: a message longer than that is not read).
MAX_LINE = 300


def clipped(text: Any, limit: int) -> str:
    """``text`` through :func:`printable`, cut to at most ``limit`` characters with ``...``
    at the cut (a written-out character such as ``\\x00`` is kept whole or left out).

    >>> clipped("abc", 10), clipped("a" * 20, 10), clipped("\\x00" * 5, 10)
    ('abc', 'aaaaaaa...', '\\\\x00...')
    """
    out = printable(text)
    if len(out) <= limit:
        return out
    keep, pieces = max(0, limit - 3), []
    for ch in str(text):
        piece = printable(ch)
        if keep < len(piece):
            break
        pieces.append(piece)
        keep -= len(piece)
    return "".join(pieces) + "..."


def error_line(message: Any) -> str:
    """``alfa-xl: error: MESSAGE`` as one readable line: control characters and NULs
    written out, and at most :data:`MAX_LINE` characters (cut with ``...``).

    >>> error_line("scenario: unknown (got 'x\\x00'); use base")
    "alfa-xl: error: scenario: unknown (got 'x\\\\x00'); use base"
    >>> len(error_line("name " * 200))
    300
    """
    return "alfa-xl: error: " + clipped(message, MAX_LINE - len("alfa-xl: error: "))


def shown(text: Any) -> str:
    """``text`` ready to go into rich markup: unprintable characters written out
    (:func:`printable`) and rich's markup brackets escaped, so ``[/]`` prints as ``[/]``.

    >>> shown("[/]"), shown("[link=http://x]y")
    ('\\\\[/]', '\\\\[link=http://x]y')
    """
    from rich.markup import escape

    return escape(printable(text))
