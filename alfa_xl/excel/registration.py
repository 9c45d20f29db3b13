"""How the ALFA_ functions are registered with Excel: decorators, category, Wizard help.

Every worksheet-function module takes its decorators from :func:`xlwings_decorators` and
puts :func:`wizard_help` outermost, above ``@xw.func``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import SimpleNamespace

__all__ = ["CATEGORY", "xlwings_decorators", "summary", "wizard_help"]

#: Function Wizard category of every ALFA_ function (classic add-in; Lite lists the
#: functions by name in its task pane and in Excel's autocomplete, without a category).
CATEGORY = "Alfa Romeo"


def _passthrough(*args, **kwargs):
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


def xlwings_decorators():
    """xlwings (for ``func``/``arg``/``ret``) when it is loaded or this platform can host
    worksheet functions (Windows, xlwings Lite's Pyodide, xlwings Server); otherwise
    pass-through decorators, exactly what xlwings itself provides there, without its
    import cost."""
    hosts = (
        sys.platform.startswith("win") or sys.platform == "emscripten" or os.environ.get("XLWINGS_ON_SERVER") == "true"
    )
    if "xlwings" in sys.modules or hosts:
        import xlwings

        return xlwings
    return SimpleNamespace(func=_passthrough, arg=_passthrough, ret=_passthrough)


def summary(doc: str | None) -> str:
    """The first paragraph of a docstring on one line, at most 255 characters (the length
    Excel's Function Wizard shows)."""
    first = (doc or "").strip().split("\n\n", 1)[0]
    first = " ".join(first.split())
    return first if len(first) <= 255 else first[:252] + "..."


def wizard_help(f: Callable) -> Callable:
    """Decorator placed above ``@xw.func``: finishes the registration xlwings built.

    * The Function Wizard description (xlwings keeps the whole docstring) becomes the
      docstring's first paragraph only.
    * Every argument gets ``err_to_str=True``, so an error cell (``#N/A``, ``#REF!`` ...)
      reaches the function as its text, on the classic and the Office.js path alike,
      instead of xlwings' silent ``None``: :func:`alfa_xl.excel.messages.excel_function`
      then names it. Set here once, so no ``@xw.arg`` can forget it.

    No effect where the decorators are pass-throughs.
    """
    info = getattr(f, "__xlfunc__", None)
    if isinstance(info, dict):
        if isinstance(info.get("ret"), dict):
            info["ret"]["doc"] = summary(f.__doc__)
        for arg in info.get("args", ()):
            if isinstance(arg, dict) and isinstance(arg.get("options"), dict):
                arg["options"]["err_to_str"] = True
    return f
