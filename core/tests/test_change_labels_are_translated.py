"""Every field the audit trail records is named in the reader's language on the activity page and in
histories: its label is a translatable text, not the field's code name ("reviewed by")."""

from django.test import SimpleTestCase
from django.utils.functional import Promise

from core import audit


def unlabelled():
    found = []
    for model, excluded in audit._tracked.items():
        fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
        for field in fields:
            if field.primary_key or field.name in excluded:
                continue
            if not isinstance(field.verbose_name, Promise):
                found.append(f"{model._meta.label}.{field.name}")
    return sorted(found)


class ChangeLabels(SimpleTestCase):
    def test_every_recorded_field_has_a_translatable_label(self):
        self.assertEqual(unlabelled(), [], "give these fields a verbose_name in gettext_lazy")
