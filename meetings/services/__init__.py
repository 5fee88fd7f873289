"""Writes to meetings, reports and commitments. Each checks access, validates, and runs in one transaction.

Views, the API, the importer command and other apps call these; they never save these records
themselves. Every change is in the audit trail (core.audit.track, in apps.py).
"""

from .commitments import (  # noqa: F401 (the package answers for all its modules)
    actors_from_codes,
    change_commitment_status,
    create_commitment,
    delete_commitment,
    fulfil_commitment,
    update_commitment,
)
from .common import (  # noqa: F401 (the package answers for all its modules)
    AGREEMENT_FIELDS,
    COMMITMENT_FIELDS,
    EVIDENCE_KINDS,
    MEETING_FIELDS,
    REPORT_FIELDS,
    EditConflict,
    checked_off,
)
from .consultation import (  # noqa: F401 (the package answers for all its modules)
    active_consultation,
    add_remark,
    open_consultation,
    parties_of,
    set_position,
    withdraw_objection,
)
from .consultation_decisions import (  # noqa: F401 (the package answers for all its modules)
    ConsultationDecision,
    answer_amendment,
    close_due_consultations,
    decide_consultation,
    standing_objections,
)
from .convocation import (  # noqa: F401 (the package answers for all its modules)
    CONVOCATION_DEADLINE_DAYS,
    DELEGATE_TEXT_LIMITS,
    convene_meeting,
    create_calendar_feed,
    default_reply_deadline,
    feed_for_key,
    register_delegate,
    revoke_calendar_feed,
)
from .importing import (  # noqa: F401 (the package answers for all its modules)
    add_translation,
    import_report,
)
from .meeting import (  # noqa: F401 (the package answers for all its modules)
    add_agenda_item,
    attach_document,
    create_meeting,
    delete_meeting,
    publish_meeting,
    remove_agenda_item,
    remove_document,
    unpublish_meeting,
    update_meeting,
)
from .reports import (  # noqa: F401 (the package answers for all its modules)
    add_agreement,
    approve_as,
    approve_report,
    delete_agreement,
    draft_of,
    move_agreement,
    record_rcgm_decision,
    start_correction,
    start_report,
    update_agreement,
    update_report_text,
)
