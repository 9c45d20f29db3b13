"""The outlook workbook: reproducible build (XlsxWriter) and headless refresh.

``build_workbook`` writes ``workbook/alfa_outlook.xlsm`` and its same-named Python module
(one module per sheet in :mod:`alfa_xl.book.sheets`); ``refresh_workbook`` recomputes the
refresh-owned sheets of an existing workbook from its own Inputs without Excel, keeping
every other part of the file byte for byte. :mod:`~alfa_xl.book.layout` is the contract,
:mod:`~alfa_xl.book.inputs` the one Inputs reader (the macro uses it too),
:mod:`~alfa_xl.book.owned` where a refresh may write, :mod:`~alfa_xl.book.recalc` the cached
values of the formulas after a refresh, :mod:`~alfa_xl.book.stored` the live tables' stored
copies, :mod:`~alfa_xl.book.replace` the crash-safe file replacement, :mod:`~alfa_xl.book.xlsx` and :mod:`~alfa_xl.book.bookfile`
the package, read once.

The package imports nothing itself (import the submodule you need: ``alfa_xl.book.build``,
``alfa_xl.book.refresh``), so the Excel macros can use :mod:`alfa_xl.book.layout` without
loading the builder.
"""
