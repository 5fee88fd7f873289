"""What every comparisons service shares: the editable fields and checked assignment."""

import decimal
from typing import Any

from ..models import Analysis, Answer, Question, Section

# The allow-lists: each model declares what its users edit; an answer's value and its basis are set apart.
ANALYSIS_FIELDS = Analysis.EDITABLE
SECTION_FIELDS = Section.EDITABLE
QUESTION_FIELDS = Question.EDITABLE
VALUE_FIELDS = Answer.EDITABLE[:5]
BASIS_FIELDS = Answer.EDITABLE[5:]


MAX_NUMBER = decimal.Decimal("1e14")


def _text(value: Any) -> Any:
    return "" if value is None else value


def _texts(
    fields: dict[str, Any], prefixes: tuple[str, ...] = ("title", "introduction", "text", "guidance", "label")
) -> dict[str, Any]:
    """Turn None into "" in the bilingual text fields (the API sends null for "no text")."""
    return {key: _text(value) if key.startswith(prefixes) else value for key, value in fields.items()}
