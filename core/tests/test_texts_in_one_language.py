"""Every bilingual text a model requires is required by the database too (core.i18n.in_one_language).

`clean()` names the missing field for forms and the API; the constraint refuses a row empty in
both languages whatever the path (a bulk write, an import, the shell), on SQLite and PostgreSQL.
"""

import inspect
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from comparisons.testing import build_analysis
from core.testing import build_network
from plan.testing import build_plan
from practices import services as practices
from practices.tests.helpers import practice_fields

pytestmark = pytest.mark.django_db

REQUIRED_IN_CLEAN = re.compile(r"(?:one_language_errors|require_one_language)\(self, \"(\w+)\"")


def constrained():
    """{model: [field, …]} of the in_one_language constraints."""
    found = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name.endswith("_in_one_language"):
                field = constraint.name.removeprefix(f"{model._meta.app_label}_{model._meta.model_name}_")
                found.setdefault(model, []).append(field.removesuffix("_in_one_language"))
    return found


def test_every_text_clean_requires_has_its_database_constraint():
    by_model = constrained()
    required = {}
    for model in apps.get_models():
        if model.__module__.startswith("django.") or "clean" not in vars(model):
            continue
        for field in REQUIRED_IN_CLEAN.findall(inspect.getsource(model.clean)):
            required.setdefault(model, []).append(field)
    assert required, "no model requires a bilingual text: the walk is broken"
    missing = {
        model.__name__: field
        for model, fields in required.items()
        for field in fields
        if field not in by_model.get(model, [])
    }
    assert missing == {}
    assert len(by_model) >= 19


def test_the_database_refuses_a_row_without_the_text_in_either_language():
    n = build_network()
    build_plan(n)
    build_analysis(n)
    practices.create_practice(acting_user=n.partner, **practice_fields(n))
    tried = []
    for model, fields in constrained().items():
        row = model.objects.order_by("pk").first()
        if row is None:
            continue
        for field in fields:
            empty = {f"{field}_es": "", f"{field}_en": ""}
            with pytest.raises(IntegrityError), transaction.atomic():
                model.objects.filter(pk=row.pk).update(**empty)
            model.objects.filter(pk=row.pk).update(**{f"{field}_es": "", f"{field}_en": "Only in English"})
            tried.append(model.__name__)
    assert {"Organization", "Body", "Plan", "Node", "Analysis", "Question", "Practice"} <= set(tried)
