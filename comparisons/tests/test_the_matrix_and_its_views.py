"""The matrix: questions × countries, colours with words, filters by section, the differences and gaps
views, the per-country and per-question pages, and who sees which columns."""

import re

from django.test import TestCase, override_settings
from django.urls import reverse

from comparisons import queries, services
from comparisons.testing import build_analysis, column, submitted
from core.testing import api_client, build_network, signed_in

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
EN = {"Accept-Language": "en"}


@override_settings(TASKS=IMMEDIATE)
class MatrixTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.a = build_analysis(cls.n, visibility="public")
        cls.round = services.start_round(cls.a.analysis, acting_user=cls.n.lead)
        lead = cls.n.lead
        # Panama and Honduras agree on everything but hearing the child and the means of return.
        services.validate_column(submitted(cls.round, "PA", cls.n.pa_officer, cls.a, heard="no"), acting_user=lead)
        services.validate_column(
            submitted(cls.round, "HN", cls.n.hn_officer, cls.a, heard="yes", means="land"), acting_user=lead
        )
        # Mexico submitted, not validated yet.
        submitted(cls.round, "MX", cls.n.mx_officer, cls.a, heard="partly")

    def url(self, **query):
        path = reverse("comparisons:matrix", args=[self.a.analysis.pk, self.round.number])
        return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def rows_of(self, response):
        return [int(pk) for pk in re.findall(r'<tr data-question="(\d+)"', response.content.decode())]

    def countries_of(self, response):
        return re.findall(r'<th scope="col" id="c-(\w\w)"', response.content.decode())

    def test_the_public_sees_validated_columns_only(self):
        response = self.client.get(self.url(), headers=EN)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sorted(self.countries_of(response)), ["hn", "pa"])
        self.assertContains(response, "a country's answers are shown once the lead has validated them")
        self.assertEqual(
            self.client.get(reverse("comparisons:country", args=[self.a.analysis.pk, 1, "mx"])).status_code, 403
        )

    def test_the_lead_and_the_country_see_their_unvalidated_column(self):
        lead = signed_in(self.n.lead).get(self.url())
        self.assertEqual(sorted(self.countries_of(lead)), ["cr", "gt", "hn", "mx", "pa", "sv"])
        mexico = signed_in(self.n.mx_officer).get(self.url())
        self.assertEqual(sorted(self.countries_of(mexico)), ["hn", "mx", "pa"])
        guatemala = signed_in(self.n.gt_officer).get(self.url())
        self.assertEqual(sorted(self.countries_of(guatemala)), ["gt", "hn", "pa"])

    def test_colours_come_with_a_symbol_and_a_word_in_an_accessible_table(self):
        html = self.client.get(self.url(), headers=EN).content.decode()
        self.assertIn("<caption", html)
        self.assertIn('<th scope="col" id="h-question">', html)
        self.assertIn('scope="rowgroup"', html)
        self.assertIn(f'<th scope="row" id="q-{self.a.heard.pk}"', html)
        self.assertIn(f'headers="s-{self.a.before.pk} q-{self.a.heard.pk} c-pa"', html)
        self.assertIn('role="region"', html)
        self.assertIn('tabindex="0"', html)
        cell = re.search(rf'headers="s-\d+ q-{self.a.heard.pk} c-pa"[^>]*>(.*?)</td>', html, re.S).group(1)
        self.assertIn('class="ans ans-no"', cell)
        self.assertIn("✗", cell)
        self.assertIn('<span class="value">No</span>', cell)

    def test_filter_by_section(self):
        response = self.client.get(self.url(section=self.a.after.pk))
        self.assertEqual(
            self.rows_of(response),
            [self.a.means.pk, self.a.services.pk, self.a.months.pk, self.a.updated.pk, self.a.challenges.pk],
        )
        # An unknown section or view shows the whole matrix, never an error.
        self.assertEqual(len(self.rows_of(self.client.get(self.url(section=999999, view="nonsense")))), 8)

    def test_the_differences_view_shows_only_where_countries_differ(self):
        response = self.client.get(self.url(view="differences"), headers=EN)
        self.assertEqual(self.rows_of(response), [self.a.heard.pk, self.a.means.pk])
        self.assertContains(response, '<span class="flag differs">countries differ</span>', count=2)

    def test_the_gaps_view_lists_countries_answering_no_or_partly(self):
        response = self.client.get(self.url(view="gaps"), headers=EN)
        # Hearing the child: Panama says no; the best-interests determination: both partly.
        # "Are children detained?" is asked the other way round: their "no" is not a gap.
        self.assertEqual(self.rows_of(response), [self.a.heard.pk, self.a.bid.pk])
        html = response.content.decode()
        self.assertIn("Gaps by question", html)
        self.assertRegex(html, r"Panama: No")

    def test_a_yes_is_the_gap_when_the_question_is_asked_the_other_way(self):
        data = queries.matrix(self.n.ts, self.round, view="gaps")
        mx = column(self.round, "MX")
        services.return_column(mx, acting_user=self.n.lead, comment="Revise 1.3")
        services.save_answer(mx, self.a.detained, acting_user=self.n.mx_officer, value="yes")
        data = queries.matrix(self.n.ts, self.round, view="gaps")
        detained = next(row for row in data.rows if row.question.pk == self.a.detained.pk)
        self.assertEqual([c.country.code.code for c, _answer in detained.gaps], ["MX"])

    def test_htmx_gets_only_the_matrix(self):
        response = self.client.get(self.url(view="gaps"), headers={"HX-Request": "true"})
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith('<div id="matrix">'))
        self.assertNotIn("<html", html)

    def test_the_country_profile_and_the_question_page(self):
        profile = self.client.get(reverse("comparisons:country", args=[self.a.analysis.pk, 1, "hn"]), headers=EN)
        self.assertEqual(profile.status_code, 200)
        self.assertContains(profile, "8 of 8 questions answered")
        self.assertContains(profile, "Rural follow-up.")
        page = self.client.get(
            reverse("comparisons:question", args=[self.a.analysis.pk, 1, self.a.means.pk]), headers=EN
        )
        self.assertEqual(page.status_code, 200)
        self.assertEqual(re.findall(r'<tr id="c-(\w\w)"', page.content.decode()), ["hn", "pa"])
        self.assertContains(page, "By land")
        self.assertContains(page, "By air")

    def test_the_basis_is_shown_side_by_side(self):
        col = column(self.round, "MX")
        services.return_column(col, acting_user=self.n.lead, comment="Base legal")
        services.save_answer(
            col,
            self.a.heard,
            acting_user=self.n.mx_officer,
            value="partly",
            basis_instrument="Ley General de Niñas, Niños y Adolescentes",
            basis_article="Art. 92",
            basis_url="https://example.org/lgdnna",
        )
        page = signed_in(self.n.lead).get(
            reverse("comparisons:question", args=[self.a.analysis.pk, 1, self.a.heard.pk])
        )
        self.assertContains(page, "Ley General de Niñas, Niños y Adolescentes, Art. 92")
        self.assertContains(page, 'href="https://example.org/lgdnna"')

    def test_the_api_matrix_follows_the_same_rules(self):
        body = api_client().get(f"/api/v1/comparisons/analyses/{self.a.analysis.pk}/rounds/1/matrix").json()
        self.assertEqual(sorted(body["countries"]), ["HN", "PA"])
        body = (
            api_client(self.n.lead)
            .get(f"/api/v1/comparisons/analyses/{self.a.analysis.pk}/rounds/1/matrix?view=differences")
            .json()
        )
        self.assertEqual([row["question_id"] for row in body["rows"]], [self.a.heard.pk, self.a.means.pk])
        response = api_client().get(f"/api/v1/comparisons/analyses/{self.a.analysis.pk}/rounds/1/matrix?view=x")
        self.assertEqual(response.status_code, 400)


class WhoSeesAnAnalysisTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.a = build_analysis(cls.n, visibility="members")
        cls.round = services.start_round(cls.a.analysis, acting_user=cls.n.lead)

    def test_anonymous_and_outsiders_are_refused_on_a_members_only_analysis(self):
        detail = reverse("comparisons:analysis", args=[self.a.analysis.pk])
        matrix = reverse("comparisons:matrix", args=[self.a.analysis.pk, 1])
        for client in (self.client, signed_in(self.n.outsider)):
            self.assertEqual(client.get(detail).status_code, 403)
            self.assertEqual(client.get(matrix).status_code, 403)
            self.assertNotContains(client.get(reverse("comparisons:list")), "Assisted voluntary return")
        response = api_client().get(f"/api/v1/comparisons/analyses/{self.a.analysis.pk}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(api_client().get("/api/v1/comparisons/analyses").json()["count"], 0)
        self.assertEqual(
            signed_in(self.n.partner).get(detail, headers=EN).status_code, 200, "members see members-only analyses"
        )

    def test_a_ts_only_analysis_is_seen_by_the_countries_it_covers_the_lead_and_the_ts(self):
        services.update_analysis(self.a.analysis, acting_user=self.n.ts, visibility="ts")
        detail = reverse("comparisons:analysis", args=[self.a.analysis.pk])
        for user in (self.n.ts, self.n.lead, self.n.gt_officer):
            self.assertEqual(signed_in(user).get(detail).status_code, 200, user)
        self.assertEqual(signed_in(self.n.partner).get(detail).status_code, 403)

    def test_exports_follow_the_same_rules(self):
        url = reverse("comparisons:export", args=[self.a.analysis.pk, 1, "xlsx"])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(signed_in(self.n.gt_officer).get(url).status_code, 200)
        self.assertEqual(signed_in(self.n.gt_officer).get(url.replace("xlsx", "odt")).status_code, 404)
