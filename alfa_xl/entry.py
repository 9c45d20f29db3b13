"""The ``alfa-xl`` console entry point: Ctrl-C is one line and exit code 130 from the first
moment.

:func:`alfa_xl.cli.main` handles an interrupt while a command runs, but importing the
command line loads pandas, NumPy, Typer and rich first, which takes long enough for a
Ctrl-C to land there. This module imports nothing heavy itself (``alfa_xl/__init__.py``
is lazy), so the ``try`` below is in place before any of that starts.
"""

from __future__ import annotations

import signal
import sys

__all__ = ["run"]

INTERRUPTED = "alfa-xl: interrupted"


def _interrupted() -> int:
    try:  # a second Ctrl-C while the message is written must not print a traceback either
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):  # pragma: no cover - not the main thread
        pass
    try:
        sys.stderr.write(INTERRUPTED + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # pragma: no cover - stderr closed
        pass
    return 130


def run(argv: list[str] | None = None) -> int:
    """Import the command line and run it; 130 with one line after Ctrl-C at any point."""
    try:
        from alfa_xl.cli import main

        return main(argv)
    except KeyboardInterrupt:
        return _interrupted()


if __name__ == "__main__":  # pragma: no cover - python -m alfa_xl.entry
    sys.exit(run())
