"""What every comparisons service shares: the editable fields and checked assignment."""

import decimal
from typing import Any

ANALYSIS_FIELDS = (
    "title_es",
    "title_en",
    "introduction_es",
    "introduction_en",
    "lead_organization",
    "body",
    "visibility",
)


SECTION_FIELDS = ("title_es", "title_en", "order")


QUESTION_FIELDS = (
    "section",
    "order",
    "text_es",
    "text_en",
    "guidance_es",
    "guidance_en",
    "answer_type",
    "choices",
    "yes_means_gap",
)


BASIS_FIELDS = ("basis_instrument", "basis_article", "basis_url", "note")


VALUE_FIELDS = ("choice", "selected", "number", "date", "text")


MAX_NUMBER = decimal.Decimal("1e14")


def _text(value: Any) -> Any:
    return "" if value is None else value


def _texts(
    fields: dict[str, Any], prefixes: tuple[str, ...] = ("title", "introduction", "text", "guidance", "label")
) -> dict[str, Any]:
    """Turn None into "" in the bilingual text fields (the API sends null for "no text")."""
    return {key: _text(value) if key.startswith(prefixes) else value for key, value in fields.items()}
