"""A refusal's status says why, and the API's schema refuses what the server refuses.

- 400: the input itself is wrong; 404: it names a record that does not exist; 403: it speaks for a party
  the user does not act for; 409: the record's present state does not allow it (core.refusals).
- A PATCH body documents null only for the fields that can be emptied; null elsewhere is refused, naming
  the field; a form field is never documented as null; a text the server refuses blank is documented so.
"""

import json

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase

from core import refusals
from core.testing import api_client, build_network
from network.models import Organization


class StatusOfTest(SimpleTestCase):
    def test_a_refusal_of_one_kind_has_its_status_and_a_mixed_or_plain_one_is_400(self):
        self.assertEqual(refusals.status_of(refusals.refusal(refusals.STATE, "started")), 409)
        self.assertEqual(refusals.status_of(refusals.refusal(refusals.UNKNOWN, "no such year", "year")), 404)
        self.assertEqual(refusals.status_of(refusals.refusals(refusals.NOT_YOURS, {"a": "x", "b": "y"})), 403)
        mixed = ValidationError(
            {"year": ValidationError("no such year", code=refusals.UNKNOWN), "title": ValidationError("empty")}
        )
        self.assertEqual(refusals.status_of(mixed), 400)
        self.assertEqual(refusals.status_of(ValidationError("plain")), 400)
        self.assertEqual(refusals.status_of(ValidationError({"title": "empty"})), 400)


class PatchNullTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def patch(self, url, body):
        return api_client(self.n.ts).patch(
            url, data=json.dumps(body), content_type="application/json", headers={"Accept-Language": "en"}
        )

    def test_null_on_a_field_that_cannot_be_emptied_is_refused_naming_it_and_nothing_changes(self):
        org = self.n.sbs
        response = self.patch(f"/api/v1/organizations/{org.pk}", {"kind": None, "name_es": "Otro", "revision": 1})
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("kind", response.json()["detail"])
        self.assertIn("leave a field out", response.json()["detail"])
        org.refresh_from_db()
        self.assertNotEqual(org.name_es, "Otro")

    def test_null_empties_a_field_that_can_be_emptied(self):
        org = self.n.sbs
        parent = Organization.objects.exclude(pk=org.pk).filter(country=org.country).first() or self.n.unicef
        Organization.objects.filter(pk=org.pk).update(parent=parent)
        org.refresh_from_db()
        response = self.patch(f"/api/v1/organizations/{org.pk}", {"parent_id": None, "revision": org.revision})
        self.assertEqual(response.status_code, 200, response.content)
        org.refresh_from_db()
        self.assertIsNone(org.parent_id)

    def test_the_schema_offers_null_only_where_the_server_takes_it(self):
        schemas = self.client.get("/api/v1/openapi.json").json()["components"]["schemas"]
        organization = schemas["OrganizationPatch"]["properties"]
        self.assertNotIn("anyOf", organization["kind"])
        self.assertNotIn("anyOf", organization["name_es"])
        self.assertIn({"type": "null"}, organization["parent_id"]["anyOf"])
        self.assertNotIn("anyOf", schemas["AgreementPatch"]["properties"]["kind"])
        self.assertIn({"type": "null"}, schemas["AppointmentPatch"]["properties"]["end_date"]["anyOf"])

    def test_form_fields_are_never_documented_as_null_and_blank_comments_are_documented_as_refused(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        form = schema["paths"]["/api/v1/circulars/{circular_id}/replies"]["post"]["requestBody"]["content"]
        recipient = form["multipart/form-data"]["schema"]["properties"]["recipient_id"]
        self.assertEqual(recipient["type"], "integer")
        self.assertNotIn("recipient_id", form["multipart/form-data"]["schema"].get("required", []))
        comment = schema["components"]["schemas"]["RequiredCommentIn"]["properties"]["comment"]
        self.assertEqual(comment["minLength"], 1)
        self.assertRegex("a reason", comment["pattern"])  # Python's re reads \\uXXXX escapes as JSON Schema does
        self.assertNotRegex("   ", comment["pattern"])


class TermDatesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_the_years_a_term_may_start_in_are_documented_and_checked_alike(self):
        import datetime
        import re

        from network.models import check_term_dates

        schema = self.client.get("/api/v1/openapi.json").json()["components"]["schemas"]
        pattern = schema["AppointmentPatch"]["properties"]["start_date"]["pattern"]
        this_year = datetime.date.today().year
        for year, allowed in ((1989, False), (1990, True), (this_year + 1, True), (this_year + 2, False)):
            start = datetime.date(year, 12, 31)
            self.assertEqual(bool(re.match(pattern, start.isoformat())), allowed, year)
            self.assertEqual("start_date" not in check_term_dates(start, None), allowed, year)


class PatternsAgreeWithTheServerTest(SimpleTestCase):
    def test_every_web_address_the_schema_allows_is_one_django_takes(self):
        from django.core.validators import URLValidator
        from hypothesis import given, settings
        from hypothesis import strategies as st

        from core.api import WEB_ADDRESS_PATTERN

        validate = URLValidator()

        @settings(max_examples=300, deadline=None, database=None)
        @given(st.from_regex(WEB_ADDRESS_PATTERN, fullmatch=True).filter(bool))
        def check(address):
            validate(address)

        check()

    def test_the_longest_host_the_schema_allows_is_one_django_takes(self):
        import re

        from django.core.validators import URLValidator

        from core.api import WEB_ADDRESS_PATTERN

        longest = "https://" + ".".join(["a" * 40] * 5) + "." + "b" * 24 + "/path"
        self.assertTrue(re.match(WEB_ADDRESS_PATTERN, longest))
        URLValidator()(longest)  # found by hypothesis: a 300-character host the schema took, Django did not
        self.assertFalse(re.match(WEB_ADDRESS_PATTERN, "https://" + ".".join(["a" * 40] * 7) + ".org"))

    def test_a_number_is_not_a_date(self):
        from django.utils import translation

        from practices.api.schemas import ResourcePatch

        with self.assertRaises(Exception) as caught, translation.override("en"):
            ResourcePatch.model_validate({"revision": 1, "ends_on": 0})
        self.assertIn("YYYY-MM-DD", str(caught.exception))
        self.assertEqual(
            str(ResourcePatch.model_validate({"revision": 1, "ends_on": "2020-01-31"}).ends_on), "2020-01-31"
        )


class RulesStatedInWordsTest(SimpleTestCase):
    """What the schema states in words (core.tests.fuzz_hooks) is what the server checks."""

    def test_valid_fuzz_requests_put_pairs_in_order_and_use_real_phone_numbers(self):
        from phonenumber_field.phonenumber import PhoneNumber

        from core.tests.fuzz_hooks import PHONES, follow_stated_rules

        body = {"start_year": 2020, "end_year": 2011, "phone_office": "x", "phone_mobile": "", "minimum_age": 3}
        follow_stated_rules(body, {"phone_office", "phone_mobile"})
        self.assertEqual((body["start_year"], body["end_year"]), (2011, 2020))
        self.assertIn(body["phone_office"], PHONES)
        self.assertEqual(body["phone_mobile"], "")  # empty stays empty: no number is a valid answer
        for number in PHONES:
            self.assertTrue(PhoneNumber.from_string(number).is_valid(), number)

    def test_phone_fields_say_so_and_a_reply_says_something(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        person = schema["components"]["schemas"]["PersonIn"]["properties"]
        self.assertEqual(person["phone_office"]["format"], "phone")
        reply = schema["paths"]["/api/v1/circulars/{circular_id}/replies"]["post"]["requestBody"]
        form = reply["content"]["multipart/form-data"]["schema"]
        self.assertEqual([sorted(option["required"]) for option in form["anyOf"]], [["text"], ["files"]])
        self.assertEqual(form["properties"]["files"]["maxItems"], 10)

    def test_every_e_mail_address_the_schema_allows_is_one_django_takes(self):
        from django.core.validators import validate_email
        from hypothesis import given, settings
        from hypothesis import strategies as st

        from core.api import EMAIL_PATTERN

        @settings(max_examples=300, deadline=None, database=None)
        @given(st.from_regex(EMAIL_PATTERN, fullmatch=True).filter(lambda value: 0 < len(value) <= 254))
        def check(address):
            validate_email(address)

        check()

    def test_every_e_mail_field_the_api_takes_carries_that_pattern(self):
        """A body field named like an e-mail address says in the schema what the server takes (API fuzzing:
        a schema-valid address the server refuses with 400 is a failure, as the delegates' once was)."""
        import json

        from django.test import Client

        from core.api import EMAIL_PATTERN

        schema = json.loads(Client().get("/api/v1/openapi.json").content)
        found = []
        for name, component in schema["components"]["schemas"].items():
            if not name.endswith(("In", "Patch", "Input")):
                continue
            for field, spec in component.get("properties", {}).items():
                if field == "email" or field.endswith("_email"):
                    options = spec.get("anyOf", [spec])
                    patterns = {option.get("pattern") for option in options if option.get("type") == "string"}
                    found.append(name)
                    self.assertEqual(patterns, {EMAIL_PATTERN}, f"{name}.{field}")
        self.assertIn("MeetingDelegateIn", found)


class DeadlinePatternTest(SimpleTestCase):
    def test_the_schema_takes_today_and_later_and_refuses_the_past_as_the_server_does(self):
        import datetime
        import re

        from django.utils import timezone

        from core.api import on_or_after_today

        schema = {}
        on_or_after_today(schema)
        today = timezone.localdate()
        for days, allowed in ((-400, False), (-31, False), (-1, False), (0, True), (1, True), (40, True), (800, True)):
            day = today + datetime.timedelta(days=days)
            self.assertEqual(bool(re.match(schema["pattern"], day.isoformat())), allowed, day)
        self.assertTrue(re.match(schema["pattern"], "9999-12-31"))
