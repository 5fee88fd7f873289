"""Each role lands on its own page after signing in: what it must do now, and figures of what it follows
whose every count is the count of the list it links to."""

import datetime
import re
from collections import defaultdict

import pytest
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from circulation import services as circulation_services
from circulation.testing import circulate
from core.mywork import figures_for, items_for
from core.testing import PASSWORD, signed_in
from meetings import services as meeting_services
from meetings.tests.helpers import build_rcm, commitment, import_seed
from plan.models import ReportStatus
from plan.testing import approved_report, build_plan, fill_report
from practices import services as practice_services
from practices.tests.helpers import practice_fields

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MY_WORK = reverse("circulation:mywork")


def rows_listed(response):
    """How many rows the list page behind a figure shows, read from the page's own context."""
    context = response.context
    if "matrix" in context:  # a year's matrix: the regional report and each member country's
        states = [context["regional"], *(header["state"] for header in context["headers"])]
        return sum(1 for state in states if state.status != "nothing")
    if "report" in context and "plan" in context:  # one report
        return 1
    if "summary" in context:  # a circular's tracking board
        return context["summary"]["total"]
    if "recipients" in context:  # the inbox
        return len(context["recipients"])
    if "to_review" in context:  # the repository's review queue
        return len(context["to_review"])
    return context["page"].paginator.count  # the follow-up board


