"""Writes of comparative analyses. Each checks access, validates, and runs in one transaction.

Views and API endpoints call these; they never save comparison records themselves. Nothing
here deletes an answer that a country gave: removing a question that has answers retires it
(the earlier rounds keep it), and a framework change that would strand answers is refused
with a message that says why.
"""

from .analyses import (  # noqa: F401 (the package answers for all its modules)
    add_question,
    add_section,
    create_analysis,
    lead_users,
    open_round,
    remove_question,
    remove_section,
    set_leads,
    update_analysis,
    update_question,
    update_section,
)
from .answers import (  # noqa: F401 (the package answers for all its modules)
    AnswersConflict,
    column_questions,
    confirm_answers,
    numbers_of,
    parse_value,
    return_column,
    save_answer,
    save_answers,
    submit_column,
    validate_column,
)
from .common import (  # noqa: F401 (the package answers for all its modules)
    ANALYSIS_FIELDS,
    BASIS_FIELDS,
    MAX_NUMBER,
    QUESTION_FIELDS,
    SECTION_FIELDS,
    VALUE_FIELDS,
)
from .rounds import (  # noqa: F401 (the package answers for all its modules)
    close_round,
    start_round,
)
