"""Comparative analyses: a framework of questions, run in rounds, answered by each country in its column.

An `Analysis` (led by an organization such as IOM) holds `Section`s of `Question`s in Spanish and
English. It is run in `Round`s (e.g. yearly); in each round every country covered has a `Column`
of `Answer`s that its officers fill and submit, and that the lead or the TS validates or returns.
A new round starts from the previous round's answers (carried over until confirmed).

The framework changes over time without losing answers: a question belongs to the rounds from
`introduced_in` up to (not including) `retired_from`; removing a question that has answers only
retires it, so the earlier rounds keep it and its answers.
"""

import decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import BilingualMixin, current_language, in_one_language, one_language_errors, require_one_language
from core.models import Visibility
from core.versioning import Versioned

MAX_CHOICES = 30
MAX_TEXT_ANSWER = 5000


class Analysis(BilingualMixin, models.Model):
    """A comparative analysis of the member countries' practices and procedures."""

    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    introduction_es = models.TextField(_("introduction (Spanish)"), blank=True, max_length=20000)
    introduction_en = models.TextField(_("introduction (English)"), blank=True, max_length=20000)
    lead_organization = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        related_name="led_analyses",
        verbose_name=_("lead organization"),
    )
    body = models.ForeignKey(
        "network.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="analyses",
        verbose_name=_("network or body"),
    )
    countries = models.ManyToManyField("network.Country", related_name="analyses", verbose_name=_("countries covered"))
    visibility = models.CharField(
        _("who may see it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
        help_text=_("Countries' answers are shown to others once the lead has validated them."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = (
        "title_es", "title_en", "introduction_es", "introduction_en", "lead_organization", "body", "visibility",
    )  # fmt: skip

    class Meta:
        verbose_name = _("comparative analysis")
        verbose_name_plural = _("comparative analyses")
        ordering = ["-created_at", "-pk"]
        constraints = [in_one_language("title")]

    def __str__(self):
        return self.localized("title")

    def clean(self):
        require_one_language(self, "title")

    def get_absolute_url(self):
        return reverse("comparisons:analysis", args=[self.pk])


class Section(BilingualMixin, models.Model):
    """A group of questions of an analysis (e.g. 'Before the return')."""

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="sections", verbose_name=_("analysis")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("title_es", "title_en", "order")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]
        constraints = [in_one_language("title")]

    def __str__(self):
        return self.localized("title")

    def clean(self):
        require_one_language(self, "title")


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / partly / no")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    TEXT = "text", _("Free text")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


# Types whose answers can be compared (same or different) across countries.
COMPARABLE_TYPES = (AnswerType.YES_NO, AnswerType.SINGLE, AnswerType.MULTIPLE, AnswerType.NUMBER, AnswerType.DATE)


class QuestionQuerySet(models.QuerySet):
    def in_round(self, number):
        """Questions that belong to round `number` of their analysis."""
        return self.filter(introduced_in__lte=number).filter(Q(retired_from__isnull=True) | Q(retired_from__gt=number))

    def current(self):
        return self.filter(retired_from__isnull=True)


class Question(BilingualMixin, models.Model):
    """A question of the framework; answered by each country in its column."""

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="questions", verbose_name=_("analysis")
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="questions", verbose_name=_("section"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_es = models.CharField(_("question (Spanish)"), max_length=500, blank=True)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    guidance_es = models.TextField(_("guidance (Spanish)"), blank=True, max_length=3000)
    guidance_en = models.TextField(_("guidance (English)"), blank=True, max_length=3000)
    answer_type = models.CharField(_("answer type"), max_length=10, choices=AnswerType.choices)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_("For one or several choices: a list of {key, es, en}."),
    )
    yes_means_gap = models.BooleanField(
        _("a “yes” is the gap"),
        default=False,
        help_text=_("For yes/partly/no questions asked the other way round (e.g. “Are children detained?”)."),
    )
    introduced_in = models.PositiveSmallIntegerField(_("first round"), default=1)
    retired_from = models.PositiveSmallIntegerField(
        _("removed from round"), null=True, blank=True, help_text=_("Empty while the question is in the framework.")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = QuestionQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = (
        "section", "text_es", "text_en", "guidance_es", "guidance_en", "answer_type", "choices", "yes_means_gap",
        "order",
    )  # fmt: skip

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__order", "section_id", "order", "pk"]
        constraints = [
            in_one_language("text"),
            models.CheckConstraint(
                condition=Q(retired_from__isnull=True) | Q(retired_from__gt=models.F("introduced_in")),
                name="question_retired_after_introduced",
            ),
        ]

    def __str__(self):
        return self.localized("text")

    def clean(self):
        errors = {}
        errors.update(one_language_errors(self, "text", _("Give the question in Spanish or in English.")))
        if self.answer_type in (AnswerType.SINGLE, AnswerType.MULTIPLE):
            problem = check_choices(self.choices)
            if problem:
                errors["choices"] = problem
        elif self.choices:
            errors["choices"] = _("Only questions with one or several choices have choices.")
        if self.yes_means_gap and self.answer_type != AnswerType.YES_NO:
            errors["yes_means_gap"] = _("Only yes/partly/no questions can say that a “yes” is the gap.")
        if errors:
            raise ValidationError(errors)

    def in_round(self, number):
        return self.introduced_in <= number and (self.retired_from is None or self.retired_from > number)

    @property
    def is_comparable(self):
        return self.answer_type in COMPARABLE_TYPES

    def choice_keys(self):
        return [choice["key"] for choice in self.choices or []]

    def choice_label(self, key, lang=None):
        lang = lang or current_language()
        for choice in self.choices or []:
            if choice["key"] == key:
                return choice.get(lang) or choice.get("es") or choice.get("en") or key
        return key

    def choice_labels(self):
        return [self.choice_label(key) for key in self.choice_keys()]

    def gap_values(self):
        """The yes/partly/no values that mean a gap: no and partly (yes and partly when asked the other way)."""
        if self.answer_type != AnswerType.YES_NO:
            return ()
        return (YesNo.YES, YesNo.PARTLY) if self.yes_means_gap else (YesNo.NO, YesNo.PARTLY)


def check_choices(choices):
    """Return a message when `choices` is not a list of 2 to MAX_CHOICES distinct {key, es, en}; else None."""
    if not isinstance(choices, list) or len(choices) < 2:
        return _("Give at least two choices.")
    if len(choices) > MAX_CHOICES:
        return _("Give at most %(max)s choices.") % {"max": MAX_CHOICES}
    keys = set()
    for choice in choices:
        if not isinstance(choice, dict) or not choice.get("key") or not (choice.get("es") or choice.get("en")):
            return _("Each choice needs a key and a label in Spanish or English.")
        if set(choice) - {"key", "es", "en"}:
            return _("A choice has only a key and its labels in Spanish and English.")
        if not all(isinstance(choice.get(name, ""), str) for name in ("key", "es", "en")):
            return _("Each choice needs a key and a label in Spanish or English.")
        if len(choice["key"]) > 40 or any(len(choice.get(name, "")) > 200 for name in ("es", "en")):
            return _("A choice's key is at most 40 characters, its labels at most 200.")
        if choice["key"] in keys:
            return _("Two choices have the same key: %(key)s.") % {"key": choice["key"]}
        keys.add(choice["key"])
    return None


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(BilingualMixin, models.Model):
    """One run of an analysis (e.g. the 2026 round): every country's column of answers."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("analysis"))
    number = models.PositiveSmallIntegerField(_("number"))
    label_es = models.CharField(_("name (Spanish)"), max_length=100, blank=True)
    label_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    due_date = models.DateField(_("answers due"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    # What its users edit: its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("label_es", "label_en", "due_date")

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["analysis_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "number"], name="round_number_unique"),
            models.UniqueConstraint(
                fields=["analysis"], condition=Q(status="open"), name="round_one_open_per_analysis"
            ),
        ]

    def __str__(self):
        label = self.localized("label")
        return label or _("Round %(number)s") % {"number": self.number}

    @property
    def is_open(self):
        return self.status == RoundStatus.OPEN

    def get_absolute_url(self):
        return reverse("comparisons:matrix", args=[self.analysis_id, self.number])


class ColumnStatus(models.TextChoices):
    DRAFT = "draft", _("To answer")
    SUBMITTED = "submitted", pgettext_lazy("a country's answers to an analysis", "Submitted")
    RETURNED = "returned", pgettext_lazy("a country's answers to an analysis", "Returned")
    VALIDATED = "validated", _("Validated")


EDITABLE_STATUSES = (ColumnStatus.DRAFT, ColumnStatus.RETURNED)


class Column(models.Model):
    """A country's answers in one round: filled and submitted by its officers, validated by the lead."""

    # The relations its access policy reads (lists that check access per record load them at once).
    ACCESS_READS = ("round__analysis",)

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="columns", verbose_name=_("round"))
    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="comparison_columns", verbose_name=_("country")
    )
    status = models.CharField(_("status"), max_length=10, choices=ColumnStatus.choices, default=ColumnStatus.DRAFT)
    submitted_at = models.DateTimeField(
        pgettext_lazy("a country's answers to an analysis", "submitted"), null=True, blank=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("comment of the review"), blank=True, max_length=5000)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("country column")
        verbose_name_plural = _("country columns")
        ordering = ["round_id", "country__code"]
        constraints = [models.UniqueConstraint(fields=["round", "country"], name="column_one_per_country")]

    def __str__(self):
        return f"{self.country.name} · {self.round}"

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES and self.round.is_open

    @property
    def code(self):
        return self.country.code.code.lower()

    def get_absolute_url(self):
        return reverse("comparisons:country", args=[self.round.analysis_id, self.round.number, self.code])


class ColumnEventKind(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("a country's answers to an analysis", "Submitted")
    RETURNED = "returned", pgettext_lazy("a country's answers to an analysis", "Returned with comments")
    VALIDATED = "validated", _("Validated")


class ColumnEvent(models.Model):
    """A step of a column's review: submitted, returned with comments, validated."""

    # The relations its access policy reads (lists that check access per record load them at once).
    ACCESS_READS = ("column__round__analysis",)

    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="events", verbose_name=_("column"))
    kind = models.CharField(_("step"), max_length=10, choices=ColumnEventKind.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("actor")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.column} · {self.get_kind_display()}"


class Answer(Versioned, models.Model):
    """A country's answer to one question in one round, with its legal or procedural basis and a note."""

    # The relations its access policy reads (lists that check access per record load them at once).
    ACCESS_READS = ("column__round__analysis",)

    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="answers", verbose_name=_("column"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    choice = models.CharField(_("answer"), max_length=40, blank=True)
    selected = models.JSONField(_("choices"), default=list, blank=True)
    number = models.DecimalField(_("number"), max_digits=18, decimal_places=4, null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=MAX_TEXT_ANSWER)
    basis_instrument = models.CharField(
        _("legal or procedural instrument"), max_length=300, blank=True, help_text=_("e.g. a law, a protocol")
    )
    basis_article = models.CharField(_("article or section"), max_length=100, blank=True)
    basis_url = models.URLField(_("link to the instrument"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=MAX_TEXT_ANSWER)
    carried_over = models.BooleanField(
        _("carried over"), default=False, help_text=_("Copied from the previous round, not confirmed yet.")
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("carried from")
    )
    confirmed_at = models.DateTimeField(_("last confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = (
        "choice",
        "selected",
        "number",
        "date",
        "text",
        "basis_instrument",
        "basis_article",
        "basis_url",
        "note",
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["column", "question"], name="answer_one_per_question")]

    def __str__(self):
        return f"{self.column} · #{self.question_id}"

    def value_key(self):
        """A comparable form of the value: equal for equal answers, whatever the language."""
        kind = self.question.answer_type
        if kind in (AnswerType.YES_NO, AnswerType.SINGLE):
            return self.choice
        if kind == AnswerType.MULTIPLE:
            return tuple(sorted(self.selected or []))
        if kind == AnswerType.NUMBER:
            return None if self.number is None else self.number.normalize()
        if kind == AnswerType.DATE:
            return self.date
        return self.text.strip()

    def display(self, lang=None):
        """The answer as a reader sees it, in `lang` (default: the reader's)."""
        question = self.question
        kind = question.answer_type
        if kind == AnswerType.YES_NO:
            return str(YesNo(self.choice).label) if self.choice in YesNo.values else self.choice
        if kind == AnswerType.SINGLE:
            return question.choice_label(self.choice, lang)
        if kind == AnswerType.MULTIPLE:
            order = question.choice_keys()
            keys = sorted(self.selected or [], key=lambda k: order.index(k) if k in order else len(order))
            return "; ".join(question.choice_label(key, lang) for key in keys)
        if kind == AnswerType.NUMBER:
            return "" if self.number is None else format_number(self.number)
        if kind == AnswerType.DATE:
            return "" if self.date is None else formats.date_format(self.date, "DATE_FORMAT")
        return self.text

    @property
    def tone(self):
        """'yes', 'partly' or 'no' for yes/partly/no answers (the matrix's colour); '' otherwise."""
        return self.choice if self.question.answer_type == AnswerType.YES_NO else ""

    @property
    def is_gap(self):
        return self.choice in self.question.gap_values()

    @property
    def has_basis(self):
        return bool(self.basis_instrument or self.basis_article or self.basis_url)

    def basis_display(self):
        return ", ".join(part for part in (self.basis_instrument, self.basis_article, self.basis_url) if part)


def format_number(value):
    """A number without trailing zeros, with the reader's decimal separator."""
    value = value.normalize() if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value)).normalize()
    if value == value.to_integral():
        value = value.quantize(decimal.Decimal(1))
    return formats.number_format(value, use_l10n=True)
