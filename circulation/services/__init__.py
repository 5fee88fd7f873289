"""Writes of circulation. Each checks access, validates, and runs in one transaction.

Views and API endpoints call these; they never save circulation records themselves.
"""

from .circulars import (  # noqa: F401 (the package answers for all its modules)
    REFERENCE_ATTEMPTS,
    add_attachment,
    create_circular,
    delete_circular,
    describe_target,
    remove_attachment,
    resolve_target,
    send_circular,
    target_reference,
    update_circular,
)
from .common import (  # noqa: F401 (the package answers for all its modules)
    CIRCULAR_FIELDS,
    MAX_FILES,
    MAX_RECIPIENTS,
    MAX_REPLY_LENGTH,
    past_deadline_message,
)
from .parties import (  # noqa: F401 (the package answers for all its modules)
    countries_by_code,
    organizations_by_id,
    people_by_id,
)
from .personal import (  # noqa: F401 (the package answers for all its modules)
    cancel_email,
    confirm_email_sent,
    create_feed_token,
    mark_all_notifications_read,
    mark_notification_read,
    retry_email,
    revoke_feed_tokens,
    set_notification_preferences,
    user_for_feed_token,
)
from .replies import (  # noqa: F401 (the package answers for all its modules)
    acknowledge_circular,
    extend_deadline,
    mark_read,
    reminder_stage,
    reply_for_party,
    reply_to_circular,
    send_reminders,
)
