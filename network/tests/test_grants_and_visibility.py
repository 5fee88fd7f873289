"""Rights on one object, and records whose visibility is restricted."""

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse

from core import access
from core.models import Grant, GrantPermission, Visibility
from core.testing import build_network, signed_in
from network import services


class GrantTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def grant(self, user, obj, permission=GrantPermission.CHANGE):
        Grant.objects.create(
            user=user, permission=permission, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        access.forget_principal(user)

    def test_a_grant_on_one_record_gives_that_right_there_only(self):
        self.assertFalse(access.can(self.n.partner, "change", self.n.hn_person))
        self.grant(self.n.partner, self.n.hn_person)
        self.assertTrue(access.can(self.n.partner, "change", self.n.hn_person))
        self.assertFalse(access.can(self.n.partner, "change", self.n.mx_person))
        response = signed_in(self.n.partner).get(reverse("network:person_edit", args=[self.n.hn_person.pk]))
        self.assertEqual(response.status_code, 200)
        changeable = access.restrict(self.n.hn_person.__class__.objects.all(), self.n.partner, "change")
        self.assertEqual(set(changeable), {self.n.hn_person, self.n.partner_person})

    def test_a_grant_to_review_does_not_give_edit(self):
        self.grant(self.n.partner, self.n.hn_person, GrantPermission.REVIEW)
        self.assertFalse(access.can(self.n.partner, "change", self.n.hn_person))


class VisibilityTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.n.mx_person = services.update_person(cls.n.mx_person, acting_user=cls.n.ts, visibility=Visibility.TS)

    def test_a_ts_only_person_is_hidden_from_members_but_not_from_themselves(self):
        self.assertFalse(access.can(self.n.gt_officer, "view", self.n.mx_person))
        self.assertTrue(access.can(self.n.ts, "view", self.n.mx_person))
        self.assertTrue(access.can(self.n.mx_officer, "view", self.n.mx_person))
        page = signed_in(self.n.gt_officer).get(reverse("network:country", args=["mx"]))
        self.assertNotContains(page, "Hernández")
        self.assertEqual(signed_in(self.n.gt_officer).get(f"/api/v1/people/{self.n.mx_person.pk}").status_code, 404)
