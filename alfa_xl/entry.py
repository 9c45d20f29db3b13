"""The ``alfa-xl`` console entry point: Ctrl-C is one line and exit code 130 from the first
line of this module to the last instruction of the process.

Importing the command line loads pandas, NumPy, Typer and rich, which takes long enough
for a Ctrl-C to land there, and Python's own handler would then print a traceback. So
this module imports nothing heavy (``alfa_xl/__init__.py`` is lazy; the C module
``_signal`` instead of ``signal``, which loads ``enum``) and takes over SIGINT with its first
statement after that import; when it is not the console command (a program importing it),
the program's own handler is put back before the import ends. The handler has three states:

* **waiting** (from this module's first statement until :func:`run` starts): a Ctrl-C is only
  recorded, because raising it then would land in the console script's own two lines,
  outside any ``try`` of ours; :func:`run` raises it as its first step;
* **armed** (while :func:`run` or :func:`alfa_xl.cli.main` works): a Ctrl-C raises
  :class:`Interrupted` once and the handler moves to done;
* **done** (after the first interrupt, and once the command has finished): Ctrl-C is
  ignored, so a second press while the message is written, or one during the
  interpreter's own shut-down (flushing output, ``atexit``), prints nothing.

:class:`Interrupted` is not a ``KeyboardInterrupt``: click turns a ``KeyboardInterrupt``
into an "aborted" exit. ``docs/exits.md`` says why, and what is left to the interpreter
(a Ctrl-C during Python's own start-up, before this module's first line, is Python's).
"""

import _signal  # type: ignore[import-not-found]  # the C module: no enum import

WAITING, ARMED, DONE = "waiting", "armed", "done"


class _State:
    mode = WAITING
    pending = False


def on_sigint(signum, frame):  # pragma: no cover - runs inside subprocesses of the tests
    """The SIGINT handler of the command line (see the module docstring for its states)."""
    if _State.mode == ARMED:
        _State.mode = DONE
        raise Interrupted
    if _State.mode == WAITING:
        _State.pending = True


# Installed before anything else of this module runs (waiting: a Ctrl-C is only recorded);
# a program that merely imports this module gets its own handler back below.
try:
    _PREVIOUS = _signal.signal(_signal.SIGINT, on_sigint)
except ValueError:  # pragma: no cover - imported outside the main thread
    _PREVIOUS, _State.mode = None, DONE

import os  # noqa: E402  (after the handler: built in, already loaded at start-up)
import sys  # noqa: E402

__all__ = ["run", "Interrupted", "INTERRUPTED", "OutputClosed", "arm", "disarm", "interrupted", "on_sigint"]

INTERRUPTED = "alfa-xl: interrupted"


def _console_command() -> bool:
    """Whether this process is the ``alfa-xl`` command (its console script,
    ``python -m alfa_xl.entry`` or ``python -m alfa_xl.cli``), not a program that imports
    this module."""
    name = sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1].lower() if sys.argv and sys.argv[0] else ""
    # "-m" while ``python -m alfa_xl.cli`` imports its package, which imports this module first
    return name.startswith("alfa-xl") or name == "-m" or __name__ == "__main__"


if __name__ == "__main__":  # python -m alfa_xl.entry: one module, so one handler state for the command line
    sys.modules.setdefault("alfa_xl.entry", sys.modules[__name__])


def _leave_alone(previous) -> None:
    """Give a program that only imports this module its own SIGINT handler back; a Ctrl-C
    recorded while the module loaded goes to that handler now (Python's raises
    ``KeyboardInterrupt``, as it would have a moment earlier)."""
    _signal.signal(_signal.SIGINT, previous)
    _State.mode = DONE
    if _State.pending:
        _State.pending = False
        if callable(previous):
            previous(_signal.SIGINT, None)
        elif previous == _signal.SIG_DFL:  # pragma: no cover - the default action ends the process
            _signal.raise_signal(_signal.SIGINT)


if _console_command():
    # One BLAS thread unless the user set one: the command's matrix products are small (one
    # path's models by years, 8,000 paths by a dozen shifts), where more threads only wait and
    # take CPU from the rest (docs/simulation.md, "Speed"). Read when NumPy loads, which is later.
    for _threads in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_threads, "1")
elif _PREVIOUS is not None:
    _leave_alone(_PREVIOUS)


class Interrupted(BaseException):
    """Ctrl-C, raised by :func:`on_sigint` (a ``BaseException`` that click does not catch)."""


class OutputClosed(OSError):
    """Standard output was closed when the command started (``alfa-xl outlook >&-``)."""

    def __init__(self) -> None:
        super().__init__(
            "output: standard output is closed, so the results cannot be shown; "
            "run the command with its output going to a terminal, a file or a pipe"
        )


class _ClosedOutput:
    """Stands in for ``sys.stdout`` when it was closed at start: the first write fails."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text):
        raise OutputClosed

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OutputClosed


def _hold_closed_streams() -> None:
    """Keep file descriptors 0-2 taken if the command was started with one of them closed,
    so that no file the command opens gets that number and receives its output; a closed
    standard output makes the first write an error (:class:`OutputClosed`)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()


def arm():
    """Install :func:`on_sigint` armed (a Ctrl-C recorded while waiting is raised now);
    return the handler it replaced. Main thread only."""
    _State.mode = ARMED
    previous = _signal.signal(_signal.SIGINT, on_sigint)
    if _State.pending:
        _State.pending = False
        _State.mode = DONE
        raise Interrupted
    return previous


def disarm() -> None:
    """From now on Ctrl-C is ignored (the handler stays installed)."""
    _State.mode = DONE


def interrupted() -> int:
    """Write ``alfa-xl: interrupted`` on stderr; return 130 (128 + SIGINT, as shells expect)."""
    disarm()
    try:
        sys.stderr.write(INTERRUPTED + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stderr closed
        pass
    return 130


def run(argv: list[str] | None = None) -> int:
    """Run the ``alfa-xl`` command line and return its exit code; 130 with one line after
    Ctrl-C at any point. The console command: when it returns, Ctrl-C stays ignored until
    the process ends (embed :func:`alfa_xl.cli.main` instead to keep your own handler)."""
    try:
        arm()
        _hold_closed_streams()
        from alfa_xl.cli import main

        code = main(argv)
        disarm()
    except (Interrupted, KeyboardInterrupt):
        code = interrupted()
    return code


if __name__ == "__main__":  # pragma: no cover - python -m alfa_xl.entry
    sys.exit(run())
