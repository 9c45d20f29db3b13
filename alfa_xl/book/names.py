"""The workbook's file name, importable without the engine: ``alfa-xl build-workbook``
shows it in its options before anything heavy is loaded (``docs/exits.md``)."""

__all__ = ["WORKBOOK_NAME"]

#: File name of the workbook (and, without extension, of its Python module).
WORKBOOK_NAME = "alfa_outlook.xlsm"
