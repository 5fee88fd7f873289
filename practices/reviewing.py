"""The review of practices and resources (core.review): submitted by contributors, reviewed and published by the TS."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import access, review
from core.audit import acting_as
from core.refusals import STATE, refusals

from .access import REVIEW, SUBMIT, WITHDRAW
from .content import snapshot
from .models import Practice, ReviewAction, ReviewEvent, Status, Version
from .search import indexing

# ---- the review ------------------------------------------------------------------------------


def _lock(record: Any) -> Any:
    return type(record).objects.select_for_update().get(pk=record.pk)


def _check_complete(record: Any) -> None:
    """Refuse to submit what the template requires and is missing, naming each field."""
    errors = {}
    lang = record.original_language if record.original_language in ("es", "en") else "es"
    if not record.localized("title"):
        errors["title_es"] = _("Give the title.")
    if isinstance(record, Practice):
        if not getattr(record, f"summary_{lang}") and not record.localized("summary"):
            errors[f"summary_{lang}"] = _("Give a summary.")
        if not record.localized("description"):
            errors[f"description_{lang}"] = _("Describe the practice.")
        if not record.countries.exists():
            errors["countries"] = _("Name at least one country.")
        if not record.themes.exists():
            errors["themes"] = _("Choose at least one theme.")
    elif not (record.file or record.url):
        errors["url"] = _("Give a link or attach the file.")
    if errors:
        raise refusals(STATE, errors)  # the record as saved is not complete yet


def _record_event(record: Any, step: review.Step, acting_user: Any, comment: str) -> ReviewEvent:
    return ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        action=step.event,
        comment=comment,
        actor=acting_user,
    )


def _reindex(record: Any, step: review.Step) -> None:
    indexing.index_record(record)


# What each step tells the people it concerns, worded in each reader's language when notified.
SUBJECTS: dict[str, Promise] = {
    ReviewAction.SUBMIT: gettext_lazy("“%(title)s” was sent for review"),
    ReviewAction.RETURN: gettext_lazy("“%(title)s” was returned to you with comments"),
    ReviewAction.PUBLISH: gettext_lazy("“%(title)s” was published"),
    ReviewAction.WITHDRAW: gettext_lazy("“%(title)s” was withdrawn from publication"),
}


def _notify(record: Any, step: review.Step, comment: str, acting_user: Any) -> None:
    """Tell the TS of a submission, and the author of a return, a publication or a withdrawal."""
    from messaging.models import NotificationKind
    from messaging.notifications import notify, ts_users

    if step.target == Status.IN_REVIEW:
        return
    if step.target == Status.SUBMITTED:
        users, kind = ts_users(), NotificationKind.REVIEW_REQUESTED
    else:
        users = [record.created_by]
        kind = (
            NotificationKind.PRACTICE_PUBLISHED
            if step.target == Status.PUBLISHED
            else NotificationKind.PRACTICE_RETURNED
        )

    # notify() calls these under each reader's language: the sentence and the title follow the reader.
    def subject(lang: str) -> str:
        return str(SUBJECTS[step.event]) % {"title": record.localized("title", lang)}

    def body(lang: str) -> str:
        if step.target == Status.SUBMITTED:
            return "\n\n".join(filter(None, [comment, _("Publish it or return it to its author with comments.")]))
        return comment

    notify(
        [user for user in users if user.pk != acting_user.pk],
        kind,
        subject=subject,
        body=body,
        url=record.get_absolute_url(),
        dedupe_key=f"{record._meta.model_name}:{record.pk}:{step.event}:{timezone.now().isoformat()}",
    )


# The review of a practice or a resource: its contributors submit it, the TS takes it into review,
# returns it to its author with what to fix, or publishes it as its next version, and may withdraw
# a published one saying why (its versions are kept).
REVIEW_FLOW = review.Workflow(
    steps={
        "submit": review.Step(SUBMIT, Status.SUBMITTED, ReviewAction.SUBMIT, stamp=("submitted_at",)),
        "start_review": review.Step(REVIEW, Status.IN_REVIEW, ReviewAction.START_REVIEW, comment=review.NONE),
        "return": review.Step(
            REVIEW,
            Status.RETURNED,
            ReviewAction.RETURN,
            comment=review.REQUIRED,
            missing=gettext_lazy("Say what the author should fix."),
        ),
        "publish": review.Step(REVIEW, Status.PUBLISHED, ReviewAction.PUBLISH),
        "withdraw": review.Step(
            WITHDRAW,
            Status.RETURNED,
            ReviewAction.WITHDRAW,
            comment=review.REQUIRED,
            missing=gettext_lazy("Say why it is withdrawn."),
            clear=("published_version",),
        ),
    },
    lock=_lock,
    record_event=_record_event,
    after=_reindex,
    notify=_notify,
)


def submit(record: Any, *, acting_user: Any, comment: str = "") -> Any:
    """Send a draft or returned practice (or resource) to the TS for review."""
    return REVIEW_FLOW.take("submit", record, acting_user=acting_user, comment=comment, check=_check_complete)


@transaction.atomic
def start_review(record: Any, *, acting_user: Any) -> Any:
    """Take a submission into review (nothing changes for one already in review)."""
    record = _lock(record)
    access.require(acting_user, REVIEW, record)
    if record.status != Status.SUBMITTED:
        return record
    return REVIEW_FLOW.take("start_review", record, acting_user=acting_user)


@transaction.atomic
def comment(record: Any, text: str, *, acting_user: Any) -> ReviewEvent:
    """Write a comment to the author (reviewers) or an answer (contributors)."""
    step = review.Step(REVIEW, "", ReviewAction.COMMENT, comment=review.REQUIRED)
    text = review.comment_text(text, step)
    record = _lock(record)
    if not (access.can(acting_user, REVIEW, record) or access.can(acting_user, SUBMIT, record)):
        access.refuse(acting_user, "comment", record)
    with acting_as(acting_user):
        return _record_event(record, step, acting_user, text)


def return_to_author(record: Any, text: str, *, acting_user: Any) -> Any:
    """Return a submission to its author with what to fix."""
    return REVIEW_FLOW.take("return", record, acting_user=acting_user, comment=text)


def _publish_version(record: Any, acting_user: Any) -> None:
    """Check the template is filled, then keep the working copy as the record's next published version."""
    _check_complete(record)
    content_type = ContentType.objects.get_for_model(record)
    last = Version.objects.filter(content_type=content_type, object_id=record.pk).aggregate(n=Max("number"))["n"]
    record.published_version = Version.objects.create(
        content_type=content_type,
        object_id=record.pk,
        number=(last or 0) + 1,
        data=snapshot(record),
        published_by=acting_user,
    )


def publish(record: Any, *, acting_user: Any, comment: str = "") -> Any:
    """Publish the reviewed working copy as the record's next version."""

    def prepare(locked: Any) -> None:
        _publish_version(locked, acting_user)

    return REVIEW_FLOW.take("publish", record, acting_user=acting_user, comment=comment, check=prepare)


def withdraw(record: Any, *, acting_user: Any, comment: str = "") -> Any:
    """Take a record out of publication (its versions are kept); it returns to its author."""
    return REVIEW_FLOW.take("withdraw", record, acting_user=acting_user, comment=comment)
