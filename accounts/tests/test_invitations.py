"""Accounts come by invitation: the TS invites anyone, a principal officer their alternate."""

import re

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from accounts import services
from accounts.models import Invitation, User
from core.models import AuditAction, AuditEntry
from core.testing import build_network, signed_in
from network import services as network_services
from network.models import AppointmentRole


class InvitationTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.newcomer = network_services.create_person(
            acting_user=cls.n.gt_officer,
            given_names="Ana",
            family_names="Nueva",
            email="ana@example.org",
            languages=["es"],
            appointment={"organization": cls.n.sbs, "role": AppointmentRole.ALTERNATE, "body": cls.n.network},
        )

    def invite_link(self):
        body = mail.outbox[-1].body
        return re.search(r"https?://\S+/account/invitation/(\S+)/", body).group(0)

    def test_a_principal_invites_an_alternate_of_their_country_by_e_mail(self):
        client = signed_in(self.n.gt_officer)
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("network:person_invite", args=[self.newcomer.pk]))
        self.assertRedirects(response, self.newcomer.get_absolute_url())
        self.assertEqual(mail.outbox[-1].to, ["ana@example.org"])
        self.assertIn("Enlace", mail.outbox[-1].subject + mail.outbox[-1].body)
        self.assertTrue(AuditEntry.objects.for_object(self.newcomer).filter(action=AuditAction.INVITED).exists())

    def test_the_invitation_e_mail_is_in_the_invitee_language(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.invite_person(self.newcomer, acting_user=self.n.ts)
        self.assertEqual(mail.outbox[-1].subject, "Su invitación a Enlace")

    def test_accepting_opens_the_account_and_signs_in(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.invite_person(self.newcomer, acting_user=self.n.ts)
        path = self.invite_link().split("://", 1)[1].split("/", 1)[1]
        response = self.client.post(
            "/" + path, {"password1": "Un-largo-camino-2026", "password2": "Un-largo-camino-2026"}
        )
        self.assertRedirects(response, self.newcomer.get_absolute_url())
        user = User.objects.get(email="ana@example.org")
        self.assertTrue(user.check_password("Un-largo-camino-2026"))
        self.assertEqual(user.person, self.newcomer)
        self.assertEqual(user.language, "es")
        # The link works once.
        self.assertEqual(self.client.get("/" + path).status_code, 404)

    def test_a_weak_password_is_refused_and_nothing_opens(self):
        _invitation, token = services.invite_person(self.newcomer, acting_user=self.n.ts)
        url = reverse("accounts:accept_invitation", args=[token])
        response = self.client.post(url, {"password1": "password", "password2": "password"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertFalse(User.objects.filter(email="ana@example.org").exists())

    def test_an_alternate_cannot_invite(self):
        with self.assertRaises(PermissionDenied):
            services.invite_person(self.newcomer, acting_user=self.n.gt_alternate)

    def test_a_principal_cannot_invite_in_another_country(self):
        with self.assertRaises(PermissionDenied):
            services.invite_person(self.n.hn_person, acting_user=self.n.gt_officer)

    def test_the_ts_invites_anyone(self):
        services.invite_person(self.newcomer, acting_user=self.n.ts)
        self.assertEqual(Invitation.objects.pending().filter(person=self.newcomer).count(), 1)

    def test_a_new_invitation_replaces_the_old_one(self):
        _first, old_token = services.invite_person(self.newcomer, acting_user=self.n.ts)
        services.invite_person(self.newcomer, acting_user=self.n.ts)
        self.assertIsNone(services.find_invitation(old_token))

    def test_someone_with_an_account_is_not_invited_again(self):
        with self.assertRaises(ValidationError):
            services.invite_person(self.n.hn_person, acting_user=self.n.ts)

    def test_an_unknown_token_gets_a_clear_page(self):
        response = self.client.get(
            reverse("accounts:accept_invitation", args=["nope"]), headers={"Accept-Language": "en"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Invitation not valid", status_code=404)
