"""A request Django refuses before any view (a Host header this server does not serve) answers the API's
JSON on /api/ and the HTML page elsewhere: an API client never gets a page it cannot read."""

from django.test import Client, TestCase


class RefusedHostTest(TestCase):
    def test_the_api_answers_json_and_pages_answer_html(self):
        api = Client().patch("/api/v1/bodies/1", "{}", content_type="application/json", HTTP_HOST="messaging")
        self.assertEqual(api.status_code, 400)
        self.assertEqual(api["Content-Type"], "application/json")
        self.assertIn("Host", api.json()["detail"])
        page = Client().get("/", HTTP_HOST="messaging")
        self.assertEqual(page.status_code, 400)
        self.assertTrue(page["Content-Type"].startswith("text/html"))
