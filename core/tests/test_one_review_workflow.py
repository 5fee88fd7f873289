"""One review workflow (core.review) carries plan reports, comparison columns and practices.

The three apps declare their steps once; every move of a reviewed record goes through
`Workflow.take` (no service sets a reviewed status or writes a review event by itself), the
comment rules are the same everywhere, and each step tells the people it concerns.
"""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from comparisons import services as comparisons
from comparisons.models import ColumnStatus
from comparisons.testing import build_analysis, submitted
from core import review
from core.testing import build_network
from messaging.models import Notification, NotificationKind
from plan import services as plan
from plan.models import LineStatus, ReportStatus
from plan.testing import build_plan, fill_report
from practices import queries as practice_queries
from practices import services as practices
from practices.models import ReviewAction, Status
from practices.tests.helpers import practice_fields

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FLOWS = {
    "plan": plan.REVIEW_FLOW,
    "comparisons": comparisons.answers.REVIEW_FLOW,
    "practices": practices.REVIEW_FLOW,
}
# A reviewed status set by hand, or a review event written by hand, outside core/review.py.
BY_HAND = re.compile(
    r"\b(report|column|record|practice|resource)\.status = (ReportStatus|ColumnStatus|Status)\."
    r"(SUBMITTED|RETURNED|APPROVED|VALIDATED|PUBLISHED|IN_REVIEW)"
    r"|(ReportEvent|ColumnEvent|ReviewEvent)\.objects\.create\("
)


@pytest.fixture
def n():
    return build_network()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_three_reviews_are_one_workflow_declared_once():
    for app, flow in FLOWS.items():
        assert isinstance(flow, review.Workflow), app
        assert {"submit", "return"} <= set(flow.steps), app
    by_hand = {}
    for app in FLOWS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if BY_HAND.search(line):
                    by_hand.setdefault(str(path.relative_to(ROOT)), []).append(number)
    # Each app writes its events in one function: the one its workflow calls.
    assert {path: len(lines) for path, lines in by_hand.items()} == {
        "plan/services.py": 1,
        "comparisons/services/answers.py": 1,
        "practices/reviewing.py": 1,
    }


@pytest.mark.parametrize("value", [None, "", "   ", "\x0b\x00"])
def test_a_required_comment_is_asked_for_by_its_field(value):
    step = review.Step("review", "returned", "returned", comment=review.REQUIRED, field="reason", missing="Say why.")
    with pytest.raises(ValidationError) as caught:
        review.comment_text(value, step)
    assert caught.value.message_dict == {"reason": ["Say why."]}


def test_a_comment_is_cleaned_and_bounded():
    step = review.Step("review", "returned", "returned")
    assert review.comment_text(" Fix 1.1\x0b\x00 ", step) == "Fix 1.1"
    assert review.comment_text(None, step) == ""
    with pytest.raises(ValidationError) as caught:
        review.comment_text("x" * (review.MAX_COMMENT + 1), step)
    assert "at most 5000" in caught.value.message_dict["comment"][0]
    with pytest.raises(ValidationError):
        review.comment_text(["a list"], step)


def report_of(n, p):
    return fill_report(
        p.plan,
        2018,
        n.hn,
        n.hn_officer,
        {
            p.national_a: (LineStatus.IN_PROGRESS, 40, "Protocolo"),
            p.national_b: (LineStatus.COMPLETED, None),
            p.national_c: (LineStatus.NOT_APPLICABLE, None),
        },
        submit=True,
    )


def test_a_long_comment_is_refused_the_same_way_in_each_review_and_nothing_moves(n):
    p = build_plan(n)
    report = report_of(n, p)
    a = build_analysis(n)
    round_ = comparisons.start_round(a.analysis, acting_user=n.lead, label_en="2026")
    column = submitted(round_, "PA", n.pa_officer, a)
    practice = practices.submit(
        practices.create_practice(acting_user=n.partner, **practice_fields(n)), acting_user=n.partner
    )
    too_long = "x" * (review.MAX_COMMENT + 1)
    for take in (
        lambda: plan.return_report(report, acting_user=n.ts, comment=too_long),
        lambda: comparisons.return_column(column, acting_user=n.lead, comment=too_long),
        lambda: practices.return_to_author(practice, too_long, acting_user=n.ts),
    ):
        with pytest.raises(ValidationError) as caught:
            take()
        assert "at most 5000" in caught.value.message_dict["comment"][0]
    for record, status in ((report, ReportStatus.SUBMITTED), (column, ColumnStatus.SUBMITTED)):
        record.refresh_from_db()
        assert record.status == status
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED


def test_a_practice_tells_the_ts_it_waits_and_its_author_what_became_of_it(n):
    practice = practices.create_practice(acting_user=n.partner, **practice_fields(n))
    practices.submit(practice, acting_user=n.partner, comment="Ready for review.")
    waiting = Notification.objects.get(user=n.ts, kind=NotificationKind.REVIEW_REQUESTED)
    assert "was sent for review" in waiting.subject and "Ready for review." in waiting.body
    assert not Notification.objects.filter(user=n.partner).exists()  # not told of their own step

    practices.return_to_author(practice, "Add the results in figures.", acting_user=n.ts)
    returned = Notification.objects.get(user=n.partner, kind=NotificationKind.PRACTICE_RETURNED)
    assert returned.body == "Add the results in figures." and returned.url == practice.get_absolute_url()

    practices.submit(practice, acting_user=n.partner)
    practices.publish(practice, acting_user=n.ts, comment="Thank you.")
    published = Notification.objects.get(user=n.partner, kind=NotificationKind.PRACTICE_PUBLISHED)
    assert "was published" in published.subject

    practices.withdraw(practice, acting_user=n.ts, comment="The programme ended.")
    practice.refresh_from_db()
    assert (practice.status, practice.published_version) == (Status.RETURNED, None)
    withdrawn = Notification.objects.filter(user=n.partner, kind=NotificationKind.PRACTICE_RETURNED).latest("pk")
    assert "withdrawn" in withdrawn.subject and withdrawn.body == "The programme ended."
    events = [event.action for event in practice_queries.review_events(practice)]
    assert events == [
        ReviewAction.SUBMIT,
        ReviewAction.RETURN,
        ReviewAction.SUBMIT,
        ReviewAction.PUBLISH,
        ReviewAction.WITHDRAW,
    ]


def test_reopening_says_why_in_each_review(n):
    p = build_plan(n)
    report = plan.approve_report(report_of(n, p), acting_user=n.ts)
    with pytest.raises(ValidationError) as caught:
        plan.reopen_report(report, acting_user=n.ts, reason=" ")
    assert list(caught.value.message_dict) == ["reason"]
    report = plan.reopen_report(report, acting_user=n.ts, reason="A figure was wrong.")
    assert (report.status, report.approved_at) == (ReportStatus.RETURNED, None)

    a = build_analysis(n)
    round_ = comparisons.start_round(a.analysis, acting_user=n.lead, label_en="2026")
    column = comparisons.validate_column(submitted(round_, "PA", n.pa_officer, a), acting_user=n.lead)
    with pytest.raises(ValidationError):
        comparisons.return_column(column, acting_user=n.lead, comment="")
    column = comparisons.return_column(column, acting_user=n.lead, comment="Check 1.2 against the new law.")
    assert (column.status, column.review_comment) == (ColumnStatus.RETURNED, "Check 1.2 against the new law.")
