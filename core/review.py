"""One review workflow: what a country or an author sends, and what its reviewer returns, approves or reopens.

A plan's follow-up report, a country's column of a comparative analysis and a practice (or a
resource) go through the same moves: the people who keep the record *submit* it, a reviewer
*returns* it with comments, *approves* it (validates, publishes) or later *reopens* it saying
why. Each app declares its moves once as a `Workflow` of `Step`s; `Workflow.take` then does, in
one transaction and always in this order:

1. the comment: text without the characters Word and XML cannot hold, required where the step
   says so (the missing message names the field), at most `MAX_COMMENT` characters;
2. the record, locked (`select_for_update`) so two reviewers cannot cross;
3. the access decision, asked of `core.access` with the step's permission: a stranger is refused
   (403); someone entitled to the step in another state is told why not now (`STATE`, 409 in the
   API) — the same answer for a page and the API, since both call the service;
4. the app's own check (every activity reported, every question answered, the template filled),
   which may also prepare the move (a practice's published version);
5. the move: the new status, the moments stamped (`submitted_at`…) and cleared, who did it,
   the comment kept on the record where the app shows it, saved under `acting_as` (audit trail);
6. the event (the record's history: who, when, which step, the comment);
7. the app's follow-up (search index) and its notifications, which name the step and carry the
   comment.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access
from .audit import acting_as
from .office import office_text
from .refusals import STATE, refusal

MAX_COMMENT = 5000
NONE, OPTIONAL, REQUIRED = "none", "optional", "required"


@dataclass(frozen=True)
class Step:
    """One move of a review: who may take it (a permission of the record's policy) and what it changes."""

    permission: str
    target: str  # the status the record reaches
    event: str  # the history event recorded (the app's enum value)
    comment: str = OPTIONAL  # NONE, OPTIONAL or REQUIRED
    missing: Any = None  # the message when a required comment is missing
    field: str = "comment"  # the form or API field the comment comes from
    stamp: tuple[str, ...] = ()  # moments set to now
    clear: tuple[str, ...] = ()  # fields emptied (an approval's moment on reopening)
    by: tuple[str, ...] = ()  # fields set to whoever takes the step
    keep_comment: str = ""  # the record's field that shows the last comment, if any
    wrong_state: Any = None  # what someone entitled to the step is told when the record is not ready


@dataclass(frozen=True)
class Workflow:
    """A record type's review: its steps, and the app's parts the shared moves call."""

    steps: dict[str, Step]
    lock: Callable[[Any], Any]
    record_event: Callable[[Any, Step, Any, str], Any]
    # May this user take this step on such a record in some state (→ a STATE answer, not a 403)?
    entitled: Callable[[Any, Any, Step], bool] = lambda user, record, step: False
    why_not: Callable[[Any, Step], str] | None = None  # the STATE message, when it depends on the record
    after: Callable[[Any, Step], None] | None = None
    notify: Callable[[Any, Step, str, Any], None] | None = None  # (record, step, comment, acting user)
    status_field: str = "status"

    def step(self, name: str) -> Step:
        return self.steps[name]

    def allow(self, user: Any, step: Step, record: Any) -> None:
        """Let the step through, refuse a stranger (403), or tell an entitled user why not now (STATE)."""
        if access.can(user, step.permission, record):
            return
        if self.entitled(user, record, step):
            message = self.why_not(record, step) if self.why_not else step.wrong_state
            raise refusal(STATE, message or _("This step cannot be taken now."))
        access.refuse(user, step.permission, record)

    def take(
        self,
        name: str,
        record: Any,
        *,
        acting_user: Any,
        comment: Any = "",
        check: Callable[[Any], None] | None = None,
    ) -> Any:
        """Take the step `name` on `record` for `acting_user`; return the record as saved."""
        step = self.steps[name]
        text = comment_text(comment, step)
        with transaction.atomic():
            record = self.lock(record)
            self.allow(acting_user, step, record)
            now = timezone.now()
            with acting_as(acting_user):
                if check is not None:
                    check(record)
                setattr(record, self.status_field, step.target)
                for name_ in step.stamp:
                    setattr(record, name_, now)
                for name_ in step.clear:
                    setattr(record, name_, None)
                for name_ in step.by:
                    setattr(record, name_, acting_user)
                if step.keep_comment:
                    setattr(record, step.keep_comment, text)
                record.save()
                self.record_event(record, step, acting_user, text)
                if self.after is not None:
                    self.after(record, step)
            if self.notify is not None:
                self.notify(record, step, text, acting_user)
        return record


def comment_text(value: Any, step: Step) -> str:
    """The step's comment, cleaned; raise ValidationError naming the field when it is wrong or missing."""
    if step.comment == NONE:
        return ""
    if value is not None and not isinstance(value, str):
        raise ValidationError({step.field: _("Give the comment as text.")})
    text = office_text(value or "").strip()
    if step.comment == REQUIRED and not text:
        raise ValidationError({step.field: step.missing or _("Write the comment.")})
    if len(text) > MAX_COMMENT:
        raise ValidationError({step.field: _("The comment is at most %(max)s characters long.") % {"max": MAX_COMMENT}})
    return text
