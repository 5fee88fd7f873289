"""What the plan's tree sheet holds: its columns, formats and limits."""

import decimal
import re

from core.office import FORMULA_START

COLUMNS = (
    "code",
    "parent_code",
    "title_es",
    "title_en",
    "description_es",
    "description_en",
    "scope",
    "responsible",
    "start_year",
    "end_year",
    "priority",
    "weight",
    "approaches",
)


FORMATS = ("xlsx", "csv")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


CSV_TYPE = "text/csv; charset=utf-8"


CONTENT_TYPES = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE}


MAX_BYTES = 5 * 1024 * 1024


MAX_ROWS = 5000


MAX_COLUMNS = 60


MAX_CELL = 10000


LIMITS = {"code": 20, "title_es": 500, "title_en": 500, "description_es": 10000, "description_en": 10000}


CODE_PATTERN = re.compile(r"^[\w.\-]+$")


MAX_WEIGHT = decimal.Decimal("9999.99")


YES = {"yes", "y", "sí", "si", "s", "true", "1", "x"}


NO = {"", "no", "n", "false", "0"}


def _unquote(text):
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
