from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ByLabelChoiceField, ByLabelMultipleChoiceField, Checklist, RevisionMixin, editable_fields
from core.uploads import SafeFileField
from messaging.models import Delivery, NotificationKind
from network.models import Country, Organization, Person

from .models import Circular


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FulfilsPicker(forms.Widget):
    """The record a circular fulfils, found by its words (htmx asks as one types; without script, "Find"
    submits the form to search) and chosen among radio buttons; the value stays "app.model:id"."""

    template_name = "circulation/widgets/fulfils.html"

    def __init__(self, *, user=None, query="", attrs=None):
        super().__init__(attrs)
        self.user, self.query = user, query

    def get_context(self, name, value, attrs):
        from core import fulfilment

        from .services import describe_target

        value = "" if value == "none" else value
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            current_label=describe_target(value, self.user) if value and value != "none" else "",
            query=self.query,
            found=[option for option in fulfilment.search(self.user, self.query) if option[0] != value]
            if self.query and self.user is not None
            else [],
        )
        return context


class CircularForm(RevisionMixin, forms.ModelForm):
    countries = ByLabelMultipleChoiceField(
        label=_("Member countries"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each country's current liaison officers receive it."),
    )
    organizations = ByLabelMultipleChoiceField(
        label=_("Organizations"),
        queryset=Organization.objects.partners(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each organization's current staff and contact points receive it."),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Named people"),
        queryset=Person.objects.none(),
        required=False,
        widget=Checklist,
    )
    fulfils = forms.CharField(
        label=_("Fulfils"),
        required=False,
        max_length=100,
        help_text=_("Sending the circular marks this commitment done."),
    )

    class Meta:
        model = Circular
        fields = editable_fields(Circular)
        widgets = {
            "reply_deadline": DateInput(),
            "body_es": forms.Textarea(attrs={"rows": 8}),
            "body_en": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, people_queryset=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = Country.objects.members()
        self.fields["countries"].label_from_instance = lambda c: str(c.name)
        if people_queryset is not None:
            self.fields["people"].queryset = people_queryset
        instance = self.instance
        if instance.pk:
            recipients = list(instance.recipients.all())
            self.initial.setdefault("countries", [r.country_id for r in recipients if r.country_id])
            self.initial.setdefault("organizations", [r.organization_id for r in recipients if r.organization_id])
            self.initial.setdefault("people", [r.person_id for r in recipients if r.person_id])
            if instance.target_type_id:
                self.initial.setdefault(
                    "fulfils", f"{instance.target_type.app_label}.{instance.target_type.model}:{instance.target_id}"
                )
        self.fields["fulfils"].widget = FulfilsPicker(user=user, query=(self.data.get("fulfils_q") or "")[:200])

    def clean_fulfils(self):
        # The picker's "None" sends "none" (an empty radio value is read as "on" by some clients).
        value = (self.cleaned_data.get("fulfils") or "").strip()
        return "" if value == "none" else value

    def clean_reply_deadline(self):
        deadline = self.cleaned_data.get("reply_deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("The reply deadline has already passed: choose today or a later date."))
        return deadline


class AttachmentForm(forms.Form):
    file = SafeFileField(label=_("Document"))


class ReplyForm(forms.Form):
    recipient = forms.TypedChoiceField(label=_("On behalf of"), coerce=int, required=False)
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000)
    file = SafeFileField(label=_("Document (optional)"), required=False)

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r.pk, str(r.party)) for r in recipients]
        self.fields["recipient"].choices = choices
        if len(choices) <= 1:
            self.fields["recipient"].widget = forms.HiddenInput()
            if choices:
                self.initial["recipient"] = choices[0][0]

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file") and not self.errors.get("file"):
            raise forms.ValidationError(_("Write a reply or attach a document."))
        return data


class ExtendDeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("New deadline"), widget=DateInput(), required=False)


DELIVERY_CHOICES = [("", _("As my default"))] + list(Delivery.choices)


class PreferencesForm(forms.Form):
    default = forms.ChoiceField(label=_("E-mail me"), choices=Delivery.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in NotificationKind.choices:
            if value == NotificationKind.OUTBOX_PROBLEM:
                continue
            self.fields[f"kind_{value}"] = forms.ChoiceField(label=label, choices=DELIVERY_CHOICES, required=False)

    def per_kind(self):
        return {
            name.removeprefix("kind_"): value for name, value in self.cleaned_data.items() if name.startswith("kind_")
        }


class ActivityFilterForm(forms.Form):
    country = ByLabelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False, to_field_name="code"
    )
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        required=False,
        choices=[(7, _("this week")), (14, _("the last two weeks")), (31, _("the last month"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].label_from_instance = lambda c: str(c.name)
        self.fields["country"].empty_label = _("The whole network")
