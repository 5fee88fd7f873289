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
