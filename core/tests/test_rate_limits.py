"""Public search and token-authenticated API writes are rate-limited, counted in the cache.

Over the limit: 429, a Retry-After, a message in the reader's language (JSON on the API), and
nothing done. Each reader (account, else address) and each token has its own count; reads and
pages that do not search do not count.
"""

from django.core.cache import cache
from django.test import Client, TestCase, override_settings

from core.testing import api_client, build_network, one_rate_window, signed_in
from network.models import Person


@override_settings(RATE_LIMIT_SEARCH="3/m", RATE_LIMIT_API_WRITES="2/m")
class RateLimits(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.enterContext(one_rate_window())

    def patch(self, client, person, phone):
        revision = Person.objects.get(pk=person.pk).revision  # as read by a GET
        data = {"revision": revision, "phone_mobile": phone}
        return client.patch(f"/api/v1/people/{person.pk}", data, content_type="application/json")

    def test_a_fourth_search_in_a_minute_waits_with_its_reason(self):
        client = Client(REMOTE_ADDR="203.0.113.5")
        for _ in range(3):
            self.assertEqual(client.get("/search/", {"q": "red"}).status_code, 200)
        refused = client.get("/search/", {"q": "red"}, headers={"accept-language": "es"})
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused["Retry-After"], "60")
        self.assertContains(refused, "Demasiadas búsquedas", status_code=429)
        # The repository's search and its API count against the same reader's limit.
        self.assertEqual(client.get("/api/v1/practices/search", {"q": "familia"}).status_code, 429)
        english = client.get("/api/v1/practices/search", {"q": "x"}, headers={"accept-language": "en"})
        self.assertIn("Too many searches", english.json()["detail"])

    def test_each_reader_counts_alone_and_pages_that_do_not_search_do_not_count(self):
        first = Client(REMOTE_ADDR="203.0.113.5")
        for _ in range(3):
            first.get("/search/", {"q": "red"})
        self.assertEqual(first.get("/search/", {"q": "red"}).status_code, 429)
        self.assertEqual(Client(REMOTE_ADDR="203.0.113.6").get("/search/", {"q": "red"}).status_code, 200)
        self.assertEqual(signed_in(self.n.gt_officer).get("/search/", {"q": "red"}).status_code, 200)
        for _ in range(5):
            self.assertEqual(first.get("/practices/").status_code, 200)  # no query: not a search
            self.assertEqual(first.get("/").status_code, 200)

    def test_a_third_write_with_a_token_waits_and_changes_nothing(self):
        client = api_client(self.n.gt_officer)
        url = f"/api/v1/people/{self.n.gt_alt_person.pk}"
        for phone in ("+502 5555 1001", "+502 5555 1002"):
            self.assertEqual(self.patch(client, self.n.gt_alt_person, phone).status_code, 200)
        refused = self.patch(client, self.n.gt_alt_person, "+502 5555 1003")
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused["Retry-After"], "60")
        self.assertIn("Demasiados cambios", refused.json()["detail"])  # the site's default language
        self.assertEqual(Person.objects.get(pk=self.n.gt_alt_person.pk).phone_mobile.as_e164, "+50255551002")
        # Reads go on; another member's token has its own count.
        self.assertEqual(client.get(url).status_code, 200)
        other = api_client(self.n.hn_officer)
        self.assertEqual(self.patch(other, self.n.hn_person, "+504 9999 1000").status_code, 200)

    @override_settings(RATE_LIMIT_EXPORTS="2/m")
    def test_anonymous_downloads_of_the_whole_directory_wait_members_do_not(self):
        client = Client(REMOTE_ADDR="203.0.113.7")
        self.assertEqual(client.get("/map/export.csv").status_code, 200)
        self.assertEqual(client.get("/map/hsds.json").status_code, 200)
        refused = client.get("/map/export.xlsx", headers={"accept-language": "en"})
        self.assertEqual(refused.status_code, 429)
        self.assertContains(refused, "Too many downloads of the directory", status_code=429)
        self.assertEqual(refused["Retry-After"], "60")
        self.assertEqual(client.get("/map/").status_code, 200)  # the map itself is not a download
        member = signed_in(self.n.gt_officer)
        for _ in range(3):
            self.assertEqual(member.get("/map/export.csv").status_code, 200)

    @override_settings(RATE_LIMIT_SEARCH="")
    def test_an_empty_rate_turns_the_limit_off(self):
        client = Client(REMOTE_ADDR="203.0.113.7")
        for _ in range(6):
            self.assertEqual(client.get("/search/", {"q": "red"}).status_code, 200)

    def test_retry_after_is_the_rates_window(self):
        from core.ratelimits import window_seconds

        self.assertEqual([window_seconds(r) for r in ("60/m", "100/5m", "10/h", "3/s", "junk")], [60, 300, 3600, 1, 60])

    def test_the_counts_live_in_the_cache_that_app_servers_share(self):
        client = Client(REMOTE_ADDR="203.0.113.8")
        for _ in range(3):
            client.get("/search/", {"q": "red"})
        self.assertEqual(client.get("/search/", {"q": "red"}).status_code, 429)
        cache.clear()  # another server reading the same (cleared) cache starts from zero
        self.assertEqual(client.get("/search/", {"q": "red"}).status_code, 200)
