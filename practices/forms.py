"""Forms of the repository's pages. They parse input; services check access, validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import access
from core.forms import ByLabelChoiceField, ByLabelMultipleChoiceField, Checklist, RevisionMixin, SectionsMixin
from core.uploads import DEFAULT_MAX_BYTES, SafeFileField
from network.models import Country, Organization

from .models import Axis, Call, Language, Population, Practice, Resource, ResourceKind, Theme
from .services import ATTACHMENT_KINDS

TEXTAREA = forms.Textarea(attrs={"rows": 5})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _country_label(country):
    return str(country.name)


class CountriesField(ByLabelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _country_label(obj)


class CountryField(ByLabelChoiceField):
    def label_from_instance(self, obj):
        return _country_label(obj)


class OrganizationField(ByLabelChoiceField):
    """An organization, in the reader's alphabetical order of names."""


class OrganizationsField(ByLabelMultipleChoiceField):
    """Organizations, in the reader's alphabetical order of names."""


def _bilingual(name, label_es, label_en, widget, max_length):
    return {
        f"{name}_es": forms.CharField(label=label_es, required=False, widget=widget, max_length=max_length),
        f"{name}_en": forms.CharField(label=label_en, required=False, widget=widget, max_length=max_length),
    }


class SubmitterFieldsMixin:
    """Limit 'submitted for' choices to the author's own organizations and countries (all for the TS)."""

    def limit_submitter(self, user):
        p = access.principal_for(user)
        if not access.acts_for_whole_network(p):
            self.fields["submitting_organization"].queryset = Organization.objects.filter(pk__in=p.organizations)
            self.fields["submitting_country"].queryset = Country.objects.filter(pk__in=p.officer_countries)


