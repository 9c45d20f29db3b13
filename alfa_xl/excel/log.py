"""Where the traceback of an unexpected worksheet-function failure goes.

The cell shows one line (:mod:`alfa_xl.excel.messages`); the traceback is logged at ERROR
level by the logger ``alfa_xl.excel`` to ``alfa-xl.log`` in the user's log directory
(``platformdirs.user_log_dir("alfa-xl")``: ``%LOCALAPPDATA%\\alfa-xl\\Logs`` on Windows,
``~/Library/Logs/alfa-xl`` on macOS, ``~/.local/state/alfa-xl/log`` on Linux) and to
stderr, which xlwings Lite shows in its Output pane. The handlers are attached on the
first failure, not at import, so importing the functions writes nothing anywhere.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

__all__ = ["LOGGER_NAME", "log_path", "log_unexpected"]

#: Logger of the worksheet functions (the handlers below hang on it).
LOGGER_NAME = "alfa_xl.excel"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_lock = threading.Lock()
_installed: dict[str, logging.Handler] = {}


def log_path() -> Path:
    """The log file: ``alfa-xl.log`` in the user's log directory (not created here)."""
    import platformdirs

    return Path(platformdirs.user_log_dir("alfa-xl", appauthor=False)) / "alfa-xl.log"


def _logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    path = log_path()
    with _lock:
        if "stderr" not in _installed:
            stream = logging.StreamHandler(sys.stderr)
            stream.setLevel(logging.ERROR)
            stream.setFormatter(logging.Formatter(_FORMAT))
            logger.addHandler(stream)
            _installed["stderr"] = stream
        key = f"file:{path}"
        if key not in _installed:
            handler: logging.FileHandler | None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                handler = logging.FileHandler(path, encoding="utf-8", delay=True)
            except OSError:  # read-only profile, sandbox without a home: stderr only
                handler = None
            if handler is not None:
                handler.setLevel(logging.ERROR)
                handler.setFormatter(logging.Formatter(_FORMAT))
                logger.addHandler(handler)
                _installed[key] = handler
        if logger.level == logging.NOTSET or logger.level > logging.ERROR:
            logger.setLevel(logging.ERROR)
    return logger


def log_unexpected(function: str, exc: BaseException) -> None:
    """Log ``exc`` with its traceback at ERROR, naming the worksheet function."""
    try:
        _logger().error("%s failed unexpectedly", function, exc_info=(type(exc), exc, exc.__traceback__))
    except Exception:  # logging must never turn a one-line message into a traceback
        pass


def reset() -> None:
    """Detach and close the handlers (tests point the log directory elsewhere)."""
    logger = logging.getLogger(LOGGER_NAME)
    with _lock:
        for handler in _installed.values():
            logger.removeHandler(handler)
            handler.close()
        _installed.clear()
