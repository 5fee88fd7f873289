"""Forms of the directory: the map's filters (shared by page, list, exports and API) and service edits."""

from django import forms
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import Checklist, RevisionMixin, SectionsMixin
from network.models import Country

from . import phones, queries
from .fields import SERVICE
from .models import MAX_AGE, EditStatus, Place, PlaceKind, Service, ServiceStatus, TaxonomyTerm
from .proposals import ADDRESS_PARTS, ALL_DAY, PHONE_TYPES, day_name
from .rrules import WEEKDAYS
from .taxonomies import PROFILES, SERVICE_TYPES

ANY = pgettext_lazy("any value of a map filter: country, type, profile, language, status", "All")


def _term_choices(taxonomy):
    terms = TaxonomyTerm.objects.filter(taxonomy__code=taxonomy).order_by("order", "code")
    return [("", ANY)] + [(str(term.pk), str(term)) for term in terms]


class MapFilterForm(forms.Form):
    """Filters of the map and its list."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    division = forms.ModelChoiceField(
        label=_("State, department or province"),
        queryset=Place.objects.filter(kind=PlaceKind.DIVISION),
        required=False,
        empty_label=ANY,
    )
    type = forms.ChoiceField(label=_("Service type"), required=False)
    profile = forms.ChoiceField(label=_("Population profile"), required=False)
    age = forms.IntegerField(label=_("Age of the child"), required=False, min_value=0, max_value=MAX_AGE)
    language = forms.ChoiceField(label=_("Language"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", ANY)] + list(ServiceStatus.choices))
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
        self.fields["country"].choices = [("", ANY)] + [(c.code.code, c.name) for c in countries]
        self.fields["type"].choices = _term_choices(SERVICE_TYPES)
        self.fields["profile"].choices = _term_choices(PROFILES)
        codes = ["es", "en", "fr", "pt", "ht", "mam", "quc", "kek", "cak", "cab", "miq", "nah"]
        self.fields["language"].choices = [("", ANY)] + [(c, queries.language_name(c)) for c in codes]
        self.fields["division"].label_from_instance = lambda p: f"{p.name} ({p.country_code})"
        self.fields["near"].label_from_instance = lambda p: f"{p.name} ({p.country_code})"
        # A chosen country offers its own divisions only (the page's htmx asks for them again when it changes).
        code = str((self.data if self.is_bound else self.initial).get("country") or "").upper()
        if code:
            division = self.fields["division"]
            division.queryset = division.queryset.filter(country_code=code)
            division.label_from_instance = lambda p: p.name
        # The country select asks for its divisions (htmx: the map page's "division" fragment), on its own
        # lane and without changing the address (the form's own request, for the list, does).
        self.fields["country"].widget.attrs.update(
            {
                "hx-get": reverse("directory:map"),
                "hx-target": "#id_division",
                "hx-swap": "outerHTML",
                "hx-sync": "this:replace",
                "hx-push-url": "false",
            }
        )

    def cleaned(self):
        """Return cleaned data, or empty filters when the form is invalid (bad input filters nothing).

        A division that is not the chosen country's (the country was changed) is left out alone:
        the country's services are shown, in all its divisions.
        """
        if self.is_bound and (self.is_valid() or set(self.errors) == {"division"}):
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


# The languages offered by name; a service's other codes (from an import) are kept and shown too.
KNOWN_LANGUAGES = ("es", "en", "fr", "pt", "ht", "ar", "hi", "bn", "ne", "ru", *queries.REGIONAL_LANGUAGES)


def language_choices(keep=()):
    from core.search import fold

    from .proposals import language_label

    codes = dict.fromkeys([*KNOWN_LANGUAGES, *keep])
    return sorted(((code, language_label(code)) for code in codes), key=lambda choice: fold(choice[1]))


class ServiceForm(RevisionMixin, SectionsMixin, forms.ModelForm):
    """Edit a service: its texts in both languages, who it serves, its categories and languages."""

    terms = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=TaxonomyTerm.objects.select_related("taxonomy").order_by("taxonomy__code", "order"),
        required=False,
        widget=Checklist,
    )
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False, widget=Checklist)

    SECTIONS = (
        (_("The service"), ("name", "description", "status", "alert", "url", "email")),
        (
            _("Who it serves and how"),
            (
                "minimum_age", "maximum_age", "eligibility_description", "application_process",
                "fees_description", "interpretation_services", "terms", "languages",
            ),
        ),
    )  # fmt: skip

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
        codes = list(self.instance.languages.values_list("code", flat=True)) if self.instance.pk else []
        self.fields["languages"].choices = language_choices(keep=codes)
        if self.instance.pk:
            self.initial["languages"] = codes
            self.initial["terms"] = list(self.instance.terms.all())


class PhoneForm(forms.Form):
    """One of the service's phones; its number is read as the service's country reads it (directory/phones.py)."""

    number = forms.CharField(label=_("Number"), max_length=40, widget=forms.TextInput(attrs={"type": "tel"}))
    extension = forms.IntegerField(label=_("Extension"), required=False, min_value=1, max_value=99999)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=PHONE_TYPES)
    description = forms.CharField(
        label=_("For what"), required=False, max_length=300, help_text=_("E.g. “24-hour line”, “WhatsApp”.")
    )

    def __init__(self, *args, region=None, known=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.region, self.known = region, known

    def clean_number(self):
        return phones.check_number(self.cleaned_data["number"], self.region, known=self.known)


PhoneFormSet = forms.formset_factory(PhoneForm, extra=1, can_delete=True, max_num=20, validate_max=True)


class HoursForm(forms.Form):
    """The weekly opening hours: per day, up to two spans (a break at midday), or open 24 hours."""

    def __init__(self, *args, hours=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.days = []
        for day in WEEKDAYS:
            name = capfirst(day_name(day))
            spans = [list(span) for span in (hours or {}).get(day, [])]
            all_day = spans == [ALL_DAY]
            fields = {
                "opens": (_("%(day)s: opens") % {"day": name}, spans[0][0] if spans and not all_day else None),
                "closes": (_("%(day)s: closes") % {"day": name}, spans[0][1] if spans and not all_day else None),
                "opens2": (_("%(day)s: opens again") % {"day": name}, spans[1][0] if len(spans) > 1 else None),
                "closes2": (_("%(day)s: closes again") % {"day": name}, spans[1][1] if len(spans) > 1 else None),
            }
            for suffix, (label, value) in fields.items():
                self.fields[f"{day}_{suffix}"] = forms.TimeField(
                    label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
                )
                self.initial[f"{day}_{suffix}"] = value
            self.fields[f"{day}_all"] = forms.BooleanField(
                label=_("%(day)s: open 24 hours") % {"day": name}, required=False
            )
            self.initial[f"{day}_all"] = all_day
            self.days.append((name, [self[f"{day}_{suffix}"] for suffix in (*fields, "all")]))

    def clean(self):
        data = super().clean()
        hours = {}
        for day in WEEKDAYS:
            if data.get(f"{day}_all"):
                hours[day] = [ALL_DAY]
                continue
            spans = []
            for opens, closes in (("opens", "closes"), ("opens2", "closes2")):
                start, end = data.get(f"{day}_{opens}"), data.get(f"{day}_{closes}")
                if (start is None) != (end is None):
                    self.add_error(f"{day}_{closes if end is None else opens}", _("Give both times, or neither."))
                elif start is not None and end is not None:
                    if end <= start:
                        self.add_error(f"{day}_{closes}", _("The closing time must come after the opening time."))
                    spans.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
            if spans:
                hours[day] = spans
        data["hours"] = hours
        return data


class PlaceForm(forms.Form):
    """Where one of the service's locations is: its street address and its position on the map."""

    address_1 = forms.CharField(label=_("Address"), required=False, max_length=300)
    address_2 = forms.CharField(label=_("Address (line 2)"), required=False, max_length=300)
    city = forms.CharField(label=_("City"), required=False, max_length=200)
    state_province = forms.CharField(label=_("State or province"), required=False, max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=20)
    latitude = forms.FloatField(
        label=_("Latitude"), min_value=-90, max_value=90, widget=forms.NumberInput(attrs={"step": "any"})
    )
    longitude = forms.FloatField(
        label=_("Longitude"), min_value=-180, max_value=180, widget=forms.NumberInput(attrs={"step": "any"})
    )

    def __init__(self, *args, location, address, had_address, **kwargs):
        super().__init__(
            *args, initial={**address, **{"latitude": location.latitude, "longitude": location.longitude}}, **kwargs
        )
        self.location = location
        self.had_address = had_address

    def clean(self):
        data = super().clean()
        given = any(data.get(part) for part in ADDRESS_PARTS)
        if given or self.had_address:
            for part in ("address_1", "city"):
                if not data.get(part):
                    self.add_error(part, _("An address needs its street and city."))
        return data

    def values(self):
        data = self.cleaned_data
        values = {"latitude": data["latitude"], "longitude": data["longitude"]}
        if self.had_address or any(data.get(part) for part in ADDRESS_PARTS):
            values.update({part: data.get(part) or "" for part in ADDRESS_PARTS})
        return values


