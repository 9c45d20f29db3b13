"""One validator per kind of value, every bound declared once.

The engine, the worksheet functions, the workbook reader and the command line all take
numbers, years, shares, seeds and names from people. This module is the single place
that decides what is accepted: the bounds live in one table, :data:`LIMITS`, and each
kind of value has one function. Every failure raises an
:class:`~alfa_xl.errors.AlfaInputError` (or the subclass the caller names through
``error=``) whose message keeps the field, the value given and the fix::

    peak_units of 'Junior': outside 0 to 10,000,000 (got -5); give yearly units ...

Blank and zero
--------------
Only ``None``, empty or blank text and NaN (pandas' missing marker) are blank; ``0`` is a
number everywhere (a zero year is an error, a zero delay is no delay).

Numbers written as text
-----------------------
:func:`parse_number_text` reads ``"400000"``, ``" 1 234 "``, ``"1,234,567"``,
``"1.234.567"``, ``"1,234.5"``, ``"1.234,5"``, ``"40%"`` and ``"2.5e5"``. The dot is the
decimal mark; a comma or a dot is a thousands separator only where the grouping says so
unambiguously. Text that two readers would read two ways is refused with both readings
in the message: ``"1,5"`` (1.5 or 15?), ``"33000,5"`` (33000.5 or 330,005?),
``"1.234"`` (1.234 or 1234?). See ``docs/validation.md``.

Years
-----
A year field also takes a date (``datetime``/``date``/pandas ``Timestamp``), an ISO date
text (``"2030-06-30"``) or an Excel date serial number (the number Excel stores for a
date cell), each giving its year.

Modules: :mod:`~alfa_xl.validation.limits` (the table, blanks, Excel errors),
:mod:`~alfa_xl.validation.numbers`, :mod:`~alfa_xl.validation.years` (with the rule of
every year range), :mod:`~alfa_xl.validation.texts` (with the name normalisers) and
:mod:`~alfa_xl.validation.pairs` (options given both or neither); everything is imported here, so callers write
``from alfa_xl import validation`` and ``validation.number(...)``.

Examples
--------
>>> number("1,234,567", "units"), number(" 1 234 ", "units"), number("40%", "share", kind="share")
(1234567.0, 1234.0, 0.4)
>>> year(47484, "start_year")
2030
>>> number("33000,5", "peak_units of 'Junior'")
Traceback (most recent call last):
...
alfa_xl.errors.AlfaInputError: peak_units of 'Junior': ambiguous number: 33000.5 or 330005? (got '33000,5');
write 33000.5 for a decimal (dot as decimal mark) or 330005 without separators
"""

from __future__ import annotations

from alfa_xl.validation.csvfile import CsvTable, column_key, read_csv_file
from alfa_xl.validation.limits import (
    DEFAULT_YEAR,
    EXCEL_ERRORS,
    LIMITS,
    RESERVED_NAMES,
    Limit,
    default_horizon,
    excel_error,
    is_blank,
)
from alfa_xl.validation.numbers import (
    NumberTextError,
    number,
    parse_number_text,
    paths,
    positive,
    seed,
    share,
    whole,
)
from alfa_xl.validation.pairs import both_or_neither
from alfa_xl.validation.texts import existing_file, flag, identifier, name, name_key, squash, text
from alfa_xl.validation.years import end_after_start, excel_serial_range, excel_serial_year, horizon, year

__all__ = [
    "Limit",
    "LIMITS",
    "DEFAULT_YEAR",
    "EXCEL_ERRORS",
    "RESERVED_NAMES",
    "default_horizon",
    "is_blank",
    "parse_number_text",
    "NumberTextError",
    "number",
    "whole",
    "year",
    "share",
    "positive",
    "paths",
    "seed",
    "horizon",
    "flag",
    "text",
    "name",
    "squash",
    "name_key",
    "identifier",
    "existing_file",
    "excel_serial_year",
    "excel_serial_range",
    "excel_error",
    "end_after_start",
    "both_or_neither",
    "CsvTable",
    "read_csv_file",
    "column_key",
]
