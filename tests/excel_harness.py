"""Calling ALFA_ functions the way Excel does, shared by the worksheet-function tests.

``excel_call`` follows ``xlwings.udfs.call_udf``: VBA passes every declared argument
(omitted optionals as :data:`MISSING`), each value goes through ``conversion.read`` with
the argument's options, the result through ``conversion.write`` with the return options.
(The real ``call_udf`` needs Windows; the stand-ins in ``conftest.py`` make the
conversion itself real.)
"""

from __future__ import annotations

import math

from xlwings import conversion

#: What VBA passes for an omitted optional argument (xlwings.udfs.call_udf).
MISSING = -2147352572


def excel_call(func, *com_args):
    """The value Excel receives from ``func`` called with these COM-shaped arguments."""
    info = func.__xlfunc__
    com_args = list(com_args) + [MISSING] * (len(info["args"]) - len(com_args))
    args = []
    for i, value in enumerate(com_args):
        arg_info = info["args"][min(i, len(info["args"]) - 1)]
        if isinstance(value, int) and value == MISSING:
            args.append(arg_info.get("optional", None))
        else:
            args.append(conversion.read(None, value, arg_info["options"]))
    return conversion.write(func(*args), None, info["ret"]["options"])


def cell(func, *com_args):
    """The single value Excel shows for a scalar result (``conversion.write`` gives [[v]])."""
    out = excel_call(func, *com_args)
    assert isinstance(out, list) and len(out) == 1 and len(out[0]) == 1, out
    return out[0][0]


def assert_cell_safe(value, allowed=(str, int, bool)):
    """Fail unless ``value`` (possibly nested lists) holds only finite floats, ``None`` and
    values of the ``allowed`` types: what a cell can show without an error."""
    if isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, list):
        for v in value:
            assert_cell_safe(v, allowed)
    else:
        assert value is None or isinstance(value, allowed), type(value)
