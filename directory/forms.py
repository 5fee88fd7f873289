"""Forms of the directory: the map's filters (shared by page, list, exports and API) and service edits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RevisionMixin
from network.models import Country

from . import queries
from .fields import SERVICE
from .models import MAX_AGE, Place, PlaceKind, Service, ServiceStatus, TaxonomyTerm
from .taxonomies import PROFILES, SERVICE_TYPES


def _term_choices(taxonomy):
    terms = TaxonomyTerm.objects.filter(taxonomy__code=taxonomy).order_by("order", "code")
    return [("", _("All"))] + [(str(term.pk), str(term)) for term in terms]


class MapFilterForm(forms.Form):
    """Filters of the map and its list."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    division = forms.ModelChoiceField(
        label=_("State, department or province"),
        queryset=Place.objects.filter(kind=PlaceKind.DIVISION),
        required=False,
        empty_label=_("All"),
    )
    type = forms.ChoiceField(label=_("Service type"), required=False)
    profile = forms.ChoiceField(label=_("Population profile"), required=False)
    age = forms.IntegerField(label=_("Age of the child"), required=False, min_value=0, max_value=MAX_AGE)
    language = forms.ChoiceField(label=_("Language"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(ServiceStatus.choices)
    )
    near = forms.ModelChoiceField(
        label=_("Near a municipality"),
        queryset=Place.objects.filter(kind=PlaceKind.MUNICIPALITY).select_related("parent"),
        required=False,
        empty_label=_("—"),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    bbox = forms.CharField(required=False, max_length=120, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = sorted(Country.objects.members(), key=lambda c: str(c.name))
        self.fields["country"].choices = [("", _("All"))] + [(c.code.code, c.name) for c in countries]
        self.fields["type"].choices = _term_choices(SERVICE_TYPES)
        self.fields["profile"].choices = _term_choices(PROFILES)
        codes = ["es", "en", "fr", "pt", "ht", "mam", "quc", "kek", "cak", "cab", "miq", "nah"]
        self.fields["language"].choices = [("", _("All"))] + [(c, queries.language_name(c)) for c in codes]
        self.fields["division"].label_from_instance = lambda p: f"{p.name} ({p.country_code})"
        self.fields["near"].label_from_instance = lambda p: f"{p.name} ({p.country_code})"

    def cleaned(self):
        """Return cleaned data, or empty filters when the form is invalid (bad input filters nothing)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {}

    def filters(self):
        data = self.cleaned()
        country = None
        if data.get("country"):
            country = Country.objects.filter(code=data["country"]).first()
        terms = [data[name] for name in ("type", "profile") if data.get(name)]
        return queries.MapFilters(
            country=country,
            division=data.get("division"),
            terms=terms,
            age=data.get("age"),
            language=data.get("language") or "",
            status=data.get("status") or "",
        )

    def origin(self):
        """Return (lat, lon, label) of 'near a place', or None."""
        data = self.cleaned()
        if data.get("near") is not None:
            place = data["near"]
            return place.latitude, place.longitude, str(place)
        if data.get("lat") is not None and data.get("lon") is not None:
            return data["lat"], data["lon"], f"{data['lat']:.3f}, {data['lon']:.3f}"
        return None

    def viewport(self):
        return queries.BBox.parse(self.cleaned().get("bbox"))


class ServiceForm(RevisionMixin, forms.ModelForm):
    """Edit a service: its texts in both languages, who it serves, its categories and languages."""

    terms = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=TaxonomyTerm.objects.select_related("taxonomy").order_by("taxonomy__code", "order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=200,
        help_text=_("ISO 639 codes separated by commas, e.g. es, en, mam."),
    )

    class Meta:
        model = Service
        fields = SERVICE.form_fields(
            first=(
                "name", "description", "status", "minimum_age", "maximum_age", "eligibility_description",
                "application_process", "fees_description", "alert",
            ),
            leave_out=("alternate_name",),
        )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages.values_list("code", flat=True))
            self.initial["terms"] = list(self.instance.terms.all())

    def clean_languages(self):
        codes = [code.strip().lower() for code in self.cleaned_data["languages"].split(",") if code.strip()]
        for code in codes:
            if not code.isalpha() or len(code) > 8:
                raise forms.ValidationError(_("“%(code)s” is not a language code.") % {"code": code})
        return codes

    def changes(self):
        """Return the service fields and lists to give to services.update_service."""
        data = dict(self.cleaned_data)
        return data
