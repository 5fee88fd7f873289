"""The API for circulars, recipients and replies follows the same rules as the pages."""

import datetime
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import timezone

from circulation.models import Circular, Reply
from circulation.testing import circulate
from core.testing import api_client, build_network
from core.tests.upload_corpus import MINIMAL_PDF

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PDF = MINIMAL_PDF


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json", headers={"accept-language": "en"})


@override_settings(TASKS=IMMEDIATE)
class CircularApiTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_the_ts_writes_attaches_and_sends_a_circular(self):
        ts = api_client(self.n.ts)
        deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
        response = post_json(
            ts,
            "/api/v1/circulars",
            {
                "kind": "request",
                "title_en": "Request for contact points",
                "body_en": "Send them.",
                "countries": ["GT", "HN"],
                "reply_deadline": deadline,
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        circular_id = response.json()["id"]
        upload = ts.post(
            f"/api/v1/circulars/{circular_id}/attachments", {"file": SimpleUploadedFile("request.pdf", PDF)}
        )
        self.assertEqual(upload.status_code, 201, upload.content)
        sent = ts.post(f"/api/v1/circulars/{circular_id}/send")
        self.assertEqual(sent.status_code, 200, sent.content)
        self.assertEqual(sent.json()["status"], "sent")
        self.assertEqual(len(sent.json()["attachments"]), 1)
        board = ts.get(f"/api/v1/circulars/{circular_id}/recipients").json()
        self.assertEqual(sorted(row["country"] for row in board), ["GT", "HN"])

    def test_bad_input_gets_field_errors_and_writes_nothing(self):
        ts = api_client(self.n.ts)
        past = post_json(ts, "/api/v1/circulars", {"title_en": "x", "reply_deadline": "2001-01-01"})
        self.assertEqual(past.status_code, 400)
        self.assertIn("reply_deadline", past.json()["errors"])
        unknown = post_json(ts, "/api/v1/circulars", {"title_en": "x", "countries": ["ZZ"]})
        self.assertEqual(unknown.status_code, 404)  # no such country
        self.assertIn("ZZ", unknown.json()["errors"]["countries"][0])
        bad_target = post_json(ts, "/api/v1/circulars", {"title_en": "x", "fulfils": "network.country:1"})
        self.assertEqual(bad_target.status_code, 400)
        self.assertIn("fulfils", bad_target.json()["errors"])
        self.assertFalse(Circular.objects.exists())

    def test_an_officer_may_not_write_and_sees_only_what_is_addressed_to_their_country(self):
        self.assertEqual(
            post_json(api_client(self.n.gt_officer), "/api/v1/circulars", {"title_en": "x"}).status_code, 403
        )
        to_gt = circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="For Guatemala")
        to_hn = circulate(acting_user=self.n.ts, countries=[self.n.hn], title_en="For Honduras")
        gt = api_client(self.n.gt_officer)
        titles = [row["title_en"] for row in gt.get("/api/v1/circulars").json()["items"]]
        self.assertEqual(titles, ["For Guatemala"])
        self.assertEqual(gt.get(f"/api/v1/circulars/{to_hn.pk}").status_code, 404)
        self.assertEqual(gt.get(f"/api/v1/circulars/{to_gt.pk}").status_code, 200)
        self.assertEqual(to_gt.recipients.get().first_read_by, self.n.gt_officer)
        self.assertEqual(api_client().get("/api/v1/circulars").status_code, 401)

    def test_recipients_acknowledge_and_reply_and_others_are_refused(self):
        circular = circulate(acting_user=self.n.ts, countries=[self.n.gt, self.n.hn], title_en="Request")
        gt = api_client(self.n.gt_officer)
        ack = post_json(gt, f"/api/v1/circulars/{circular.pk}/acknowledge", {})
        self.assertEqual(ack.status_code, 200, ack.content)
        self.assertEqual(ack.json()["state"], "acknowledged")
        reply = gt.post(
            f"/api/v1/circulars/{circular.pk}/replies",
            {"text": "Our answer", "files": [SimpleUploadedFile("answer.pdf", PDF)]},
        )
        self.assertEqual(reply.status_code, 201, reply.content)
        self.assertEqual(reply.json()["on_behalf_of"], "Guatemala")
        self.assertEqual(len(reply.json()["attachments"]), 1)
        own = gt.get(f"/api/v1/circulars/{circular.pk}/recipients").json()
        self.assertEqual([row["country"] for row in own], ["GT"])
        hn_recipient = circular.recipients.get(country=self.n.hn)
        refused = gt.post(
            f"/api/v1/circulars/{circular.pk}/replies", {"text": "For Honduras", "recipient_id": hn_recipient.pk}
        )
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(
            api_client(self.n.mx_officer).post(f"/api/v1/circulars/{circular.pk}/replies", {"text": "x"}).status_code,
            404,
        )
        ts_reply = api_client(self.n.ts).post(f"/api/v1/circulars/{circular.pk}/replies", {"text": "x"})
        self.assertEqual(ts_reply.status_code, 403)
        hostile = gt.post(
            f"/api/v1/circulars/{circular.pk}/replies",
            {"text": "x", "files": [SimpleUploadedFile("a.pdf", b"MZ program")]},
            headers={"accept-language": "en"},
        )
        self.assertEqual(hostile.status_code, 400)
        self.assertIn("a.pdf", hostile.json()["detail"])
        self.assertEqual(Reply.objects.count(), 1)
        replies = api_client(self.n.ts).get(f"/api/v1/circulars/{circular.pk}/replies").json()
        self.assertEqual([r["text"] for r in replies], ["Our answer"])
        self.assertEqual(api_client(self.n.hn_officer).get(f"/api/v1/circulars/{circular.pk}/replies").json(), [])

    def test_notifications_and_inbox_are_ones_own(self):
        circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="For Guatemala")
        gt = api_client(self.n.gt_officer)
        notes = gt.get("/api/v1/notifications?unread=true").json()["items"]
        self.assertEqual(len(notes), 1)
        read = gt.post(f"/api/v1/notifications/{notes[0]['id']}/read")
        self.assertEqual(read.status_code, 200)
        self.assertIsNotNone(read.json()["read_at"])
        self.assertEqual(
            api_client(self.n.hn_officer).post(f"/api/v1/notifications/{notes[0]['id']}/read").status_code, 404
        )
        self.assertEqual([row["country"] for row in gt.get("/api/v1/inbox").json()], ["GT"])
        self.assertEqual(api_client(self.n.hn_officer).get("/api/v1/inbox").json(), [])
