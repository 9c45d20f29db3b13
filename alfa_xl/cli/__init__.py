"""The ``alfa-xl`` command line (Typer + rich).

One module per command family registers its commands on :data:`app`:
:mod:`~alfa_xl.cli.outlook` (``outlook``), :mod:`~alfa_xl.cli.facts` (``facts``),
:mod:`~alfa_xl.cli.simulate` (``simulate``) and :mod:`~alfa_xl.cli.workbook`
(``build-workbook``, ``refresh``).

:func:`main` is the only place that turns failures into exit codes. Whatever goes
wrong with the user's input, files or terminal ends as one line on stderr, never a
traceback:

* a bad input (:class:`~alfa_xl.errors.AlfaInputError`), a usage error, a file that
  cannot be read or written, text the terminal's encoding cannot show: exit code 2;
* Ctrl-C: ``alfa-xl: interrupted``, exit code 130 (128 + SIGINT, as shells expect);
* a closed pipe (``alfa-xl outlook | head``): no message, exit code 141 (128 + SIGPIPE).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading

try:  # the command line's packages come with the extra: pip install "alfa-xl[cli]"
    import rich  # noqa: F401
    import typer
except ModuleNotFoundError as exc:  # installed for Excel only (xlwings Lite installs no extra)
    if exc.name not in ("typer", "rich"):
        raise
    raise SystemExit(f'alfa-xl: the command line needs {exc.name}, which comes with its extra: '
                     'pip install "alfa-xl[cli]"') from None

from alfa_xl.cli.common import printable
from alfa_xl.errors import AlfaInputError

__all__ = ["app", "main"]

app = typer.Typer(
    name="alfa-xl",
    help="Project Alfa Romeo's yearly sales by model and region and measure the gap to 400,000 a year.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from alfa_xl.cli import facts, outlook, simulate, workbook

    for family in (outlook, facts, workbook, simulate):
        family.register(app)
    from alfa_xl.cli import backtest
    backtest.register(app)


_register()


def _click_errors() -> tuple[type[Exception], ...]:
    """Usage-error classes of the click that Typer runs on (recent Typer vendors its own)."""
    found = []
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            found.append(importlib.import_module(name).ClickException)
        except ImportError:
            continue
    return tuple(found)


_CLICK_ERRORS = _click_errors()


class _Interrupted(BaseException):
    """Ctrl-C, raised by our SIGINT handler so that click does not turn it into an abort."""


def _on_sigint(signum, frame):  # pragma: no cover - exercised through a subprocess
    raise _Interrupted


def _fail(message: str) -> int:
    typer.echo(f"alfa-xl: error: {printable(message)}", err=True)
    return 2


def _file_error(exc: OSError) -> str:
    """One line for a file the command could not read or write."""
    where = exc.filename if exc.filename is not None else "file"
    why = (exc.strerror or type(exc).__name__).lower()
    return f"{where}: {why}; check that the path exists, is a file (not a folder) and that you may read or write it"


def _encoding_error(exc: UnicodeError) -> str:
    if isinstance(exc, UnicodeEncodeError):
        text = ascii(exc.object[exc.start:exc.end])
        return (f"output: the terminal's encoding {exc.encoding} cannot show {text}; "
                "use a UTF-8 terminal or set PYTHONIOENCODING=utf-8")
    return (f"input: a file is not text in {getattr(exc, 'encoding', 'UTF-8')} (byte {getattr(exc, 'start', '?')}); "
            "save it as UTF-8 (CSV UTF-8 in Excel) and try again")


def main(argv: list[str] | None = None) -> int:
    """Run the app; return its exit code (0, 2 for bad input, 130 after Ctrl-C).

    Parameters
    ----------
    argv : list of str, optional
        Arguments after ``alfa-xl``; ``sys.argv[1:]`` when omitted.
    """
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _on_sigint) if in_main_thread else None
    try:
        app(args=argv, prog_name="alfa-xl", standalone_mode=False)
    except (_Interrupted, KeyboardInterrupt):
        typer.echo("alfa-xl: interrupted", err=True)
        return 130
    except AlfaInputError as exc:
        return _fail(str(exc))
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        typer.echo("alfa-xl: aborted", err=True)
        return 1
    except _CLICK_ERRORS as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # help already printed
            return 2
        return _fail(exc.format_message())
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, and let the interpreter's final flush go nowhere
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141
    except OSError as exc:
        return _fail(_file_error(exc))
    except UnicodeError as exc:
        return _fail(_encoding_error(exc))
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return 0
