"""Helpers shared by forms of every domain."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy

from .services import LOGO_KINDS, LOGO_MAX_BYTES
from .uploads import SafeFileField
from .versioning import EditConflict, differences


class _ByLabel(forms.models.ModelChoiceIterator):
    """Choices in the reader's alphabetical order of their labels (countries by name, not by code)."""

    def __iter__(self):
        from .search import fold

        choices = list(super().__iter__())
        empty = [choice for choice in choices if choice[0] == ""]
        rest = sorted((choice for choice in choices if choice[0] != ""), key=lambda choice: fold(str(choice[1])))
        return iter(empty + rest)


class ByLabelChoiceField(forms.ModelChoiceField):
    iterator = _ByLabel


class ByLabelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _ByLabel


class Checklist(forms.CheckboxSelectMultiple):
    """Several choices as checkboxes (not a Ctrl-click list box); with script, a box above filters
    them by what is typed (core/static/core/checklist.js), accents ignored."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-checklist": "", **(attrs or {})}, choices)


def by_label(*fields):
    """Show these model choice fields' options sorted by their label in the reader's language."""
    for field in fields:
        field.iterator = _ByLabel
        field.widget.choices = field.choices


def by_name(countries):
    """Countries sorted by their name in the active language ("El Salvador" before "Panamá")."""
    from .search import fold

    return sorted(countries, key=lambda country: fold(str(country.name)))


def editable_fields(model, *, leave_out=(), adding=(), before=None):
    """A ModelForm's fields from its model's declaration (`Model.EDITABLE`, the services' allow-list).

    In the declared order, without `leave_out`; form-only fields (`adding`, e.g. the countries of
    an analysis, set by the service apart) go before the field `before`, else at the end.
    """
    names = [name for name in model.EDITABLE if name not in leave_out]
    at = names.index(before) if before else len(names)
    return [*names[:at], *adding, *names[at:]]


class SectionsMixin:
    """A long form in sections (`SECTIONS`: (title, field stems)), each text in Spanish beside English."""

    SECTIONS: tuple = ()

    def sections(self):
        """(title, rows) in SECTIONS order; a row is a pair (Spanish, English) or one field. Fields
        no section names come last, so none is ever left off the page."""
        placed, result = set(), []
        for title, names in self.SECTIONS:
            rows = []
            for name in names:
                if f"{name}_es" in self.fields:
                    rows.append((self[f"{name}_es"], self[f"{name}_en"]))
                    placed.update({f"{name}_es", f"{name}_en"})
                elif name in self.fields:
                    rows.append((self[name],))
                    placed.add(name)
            result.append((title, rows))
        rest = [(field,) for field in self.visible_fields() if field.name not in placed]
        if rest:
            result.append((gettext_lazy("Other"), rest))
        return result


class RevisionMixin:
    """A form that carries the revision of the record it was read at (core.versioning).

    Give the record as `record=`; its revision goes in a hidden field. After a conflict the
    field holds the saved revision, so saving again keeps the user's version knowingly.
    """

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        record = record if record is not None else getattr(self, "instance", None)
        if getattr(record, "pk", None) is not None and hasattr(record, "revision"):  # an edit, not a creation
            self.fields["revision"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
            self.initial["revision"] = record.revision


def show_conflict(form, conflict: EditConflict):
    """Keep the user's input, say who changed the record, show their version, arm the form to overwrite."""
    form.add_error(None, conflict.messages[0])
    values = getattr(form, "cleaned_data", None) or {}
    form.conflict_rows = differences(conflict.current, values)
    if conflict.current is not None and "revision" in form.fields:
        data = form.data.copy()
        data[form.add_prefix("revision")] = conflict.current.revision
        form.data = data


def add_service_errors(form, error: ValidationError):
    """Show a service's ValidationError on the form: on its fields where they exist, else on top."""
    if isinstance(error, EditConflict):
        show_conflict(form, error)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                messages = item.messages if hasattr(item, "messages") else [str(item)]
                for message in messages:
                    if target is None and field != NON_FIELD_ERRORS:
                        message = f"{field}: {message}"
                    form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class DocumentSettingsForm(forms.Form):
    """The TS's settings of the official documents: the logo and the circulars' reference pattern."""

    logo = SafeFileField(
        label=gettext_lazy("Logo"),
        required=False,
        kinds=LOGO_KINDS,
        max_bytes=LOGO_MAX_BYTES,
        help_text=gettext_lazy("PNG or JPEG, at most 2 MB; shown in the header of every Word and PDF document."),
        widget=forms.ClearableFileInput,
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
    circular_reference = forms.CharField(
        label=gettext_lazy("Reference of circulars"),
        max_length=80,
        help_text=gettext_lazy(
            "{year} is the year a circular is sent, {seq} its number in that year; {seq:03} writes 001. "
            "The number is given when the circular is sent."
        ),
    )
