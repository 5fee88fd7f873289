"""Forms of the comparisons pages. They parse; the services validate and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import ByLabelMultipleChoiceField, by_label, editable_fields
from core.versioning import fingerprint
from network.models import Appointment, Body, Country, Organization, OrganizationKind

from .models import Analysis, AnswerType, Question, Round, Section, YesNo


class AnalysisForm(forms.ModelForm):
    countries = ByLabelMultipleChoiceField(
        queryset=Country.objects.members(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Countries covered"),
    )

    class Meta:
        model = Analysis
        fields = editable_fields(Analysis, adding=("countries",), before="visibility")
        widgets = {
            "introduction_es": forms.Textarea(attrs={"rows": 5}),
            "introduction_en": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organization"].queryset = Organization.objects.exclude(
            kind=OrganizationKind.NATIONAL_INSTITUTION
        ).order_by("name_es")
        by_label(self.fields["lead_organization"])
        self.fields["body"].queryset = Body.objects.networks()
        self.fields["countries"].label_from_instance = lambda country: str(country.name)


class LeadsForm(forms.Form):
    leads = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("People who lead the analysis"),
        help_text=_("They keep the framework and the rounds, and validate or return the countries' columns."),
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Appointment.objects.current()
        if organization is not None:
            staff = staff.filter(organization__in=[organization.pk, *organization.units.values_list("pk", flat=True)])
        self.fields["leads"].queryset = User.objects.filter(
            is_active=True, person__in=staff.values("person_id")
        ).order_by("email")
        self.fields["leads"].label_from_instance = lambda user: f"{user.get_full_name()} <{user.email}>"


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = editable_fields(Section)


def choices_to_text(choices):
    return "\n".join(f"{c['key']} = {c.get('es', '')} | {c.get('en', '')}" for c in choices or [])


def text_to_choices(text):
    """Read choices written one a line as "key = Spanish | English" (the key may be left out)."""
    choices = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        key, _sep, labels = line.rpartition("=") if "=" in line else ("", "", line)
        spanish, _bar, english = labels.partition("|")
        if not (spanish.strip() or english.strip()):
            raise ValidationError(_("Line %(line)s: give the choice's label.") % {"line": number})
        choices.append({"key": key.strip(), "es": spanish.strip(), "en": english.strip()})
    return choices


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For one or several choices: one a line, “Spanish | English”. Keep the “key =” of existing ones."),
    )

    class Meta:
        model = Question
        fields = editable_fields(Question, leave_out=("choices",))  # the choices: one text field of the form
        widgets = {"guidance_es": forms.Textarea(attrs={"rows": 2}), "guidance_en": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, analysis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = analysis.sections.all()
        if self.instance.pk:
            self.fields["choices_text"].initial = choices_to_text(self.instance.choices)

    def clean_choices_text(self):
        return text_to_choices(self.cleaned_data.get("choices_text"))

    def service_fields(self):
        data = dict(self.cleaned_data)
        data["choices"] = data.pop("choices_text")
        if data.get("order") is None:
            data.pop("order", None)
        return data


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = editable_fields(Round)
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the country review?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ValidateForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MatrixFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("all", _("Every question")),
            ("differences", _("Differences: where countries differ")),
            ("gaps", _("Gaps: countries answering no or partly")),
        ],
    )
    section = forms.TypedChoiceField(label=_("Section"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("All sections"))] + [(s.pk, str(s)) for s in sections]
        self.sections = {s.pk: s for s in sections}

    def selected(self):
        """Return (view, section) from valid input; anything else shows the whole matrix."""
        if not self.is_valid():
            return "all", None
        return self.cleaned_data.get("view") or "all", self.sections.get(self.cleaned_data.get("section"))


# ---- a country's column --------------------------------------------------------------------


def field_name(question, part):
    return f"q{question.pk}_{part}"


SHOWN_PARTS = ("value", "basis_instrument", "basis_article", "basis_url", "note")


class ColumnForm(forms.Form):
    """Every question of a round with its answer, basis, note and, for carried-over answers, a confirmation."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.answers = answers
        for question in questions:
            answer = answers.get(question.pk)
            self.fields[field_name(question, "value")] = self._value_field(question, answer)
            self.fields[field_name(question, "basis_instrument")] = forms.CharField(
                label=_("Legal or procedural instrument"),
                max_length=300,
                required=False,
                initial=answer.basis_instrument if answer else "",
            )
            self.fields[field_name(question, "basis_article")] = forms.CharField(
                label=_("Article or section"),
                max_length=100,
                required=False,
                initial=answer.basis_article if answer else "",
            )
            self.fields[field_name(question, "basis_url")] = forms.CharField(
                label=_("Link to the instrument"),
                max_length=500,
                required=False,
                initial=answer.basis_url if answer else "",
                widget=forms.URLInput(),
            )
            self.fields[field_name(question, "note")] = forms.CharField(
                label=_("Note"),
                max_length=5000,
                required=False,
                initial=answer.note if answer else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if answer is not None and answer.carried_over:
                self.fields[field_name(question, "confirm")] = forms.BooleanField(
                    label=_("Still true: confirm this answer"), required=False
                )
            # What the person read: only the answers they change are sent, each with its revision.
            self.fields[field_name(question, "revision")] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=answer.revision if answer else 0
            )
            self.fields[field_name(question, "read")] = forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=16, initial=self._read(question, answer)
            )

    def _read(self, question, answer):
        """The digest of the answer as this form shows it (see core.versioning.fingerprint)."""
        value = self._value_field(question, answer)
        shown = [value.prepare_value(value.initial)]
        for part in SHOWN_PARTS[1:]:
            shown.append(getattr(answer, part) if answer else "")
        return fingerprint(shown)

    def _sent(self, question):
        """The digest of what the person sent for `question`, in the same form."""
        return fingerprint([self[field_name(question, part)].data for part in SHOWN_PARTS])

    def show_conflict(self, conflict):
        """Keep the person's input; show each answer saved meanwhile, ready to overwrite."""
        data = self.data.copy()
        for question in self.questions:
            if question.pk not in conflict.answers:
                continue
            saved = conflict.answers[question.pk]
            data[field_name(question, "revision")] = saved.revision if saved else 0
            data[field_name(question, "read")] = self._read(question, saved)
        self.data = data

    def _value_field(self, question, answer):
        label = str(question)
        kind = question.answer_type
        if kind == AnswerType.YES_NO:
            return forms.ChoiceField(
                label=label,
                required=False,
                choices=YesNo.choices,
                widget=forms.RadioSelect,
                initial=answer.choice if answer else None,
            )
        if kind == AnswerType.SINGLE:
            options = [(key, question.choice_label(key)) for key in question.choice_keys()]
            return forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", _("— no answer —")), *options],
                initial=answer.choice if answer else "",
            )
        if kind == AnswerType.MULTIPLE:
            options = [(key, question.choice_label(key)) for key in question.choice_keys()]
            return forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=options,
                widget=forms.CheckboxSelectMultiple,
                initial=answer.selected if answer else [],
            )
        if kind == AnswerType.NUMBER:
            initial = "" if answer is None or answer.number is None else format(answer.number.normalize(), "f")
            return forms.CharField(
                label=label,
                required=False,
                max_length=30,
                initial=initial,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        if kind == AnswerType.DATE:
            initial = answer.date.isoformat() if answer and answer.date else ""
            return forms.CharField(
                label=label,
                required=False,
                max_length=10,
                initial=initial,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
        return forms.CharField(
            label=label,
            required=False,
            max_length=5000,
            initial=answer.text if answer else "",
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def entries(self):
        """Return {question id: entry} for services.save_answers."""
        entries = {}
        for question in self.questions:
            entry = {
                "value": self.cleaned_data.get(field_name(question, "value")),
                "basis_instrument": self.cleaned_data.get(field_name(question, "basis_instrument"), ""),
                "basis_article": self.cleaned_data.get(field_name(question, "basis_article"), ""),
                "basis_url": self.cleaned_data.get(field_name(question, "basis_url"), ""),
                "note": self.cleaned_data.get(field_name(question, "note"), ""),
            }
            if self.cleaned_data.get(field_name(question, "confirm")):
                entry["confirm"] = True
            elif self.cleaned_data.get(field_name(question, "read")) == self._sent(question):
                continue  # left as read: someone else's later change to it stays
            entry["revision"] = self.cleaned_data.get(field_name(question, "revision"))
            entries[question.pk] = entry
        return entries

    def add_service_errors(self, error):
        """Put the service's "q<id>.<field>" errors beside their fields."""
        if hasattr(error, "answers"):
            self.show_conflict(error)
        for key, messages in error.message_dict.items():
            name = key.replace(".", "_", 1) if key.startswith("q") else None
            if name and "." not in key:
                name = f"{key}_value"
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)

    def groups(self):
        """(section, [(question, answer, {part: bound field})]) for the template."""
        blocks = []
        for question in self.questions:
            parts = {
                part: self[field_name(question, part)]
                for part in (*SHOWN_PARTS, "confirm", "revision", "read")
                if field_name(question, part) in self.fields
            }
            if not blocks or blocks[-1][0].pk != question.section_id:
                blocks.append((question.section, []))
            blocks[-1][1].append((question, self.answers.get(question.pk), parts))
        return blocks
