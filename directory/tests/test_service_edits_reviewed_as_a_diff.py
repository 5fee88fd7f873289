"""A partner proposes the changes that matter (phones, hours by day, address, map position, languages
by name); the country's officers or the TS see only what changed, old → new in their language, and
decide each item with a note."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from core.testing import api_client, form_values, sign_in_browser, signed_in
from core.versioning import EditConflict
from directory import proposals, services
from directory.models import EditStatus, Location, MapPoint, Phone, Schedule, Service, ServiceEdit

from .helpers import build_directory

WEEKDAY = [["08:00", "12:00"], ["13:00", "17:00"]]


def edit_page(client, service):
    return client.get(reverse("directory:service_edit", args=[service.pk]))


def texts(response):
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


class ProposalTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = n = build_directory()
        services.name_partner(n.office_service, n.partner, acting_user=n.gt_officer)

    def propose_phone_and_hours(self):
        """The partner, through the edit page: a new number added, Saturday mornings, a break at noon."""
        client = signed_in(self.n.partner)
        page = edit_page(client, self.n.office_service)
        self.assertEqual(page.status_code, 200)
        changes = {"phones-1-number": "+502 5555 0199", "phones-1-type": "text", "phones-1-description": "WhatsApp"}
        for day in ("MO", "TU", "WE", "TH", "FR"):
            changes.update(
                {f"hours-{day}_closes": "12:00", f"hours-{day}_opens2": "13:00", f"hours-{day}_closes2": "17:00"}
            )
        changes.update({"hours-SA_opens": "09:00", "hours-SA_closes": "13:00"})
        response = client.post(page.request["PATH_INFO"], form_values(page, **changes))
        self.assertEqual(response.status_code, 302, texts(response)[:2000])
        return ServiceEdit.objects.get(service=self.n.office_service, status=EditStatus.PENDING)

    def test_a_partners_proposal_keeps_only_what_changed_and_the_public_sees_nothing_yet(self):
        edit = self.propose_phone_and_hours()
        self.assertEqual(set(edit.changes), {"phones", "hours"})
        self.assertEqual([p["number"] for p in edit.changes["phones"]], ["+502 2412 8000", "+502 5555 0199"])
        self.assertEqual(edit.changes["hours"]["MO"], WEEKDAY)
        self.assertEqual(edit.changes["hours"]["SA"], [["09:00", "13:00"]])
        self.assertNotIn("SU", edit.changes["hours"])
        self.assertEqual(edit.before["hours"]["MO"], [["08:00", "16:00"]])
        self.assertEqual(Phone.objects.filter(service=self.n.office_service).count(), 1)
        self.assertNotContains(self.client.get(self.n.office_service.get_absolute_url()), "5555 0199")

    def test_the_review_shows_only_the_changed_items_labelled_old_to_new_in_the_readers_language(self):
        edit = self.propose_phone_and_hours()
        officer = signed_in(self.n.gt_officer)
        url = reverse("directory:edit_review", args=[edit.pk])
        for language, labels, days in (
            (
                "en",
                ("Phones", "Opening hours"),
                ("Monday: 8 a.m.–4 p.m.", "Saturday: closed", "Saturday: 9 a.m.–1 p.m."),
            ),
            (
                "es",
                ("Teléfonos", "Horario de atención"),
                ("Lunes: 08:00–16:00", "Sábado: cerrado", "Sábado: 09:00–13:00"),
            ),
        ):
            self.n.gt_officer.language = language
            self.n.gt_officer.save(update_fields=["language"])
            page = texts(officer.get(url, headers={"accept-language": language}))
            for text in (*labels, *days, "+502 5555 0199"):
                self.assertIn(text, page, language)
            # Only the changed items: no unchanged field, no raw field name, no id.
            for absent in (
                "name_es",
                "Name (Spanish)",
                "Nombre (español)",
                "Categories",
                "Categorías",
                "Sunday",
                "Domingo",
            ):
                self.assertNotIn(absent, page, language)
        self.assertIn("Lunes a viernes: 08:00–12:00, 13:00–17:00; Sábado: 09:00–13:00", page)

    def test_each_item_is_approved_or_rejected_with_a_note_and_the_partner_reads_it(self):
        edit = self.propose_phone_and_hours()
        officer = signed_in(self.n.gt_officer)
        url = reverse("directory:edit_review", args=[edit.pk])
        page = officer.get(url)
        items = sorted(edit.changes, key=proposals.rank)
        self.assertEqual(items, ["phones", "hours"])
        # Nothing decided: refused, nothing written.
        response = officer.post(url, form_values(page))
        self.assertContains(response, "Approve or reject this item.", count=2)
        self.assertEqual(ServiceEdit.objects.get(pk=edit.pk).status, EditStatus.PENDING)
        response = officer.post(
            url,
            form_values(
                page, **{"decision-0": "approve", "decision-1": "reject", "note-1": "Confirm the Saturday hours"}
            ),
        )
        self.assertEqual(response.status_code, 302)
        edit.refresh_from_db()
        self.assertEqual(edit.status, EditStatus.PARTLY)
        self.assertEqual(edit.decisions["hours"], {"approved": False, "note": "Confirm the Saturday hours"})
        numbers = set(Phone.objects.filter(service=self.n.office_service).values_list("number", flat=True))
        self.assertEqual(numbers, {"+502 2412 8000", "+502 5555 0199"})
        schedule = Schedule.objects.get(service=self.n.office_service)
        self.assertEqual((schedule.byday, schedule.opens_at), ("MO,TU,WE,TH,FR", datetime.time(8)))
        # The public sees the approved number; the partner sees what was decided and why.
        self.assertContains(self.client.get(self.n.office_service.get_absolute_url()), "+502 5555 0199")
        mine = signed_in(self.n.partner).get(url)
        self.assertContains(mine, "Confirm the Saturday hours")
        self.assertContains(mine, "Partly approved")
        # Decided once: a second decision is refused.
        with self.assertRaises(ValidationError):
            services.approve_edit(edit, acting_user=self.n.gt_officer)

    def test_the_reviewers_hear_of_a_proposal_and_the_partner_of_the_decision(self):
        from core.mywork import items_for
        from messaging.models import Notification, NotificationKind

        edit = self.propose_phone_and_hours()
        url = edit.get_absolute_url()
        for user in (self.n.gt_officer, self.n.ts):
            notice = Notification.objects.get(user=user, kind=NotificationKind.REVIEW_REQUESTED, url=url)
            self.assertEqual(notice.texts["en"][1], "To review: Phones, Opening hours.")
            self.assertIn(url, [item.url for item in items_for(user)])
        self.assertFalse(Notification.objects.filter(user=self.n.hn_officer, url=url).exists())
        self.assertNotIn(url, [item.url for item in items_for(self.n.hn_officer)])
        services.decide_edit(
            edit,
            acting_user=self.n.gt_officer,
            decisions={"phones": True, "hours": False},
            notes={"hours": "Sábado: confirme el horario"},
        )
        notice = Notification.objects.get(user=self.n.partner, kind=NotificationKind.CHANGE_DECIDED)
        self.assertEqual(notice.texts["en"][0], "Your change to “Care for returned children” was approved in part")
        self.assertIn("Opening hours: not approved — Sábado: confirme el horario", notice.texts["en"][1])
        self.assertIn("Horario de atención: no aprobado", notice.texts["es"][1])
        self.assertNotIn(url, [item.url for item in items_for(self.n.gt_officer)])

    def test_approve_every_item_publishes_the_hours_in_words(self):
        edit = self.propose_phone_and_hours()
        officer = signed_in(self.n.ts)
        url = reverse("directory:edit_review", args=[edit.pk])
        officer.post(url, form_values(officer.get(url), all="approve"))
        self.assertEqual(ServiceEdit.objects.get(pk=edit.pk).status, EditStatus.APPROVED)
        page = texts(self.client.get(self.n.office_service.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
        self.assertIn("Monday to Friday: 8 a.m.–noon, 1 p.m.–5 p.m.", page)
        self.assertIn("Saturday: 9 a.m.–1 p.m.", page)

    def test_an_address_and_map_position_are_proposed_and_the_map_moves_once_approved(self):
        n = self.n
        office = str(n.office.pk)
        edit = services.update_service(
            n.office_service,
            acting_user=n.partner,
            places={
                office: {
                    "address_1": "7a Avenida 3-45, zona 1",
                    "city": "Guatemala",
                    "latitude": 14.6411,
                    "longitude": -90.5133,
                }
            },
        )
        self.assertEqual(set(edit.changes), {f"address:{office}", f"position:{office}"})
        officer = signed_in(n.gt_officer)
        page = texts(officer.get(reverse("directory:edit_review", args=[edit.pk]), HTTP_ACCEPT_LANGUAGE="en"))
        self.assertIn("Address — Oficina central", page)
        self.assertIn("Map position — Oficina central", page)
        self.assertIn("Moved 0.9 km.", page)
        services.decide_edit(
            edit, acting_user=n.gt_officer, decisions={f"address:{office}": True, f"position:{office}": True}
        )
        location = Location.objects.get(pk=n.office.pk)
        self.assertEqual((location.latitude, location.longitude), (14.6411, -90.5133))
        self.assertEqual(location.addresses.get().address_1, "7a Avenida 3-45, zona 1")
        point = MapPoint.objects.get(service=n.office_service)
        self.assertEqual((point.latitude, point.longitude), (14.6411, -90.5133))

    def test_languages_are_chosen_by_their_name(self):
        page = edit_page(signed_in(self.n.partner), self.n.office_service)
        html = page.content.decode()
        self.assertRegex(html, r'value="mam"[^>]*checked|checked[^>]*value="mam"')
        with translation.override("en"):
            self.assertEqual(proposals.language_label("fr"), "French (français)")
            self.assertEqual(proposals.language_label("quc"), "K'iche'")
        with translation.override("es"):
            self.assertEqual(proposals.language_label("en"), "Inglés (English)")
        edit = services.update_service(
            self.n.office_service, acting_user=self.n.partner, languages=["es", "mam", "quc"]
        )
        with translation.override("en"):
            item = proposals.review_items(edit, services.current_values(self.n.office_service)[0], {})[0]
        self.assertEqual(item.new, [[("same", "Spanish (español)")], [("same", "Mam")], [("ins", "K'iche'")]])

    def test_bad_hours_and_phones_are_refused_with_a_message_and_nothing_is_written(self):
        n = self.n
        client = signed_in(n.partner)
        page = edit_page(client, n.office_service)
        response = client.post(page.request["PATH_INFO"], form_values(page, **{"hours-MO_closes": "07:00"}))
        self.assertContains(response, "The closing time must come after the opening time.")
        response = client.post(page.request["PATH_INFO"], form_values(page, **{"hours-TU_closes": ""}))
        self.assertContains(response, "Give both times, or neither.")
        response = client.post(page.request["PATH_INFO"], form_values(page, **{"place-0-latitude": "123"}))
        self.assertEqual(response.status_code, 200)
        response = client.post(page.request["PATH_INFO"], form_values(page))
        self.assertContains(response, "Nothing to propose")
        for bad in (
            {"hours": {"XX": [["08:00", "09:00"]]}},
            {"hours": {"MO": [["08:00", "12:00"], ["11:00", "13:00"]]}},
            {"hours": {"MO": [["08:00", "25:00"]]}},
            {"hours": {"MO": [["08:00", "24:00"]]}},
            {"phones": [{"number": ""}]},
            {"phones": [{"number": "1", "colour": "red"}]},
            {"places": {str(n.shelter_location.pk): {"latitude": 1, "longitude": 1}}},  # not this service's
            {"places": {str(n.office.pk): {"latitude": "north", "longitude": 1}}},
        ):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                services.update_service(n.office_service, acting_user=n.partner, **bad)
        self.assertFalse(ServiceEdit.objects.exists())

    def test_who_may_see_and_decide(self):
        n = self.n
        edit = services.update_service(n.office_service, acting_user=n.partner, phones=[{"number": "+502 2412 8100"}])
        url = reverse("directory:edit_review", args=[edit.pk])
        self.assertEqual(signed_in(n.hn_officer).get(url).status_code, 403)  # another country
        self.assertEqual(self.client.get(url).status_code, 302)  # signed out: to sign in
        partner = signed_in(n.partner)
        self.assertEqual(partner.get(url).status_code, 200)  # the author reads it ...
        self.assertEqual(partner.post(url, {"all": "approve"}).status_code, 403)  # ... but does not decide it
        self.assertEqual(signed_in(n.hn_officer).post(url, {"all": "approve"}).status_code, 403)
        for user in (n.partner, n.hn_officer):
            with self.subTest(user=user.email), self.assertRaises(PermissionDenied):
                services.decide_edit(edit, acting_user=user, decisions={"phones": True})
        self.assertEqual(ServiceEdit.objects.get(pk=edit.pk).status, EditStatus.PENDING)
        # Through the API too: out of role refused, in role decided item by item.
        api = f"/api/v1/directory/edits/{edit.pk}/decide"
        self.assertEqual(
            api_client(n.partner)
            .post(api, {"decisions": [{"item": "phones", "approve": True}]}, "application/json")
            .status_code,
            403,
        )
        answer = api_client(n.gt_officer).post(
            api, {"decisions": [{"item": "phones", "approve": False, "note": "Which office?"}]}, "application/json"
        )
        self.assertEqual(answer.status_code, 200, answer.content)
        self.assertEqual(answer.json()["decisions"], {"phones": {"approved": False, "note": "Which office?"}})

    def test_a_chain_of_allowed_steps_does_not_reach_a_confidential_address(self):
        """A partner named on an office cannot read or move a confidential shelter by linking it to a
        service they may propose for: a proposal names only the service's own locations, and an approval
        writes a location only for those who may change it."""
        n = self.n
        with self.assertRaises(ValidationError):
            services.update_service(
                n.office_service,
                acting_user=n.partner,
                places={str(n.shelter_location.pk): {"address_1": "x", "city": "y"}},
            )
        page = edit_page(signed_in(n.partner), n.office_service).content.decode()
        self.assertNotIn("Calle Escondida", page)

    def test_a_decision_on_a_service_changed_since_the_page_was_read_is_refused(self):
        edit = self.propose_phone_and_hours()
        officer = signed_in(self.n.gt_officer)
        url = reverse("directory:edit_review", args=[edit.pk])
        page = officer.get(url)
        services.update_service(self.n.office_service, acting_user=self.n.ts, maximum_age=16)
        response = officer.post(url, form_values(page, all="approve"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ServiceEdit.objects.get(pk=edit.pk).status, EditStatus.PENDING)
        self.assertEqual(Phone.objects.filter(service=self.n.office_service).count(), 1)
        with self.assertRaises(EditConflict):
            services.decide_edit(
                edit, acting_user=self.n.gt_officer, decisions={"phones": True, "hours": True}, revision=1
            )

    def test_the_countrys_officer_saves_phones_and_hours_at_once(self):
        n = self.n
        client = signed_in(n.gt_officer)
        page = edit_page(client, n.office_service)
        response = client.post(
            page.request["PATH_INFO"],
            form_values(page, **{"phones-0-DELETE": "on", "phones-1-number": "+502 2200 0000", "hours-SU_all": "on"}),
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ServiceEdit.objects.exists())
        self.assertEqual(
            list(Phone.objects.filter(service=n.office_service).values_list("number", flat=True)), ["+502 2200 0000"]
        )
        service = Service.objects.prefetch_related("schedules").get(pk=n.office_service.pk)
        self.assertEqual(proposals.weekly_hours(list(service.schedules.all()))["SU"], [proposals.ALL_DAY])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_partner_changes_a_phone_and_the_hours_and_the_ts_approves_from_the_diff(new_page):
    n = build_directory()
    services.name_partner(n.office_service, n.partner, acting_user=n.gt_officer)
    page = new_page(locale="en", viewport={"width": 1280, "height": 900})
    sign_in_browser(page, n.partner.email)
    page.goto(reverse("directory:service_edit", args=[n.office_service.pk]))
    page.get_by_label("Number (phone 1)").fill("+502 2412 8100")
    page.get_by_label("Saturday: opens", exact=True).fill("09:00")
    page.get_by_label("Saturday: closes", exact=True).fill("13:00")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator("main")).to_contain_text("Your change was sent for approval")
    page.context.clear_cookies()

    sign_in_browser(page, n.ts.email, totp_secret=n.ts_totp_secret)
    edit = ServiceEdit.objects.get()
    page.goto(n.office_service.get_absolute_url())
    page.get_by_role("link", name="Review the change").click()
    rows = page.locator("table.diff tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Phones")
    expect(rows.nth(0).locator("del")).to_have_text("+502 2412 8000")
    expect(rows.nth(0).locator("ins")).to_have_text("+502 2412 8100")
    expect(rows.nth(1)).to_contain_text("Saturday: closed")
    expect(rows.nth(1).locator("ins")).to_have_text("Saturday: 9 a.m.–1 p.m.")
    rows.nth(0).get_by_label("Approve").check()
    rows.nth(1).get_by_label("Approve").check()
    page.get_by_role("button", name="Record these decisions").click()
    expect(page.locator("main")).to_contain_text("Change approved")
    expect(page.locator("main")).to_contain_text("+502 2412 8100")
    expect(page.locator("main")).to_contain_text("Saturday: 9 a.m.–1 p.m.")
    assert ServiceEdit.objects.get(pk=edit.pk).status == EditStatus.APPROVED
