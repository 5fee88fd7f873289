"""An imported report that is already in Enlace: found, shown, and resolved by the TS's choice.

`find_duplicate` looks for a meeting of the same body on the same first day, or one whose
agreements mostly say the same (a report imported again, or its other language). The draft
then waits: it cannot be published until the TS chooses on the review page (`resolve`) to add
it as the other language of that meeting, to replace that meeting's draft, or to keep it as a
new meeting. The TS also chooses, text by text, between a person's correction and what the
other language's import brought (`resolve_translation_conflict`).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as

from .models import Agreement, Meeting, MeetingStatus

SAME_TEXT_SHARE = 0.6  # agreements in common, above which two reports are taken as the same
CHOICES = ("translation", "replace", "new")


def _words(text):
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def find_duplicate(parsed, body, start_date, *, exclude=None):
    """The meeting this imported report seems to repeat, or None."""
    meetings = Meeting.objects.filter(body=body)
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude)
    same_day = meetings.filter(start_date=start_date).order_by("-status", "pk").first()
    if same_day is not None:
        return same_day
    texts = {_words(a.text) for a in parsed.agreements if a.text.strip()}
    if len(texts) < 3:
        return None
    field = f"text_{parsed.language}"
    candidates = Agreement.objects.filter(version__meeting__in=meetings).values_list("version__meeting_id", field)
    shared = {}
    for meeting_id, text in candidates.iterator():
        if _words(text) in texts:
            shared[meeting_id] = shared.get(meeting_id, 0) + 1
    best = max(shared.items(), key=lambda item: item[1], default=None)
    if best is not None and best[1] / len(texts) >= SAME_TEXT_SHARE:
        return Meeting.objects.get(pk=best[0])
    return None


def imported_language(meeting):
    """The language an imported draft was read in ('es' or 'en')."""
    return "es" if meeting.title_es and not meeting.title_en else "en"


@transaction.atomic
def resolve(meeting, choice, *, acting_user):
    """The TS's choice for an imported report that seems to be already in Enlace; return the meeting to show.

    - "translation": its texts fill the other language of that meeting's draft report (corrections
      by a person are kept and listed), and this import is deleted;
    - "replace": that meeting — a draft never published — is deleted, and this one stays;
    - "new": it is a different meeting after all; this one stays.
    """
    from . import services
    from .importer import parse_paragraphs

    access.require(acting_user, access.CHANGE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    other = meeting.duplicate_of
    if choice not in CHOICES:
        raise ValidationError({"choice": _("Choose one of: add as the other language, replace, new meeting.")})
    if other is None:
        raise ValidationError(_("This import is not taken as a duplicate any more."))
    with acting_as(acting_user):
        if choice == "new":
            meeting.duplicate_of = None
            meeting.save(update_fields=["duplicate_of", "updated_at"])
            return meeting
        if choice == "replace":
            if other.status != MeetingStatus.DRAFT:
                raise ValidationError(
                    _("%(other)s is published: unpublish it, or correct its report, instead of replacing it.")
                    % {"other": other}
                )
            meeting.duplicate_of = None
            meeting.save(update_fields=["duplicate_of", "updated_at"])
            services.delete_meeting(other, acting_user=acting_user)
            return meeting
        language = imported_language(meeting)
        if _same_language_report(other, language):
            raise ValidationError(
                _("%(other)s already has its report in this language: replace it or keep this as a new meeting.")
                % {"other": other}
            )
        parsed = parse_paragraphs(meeting.source_text.splitlines())
        if services.draft_of(other) is None:  # approved: the other language comes as a correction to approve
            services.start_correction(other, acting_user=acting_user, note=_("Adds the report in the other language."))
        warnings = services.add_translation(other, parsed, acting_user=acting_user)
        meeting.duplicate_of = None
        meeting.save(update_fields=["duplicate_of", "updated_at"])
        services.delete_meeting(meeting, acting_user=acting_user)
        other.translation_warnings = warnings
        return other


def _same_language_report(other, language):
    """Does `other`'s current report already hold agreement texts in `language`?"""
    draft = other.reports.order_by("-number").first()
    if draft is None:
        return False
    return draft.agreements.exclude(**{f"text_{language}": ""}).exists()


@transaction.atomic
def resolve_translation_conflict(meeting, index, choice, *, acting_user):
    """Keep a person's correction ("keep") or take the imported text ("imported") for one listed conflict."""
    from .models import Commitment

    access.require(acting_user, access.CHANGE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    conflicts = list(meeting.translation_conflicts)
    if not 0 <= index < len(conflicts) or choice not in ("keep", "imported"):
        raise ValidationError(_("This choice is no longer listed."))
    conflict = conflicts.pop(index)
    with acting_as(acting_user):
        if choice == "imported":
            model = {"agreement": Agreement, "commitment": Commitment}[conflict["model"]]
            item = model.objects.select_for_update().filter(pk=conflict["id"]).first()
            if item is not None:
                setattr(item, conflict["field"], conflict["imported"])
                if model is Agreement:
                    item.revision += 1
                item.save()
        meeting.translation_conflicts = conflicts
        meeting.save(update_fields=["translation_conflicts", "updated_at"])
    return meeting
