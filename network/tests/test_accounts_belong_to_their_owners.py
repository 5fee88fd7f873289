"""Accounts belong to their owners: the takeover chain of the security review, refused step by step.

The chain, as the Guatemala principal: give the Honduras principal a Guatemalan term, then change
their e-mail, then ask for a password reset to that address. Every role tries each step by page
and API, against another country's principal, the TS's staff and a partner's staff.
"""

import datetime
import json

from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import EmailChange, User
from core.testing import PASSWORD, api_client, build_network, signed_in
from network import services
from network.models import Appointment, AppointmentProposal, AppointmentRole, Person
from network.tests.test_country_officers_edit_only_their_country import person_form_data

ATTACKER_EMAIL = "attacker@evil.example"


def attacker_roles(n):
    """Every role but the TS, each with the institution it would use for the forged term."""
    return {
        "guatemala principal": (n.gt_officer, n.sbs),
        "guatemala alternate": (n.gt_alternate, n.sbs),
        "mexico principal": (n.mx_officer, n.dif),
        "ppt (panama principal)": (n.pa_officer, n.senniaf),
        "partner (unicef)": (n.partner, n.sbs),
        "outsider": (n.outsider, n.sbs),
        "anonymous": (None, n.sbs),
    }


class TakeoverChainTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def targets(self):
        n = self.n
        return {"honduras principal": n.hn_person, "ts staff": n.ts.person, "partner staff": n.partner_person}

    def snapshot(self, person):
        person.refresh_from_db()
        user = User.objects.get(pk=person.user_id)
        return (person.email, user.email, sorted(person.appointments.values_list("pk", flat=True)))

    def api(self, user, method, url, payload):
        client = api_client(user)
        if method == "patch" and url.startswith("/api/v1/people/") and "revision" not in payload:
            person_id = int(url.rstrip("/").rsplit("/", 1)[1])
            payload = {**payload, "revision": Person.objects.get(pk=person_id).revision}  # as a GET shows it
        return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")

    def assert_chain_broken_by_api(self, role, user, institution, target):
        before = self.snapshot(target)
        step1 = self.api(
            user,
            "post",
            "/api/v1/appointments",
            {"person_id": target.pk, "organization_id": institution.pk, "role": "contact_point"},
        )
        # An officer may only *propose* a term to someone they do not keep (202, or 409 when their
        # country already proposed it); others are refused.
        self.assertIn(
            step1.status_code, (202, 409, 401, 403, 404), f"{role}: {step1.status_code} {step1.content[:200]}"
        )
        step2 = self.api(user, "patch", f"/api/v1/people/{target.pk}", {"email": ATTACKER_EMAIL})
        self.assertIn(step2.status_code, (401, 403, 404), f"{role}: {step2.status_code} {step2.content[:200]}")
        self.assertEqual(self.snapshot(target), before, role)

    def assert_chain_broken_by_pages(self, role, user, institution, target):
        before = self.snapshot(target)
        client = signed_in(user) if user else self.client_class()
        term = {"organization": institution.pk, "role": "contact_point", "start_date": "2026-01-01"}
        step1 = client.post(reverse("network:appointment_create", args=[target.pk]), term)
        # 302 to the person's page with a proposal, 200 with "already proposed", or a refusal.
        self.assertIn(step1.status_code, (200, 302, 403, 404), role)
        if step1.status_code == 302 and user is not None:
            self.assertTrue(AppointmentProposal.objects.filter(person=target, proposed_by=user).exists(), role)
        if step1.status_code == 200:
            self.assertContains(step1, "already been proposed")
        step2 = client.post(
            reverse("network:person_edit", args=[target.pk]), person_form_data(target, email=ATTACKER_EMAIL)
        )
        self.assertIn(step2.status_code, (302, 403, 404), role)
        if step2.status_code == 302:
            self.assertIn("/accounts/login/", step2["Location"], role)
        self.assertEqual(self.snapshot(target), before, role)

    def assert_reset_reaches_only_the_owner(self, target):
        mail.outbox.clear()
        self.client.post("/accounts/password/reset/", {"email": ATTACKER_EMAIL})
        self.client.post("/accounts/password/reset/", {"email": target.user.email})
        # An unknown address is only told that it has no account (allauth's enumeration guard).
        with_link = [m.to for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
        self.assertEqual(with_link, [[target.user.email]])

    def others(self, target):
        """The attackers of `target`: every role but the TS and the target themselves."""
        return {role: pair for role, pair in attacker_roles(self.n).items() if pair[0] != target.user}

    def test_every_role_is_refused_each_step_by_the_api(self):
        for target_name, target in self.targets().items():
            for role, (user, institution) in self.others(target).items():
                with self.subTest(target=target_name, role=role):
                    self.assert_chain_broken_by_api(role, user, institution, target)
            self.assert_reset_reaches_only_the_owner(target)

    def test_every_role_is_refused_each_step_by_the_pages(self):
        for target_name, target in self.targets().items():
            for role, (user, institution) in self.others(target).items():
                with self.subTest(target=target_name, role=role):
                    self.assert_chain_broken_by_pages(role, user, institution, target)
            self.assert_reset_reaches_only_the_owner(target)

    def test_a_proposed_term_gives_no_role_until_accepted(self):
        proposal = services.create_appointment(
            self.n.hn_person,
            acting_user=self.n.gt_officer,
            organization=self.n.sbs,
            role=AppointmentRole.ALTERNATE,
            body=self.n.network,
        )
        self.assertIsInstance(proposal, AppointmentProposal)
        self.assertFalse(Appointment.objects.filter(person=self.n.hn_person, organization=self.n.sbs).exists())
        response = self.api(self.n.gt_officer, "patch", f"/api/v1/people/{self.n.hn_person.pk}", {"email": "x@y.org"})
        self.assertEqual(response.status_code, 403)

    def test_people_changing_their_own_contact_e_mail_keep_their_sign_in_e_mail(self):
        response = self.api(self.n.partner, "patch", f"/api/v1/people/{self.n.partner_person.pk}", {"email": "s@u.org"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(User.objects.get(pk=self.n.partner.pk).email, "partner@example.org")

    def test_the_ts_changing_a_contact_e_mail_leaves_the_sign_in_e_mail(self):
        response = self.api(self.n.ts, "patch", f"/api/v1/people/{self.n.hn_person.pk}", {"email": "new@dinaf.example"})
        self.assertEqual(response.status_code, 200, response.content)
        self.n.hn_person.refresh_from_db()
        self.assertEqual(self.n.hn_person.email, "new@dinaf.example")
        self.assertEqual(User.objects.get(pk=self.n.hn_officer.pk).email, "hn@example.org")

    def test_an_officer_still_edits_the_contact_details_of_the_people_of_their_institutions(self):
        response = self.api(
            self.n.gt_officer, "patch", f"/api/v1/people/{self.n.gt_alt_person.pk}", {"email": "lucia@sbs.example"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(User.objects.get(pk=self.n.gt_alternate.pk).email, "gt.alt@example.org")


class WhoAnOfficerKeepsTest(TestCase):
    """An officer acts on people of their own country's national institutions only."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def patch(self, user, person, payload):
        client = api_client(user)
        payload = {"revision": Person.objects.get(pk=person.pk).revision, **payload}  # as read by a GET
        return client.patch(f"/api/v1/people/{person.pk}", data=json.dumps(payload), content_type="application/json")

    def test_a_partner_with_a_guatemala_contact_point_term_is_not_guatemalas_to_change(self):
        response = self.patch(self.n.gt_officer, self.n.partner_person, {"email": ATTACKER_EMAIL})
        self.assertEqual(response.status_code, 403)
        self.n.partner_person.refresh_from_db()
        self.assertEqual(self.n.partner_person.email, "partner@example.org")

    def test_someone_whose_terms_have_ended_is_for_the_ts(self):
        past = services.create_person(
            acting_user=self.n.ts,
            given_names="Ana",
            family_names="Pasada",
            appointment={
                "organization": self.n.sbs,
                "role": AppointmentRole.ALTERNATE,
                "body": self.n.network,
                "start_date": datetime.date(2015, 1, 1),
                "end_date": datetime.date(2018, 1, 1),
            },
        )
        self.assertEqual(self.patch(self.n.gt_officer, past, {"family_names": "Cambiada"}).status_code, 403)
        self.assertEqual(self.patch(self.n.ts, past, {"family_names": "Cambiada"}).status_code, 200)

    def test_someone_who_also_serves_another_country_is_not_changed_by_either(self):
        services.create_appointment(
            self.n.gt_alt_person, acting_user=self.n.ts, organization=self.n.dinaf, role=AppointmentRole.CONTACT_POINT
        )
        for officer in (self.n.gt_officer, self.n.hn_officer):
            self.assertEqual(self.patch(officer, self.n.gt_alt_person, {"family_names": "X"}).status_code, 403)
        self.n.gt_alt_person.refresh_from_db()
        self.assertEqual(self.n.gt_alt_person.family_names, "Morales")

    def test_the_people_list_for_change_agrees_with_the_rule(self):
        from core import access

        editable = set(access.restrict(Person.objects.all(), self.n.gt_officer, access.CHANGE))
        self.assertEqual(editable, {self.n.gt_person, self.n.gt_alt_person})
        for person in Person.objects.all():
            self.assertEqual(access.can(self.n.gt_officer, access.CHANGE, person), person in editable, person)

    def test_only_a_principal_invites_and_only_people_they_keep(self):
        from accounts.services import invite_person

        newcomer = services.create_person(
            acting_user=self.n.ts,
            given_names="Nuevo",
            family_names="Contacto",
            email="nuevo@sbs.example",
            appointment={"organization": self.n.unicef, "role": AppointmentRole.CONTACT_POINT, "country": self.n.gt},
        )
        with self.assertRaises(PermissionDenied):
            invite_person(newcomer, acting_user=self.n.gt_officer)

    def test_an_officer_cannot_make_someone_staff(self):
        response = api_client(self.n.gt_officer).post(
            "/api/v1/appointments",
            data=json.dumps({"person_id": self.n.gt_alt_person.pk, "organization_id": self.n.sbs.pk, "role": "staff"}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 403)


class ProposedTermsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def propose(self):
        return services.create_appointment(
            self.n.hn_person,
            acting_user=self.n.gt_officer,
            organization=self.n.sbs,
            role=AppointmentRole.CONTACT_POINT,
            body=self.n.network,
        )

    def test_the_person_is_told_at_their_sign_in_address(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.propose()
        self.assertEqual(mail.outbox[-1].to, ["hn@example.org"])
        self.assertIn(f"/people/{self.n.hn_person.pk}/", mail.outbox[-1].body)

    def test_the_person_accepts_on_their_page_and_the_term_starts(self):
        proposal = self.propose()
        page = signed_in(self.n.hn_officer).get(self.n.hn_person.get_absolute_url())
        self.assertContains(page, reverse("network:proposal_decide", args=[proposal.pk]))
        response = signed_in(self.n.hn_officer).post(
            reverse("network:proposal_decide", args=[proposal.pk]), {"decision": "accept"}
        )
        self.assertRedirects(response, self.n.hn_person.get_absolute_url())
        proposal.refresh_from_db()
        self.assertTrue(proposal.accepted)
        self.assertTrue(proposal.appointment.is_current)
        self.assertEqual(proposal.appointment.organization, self.n.sbs)

    def test_it_is_in_the_persons_work_and_the_ts_work_only(self):
        proposal = self.propose()
        for user in (self.n.hn_officer, self.n.ts):
            page = signed_in(user).get(reverse("circulation:mywork"))
            self.assertContains(page, str(proposal), msg_prefix=str(user))
        for user in (self.n.gt_officer, self.n.mx_officer):
            self.assertNotContains(signed_in(user).get(reverse("circulation:mywork")), "Proposed term")

    def test_the_proposer_and_other_officers_cannot_accept_it(self):
        proposal = self.propose()
        for user in (self.n.gt_officer, self.n.gt_alternate, self.n.mx_officer, self.n.partner, self.n.outsider):
            response = signed_in(user).post(
                reverse("network:proposal_decide", args=[proposal.pk]), {"decision": "accept"}
            )
            self.assertEqual(response.status_code, 403, user)
            response = api_client(user).post(f"/api/v1/appointment-proposals/{proposal.pk}/accept")
            self.assertIn(response.status_code, (403, 404), user)
        proposal.refresh_from_db()
        self.assertTrue(proposal.is_pending)
        self.assertFalse(Appointment.objects.filter(person=self.n.hn_person, organization=self.n.sbs).exists())

    def test_the_ts_may_accept_and_the_person_may_decline_by_api(self):
        first = self.propose()
        response = api_client(self.n.hn_officer).post(f"/api/v1/appointment-proposals/{first.pk}/decline")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "declined")
        second = self.propose()
        response = api_client(self.n.ts).post(f"/api/v1/appointment-proposals/{second.pk}/accept")
        self.assertEqual(response.json()["status"], "accepted")
        again = api_client(self.n.ts).post(f"/api/v1/appointment-proposals/{second.pk}/accept")
        self.assertEqual(again.status_code, 409)  # already answered

    def test_the_api_says_202_and_lists_it_for_both_sides(self):
        response = api_client(self.n.gt_officer).post(
            "/api/v1/appointments",
            data=json.dumps(
                {"person_id": self.n.hn_person.pk, "organization_id": self.n.sbs.pk, "role": "contact_point"}
            ),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 202, response.content)
        self.assertEqual(response.json()["status"], "pending")
        for user in (self.n.gt_officer, self.n.hn_officer, self.n.ts):
            listed = api_client(user).get("/api/v1/appointment-proposals").json()
            self.assertEqual([row["id"] for row in listed["items"]], [response.json()["id"]], user)
        self.assertEqual(api_client(self.n.mx_officer).get("/api/v1/appointment-proposals").json()["items"], [])


class TermDatesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def patch(self, user, appointment, payload):
        return api_client(user).patch(
            f"/api/v1/appointments/{appointment.pk}",
            data=json.dumps(payload),
            content_type="application/json",
            headers={"Accept-Language": "en"},
        )

    def test_a_start_far_ahead_is_refused_with_its_field(self):
        term = self.n.gt_person.appointments.get()
        for user in (self.n.gt_officer, self.n.ts):
            response = self.patch(user, term, {"start_date": "9999-12-31"})
            self.assertEqual(response.status_code, 400)
            self.assertIn("start_date", response.json()["errors"])
        term.refresh_from_db()
        self.assertTrue(term.is_current)

    def test_an_end_before_the_start_is_refused(self):
        term = self.n.gt_alt_person.appointments.get()
        response = self.patch(self.n.gt_officer, term, {"end_date": "2000-01-01"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("end_date", response.json()["errors"])

    def test_an_officer_cannot_close_a_colleagues_access_but_the_ts_can(self):
        term = self.n.gt_alt_person.appointments.get()
        today = timezone.localdate().isoformat()
        response = self.patch(
            self.n.gt_officer, term, {"end_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Technical Secretariat", response.json()["detail"])
        term.refresh_from_db()
        self.assertIsNone(term.end_date)
        self.assertTrue(User.objects.get(pk=self.n.gt_alternate.pk).is_active)
        ahead = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
        self.assertEqual(self.patch(self.n.gt_officer, term, {"start_date": ahead}).status_code, 400)
        self.assertEqual(
            self.patch(self.n.gt_officer, self.n.gt_person.appointments.get(), {"start_date": ahead}).status_code, 400
        )
        response = self.patch(self.n.ts, term, {"end_date": today})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.patch(self.n.ts, term, {"start_date": ahead, "end_date": None}).status_code, 200)
        self.assertFalse(User.objects.get(pk=self.n.gt_alternate.pk).is_active)

    def test_the_page_says_so_too(self):
        term = self.n.gt_alt_person.appointments.get()
        data = {
            "organization": self.n.sbs.pk,
            "body": self.n.network.pk,
            "role": "alternate",
            "start_date": term.start_date.isoformat(),
            "end_date": "2020-01-01",
        }
        url = reverse("network:appointment_edit", args=[self.n.gt_alt_person.pk, term.pk])
        response = signed_in(self.n.gt_officer).post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "cannot end before it starts")


class SignInEmailTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_the_owner_changes_it_after_confirming_from_the_new_address(self):
        client = signed_in(self.n.hn_officer)
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("accounts:email"), {"email": "jose@dinaf.example", "password": PASSWORD})
        self.assertRedirects(response, reverse("accounts:email"))
        self.assertEqual(User.objects.get(pk=self.n.hn_officer.pk).email, "hn@example.org")
        to_new, to_old = mail.outbox[-2:]
        self.assertEqual(to_new.to, ["jose@dinaf.example"])
        self.assertEqual(to_old.to, ["hn@example.org"])
        link = next(line for line in to_new.body.splitlines() if "/account/email/confirm/" in line)
        path = link[link.index("/account/") :]
        self.assertContains(self.client.get(path), "jose@dinaf.example")
        self.assertEqual(User.objects.get(pk=self.n.hn_officer.pk).email, "hn@example.org")  # a GET changes nothing
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(path)
        self.assertEqual(User.objects.get(pk=self.n.hn_officer.pk).email, "jose@dinaf.example")
        self.assertEqual(mail.outbox[-1].to, ["hn@example.org"])
        self.assertEqual(self.client.post(path).status_code, 404)  # works once

    def test_a_wrong_password_or_a_taken_address_changes_nothing(self):
        client = signed_in(self.n.hn_officer)
        response = client.post(reverse("accounts:email"), {"email": "jose@dinaf.example", "password": "wrong"})
        self.assertContains(response, "current password")
        response = client.post(reverse("accounts:email"), {"email": "GT@example.org", "password": PASSWORD})
        self.assertContains(response, "already uses")
        self.assertFalse(EmailChange.objects.exists())

    def test_nobody_asks_for_someone_elses_account(self):
        with self.assertRaises(PermissionDenied):
            account_services.request_email_change(
                self.n.hn_officer, ATTACKER_EMAIL, PASSWORD, acting_user=self.n.gt_officer
            )

    def test_allauths_unconfirmed_e_mail_page_is_replaced(self):
        client = signed_in(self.n.hn_officer)
        response = client.post("/accounts/email/", {"action_add": "", "email": ATTACKER_EMAIL})
        self.assertRedirects(response, reverse("accounts:email"), fetch_redirect_response=False)
        self.assertEqual(User.objects.get(pk=self.n.hn_officer.pk).email, "hn@example.org")

    def test_the_ts_sets_it_directly_and_both_addresses_are_told(self):
        url = reverse("network:set_sign_in_email", args=[self.n.hn_person.pk])
        for user in (self.n.gt_officer, self.n.hn_officer, self.n.pa_officer, self.n.partner):
            self.assertEqual(signed_in(user).post(url, {"email": ATTACKER_EMAIL}).status_code, 403, user)
        with self.captureOnCommitCallbacks(execute=True):
            response = signed_in(self.n.ts).post(url, {"email": "jose@dinaf.example"})
        self.assertRedirects(response, self.n.hn_person.get_absolute_url())
        self.assertEqual(User.objects.get(pk=self.n.hn_officer.pk).email, "jose@dinaf.example")
        self.assertEqual({tuple(m.to) for m in mail.outbox[-2:]}, {("hn@example.org",), ("jose@dinaf.example",)})
