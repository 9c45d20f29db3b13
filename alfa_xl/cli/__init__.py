"""The ``alfa-xl`` command line (Typer + rich).

One module per command family registers its commands on :data:`app`:
:mod:`~alfa_xl.cli.outlook` (``outlook``), :mod:`~alfa_xl.cli.facts` (``facts``),
:mod:`~alfa_xl.cli.simulate` (``simulate``) and :mod:`~alfa_xl.cli.workbook`
(``build-workbook``, ``refresh``); an option more than one command takes is declared once, in
:mod:`~alfa_xl.cli.options`.

:func:`main` is the only place that turns failures into exit codes. Whatever goes
wrong with the user's input, files or terminal ends as one line on stderr, never a
traceback:

* a bad input (:class:`~alfa_xl.errors.AlfaInputError`), a usage error, a file that
  cannot be read or written, text the terminal's encoding cannot show: exit code 2;
* Ctrl-C: ``alfa-xl: interrupted``, exit code 130 (128 + SIGINT, as shells expect);
* a closed pipe (``alfa-xl outlook | head``): no message, exit code 141 (128 + SIGPIPE);
* output that cannot be written (standard output closed, a full disk): one line, exit code 2.

Every line is at most :data:`~alfa_xl.cli.common.MAX_LINE` characters, control characters
written out (:func:`~alfa_xl.cli.common.error_line`). Ctrl-C is handled with the
console entry point's handler (:mod:`alfa_xl.entry`), so there is one rule for the whole
run; see ``docs/exits.md``.
"""

from __future__ import annotations

import alfa_xl.entry  # noqa: F401  first: under ``python -m alfa_xl.cli`` it takes Ctrl-C before the heavy imports

# isort: split
import errno
import importlib
import os
import re
import signal
import sys
import threading

try:  # the command line's packages come with the extra: pip install "alfa-xl[cli]"
    import rich  # noqa: F401
    import typer
except ModuleNotFoundError as exc:  # installed for Excel only (xlwings Lite installs no extra)
    if exc.name not in ("typer", "rich"):
        raise
    raise SystemExit(
        f'alfa-xl: the command line needs {exc.name}, which comes with its extra: pip install "alfa-xl[cli]"'
    ) from None

from alfa_xl.cli.common import error_line
from alfa_xl.entry import Interrupted, OutputClosed, arm, disarm, interrupted
from alfa_xl.errors import SHOWN_VALUE, AlfaInputError, shown_value

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


def _given(args: list[str], opts: list[str]) -> str | None:
    """What the user typed after one of ``opts`` (``--paths x`` or ``--paths=x``)."""
    for i, arg in enumerate(args):
        for opt in opts:
            if arg == opt and i + 1 < len(args):
                return args[i + 1]
            if opt.startswith("--") and arg.startswith(opt + "="):
                return arg[len(opt) + 1 :]
    return None


def _usage_message(exc: Exception, args: list[str]) -> str:
    """A usage error in words for the person at the terminal: an option's value that is not
    a number or not one of the choices says so with what was typed, instead of the wording
    of the library that parsed it ("Input should be a valid integer")."""
    message = exc.format_message()  # type: ignore[attr-defined]
    param = getattr(exc, "param", None)
    opts = list(getattr(param, "opts", None) or [])
    if not opts:
        return message
    name = max(opts, key=len)
    raw = _given(args, opts)
    got = "" if raw is None else f" (got {raw!r})"
    said = str(getattr(exc, "message", message))
    choices = [str(getattr(c, "value", c)) for c in getattr(getattr(param, "type", None), "choices", None) or []]
    if not choices and " is not one of " in said:
        choices = re.findall(r"'([^']*)'", said.split(" is not one of ", 1)[1])
    if choices:
        listed = ", ".join(choices)
        return f"{name}: not one of {listed}{got}; give one of {listed}"
    if "valid integer" in said:
        return f"{name}: not a whole number{got}; write it with digits only, for example 10000"
    if "valid number" in said or "valid float" in said:
        return f"{name}: not a number{got}; write it with digits, for example 400000 or 0.5"
    return f"{name}: {said.removeprefix('Value error, ')}"


def _fail(message: str) -> int:
    typer.echo(error_line(message), err=True)
    return 2


def _file_error(exc: OSError) -> str:
    """One line for a file the command could not read or write."""
    where = "file" if exc.filename is None else str(exc.filename)
    if len(where) > SHOWN_VALUE:
        where = shown_value(where)
    why = (exc.strerror or type(exc).__name__).lower()
    return f"{where}: {why}; check that the path exists, is a file (not a folder) and that you may read or write it"


def _encoding_error(exc: UnicodeError) -> str:
    if isinstance(exc, UnicodeEncodeError):
        text = ascii(exc.object[exc.start : exc.end])
        return (
            f"output: the terminal's encoding {exc.encoding} cannot show {text}; "
            "use a UTF-8 terminal or set PYTHONIOENCODING=utf-8"
        )
    return (
        f"input: a file is not text in {getattr(exc, 'encoding', 'UTF-8')} (byte {getattr(exc, 'start', '?')}); "
        "save it as UTF-8 (CSV UTF-8 in Excel) and try again"
    )


#: What the system says when standard output cannot take the results (no file name attached).
_OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _quiet_stdout() -> None:
    """The reader went away (``| head``): send whatever is still buffered nowhere, so the
    interpreter's last flush does not fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _flush_stdout() -> None:
    """Flush standard output now, so that a write that fails (a full disk, a closed pipe)
    fails here, where it becomes an exit code, and not in the interpreter's shut-down."""
    if sys.stdout is not None:
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Run the app; return its exit code (0; 2 for bad input or output that cannot be
    written; 130 after Ctrl-C; 141 when the reader of a pipe went away).

    Parameters
    ----------
    argv : list of str, optional
        Arguments after ``alfa-xl``; ``sys.argv[1:]`` when omitted.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = None
    try:
        if in_main_thread:
            previous = arm()
        app(args=args, prog_name="alfa-xl", standalone_mode=False)
        _flush_stdout()
    except (Interrupted, KeyboardInterrupt):
        return interrupted()
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
        return _fail(_usage_message(exc, args))
    except BrokenPipeError:
        _quiet_stdout()
        return 141
    except SystemExit as exc:
        if isinstance(exc.__context__, BrokenPipeError):  # Typer's own answer to a closed pipe is exit 1
            _quiet_stdout()
            return 141
        raise
    except OutputClosed as exc:
        return _fail(str(exc))
    except OSError as exc:
        if exc.filename is None and exc.errno in _OUTPUT_ERRORS:  # a write to standard output failed
            return _fail(
                f"output: cannot write the results ({(exc.strerror or 'write error').lower()}); "
                "send them to a file on a disk with room, or to a terminal"
            )
        return _fail(_file_error(exc))
    except UnicodeError as exc:
        return _fail(_encoding_error(exc))
    finally:
        if in_main_thread:
            disarm()
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
    return 0