class ServiceChange:
    """The edit page's forms together: the service's fields, its phones, its weekly hours and where
    its locations are. `arguments()` gives `services.update_service` what to write or propose."""

    def __init__(self, service, user, data=None):
        from core import access

        from .access import VIEW_CONFIDENTIAL
        from .services import current_values

        now, locations = current_values(service)
        self.form = ServiceForm(data, instance=service)
        self.phones = PhoneFormSet(
            data,
            prefix="phones",
            initial=now["phones"],
            form_kwargs={"region": phones.region_of(service.country), "known": [p["number"] for p in now["phones"]]},
        )
        self.hours = HoursForm(data, prefix="hours", hours=now["hours"])
        self.places = []
        for index, (location_id, location) in enumerate(locations.items()):
            if location.is_confidential and not access.can(user, VIEW_CONFIDENTIAL, location):
                continue
            address = now[f"address:{location_id}"]
            self.places.append(
                PlaceForm(
                    data,
                    prefix=f"place-{index}",
                    location=location,
                    address=address,
                    had_address=any(address.values()),
                )
            )

    def forms(self):
        return [self.form, self.phones, self.hours, *self.places]

    def is_valid(self):
        valid = [form.is_valid() for form in self.forms()]  # every form, so each shows its errors
        return all(valid)

    def arguments(self):
        data = dict(self.form.cleaned_data)
        data["terms"] = list(data.pop("terms"))
        data["phones"] = [
            {name: form.cleaned_data.get(name) for name in ("number", "extension", "type", "description")}
            for form in self.phones.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        data["hours"] = self.hours.cleaned_data["hours"]
        data["places"] = {str(form.location.pk): form.values() for form in self.places}
        return data


class DecisionForm(forms.Form):
    """Approve or reject each item of a proposal, with a note each."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, items, revision, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["revision"] = revision
        self.items = items
        self.rows = []
        for index, item in enumerate(items):
            self.fields[f"decision-{index}"] = forms.ChoiceField(
                label=_("Decision on “%(item)s”") % {"item": item.label},
                choices=[("approve", _("Approve")), ("reject", _("Reject"))],
                widget=forms.RadioSelect,
                required="all" not in self.data,
                error_messages={"required": _("Approve or reject this item.")},
            )
            self.fields[f"note-{index}"] = forms.CharField(
                label=_("Note on “%(item)s”") % {"item": item.label}, required=False, max_length=500
            )
            self.rows.append((item, self[f"decision-{index}"], self[f"note-{index}"]))

    def decisions(self):
        """The arguments of services.decide_edit; the button "Approve every item" approves them all."""
        data = self.cleaned_data
        every = "all" in self.data
        return {
            "decisions": {item.key: every or data[f"decision-{i}"] == "approve" for i, item in enumerate(self.items)},
            "notes": {item.key: data[f"note-{i}"] for i, item in enumerate(self.items)},
            "revision": data.get("revision"),
        }


def decided_message(edit):
    if edit.status == EditStatus.APPROVED:
        return _("Change approved: the public sees it now.")
    if edit.status == EditStatus.REJECTED:
        return _("Change rejected; the partner sees your notes.")
    return _("Decided: the approved items are published; the partner sees your notes.")
