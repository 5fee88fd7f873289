"""Forms for the network pages. They parse input; services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import access
from core.forms import ByLabelChoiceField, RevisionMixin, by_label, editable_fields

from .models import (
    Appointment,
    AppointmentRole,
    Body,
    Country,
    Language,
    Organization,
    OrganizationKind,
    Person,
)

PHONE_HELP = _("International format, e.g. +502 2222 3333.")


class DirectoryFilterForm(forms.Form):
    """Filters of the contact directory (page, exports)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = ByLabelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All countries"),
    )
    body = forms.ModelChoiceField(
        label=_("Network or body"),
        queryset=Body.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All networks and bodies"),
    )
    organization = forms.ModelChoiceField(
        label=_("Institution"), queryset=Organization.objects.all(), required=False, empty_label=_("All institutions")
    )
    include_past = forms.BooleanField(label=_("Include past terms"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].label_from_instance = lambda c: c.name
        self.fields["organization"].queryset = Organization.objects.select_related("country")

    def filters(self):
        """Return the cleaned filters, or no filter at all when the input is invalid."""
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "", False)}


class PersonForm(RevisionMixin, forms.ModelForm):
    """A contact's own details."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=Language.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Person
        fields = editable_fields(Person)
        help_texts = {"phone_office": PHONE_HELP, "phone_mobile": PHONE_HELP}

    def __init__(self, *args, can_set_visibility=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_set_visibility:
            del self.fields["visibility"]

    def _post_clean(self):
        # The service validates the model; the form only parses.
        pass


class AppointmentForm(forms.ModelForm):
    """A term in a role."""

    class Meta:
        model = Appointment
        fields = editable_fields(Appointment)
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        p = access.principal_for(user)
        self.fields["country"].label_from_instance = lambda c: c.name
        by_label(self.fields["country"])
        orgs = Organization.objects.select_related("country")
        countries = Country.objects.all()
        if not access.acts_for_whole_network(p):
            orgs = orgs.filter(kind=OrganizationKind.NATIONAL_INSTITUTION, country_id__in=p.officer_countries)
            countries = countries.filter(pk__in=p.officer_countries)
            self.fields["role"].choices = [
                (value, label) for value, label in self.fields["role"].choices if value != AppointmentRole.STAFF
            ]
        self.fields["organization"].queryset = orgs
        self.fields["country"].queryset = countries

    def _post_clean(self):
        pass


class OrganizationForm(RevisionMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = editable_fields(Organization)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        p = access.principal_for(user)
        self.fields["country"].label_from_instance = lambda c: c.name
        by_label(self.fields["country"])
        if not access.acts_for_whole_network(p):
            self.fields["kind"].choices = [
                (OrganizationKind.NATIONAL_INSTITUTION, OrganizationKind.NATIONAL_INSTITUTION.label)
            ]
            self.fields["country"].queryset = Country.objects.filter(pk__in=p.officer_countries)
            self.fields["country"].required = True

    def _post_clean(self):
        pass
