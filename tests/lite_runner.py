"""Run a Lite ``main.py`` through xlwings' own Office.js code, in a process of its own.

xlwings picks its Office.js implementation at import time (``XLWINGS_ON_SERVER=true``),
so this runs apart from the test process, where ``tests/conftest.py`` binds the classic
decorators. Request on stdin (JSON)::

    {"main": "<source of main.py>",
     "calls": [["alfa_total", [[[2030]]]], ...],        # name, args as Office.js sends them
     "scripts": [["refresh_scenarios", {payload}], ...]}  # name, the book's JSON

Answer on stdout (JSON): ``meta`` (custom_functions_meta), ``scripts_meta``
(custom_scripts_meta), ``calls`` (each ``{"result": ...}`` or ``{"error": ...}``),
``scripts`` (each ``{"actions": [...]}`` or ``{"error": ...}``) and ``modules`` (which
``xlwings`` submodules the product imported, besides those the runner did).
"""

from __future__ import annotations

import asyncio
import json
import sys
import traceback
import types


def run_coroutine(coro):
    """``asyncio.run`` where asyncio has an event loop; on WASI (no socket pair for the
    loop's wake-up, as in a wasm32 CPython) drive the coroutine by hand: xlwings' calls
    await no I/O, so it finishes without ever waiting."""
    if sys.platform != "wasi":
        return asyncio.run(coro)
    try:
        while True:
            waited = coro.send(None)
            if waited is not None:
                coro.close()
                raise RuntimeError(f"the call waited on {waited!r}, which needs an event loop")
    except StopIteration as stop:
        return stop.value


def main() -> None:
    request = json.load(sys.stdin)
    import xlwings as xw
    import xlwings.server as server

    before = {m for m in sys.modules if m.startswith("xlwings")}
    module = types.ModuleType("main")
    exec(compile(request["main"], "main.py", "exec"), module.__dict__)
    imported = sorted(m for m in sys.modules if m.startswith("xlwings") and m not in before)

    out = {
        "meta": server.custom_functions_meta(module),
        "scripts_meta": server.custom_scripts_meta(module),
        "calls": [],
        "scripts": [],
        "modules": imported,
        "decorator": f"{xw.func.__module__}.{xw.func.__name__}",
    }
    for name, args in request.get("calls", []):
        data = {
            "func_name": name,
            "args": args,
            "version": xw.__version__,
            "client": "Office.js",
            "runtime": "1.4",
            "culture_info_name": "en-US",
            "date_format": "M/d/yyyy",
            "caller_address": "Sheet1!A1",
        }
        try:
            out["calls"].append({"result": run_coroutine(server.custom_functions_call(data, module))})
        except Exception as exc:
            out["calls"].append({"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
    for name, book_json in request.get("scripts", []):
        try:
            book = xw.Book(json=book_json)
            run_coroutine(server.custom_scripts_call(module, name, typehint_to_value={xw.Book: book}))
            out["scripts"].append({"actions": book.json()["actions"]})
        except Exception as exc:
            out["scripts"].append({"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
    json.dump(out, sys.stdout, default=str)


if __name__ == "__main__":
    main()
