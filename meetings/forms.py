"""Forms of the meetings pages. They parse input; services validate and write."""

import datetime
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import Checklist, RevisionMixin, by_label, editable_fields
from core.timezones import time_zone_choices
from core.uploads import SafeFileField
from network.models import Body, Country, Organization

from . import queries
from .importer.reading import ACCEPTED as REPORT_KINDS
from .models import (
    AgreementKind,
    CommitmentStatus,
    Decision,
    DocumentKind,
    Meeting,
    MeetingKind,
    Modality,
    RemarkKind,
)
from .services import EVIDENCE_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    body = forms.ModelChoiceField(
        label=_("Body"), queryset=Body.objects.all(), required=False, to_field_name="slug", empty_label=_("All bodies")
    )
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[
            ("", _("All meetings")),
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
            ("imported", _("Imported drafts to review")),
        ],
    )

    def filters(self):
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class MeetingForm(forms.ModelForm):
    """A meeting's details."""

    class Meta:
        model = Meeting
        # The declared fields, the delegations and organizations taking part among them.
        fields = editable_fields(Meeting, adding=("delegations", "organizations"), before="visibility")
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "mandate_es": forms.Textarea(attrs={"rows": 2}),
            "mandate_en": forms.Textarea(attrs={"rows": 2}),
            "delegations": forms.CheckboxSelectMultiple,
            "organizations": Checklist,
        }
        help_texts = {
            "starts_at": _("Optional: the time it starts, in the time zone below."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegations"].queryset = Country.objects.order_by("code")
        self.fields["delegations"].label_from_instance = lambda c: c.name
        by_label(self.fields["delegations"])
        self.fields["organizations"].queryset = Organization.objects.exclude(kind="national_institution")
        self.fields["organizations"].required = False
        by_label(self.fields["organizations"])
        self.fields["delegations"].required = False
        instance = kwargs.get("instance")
        kept = instance.time_zone if instance is not None else ""
        self.fields["time_zone"].widget = forms.Select(choices=time_zone_choices(keep=kept))
        if instance is not None and instance.pk and instance.time_zone:
            # Times are shown and typed in the meeting's own zone.
            tz = zoneinfo.ZoneInfo(instance.time_zone)
            for name in ("starts_at", "ends_at"):
                value = getattr(instance, name)
                if value is not None:
                    self.initial[name] = value.astimezone(tz).replace(tzinfo=None)

    def clean(self):
        data = super().clean()
        try:
            tz = zoneinfo.ZoneInfo(data.get("time_zone") or "")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return data
        for name in ("starts_at", "ends_at"):
            value = data.get(name)
            if value is not None:
                # The form read the time in the reader's zone; it was typed in the meeting's.
                data[name] = timezone.make_naive(value).replace(tzinfo=tz)
        return data

    def service_fields(self):
        data = dict(self.cleaned_data)
        return data.pop("delegations"), data.pop("organizations"), data


class ImportForm(forms.Form):
    file = SafeFileField(label=_("Report (Word, PDF or plain text)"), kinds=REPORT_KINDS)
    body = forms.ModelChoiceField(
        label=_("Body"),
        queryset=Body.objects.all(),
        required=False,
        empty_label=_("As the report says"),
        help_text=_("Only if the report does not name it clearly."),
    )
    start_date = forms.DateField(
        label=_("Date"), required=False, widget=DATE, help_text=_("Only if the report does not give it.")
    )


ARCHIVE_MAX_BYTES = 50 * 1024 * 1024  # larger archives: the import_reports command


class ArchiveForm(forms.Form):
    file = SafeFileField(
        label=_("A zip of reports (Word, PDF or plain text)"), kinds={"zip"}, max_bytes=ARCHIVE_MAX_BYTES
    )


class TranslationForm(forms.Form):
    file = SafeFileField(label=_("The same report in the other language"), kinds=REPORT_KINDS)


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    text_es = forms.CharField(label=_("Text (Spanish)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    text_en = forms.CharField(label=_("Text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReportTextForm(forms.Form):
    participants_es = forms.CharField(
        label=_("Participants paragraph (Spanish)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    participants_en = forms.CharField(
        label=_("Participants paragraph (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    submission_es = forms.CharField(label=_("Submission line (Spanish)"), required=False, max_length=2000)
    submission_en = forms.CharField(label=_("Submission line (English)"), required=False, max_length=2000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("RCGM decision"), choices=Decision.choices)
    rcgm_meeting = forms.ModelChoiceField(
        label=_("RCGM meeting"), queryset=Meeting.objects.filter(body__kind="rcgm"), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class CommitmentForm(RevisionMixin, forms.Form):
    actors = forms.MultipleChoiceField(label=_("Actors"), widget=forms.CheckboxSelectMultiple)
    action_es = forms.CharField(label=_("Action (Spanish)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    action_en = forms.CharField(label=_("Action (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due = forms.CharField(
        label=pgettext_lazy("a commitment's due date", "Due"),
        required=False,
        max_length=10,
        help_text=_("A date (2018-03-31), a year (2018) or a quarter (2018-Q1)."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actors"].choices = queries.actor_choices()


class StatusForm(RevisionMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=CommitmentStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    evidence_link = forms.URLField(label=_("Evidence (link)"), required=False, max_length=500, assume_scheme="https")
    evidence_file = SafeFileField(label=_("Evidence (file)"), required=False, kinds=EVIDENCE_KINDS)


class BoardFilterForm(forms.Form):
    ours = forms.BooleanField(label=_("Our commitments only"), required=False)
    actor = forms.ChoiceField(label=_("Actor"), required=False)
    body = forms.ModelChoiceField(
        label=_("Body"), queryset=Body.objects.all(), required=False, to_field_name="slug", empty_label=_("All bodies")
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=Meeting.objects.none(), required=False, empty_label=_("Any meeting")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        initial="open",
        choices=[("open", _("Open (pending or in progress)")), ("overdue", _("Overdue")), ("", _("Any status"))]
        + list(CommitmentStatus.choices),
    )
    q = forms.CharField(label=_("Words in the action"), required=False, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Any actor"))] + queries.actor_choices()
        from core import access

        self.fields["meeting"].queryset = access.restrict(Meeting.objects.all(), user).order_by("-start_date")

    def filters(self):
        if not self.is_bound:
            return {"status": "open"}
        if not self.is_valid():
            return {"status": "open"}
        data = {key: value for key, value in self.cleaned_data.items() if value not in (None, "", False)}
        data.setdefault("status", self.cleaned_data.get("status") or "")
        return data


class PackForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.all(), to_field_name="slug")
    start = forms.DateField(label=pgettext_lazy("start of a date range", "From"), widget=DATE)
    end = forms.DateField(label=pgettext_lazy("end of a date range", "To"), widget=DATE)
    lang = forms.ChoiceField(label=_("Language"), choices=[("es", _("Spanish")), ("en", _("English"))])
    format = forms.ChoiceField(
        label=_("Format"), choices=[("docx", "Word (DOCX)"), ("pdf", "PDF")], required=False, widget=forms.RadioSelect
    )
    working = forms.BooleanField(
        label=_("Working copy (includes unapproved content)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
        help_text=_("Adds what reports still in draft hold, each part marked, and the draft mark on every page."),
    )

    def __init__(self, *args, working_copy=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].initial = "docx"
        if not working_copy:
            del self.fields["working"]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period must end after it starts."))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]) > datetime.timedelta(days=3660):
            self.add_error("end", _("Choose a period of ten years at most."))
        return data


class AgendaItemForm(forms.Form):
    title_es = forms.CharField(label=_("Item (Spanish)"), required=False, max_length=300)
    title_en = forms.CharField(label=_("Item (English)"), required=False, max_length=300)
    presenter = forms.CharField(label=_("Presented by"), required=False, max_length=200)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = SafeFileField(label=_("File"))


# Kept here so templates and views share the labels of choices.
KIND_LABELS = dict(AgreementKind.choices)
MODALITIES = dict(Modality.choices)
MEETING_KINDS = dict(MeetingKind.choices)


class DelegateForm(forms.Form):
    """One delegate of a country; lengths and the e-mail are checked by services.register_delegate."""

    country = forms.ChoiceField(label=_("Country"))
    name = forms.CharField(label=_("Name"), required=False)
    position = forms.CharField(label=_("Position"), required=False)
    institution = forms.CharField(label=_("Institution"), required=False)
    email = forms.CharField(label=_("E-mail address (optional)"), required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(c.code.code, c.name) for c in countries]
        if len(countries) == 1:
            self.fields["country"].initial = countries[0].code.code


# ---- consultation on a draft report -------------------------------------------------------------


class ConsultationForm(forms.Form):
    """The TS opens a consultation: the deadline, whether partner organizations are consulted, a note."""

    deadline = forms.DateField(label=_("Deadline for positions"), widget=DATE)
    includes_partners = forms.BooleanField(label=_("Consult the partner organizations too"), required=False)
    note_es = forms.CharField(
        label=_("Note to the parties (Spanish)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note_en = forms.CharField(
        label=_("Note to the parties (English)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RemarkForm(forms.Form):
    """A party's comment, amendment or objection, on one agreement or on the whole report."""

    kind = forms.ChoiceField(label=_("What do you want to do?"), choices=RemarkKind.choices, widget=forms.RadioSelect)
    agreement = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    party = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    text = forms.CharField(
        label=_("Comment, reason for the objection, or why the amendment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposed_es = forms.CharField(
        label=_("Proposed text (Spanish)"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_en = forms.CharField(
        label=_("Proposed text (English)"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PositionForm(forms.Form):
    position = forms.ChoiceField(choices=[("no_objection", _("No objection")), ("", _("No position"))], required=False)
    party = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class AmendmentAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[("accepted", _("Accept: the draft takes the new text")), ("not_accepted", _("Do not accept"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (the party reads it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConsultationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("extend", _("Extend the deadline")),
            ("new_round", _("Open a new round on the draft as it stands")),
            ("approve", _("Approve the report")),
        ],
        widget=forms.RadioSelect,
    )
    deadline = forms.DateField(label=_("New deadline (extension or new round)"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Reason (required to approve despite objections)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
