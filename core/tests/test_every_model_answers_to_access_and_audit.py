"""Every model answers to one access rule and to the audit trail: a system check proves it, and the
changes that used to leave no trace (many-to-many fields, API tokens) now leave one."""

from django.db import models
from django.test import SimpleTestCase, TestCase
from django.test.utils import isolate_apps

from core import access
from core.checks import project_models, unanswered
from core.models import AuditAction, AuditEntry


class SystemCheckTest(SimpleTestCase):
    def test_the_project_passes_and_every_model_gets_an_answer_instead_of_an_error(self):
        self.assertEqual(unanswered(project_models()), [])
        self.assertGreater(len(project_models()), 60)
        for model in project_models():
            access.policy_for(model)  # raises LookupError for a model without a policy

    @isolate_apps("core")
    def test_a_new_model_without_a_policy_or_tracking_fails_the_check(self):
        class Unruled(models.Model):
            name = models.CharField(max_length=10)

            def __str__(self):
                return self.name

            class Meta:
                app_label = "core"

        errors = unanswered([Unruled])
        self.assertEqual([error.id for error in errors], ["enlace.E001", "enlace.E002"])
        self.assertIn("core.Unruled has no access policy", errors[0].msg)


class TracesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        from meetings.tests.helpers import build_rcm, import_seed

        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)

    def test_a_change_of_delegations_is_in_the_trail_with_the_names_added_and_removed(self):
        from meetings.services import update_meeting
        from network.models import Country

        before = set(self.meeting.delegations.values_list("code", flat=True))
        added = Country.objects.exclude(code__in=before).first()
        removed = self.meeting.delegations.order_by("code").first()
        update_meeting(
            self.meeting,
            acting_user=self.n.ts,
            delegations=[*self.meeting.delegations.exclude(pk=removed.pk), added],
        )
        changes = [
            entry.changes["delegations"]
            for entry in AuditEntry.objects.filter(object_id=str(self.meeting.pk), action=AuditAction.UPDATE)
            if "delegations" in entry.changes
        ]
        self.assertIn([None, f"+ {added}"], changes)
        self.assertIn([f"− {removed}", None], changes)

    def test_creating_and_revoking_an_api_token_are_in_the_trail_without_its_secret(self):
        from accounts.services import create_api_token, revoke_api_token

        token, raw = create_api_token(self.n.gt_officer, "spreadsheet")
        revoke_api_token(token, acting_user=self.n.gt_officer)
        entries = AuditEntry.objects.filter(content_type__model="apitoken", object_id=str(token.pk))
        self.assertEqual(sorted(entries.values_list("action", flat=True)), [AuditAction.CREATE, AuditAction.UPDATE])
        self.assertNotIn(raw, str(list(entries.values_list("changes", flat=True))))
        self.assertNotIn("key_hash", str(list(entries.values_list("changes", flat=True))))
        self.assertIn("revoked_at", entries.get(action=AuditAction.UPDATE).changes)
