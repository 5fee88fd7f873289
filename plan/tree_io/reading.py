"""A tree sheet read into rows, refused whole when it is not a sheet Enlace can read."""

import csv
import decimal
import io
import os
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import check_upload

from .common import COLUMNS, FORMATS, MAX_BYTES, MAX_CELL, MAX_COLUMNS, MAX_ROWS

# ---- reading a sheet -----------------------------------------------------------------------


@dataclass
class Row:
    """A data row of the sheet: its number as the spreadsheet shows it, and its cells by column."""

    number: int
    cells: dict


@dataclass
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    deleted: list = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self):
        return bool(self.created or self.updated or self.deleted)


def _message(row, column, text):
    if column:
        return _("Row %(row)s, column %(column)s: %(problem)s") % {"row": row, "column": column, "problem": text}
    return _("Row %(row)s: %(problem)s") % {"row": row, "problem": text}


def _as_text(value):
    """A cell's value as the text the TS typed (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_bytes(file, fmt):
    """Check the upload (real type, size) and return its bytes; raise ValidationError naming the file."""
    if fmt not in FORMATS:
        raise ValidationError([_("Give the plan's tree as XLSX or CSV.")])
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(bytes(file))
    name = getattr(file, "name", None)
    if not name or os.path.splitext(str(name))[1].lower() != f".{fmt}":
        # An unnamed buffer (or a stored name without the right extension): check it as the format asked.
        data = _whole(file)
        file = io.BytesIO(data)
        file.name = f"plan.{fmt}"
    try:
        check_upload(file, kinds={fmt}, max_bytes=MAX_BYTES)
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    return _whole(file)


def _whole(file):
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        # Formulas are read as their text (data_only=False): a formula typed in a cell is kept as text, never run.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - zip, XML and openpyxl errors of a damaged file: refuse, never 500
        raise ValidationError([_("This is not a readable XLSX workbook.")]) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ValidationError([_("The workbook has no sheet.")])
        rows = []
        try:
            for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                rows.append(list(values))
                if len(rows) > MAX_ROWS + 1:
                    break
        except Exception:  # noqa: BLE001 - a damaged sheet part
            raise ValidationError([_("This is not a readable XLSX workbook.")]) from None
        return rows
    finally:
        book.close()


def _csv_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError([_("The CSV file is not UTF-8 text.")]) from None
    if "\x00" in text:
        raise ValidationError([_("The CSV file is not UTF-8 text.")])
    first_line = text.split("\n", 1)[0]
    # Excel in Spanish saves CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    csv.field_size_limit(MAX_CELL * 4)
    rows = []
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(values[:MAX_COLUMNS])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise ValidationError(
            [_("Row %(row)s: this is not a readable CSV file (%(reason)s).") % {"row": len(rows) + 1, "reason": error}]
        ) from None
    return rows


def read_sheet(file, fmt):
    """Return the sheet's data rows as `Row`s; raise ValidationError for a file or header at fault."""
    data = _read_bytes(file, fmt)
    raw = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)
    if not raw:
        raise ValidationError([_("The sheet is empty: the first row must name the columns.")])
    if len(raw) > MAX_ROWS + 1:
        raise ValidationError([_("The sheet has more than %(max)s rows.") % {"max": MAX_ROWS}])
    header = [_as_text(value).strip().lower().lstrip("\ufeff") for value in raw[0]]
    while header and not header[-1]:
        header.pop()
    errors = []
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        errors.append(_message(1, None, _("missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}))
    seen = set()
    for index, name in enumerate(header):
        letter = _column_letter(index)
        if not name:
            errors.append(_message(1, letter, _("a column without a name.")))
        elif name not in COLUMNS:
            errors.append(
                _message(
                    1,
                    letter,
                    _("unknown column “%(name)s” (the columns are: %(columns)s).")
                    % {"name": name[:60], "columns": ", ".join(COLUMNS)},
                )
            )
        elif name in seen:
            errors.append(_message(1, letter, _("the column “%(name)s” appears twice.") % {"name": name}))
        seen.add(name)
    if errors:
        raise ValidationError(errors)
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        extra = [value for value in values[len(header) :] if _as_text(value).strip()]
        if extra:
            errors.append(_message(number, _column_letter(len(header)), _("a value outside the named columns.")))
        cells = {name: _as_text(values[index]) if index < len(values) else "" for index, name in enumerate(header)}
        if not any(value.strip() for value in cells.values()):
            continue  # blank rows between blocks are fine
        rows.append(Row(number=number, cells=cells))
    if errors:
        raise ValidationError(errors)
    return rows


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