class PracticeForm(RevisionMixin, SectionsMixin, SubmitterFieldsMixin, forms.Form):
    """The template of a practice, in Spanish and English."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_bilingual("title", _("Title (Spanish)"), _("Title (English)"), forms.TextInput, 300))
        self.fields.update(_bilingual("summary", _("Summary (Spanish)"), _("Summary (English)"), SHORT_TEXTAREA, 3000))
        self.fields["countries"] = CountriesField(
            label=_("Countries"),
            queryset=Country.objects.order_by("code"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["implementing_institutions"] = OrganizationsField(
            label=_("Implementing institutions"),
            queryset=Organization.objects.select_related("country").order_by("name_es", "name_en"),
            required=False,
            widget=Checklist,
        )
        self.fields["submitting_organization"] = OrganizationField(
            label=_("Submitting organization"), queryset=Organization.objects.order_by("name_es"), required=False
        )
        self.fields["submitting_country"] = CountryField(
            label=_("Submitting country"), queryset=Country.objects.order_by("code"), required=False
        )
        self.fields["themes"] = forms.ModelMultipleChoiceField(
            label=_("Themes"),
            queryset=Theme.objects.filter(is_active=True),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["axis"] = forms.ModelChoiceField(label=_("Plan axis"), queryset=Axis.objects.all(), required=False)
        self.fields["population"] = forms.MultipleChoiceField(
            label=_("Population"), choices=Population.choices, required=False, widget=forms.CheckboxSelectMultiple
        )
        self.fields["population_other"] = forms.CharField(label=_("Other profiles"), required=False, max_length=300)
        self.fields["start_year"] = forms.IntegerField(
            label=_("From (year)"), required=False, min_value=1950, max_value=2100
        )
        self.fields["end_year"] = forms.IntegerField(
            label=_("To (year)"),
            required=False,
            min_value=1950,
            max_value=2100,
            help_text=_("Leave empty if it continues."),
        )
        for name, label_es, label_en, size in (
            ("context", _("Context (Spanish)"), _("Context (English)"), 20000),
            ("description", _("Description (Spanish)"), _("Description (English)"), 40000),
            ("results", _("Results and evidence (Spanish)"), _("Results and evidence (English)"), 20000),
            ("lessons", _("Lessons learned (Spanish)"), _("Lessons learned (English)"), 20000),
            ("replicability", _("Replicability (Spanish)"), _("Replicability (English)"), 20000),
        ):
            self.fields.update(_bilingual(name, label_es, label_en, TEXTAREA, size))
        self.fields["original_language"] = forms.ChoiceField(
            label=_("Language of the original"), choices=Language.choices, initial=Language.SPANISH
        )
        self.fields["contact_name"] = forms.CharField(label=_("Contact name"), required=False, max_length=200)
        self.fields["contact_email"] = forms.EmailField(label=_("Contact e-mail"), required=False)
        self.fields["contact_phone"] = forms.CharField(label=_("Contact phone"), required=False, max_length=40)
        self.fields["resources"] = forms.ModelMultipleChoiceField(
            label=_("Attached resources"),
            queryset=access.restrict(Resource.objects.select_related("published_version"), user),
            required=False,
            widget=Checklist,
            help_text=_("Resources of the repository that go with this practice."),
        )
        self.fields["call"] = forms.ModelChoiceField(
            label=_("Answers the call for practices"), queryset=Call.objects.open(), required=False
        )
        self.limit_submitter(user)
        if not self.is_bound and "submitting_organization" not in self.initial:
            # A new practice is first of all the author's organization's (or country's).
            self.initial.update(_own_submitter(user))

    # The template in the order people tell a practice; each text field in Spanish beside English.
    SECTIONS = (
        (_("The practice"), ("title", "summary", "original_language", "call")),
        (
            _("Where, who and for whom"),
            (
                "countries",
                "submitting_organization",
                "submitting_country",
                "implementing_institutions",
                "population",
                "population_other",
                "start_year",
                "end_year",
            ),
        ),
        (_("What was done and what it achieved"), ("context", "description", "results", "lessons", "replicability")),
        (_("Themes and the strategic plan"), ("themes", "axis")),
        (_("Contact and resources"), ("contact_name", "contact_email", "contact_phone", "resources")),
    )

    @classmethod
    def initial_for(cls, practice):
        initial = {name: getattr(practice, name) for name in _practice_scalars()}
        initial.update(
            countries=list(practice.countries.all()),
            themes=list(practice.themes.all()),
            implementing_institutions=list(practice.implementing_institutions.all()),
            resources=list(practice.resources.all()),
            axis=practice.axis,
            submitting_organization=practice.submitting_organization,
            submitting_country=practice.submitting_country,
            call=practice.call,
        )
        return initial


def _own_submitter(user):
    """The organization (or country) a new record is submitted for when its author has just one."""
    p = access.principal_for(user)
    initial = {}
    if len(p.organizations) == 1:
        initial["submitting_organization"] = Organization.objects.filter(pk__in=p.organizations).first()
    if len(p.officer_countries) == 1:
        initial["submitting_country"] = Country.objects.filter(pk__in=p.officer_countries).first()
    return initial


def _practice_scalars():
    names = [f"{name}_{lang}" for name in Practice.TEXT_FIELDS for lang in ("es", "en")]
    return names + [
        "population",
        "population_other",
        "start_year",
        "end_year",
        "original_language",
        "contact_name",
        "contact_email",
        "contact_phone",
    ]


class ResourceForm(RevisionMixin, SubmitterFieldsMixin, forms.Form):
    """A guide, protocol, study, training material or course."""

    kind = forms.ChoiceField(label=_("Type"), choices=ResourceKind.choices)
    title_es = forms.CharField(label=_("Title (Spanish)"), required=False, max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), required=False, max_length=300)
    description_es = forms.CharField(
        label=_("Description (Spanish)"), required=False, widget=TEXTAREA, max_length=10000
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=TEXTAREA, max_length=10000
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.SPANISH)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1950, max_value=2100)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    provider = OrganizationField(
        label=_("Provider"),
        queryset=Organization.objects.order_by("name_es"),
        required=False,
        help_text=_("For courses: who offers it."),
    )
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    countries = CountriesField(
        label=_("Countries"),
        queryset=Country.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    axis = forms.ModelChoiceField(label=_("Plan axis"), queryset=Axis.objects.all(), required=False)
    submitting_organization = OrganizationField(
        label=_("Submitting organization"), queryset=Organization.objects.order_by("name_es"), required=False
    )
    submitting_country = CountryField(label=_("Submitting country"), queryset=Country.objects.all(), required=False)
    file = SafeFileField(
        label=_("File"),
        required=False,
        kinds=ATTACHMENT_KINDS,
        help_text=_("PDF, Word, Excel, PowerPoint, ODT or an image; checked by its content."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_submitter(user)

    @classmethod
    def initial_for(cls, resource):
        names = ["kind", "title_es", "title_en", "description_es", "description_en", "language", "year", "url"]
        initial = {name: getattr(resource, name) for name in names + ["starts_on", "ends_on"]}
        initial.update(
            provider=resource.provider,
            countries=list(resource.countries.all()),
            themes=list(resource.themes.all()),
            axis=resource.axis,
            submitting_organization=resource.submitting_organization,
            submitting_country=resource.submitting_country,
        )
        return initial


class AttachmentForm(forms.Form):
    file = SafeFileField(
        label=_("Document"),
        kinds=ATTACHMENT_KINDS,
        max_bytes=DEFAULT_MAX_BYTES,
        help_text=_("PDF, Word, Excel, PowerPoint, ODT or an image. The text of PDF and Word files is searched."),
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000, widget=SHORT_TEXTAREA)


class CallForm(forms.Form):
    title_es = forms.CharField(label=_("Title (Spanish)"), required=False, max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), required=False, max_length=300)
    description_es = forms.CharField(label=_("Description (Spanish)"), required=False, widget=TEXTAREA, max_length=5000)
    description_en = forms.CharField(label=_("Description (English)"), required=False, widget=TEXTAREA, max_length=5000)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.filter(is_active=True))
    countries = CountriesField(
        label=_("Countries asked"), queryset=Country.objects.order_by("code"), widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class CompilationForm(forms.Form):
    title_es = forms.CharField(label=_("Title (Spanish)"), required=False, max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), required=False, max_length=300)
    call = forms.ModelChoiceField(
        label=_("Call for practices"),
        queryset=Call.objects.all(),
        required=False,
        help_text=_("Its answers are part of the compilation."),
    )
    practices = forms.ModelMultipleChoiceField(
        label=_("Practices"),
        queryset=Practice.objects.none(),
        required=False,
        widget=Checklist,
    )
    compiler = OrganizationField(
        label=_("Compiled by"),
        queryset=Organization.objects.partners().order_by("name_es"),
        required=False,
        help_text=_("Its staff may review the compilation's practices (for example IOM)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practices"].queryset = access.restrict(
            Practice.objects.select_related("published_version"), user
        ).order_by("title_es", "title_en")
