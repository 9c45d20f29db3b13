"""One module per sheet of the outlook workbook, in the order :func:`alfa_xl.book.build.build_workbook`
writes them: cover, inputs, projection, scenarios, gap, risk, facts, checks, conf
(``xlwings.conf``). :mod:`~alfa_xl.book.sheets.base` holds what they share: formats, page
setup, the typed :class:`~alfa_xl.book.sheets.base.BookLayout` and the writer context."""
