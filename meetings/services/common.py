"""What every meetings service shares: the editable fields, the edit conflict, assigning checked values."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from ..models import Agreement, Commitment, Meeting, ReportVersion

# The allow-lists: each model declares what its users edit.
MEETING_FIELDS = Meeting.EDITABLE
AGREEMENT_FIELDS = Agreement.EDITABLE
REPORT_FIELDS = ReportVersion.EDITABLE
COMMITMENT_FIELDS = Commitment.EDITABLE


EVIDENCE_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "csv", "png", "jpg", "jpeg"})


class EditConflict(ValidationError):
    """Someone else saved the agreement since this edit began: nothing was overwritten."""

    def __init__(self, current: Any) -> None:
        super().__init__(
            _(
                "Someone else changed this agreement while you were editing it. Your text was not saved; "
                "it is kept below, beside the version now saved."
            ),
            code="conflict",
        )
        self.current = current


def _changed(instance: models.Model, fields: dict[str, Any]) -> list[str]:
    """The names of `fields` whose value differs from the instance's."""
    return [name for name, value in fields.items() if getattr(instance, name, None) != value]


def _remember_edits(instance: Any, names: Iterable[str]) -> None:
    """Remember that a person corrected these texts: importing the other language never overwrites them."""
    texts = {name for name in names if name.endswith(("_es", "_en"))}
    if texts - set(instance.edited_fields):
        instance.edited_fields = sorted(set(instance.edited_fields) | texts)


def checked_off(meeting_id: int, *keys: str) -> None:
    """Drop the import warnings about `keys` ("ref:4c", "field:start_date"): a person corrected them."""
    meeting = Meeting.objects.filter(pk=meeting_id).only("pk", "import_warnings").first()
    if meeting is None or not meeting.import_warnings:
        return
    standing = [item for item in meeting.warnings_to_check() if item.get("key") not in keys]
    if len(standing) != len(meeting.import_warnings):
        Meeting.objects.filter(pk=meeting_id).update(import_warnings=standing)
