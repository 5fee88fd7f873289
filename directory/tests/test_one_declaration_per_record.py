"""Each directory record's fields are declared once (directory/fields.py), and every place follows it.

The services' allow-lists, the edit form, the HSDS package's columns and bilingual columns, the
export's rows and the import's values come from the declaration; the API's write schema is
checked against it here. A model field nobody declared, a declared field the model lacks, or an
HSDS column that HSDS 3.0 does not have, fails here instead of being dropped silently in one of
the places.
"""

import gzip
import json
from pathlib import Path

from django.test import SimpleTestCase

from directory import services
from directory.api import ServicePatch
from directory.fields import DECLARED, SERVICE
from directory.forms import ServiceForm
from directory.hsds.importer import MODELS
from directory.hsds.tables import BILINGUAL, TABLES

HSDS = Path(__file__).resolve().parents[1] / "hsds" / "schemas" / "tabular.json.gz"

# Fields of each model that no edit sets, and why: the rest must be declared.
KEPT_BY_ENLACE = {
    "organization": {"revision", "is_demo", "last_modified"},  # the edit's version, demo mark, moment of change
    "service": {"revision", "is_demo", "is_published", "created_by", "country", "terms"},  # terms: own argument
    "location": {"revision", "is_demo"},
    "address": set(),
    "schedule": set(),
}
# What the API's service PATCH takes besides declared fields: its names for the categories and the
# languages (lists with their own checks) and the version the edit read.
API_ONLY = {"categories", "languages", "revision"}


def model_fields(model):
    return {
        field.name
        for field in model._meta.get_fields()
        if (field.concrete or field.many_to_many) and not field.auto_created
    }


class OneDeclarationPerRecordTest(SimpleTestCase):
    def test_every_field_of_each_record_is_declared_or_said_to_be_kept_by_enlace(self):
        for entity, declared in DECLARED.items():
            with self.subTest(entity):
                model = MODELS[entity]
                fields = model_fields(model)
                covered = set(declared.editable) | {
                    declared.attribute_of(column).removesuffix("_id") for column in declared.hsds
                }
                self.assertEqual(fields - covered - {"id"}, KEPT_BY_ENLACE[entity])
                for name in declared.editable:
                    model._meta.get_field(name)  # raises FieldDoesNotExist for a declared field the model lacks

    def test_the_services_allow_exactly_the_declared_fields(self):
        self.assertEqual(services.SERVICE_FIELDS, SERVICE.editable)
        for entity, allowed in (
            ("organization", services.PROVIDER_FIELDS),
            ("location", services.LOCATION_FIELDS),
            ("address", services.ADDRESS_FIELDS),
            ("schedule", services.SCHEDULE_FIELDS),
        ):
            self.assertEqual(allowed, DECLARED[entity].editable, entity)

    def test_the_edit_form_and_the_api_take_only_declared_fields(self):
        self.assertLessEqual(set(ServiceForm._meta.fields), set(SERVICE.editable))
        self.assertLessEqual(set(ServicePatch.model_fields) - API_ONLY, set(SERVICE.editable))
        # The form shows every editable text but the alternate name (an HSDS import's field).
        self.assertEqual(set(SERVICE.editable) - set(ServiceForm._meta.fields), {"alternate_name"})

    def test_the_hsds_package_has_the_declared_columns_and_hsds_knows_each_one(self):
        schema = json.loads(gzip.decompress(HSDS.read_bytes()))["properties"]
        for entity, declared in DECLARED.items():
            with self.subTest(entity):
                self.assertEqual(TABLES[entity], (declared.file, list(declared.hsds)))
                table = schema[entity]["items"]
                self.assertEqual(table["path"], declared.file)
                self.assertLessEqual(set(declared.hsds), set(table["properties"]))
                self.assertEqual(set(declared.bilingual) - set(declared.hsds), set())
        self.assertEqual(BILINGUAL["service"], SERVICE.bilingual_columns)

    def test_a_new_column_reaches_the_allow_list_the_form_and_the_package(self):
        from dataclasses import replace

        widened = replace(SERVICE, hsds=(*SERVICE.hsds, "wait_time"), bilingual=(*SERVICE.bilingual, "wait_time"))
        self.assertEqual(widened.editable[-2:], ("wait_time_es", "wait_time_en"))
        self.assertIn("wait_time_en", widened.form_fields())
        self.assertEqual(widened.bilingual_columns["wait_time"], "wait_time")
        self.assertNotIn("wait_time", widened.plain)
