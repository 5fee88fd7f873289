"""Helpers shared by the Word and Excel exports of every app."""

import re

# A cell starting with one of these may run as a formula in a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def office_text(value):
    """Drop the control characters that Word and Excel files (XML 1.0) cannot hold, e.g. a pasted \x0b."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


# A telephone number ("+502 2232 1000") or a signed number is data, not a formula: it stays as it is.
PLAIN_NUMBER = re.compile(r"^[+-]?[\d ().-]+$")


def spreadsheet_text(value):
    """Make a value safe for a spreadsheet cell: no characters XLSX forbids, no text run as a formula.

    The one formula guard of every CSV and XLSX Enlace writes (exports, the HSDS package, the
    plan's tree): a text starting with =, +, -, @, a tab or a carriage return gets a leading
    apostrophe, unless it is only a number or a telephone number.
    """
    value = office_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def landscape(section, margin_cm=1.5):
    """Turn a python-docx section to landscape with narrow margins (wide tables)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section.orientation = WD_ORIENT.LANDSCAPE
    width, height = section.page_width, section.page_height
    if width < height:
        section.page_width, section.page_height = height, width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))


def shade(cell, fill):
    """Fill a python-docx table cell with a colour given as hex ("D7EFDD")."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


# ---- spreadsheets: the one XLSX and CSV writer ------------------------------------------------


def excel_date_format(lang):
    """The Excel number format of a short date in `lang` (from Django's SHORT_DATE_FORMAT)."""
    from django.utils import formats, translation

    with translation.override(lang):
        django_format = formats.get_format("SHORT_DATE_FORMAT")
    mapping = {"d": "dd", "j": "d", "m": "mm", "n": "m", "Y": "yyyy", "y": "yy"}
    return "".join(mapping.get(char, char) for char in django_format)


class Sheet:
    """A sheet of a `Workbook`: rows of values, where text never runs as a formula and dates are real dates.

    `row()` takes plain values: a text goes through `spreadsheet_text` (the formula guard), a date or
    a moment becomes a real date cell in the document's format, a number stays a number. `cell()`
    makes a styled cell (font, fill, alignment) for a row.
    """

    def __init__(self, book, sheet, lang):
        self.book, self.sheet, self.lang = book, sheet, lang

    @property
    def freeze(self):
        return self.sheet.freeze_panes

    @freeze.setter
    def freeze(self, where):
        self.sheet.freeze_panes = where

    def cell(self, value, **style):
        from openpyxl.cell import WriteOnlyCell

        made = WriteOnlyCell(self.sheet, value=spreadsheet_text(value))
        for name, setting in style.items():
            setattr(made, name, setting)
        return made

    def date(self, value):
        """A day as a real date (a moment is shown as its local day); None for no date."""
        import datetime

        from django.utils import timezone

        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        return self.cell(value, number_format=excel_date_format(self.lang))

    def moment(self, value):
        """A moment as a real local date and time; None for none."""
        from django.utils import timezone

        if value is None:
            return None
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return self.cell(local.replace(tzinfo=None), number_format=excel_date_format(self.lang) + " hh:mm")

    def _value(self, value):
        import datetime

        if isinstance(value, datetime.datetime):
            return self.moment(value)
        if isinstance(value, datetime.date):
            return self.date(value)
        if isinstance(value, str):
            return self.cell(value)
        return value

    def row(self, values=(), **style):
        """Append a row; with a style, every value gets it (a header: `row(names, font=BOLD)`)."""
        if style:
            self.sheet.append([None if value is None else self.cell(value, **style) for value in values])
        else:
            self.sheet.append([self._value(value) for value in values])

    def header(self, values):
        from openpyxl.styles import Font

        self.row(values, font=Font(bold=True))


class Workbook:
    """One XLSX workbook written row by row (memory does not grow with the rows kept).

    Every sheet gets its column widths, "Page X of Y" in the print footer and, for a working copy
    (`draft=True`), the draft mark on its first row and in its print header (`first_row` says where
    a sheet's own content starts).
    """

    def __init__(self, lang, *, draft=False):
        from openpyxl import Workbook as OpenpyxlWorkbook

        self.lang, self.draft = lang, draft
        self.book = OpenpyxlWorkbook(write_only=True)

    @property
    def first_row(self):
        return 2 if self.draft else 1

    def sheet(self, title, widths=(), *, freeze=None):
        from django.utils import translation
        from django.utils.translation import gettext as _
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        from core import documents

        made = Sheet(self, self.book.create_sheet(str(title)[:31]), self.lang)
        for index, width in enumerate(widths, start=1):
            made.sheet.column_dimensions[get_column_letter(index)].width = width
        made.sheet.oddHeader.right.text = str(title)[:100]
        with translation.override(self.lang):
            made.sheet.oddFooter.center.text = _("Page &P of &N")
        if self.draft:
            made.sheet.oddHeader.center.text = documents.draft_word(self.lang)
            made.sheet.oddHeader.center.color = documents.DRAFT_COLOUR
            made.row([documents.draft_mark(self.lang)], font=Font(bold=True, color=documents.DRAFT_COLOUR))
        if freeze:
            made.freeze = freeze
        return made

    def content(self):
        import io

        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()

    def save(self, handle):
        """Write the workbook to an open binary file (a big one need not pass through memory)."""
        self.book.save(handle)


def csv_content(rows, *, bom=True):
    """CSV bytes of `rows` (the header rows first), each value through the formula guard.

    A byte-order mark lets spreadsheet programs read the accents right (`bom=False` for the chunks
    after the first of a streamed CSV); None is an empty field.
    """
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else spreadsheet_text(value) for value in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
