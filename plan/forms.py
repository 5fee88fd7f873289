"""Forms of the Strategic Plan pages. They parse; the services validate and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import SafeFileField
from core.versioning import fingerprint

from .models import LineStatus, ValueKind
from .services import MAX_COMMENT, MAX_NARRATIVE


class TreeFilterForm(forms.Form):
    """The year (and optionally the country) whose progress the plan tree shows."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, plan, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in plan.years]
        self.fields["country"].choices = [("", _("All member countries"))] + [
            (country.code.code.lower(), str(country.name)) for country in countries
        ]
        self.countries = {country.code.code.lower(): country for country in countries}

    def selected(self, default_year):
        """Return (year, country or None) from valid input; anything else gives the defaults."""
        if not self.is_valid():
            return default_year, None
        return self.cleaned_data.get("year") or default_year, self.countries.get(self.cleaned_data.get("country"))


def line_field(line, part):
    return f"l{line.node_id}_{part}"


LINE_PARTS = ("status", "progress", "narrative", "revision", "read")


def line_fingerprint(status, progress, narrative):
    """A short digest of a line's values: tells, on saving, whether the person changed the line."""
    return fingerprint([status, progress, narrative])


class LinesForm(forms.Form):
    """Every line of a report at once: status, progress and narrative of each activity."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            code = line.node.code
            self.fields[line_field(line, "status")] = forms.ChoiceField(
                label=_("Status of %(code)s") % {"code": code},
                choices=LineStatus.choices,
                initial=line.status,
            )
            self.fields[line_field(line, "progress")] = forms.CharField(
                label=_("Progress of %(code)s (%%)") % {"code": code},
                required=False,
                max_length=10,
                initial="" if line.progress is None else line.progress,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5, "autocomplete": "off"}),
                help_text=_("From 0 to 100; empty when it does not apply."),
            )
            self.fields[line_field(line, "narrative")] = forms.CharField(
                label=_("What was done for %(code)s") % {"code": code},
                required=False,
                max_length=MAX_NARRATIVE,
                initial=line.narrative,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            # What the person read: only the lines they change are sent, each with its revision.
            self.fields[line_field(line, "revision")] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=line.revision
            )
            self.fields[line_field(line, "read")] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                max_length=16,
                initial=line_fingerprint(line.status, line.progress, line.narrative),
            )

    def entries(self):
        """Return {activity id: {status, progress, narrative, revision}} of the lines the person changed."""
        entries = {}
        for line in self.lines:
            progress = (self.cleaned_data.get(line_field(line, "progress")) or "").strip()
            entry = {
                "status": self.cleaned_data.get(line_field(line, "status")),
                "progress": progress or None,
                "narrative": self.cleaned_data.get(line_field(line, "narrative"), ""),
                "revision": self.cleaned_data.get(line_field(line, "revision")),
            }
            read = self.cleaned_data.get(line_field(line, "read"))
            if read and read == line_fingerprint(entry["status"], entry["progress"], entry["narrative"]):
                continue  # left as read: someone else's later change to it stays
            entries[line.node_id] = entry
        return entries

    def show_conflict(self, conflict):
        """Keep the person's input; show the saved version of each line changed meanwhile, ready to overwrite."""
        data = self.data.copy()
        for node_id, saved in conflict.lines.items():
            line = next(line for line in self.lines if line.node_id == node_id)
            data[line_field(line, "revision")] = saved.revision
            data[line_field(line, "read")] = line_fingerprint(saved.status, saved.progress, saved.narrative)
            progress = "" if saved.progress is None else f"{saved.progress} %"
            theirs = " · ".join(part for part in (saved.get_status_display(), progress, saved.narrative) if part)
            self.add_error(line_field(line, "status"), _("Their version: %(values)s") % {"values": theirs})
        self.data = data

    def add_service_errors(self, error):
        """Put the service's "<code>: <field>" errors beside their fields."""
        if hasattr(error, "lines"):
            self.show_conflict(error)
        by_code = {line.node.code: line for line in self.lines}
        by_key = {f"line-{line.node_id}": line for line in self.lines}
        for key, messages in error.message_dict.items():
            code, _sep, part = key.rpartition(": ")
            line = by_code.get(code) or by_key.get(key)
            name = line_field(line, part or "status") if line is not None else None
            target = name if name in self.fields else None
            for message in messages:
                if target is None and line is not None:
                    message = f"{line.node.code}: {message}"
                self.add_error(target, message)

    def rows(self):
        """(line, {part: bound field}) for the template."""
        return [
            (
                line,
                {
                    part: self[line_field(line, part)]
                    for part in ("status", "progress", "narrative", "revision", "read")
                },
            )
            for line in self.lines
        ]


class EvidenceForm(forms.Form):
    """A link or a file backing one line of a report."""

    line = forms.TypedChoiceField(label=_("Activity"), coerce=int)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    file = SafeFileField(label=_("Or a file"), required=False)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(line.pk, str(line.node)) for line in lines]

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("link") and not data.get("file"):
            raise ValidationError(_("Give a file or a link."))
        if not self.errors and data.get("link") and data.get("file"):
            raise ValidationError(_("Give a file or a link, not both."))
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should be reviewed?"), max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=MAX_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the approved report reopened?"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


REVIEW_FORMS = {"approve": ApproveForm, "return": ReturnForm, "reopen": ReopenForm}


class IndicatorValueForm(forms.Form):
    """A new target or actual value of one of a node's indicators (a new row; the latest counts)."""

    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=ValueKind.choices)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    country = forms.ChoiceField(label=_("Country"), required=False)
    value = forms.CharField(label=_("Value"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, indicators, plan, countries, regional=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {indicator.pk: indicator for indicator in indicators}
        self.countries = {country.code.code.lower(): country for country in countries}
        self.fields["indicator"].choices = [(i.pk, str(i)) for i in indicators]
        self.fields["year"].choices = [(year, str(year)) for year in plan.years]
        country_choices = [(code, str(country.name)) for code, country in self.countries.items()]
        if regional:
            country_choices.insert(0, ("", _("Regional (no country)")))
        else:
            # Only the TS and the PPT set targets and regional values; others enter their country's actuals.
            self.fields["kind"].choices = [(ValueKind.ACTUAL, ValueKind.ACTUAL.label)]
        self.fields["country"].choices = country_choices
        self.fields["country"].help_text = _("Targets are regional; actual values may be a country's.")

    def service_fields(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "year": data["year"],
            "value": data["value"],
            "country": self.countries.get(data.get("country") or ""),
            "note": data.get("note", ""),
        }

    def chosen_indicator(self):
        return self.indicators[self.cleaned_data["indicator"]]
