"""The Excel face: argument conversion and cache, worksheet functions, macros.

Users name these modules by their public aliases :mod:`alfa_xl.udfs` and
:mod:`alfa_xl.macros`. Inside, each worksheet-function module imports what it uses from
the module that defines it (no re-exporting module in between):

=========================================  ============================================
:mod:`alfa_xl.excel.cells`                 blanks, Excel error values, one value out of
                                           a range, a range as rows
:mod:`alfa_xl.excel.readers`               ``number``, ``whole``, ``year``, ``text``,
                                           ``choice``
:mod:`alfa_xl.excel.ranges`                ``scenario``, ``lineup`` (memoised on typed
                                           cells)
:mod:`alfa_xl.excel.argument_error`        ``ArgumentError``
:mod:`alfa_xl.excel.messages`              ``error_text``, ``excel_function``
:mod:`alfa_xl.excel.log`                   the traceback of an unexpected failure
:mod:`alfa_xl.excel.registration`          ``xlwings_decorators``, ``CATEGORY``,
                                           ``wizard_help``
:mod:`alfa_xl.excel.results`               ``cached``, the result cache
                                           (``cache_clear``, ``cache_info``)
:mod:`alfa_xl.book.values`                 ``clean_result``, ``frame_grid`` (shared with
                                           the workbook build)
=========================================  ============================================

None of them imports xlwings, so any worksheet-function module can use them.

Writing a worksheet function
----------------------------
The readers are called through their module (``readers.year``, ``ranges.scenario``):
their names are the functions' own argument names::

    from alfa_xl.excel import ranges, readers
    from alfa_xl.excel.messages import excel_function
    from alfa_xl.excel.registration import CATEGORY, wizard_help, xlwings_decorators
    from alfa_xl.excel.results import cached

    xw = xlwings_decorators()

    @wizard_help                            # outermost: Wizard help, err_to_str on every argument
    @xw.func(category=CATEGORY)
    @xw.arg("year", doc="Calendar year, e.g. 2030.")
    @excel_function                         # innermost: errors become "#VALUE! ..." text
    def alfa_something(year, scenario=None):
        \"\"\"First sentence: Function Wizard help.\"\"\"
        y = readers.year(year, "year", default=2030)
        sc = ranges.scenario(scenario)      # Scenario (built-in name or parameter range)
        return cached(("ALFA_SOMETHING", y, sc), lambda: compute(y, sc))

Rules every reader follows: only ``None`` and empty text are blank (``0`` is a number);
an Excel error value in an argument or inside a range is reported by name; a date gives
its year in a year argument, whether it arrives as a date or as a serial number.
"""
