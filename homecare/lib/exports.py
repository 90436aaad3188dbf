"""Files people open in a spreadsheet: every CSV (and XLSX) the platform writes goes through here.

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel
and LibreOffice (CSV injection), so such text gets a leading apostrophe, as OWASP advises. Numbers
(int, Decimal, float, and text that is only a number such as "-12.50") are written as they are: a
negative amount stays a number. In an XLSX file such text is a string cell marked "quote prefix"
(what Excel stores when someone types the apostrophe), so it shows as typed and is never evaluated.
Filenames in a Content-Disposition header are built from safe characters only.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def is_formula(text: str) -> bool:
    """True for text a spreadsheet would evaluate: a formula start, and not just a signed number."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def safe_cell(value: Any) -> Any:
    """The value to write in a cell: text that a spreadsheet would run as a formula is neutralised."""
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    text = str(value)
    if is_formula(text):
        return "'" + text
    return value


def csv_writer(out: IO[str], **kwargs) -> _SafeWriter:
    """Like csv.writer, but every row goes through safe_cell."""
    return _SafeWriter(csv.writer(out, **kwargs))


def csv_dict_writer(out: IO[str], fieldnames: Iterable[str], **kwargs) -> _SafeDictWriter:
    """Like csv.DictWriter, but every value goes through safe_cell."""
    return _SafeDictWriter(csv.DictWriter(out, fieldnames=list(fieldnames), **kwargs))


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter:
    def __init__(self, writer: csv.DictWriter):
        self._writer = writer

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: dict[str, Any]) -> None:
        self._writer.writerow({k: safe_cell(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_workbook(sheets: dict[str, tuple[list[str], Iterable[Iterable[Any]]]]) -> bytes:
    """An .xlsx file with one sheet per entry: {title: (header, rows)}. Numbers stay numbers, dates
    stay dates; every other value is a string cell, and one a spreadsheet would read as a formula is
    marked quote-prefixed (never a formula cell). Written row by row (openpyxl's write-only mode)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title=_UNSAFE_SHEET_TITLE.sub(" ", title)[:31] or "Sheet")
        head = [_xlsx_cell(sheet, str(name)) for name in header]
        for cell in head:
            cell.font = bold
        sheet.append(head)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_UNSAFE_SHEET_TITLE = re.compile(r"[\\/*?:\[\]]")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _string_cell_value(value: Any) -> str:
    # Control characters are not allowed in the XML of a sheet: they would make the file unreadable.
    return _ILLEGAL_XML.sub("", str(value))


def _xlsx_cell(sheet, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    text = _string_cell_value(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never "f" (openpyxl makes any text starting with "=" a formula)
    if is_formula(text):
        cell.quotePrefix = True
    return cell


def safe_filename(stem: str, extension: str) -> str:
    """`stem.extension` with anything but letters, digits, dot, dash and underscore replaced by `-`."""
    clean = _UNSAFE_FILENAME.sub("-", stem).strip("-.") or "download"
    return f"{clean}.{_UNSAFE_FILENAME.sub('', extension)}"


def attachment(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition value for an already safe filename."""
    return f'{"inline" if inline else "attachment"}; filename="{filename}"'


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def file_response(content: str | bytes, stem: str, extension: str, *, inline: bool = False):
    """A download: the content with its type and a Content-Disposition naming `stem.extension` made safe."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = attachment(safe_filename(stem, extension), inline=inline)
    return response
