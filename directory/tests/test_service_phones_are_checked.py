"""A service's phone is a phone number: on the edit page, in a partner's proposal, at approval, through
the services and in an HSDS import a bad one is refused with a message naming the field, and nothing is
written. National numbers of the service's country, extensions, short hotlines, international numbers
and the numbers already on record keep working."""

import io
import re
import tempfile

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.testing import form_values, signed_in
from directory import services
from directory.models import EditStatus, Phone, Service, ServiceEdit

from .helpers import build_directory, reference_data
from .test_import_refuses_bad_input import LOCATION, SERVICE, package

ENGLISH_MESSAGE = "Enter a valid phone number (e.g. 2245 6789) or a number with an international call prefix."
SPANISH_MESSAGE = "Ingrese un número de teléfono válido"  # the library's own catalogue says it in Spanish


def numbers(service):
    return sorted(Phone.objects.filter(service=service).values_list("number", flat=True))


def texts(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


class EditPageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = n = build_directory()
        services.name_partner(n.office_service, n.partner, acting_user=n.gt_officer)

    def post(self, user, **changes):
        client = signed_in(user)
        client.cookies["django_language"] = "en"
        url = reverse("directory:service_edit", args=[self.n.office_service.pk])
        page = client.get(url)
        return client.post(url, form_values(page, **changes))

    def test_a_partners_words_for_a_phone_are_refused_at_the_field_and_nothing_is_proposed(self):
        response = self.post(self.n.partner, **{"phones-1-number": "call me maybe"})
        self.assertEqual(response.status_code, 200)
        errors = response.context["change"].phones.forms[1].errors
        self.assertEqual(errors["number"], [ENGLISH_MESSAGE])
        self.assertIn(ENGLISH_MESSAGE, texts(response))
        self.assertFalse(ServiceEdit.objects.exists())

    def test_an_officer_saving_a_bad_phone_writes_nothing(self):
        response = self.post(self.n.gt_officer, **{"phones-0-number": "+502 1", "name_es": "Otro nombre"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("number", response.context["change"].phones.forms[0].errors)
        self.assertEqual(numbers(self.n.office_service), ["+502 2412 8000"])
        self.assertEqual(Service.objects.get(pk=self.n.office_service.pk).name_es, "Atención a niñez retornada")

    def test_numbers_as_the_country_dials_them_are_proposed(self):
        for number in ("2412 8100", "2412-8100 ext. 12", "+1 212 555 2368", "1546", "+52 55 3003 2200"):
            with self.subTest(number=number):
                ServiceEdit.objects.all().delete()
                response = self.post(self.n.partner, **{"phones-1-number": number})
                self.assertEqual(response.status_code, 302, texts(response)[:1500])
                edit = ServiceEdit.objects.get(status=EditStatus.PENDING)
                self.assertEqual([p["number"] for p in edit.changes["phones"]], ["+502 2412 8000", number])

    def test_a_number_already_on_record_stays_whatever_its_form(self):
        Phone.objects.filter(service=self.n.office_service).update(number="+000 1000")  # data from before the check
        response = self.post(self.n.gt_officer, **{"phones-0-description": "Recepción"})
        self.assertEqual(response.status_code, 302, texts(response)[:1500])
        self.assertEqual(numbers(self.n.office_service), ["+000 1000"])
        self.assertEqual(Phone.objects.get(service=self.n.office_service).description, "Recepción")


class ServicesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = n = build_directory()
        services.name_partner(n.office_service, n.partner, acting_user=n.gt_officer)

    def test_a_proposal_with_a_bad_phone_names_phones_and_is_not_kept(self):
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            services.update_service(
                self.n.office_service, acting_user=self.n.partner, phones=[{"number": "call me maybe"}]
            )
        self.assertEqual(caught.exception.message_dict, {"phones": [f"call me maybe: {ENGLISH_MESSAGE}"]})
        self.assertFalse(ServiceEdit.objects.exists())

    def test_the_message_is_in_spanish_for_a_spanish_reader(self):
        with translation.override("es"), self.assertRaises(ValidationError) as caught:
            services.update_service(
                self.n.office_service, acting_user=self.n.partner, phones=[{"number": "call me maybe"}]
            )
        self.assertIn(SPANISH_MESSAGE, caught.exception.message_dict["phones"][0])

    def test_a_new_service_with_a_bad_phone_is_not_created(self):
        with self.assertRaises(ValidationError) as caught:
            services.create_service(
                acting_user=self.n.gt_officer,
                provider=self.n.sbs_provider,
                country=self.n.gt,
                name_es="Línea de ayuda",
                phones=[{"number": "call me maybe"}],
            )
        self.assertIn("phones", caught.exception.message_dict)
        self.assertFalse(Service.objects.filter(name_es="Línea de ayuda").exists())

    def test_approving_a_draft_from_before_the_check_refuses_its_bad_phone(self):
        before = [{"number": "+502 2412 8000", "extension": None, "type": "", "description": ""}]
        edit = ServiceEdit.objects.create(
            service=self.n.office_service,
            author=self.n.partner,
            changes={
                "phones": [*before, {"number": "call me maybe", "extension": None, "type": "", "description": ""}]
            },
            before={"phones": before},
        )
        with self.assertRaises(ValidationError) as caught:
            services.approve_edit(edit, acting_user=self.n.gt_officer)
        self.assertIn("phones", caught.exception.message_dict)
        self.assertEqual(ServiceEdit.objects.get(pk=edit.pk).status, EditStatus.PENDING)
        self.assertEqual(numbers(self.n.office_service), ["+502 2412 8000"])
        client = signed_in(self.n.gt_officer)
        client.cookies["django_language"] = "en"
        page = client.post(reverse("directory:edit_review", args=[edit.pk]), {"all": "approve"})
        self.assertIn("call me maybe", texts(page))  # the review page says which number, and keeps the draft
        self.assertEqual(ServiceEdit.objects.get(pk=edit.pk).status, EditStatus.PENDING)


class ImportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        from core.testing import build_network

        reference_data()
        build_network()

    def phone(self, number, key="7c0e6a3e-0000-4000-8000-00000000000{}", index=1, **owner):
        return {"id": key.format(index), "number": number, **(owner or {"service_id": SERVICE})}

    def test_a_bad_phone_is_refused_naming_file_row_and_field(self):
        with tempfile.TemporaryDirectory() as folder:
            path = package(folder, phone=[self.phone("call me maybe")])
            with self.assertRaises(CommandError) as caught:
                call_command("import_hsds", str(path), "--strict", stdout=io.StringIO())
        message = str(caught.exception)
        self.assertIn("phones.csv", message)
        self.assertIn("number: “call me maybe” is not a phone number", message)
        self.assertFalse(Service.objects.exists())

    def test_a_lenient_import_skips_the_bad_phone_and_keeps_the_rest(self):
        with tempfile.TemporaryDirectory() as folder:
            out = io.StringIO()
            call_command("import_hsds", str(package(folder, phone=[self.phone("call me maybe")])), stdout=out)
        self.assertTrue(Service.objects.filter(pk=SERVICE).exists())
        self.assertFalse(Phone.objects.exists())
        self.assertIn("call me maybe", out.getvalue())

    def test_numbers_in_other_valid_forms_are_imported(self):
        given = [
            self.phone("2412-8000", index=1),
            self.phone("(502) 2412-8000 ext. 25", index=2),
            self.phone("+1 (212) 555-2368 x4", index=3),
            self.phone("1546", index=4),
            self.phone("2412 8000", index=5, location_id=LOCATION),
        ]
        with tempfile.TemporaryDirectory() as folder:
            call_command("import_hsds", str(package(folder, phone=given)), "--strict", stdout=io.StringIO())
        self.assertEqual(Phone.objects.count(), 5)