@override_settings(TASKS=IMMEDIATE, PAGE_CACHE=False)
class LandingPageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        n = cls.n = build_rcm()
        cls.meeting = import_seed(n)
        # Commitments in every state, some overdue (the seed's due dates are in 2018-2019).
        meeting_services.change_commitment_status(commitment(cls.meeting, "8"), "done", acting_user=n.ts)
        meeting_services.change_commitment_status(commitment(cls.meeting, "7"), "dropped", acting_user=n.ts)
        # Plan reports: Mexico's 2018 approved, Guatemala's 2017 started, the rest never started.
        cls.p = build_plan(n)
        values = {
            cls.p.national_a: ("in_progress", 5),
            cls.p.national_b: ("completed", 100),
            cls.p.national_c: ("completed", 100),
        }
        approved_report(cls.p.plan, 2018, n.mx, n.mx_officer, n.ts, values)
        fill_report(cls.p.plan, 2017, n.gt, n.gt_officer, {})
        # Circulars: one overdue for Guatemala, one answered, one to acknowledge.
        soon = timezone.localdate() + datetime.timedelta(days=5)
        late = circulate(acting_user=n.ts, countries=[n.gt, n.hn], title_en="Late answer", reply_deadline=soon)
        late.recipients.update(deadline=timezone.localdate() - datetime.timedelta(days=2))
        answered = circulate(acting_user=n.ts, countries=[n.gt, n.mx], title_en="Answered", reply_deadline=soon)
        circulation_services.reply_to_circular(answered, acting_user=n.gt_officer, text="Hecho.")
        circulate(acting_user=n.ts, countries=[n.gt], title_en="For information")
        # The repository: one practice submitted, one in review.
        for start in (False, True):
            practice = practice_services.submit(
                practice_services.create_practice(acting_user=n.partner, **practice_fields(n)),
                acting_user=n.partner,
            )
            if start:
                practice_services.start_review(practice, acting_user=n.ts)

    def setUp(self):
        self.enterContext(translation.override("en"))
        self.roles = {
            "TS": self.n.ts,
            "Guatemala's officer": self.n.gt_officer,
            "the PPT (Panama)": self.n.pa_officer,
            "a partner (UNICEF)": self.n.partner,
        }

    def test_each_role_signs_in_and_lands_on_its_page(self):
        for role in ("Guatemala's officer", "the PPT (Panama)", "a partner (UNICEF)"):
            with self.subTest(role):
                client = Client()
                response = client.post(
                    reverse("account_login"), {"login": self.roles[role].email, "password": PASSWORD}
                )
                self.assertRedirects(response, MY_WORK, fetch_redirect_response=False)
                self.assertContains(client.get(MY_WORK), "What you follow")

    def test_every_count_is_the_count_of_the_list_it_links_to(self):
        checked = 0
        for role, user in self.roles.items():
            client = signed_in(user)
            page = client.get(MY_WORK)
            self.assertEqual(page.status_code, 200)
            figures = page.context["figures"]
            self.assertTrue(figures, role)
            for figure in figures:
                expected = defaultdict(int)
                for bar in figure.bars:
                    if bar.url:
                        expected[bar.url] += bar.total
                    for segment in bar.segments:
                        if segment.url and segment.url != bar.url:
                            expected[segment.url] += segment.count
                for url, count in expected.items():
                    with self.subTest(role=role, figure=figure.title, url=url):
                        response = client.get(url)
                        self.assertEqual(response.status_code, 200)
                        self.assertEqual(rows_listed(response), count)
                        checked += 1
        self.assertGreater(checked, 20)

    def test_what_each_role_sees(self):
        titles = {role: [figure.title for figure in figures_for(user)] for role, user in self.roles.items()}
        self.assertEqual(
            titles["TS"],
            [
                "Our commitments by status",
                "Open commitments per actor",
                "Replies to recent circulars",
                "Follow-up reports: Test Strategic Plan",
                "Waiting for review",
            ],
        )
        self.assertEqual(
            titles["Guatemala's officer"],
            [
                "Our commitments by status",
                "Circulars waiting for our answer",
                "Follow-up reports: Test Strategic Plan",
            ],
        )
        self.assertIn("Open commitments per actor", titles["the PPT (Panama)"])
        self.assertEqual(titles["a partner (UNICEF)"], ["Our commitments by status"])
        self.assertEqual(figures_for(self.n.outsider), [])
        # Guatemala: one circular overdue, one to acknowledge (the answered one is gone).
        waiting = next(f for f in figures_for(self.n.gt_officer) if f.title == "Circulars waiting for our answer")
        counts = [(s.label, s.count) for s in waiting.bars[0].segments]
        self.assertEqual(counts, [("overdue", 1), ("to answer", 0), ("to acknowledge", 1)])
        # Its plan reports of the plan's last four years (2019-2022): never started, overdue by now.
        reports = next(f for f in figures_for(self.n.gt_officer) if f.title.startswith("Follow-up reports"))
        states = {bar.label: bar.segments[0].label for bar in reports.bars}
        self.assertEqual(states, dict.fromkeys(["2022", "2021", "2020", "2019"], "not submitted, overdue"))
        mexico = next(f for f in figures_for(self.n.mx_officer) if f.title.startswith("Follow-up reports"))
        self.assertNotIn("2018", [bar.label for bar in mexico.bars])

    def test_my_work_lists_overdue_plan_reports_never_started_once_each(self):
        items = [item for item in items_for(self.n.hn_officer) if item.kind == "Plan follow-up to start"]
        years = sorted(int(item.detail.rsplit(", ", 1)[1]) for item in items)
        last = min(self.p.plan.end_year, timezone.localdate().year - 1)
        self.assertEqual(years, list(range(self.p.plan.start_year, last + 1)))
        self.assertTrue(all(item.overdue for item in items))
        # Guatemala started 2017: it is to submit, not to start.
        gt = {(item.kind, item.detail) for item in items_for(self.n.gt_officer)}
        self.assertIn(("Plan follow-up to submit", "Guatemala, 2017"), gt)
        self.assertNotIn(("Plan follow-up to start", "Guatemala, 2017"), gt)
        every = [(item.kind, item.url, item.detail) for item in items_for(self.n.gt_officer)]
        self.assertEqual(len(every), len(set(every)))
        self.assertEqual(ReportStatus.DRAFT, self.p.plan.reports.get(country=self.n.gt, year=2017).status)

    def test_the_menu_counts_what_waits(self):
        client = signed_in(self.n.gt_officer)
        count = len(items_for(self.n.gt_officer))
        badge = f'<span class="nav-count">{count}<span class="sr-only"> to do</span></span>'
        # Not known yet: the page loads it after itself, and gathering it costs the page nothing.
        first = client.get(reverse("network:home"))
        self.assertNotContains(first, badge)
        self.assertContains(first, f'hx-get="{reverse("circulation:mywork_count")}"')
        self.assertContains(client.get(reverse("circulation:mywork_count")), badge)
        # Known since: shown at once, until a record changes.
        self.assertContains(client.get(reverse("network:home")), badge)
        circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="One more")
        self.assertNotContains(client.get(reverse("network:home")), badge)
        badge = badge.replace(f">{count}<", f">{count + 1}<")
        self.assertContains(client.get(reverse("circulation:mywork_count")), badge)
        # My work itself knows it.
        circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="And another")
        client.get(MY_WORK)
        self.assertContains(client.get(reverse("network:home")), badge.replace(f">{count + 1}<", f">{count + 2}<"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_signs_in_lands_on_their_page_and_follows_a_figure(new_page):
    n = build_rcm()
    import_seed(n)
    page = new_page(locale="en", viewport={"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.fill("input[name=login]", n.mx_officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(MY_WORK) + "$"))
    figure = page.locator("section.figure", has_text="Our commitments by status")
    expect(figure).to_be_visible()
    link = figure.locator(".figure-legend a").first
    count = int(link.inner_text().split()[0])
    link.click()
    expect(page.locator("main")).to_contain_text(f"{count} commitment")
    # The menu folds on a phone and opens without losing the count of what waits.
    page.goto(MY_WORK)
    page.click(".site-nav > summary")
    expect(page.locator(".site-nav nav")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
