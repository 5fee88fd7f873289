"""A meeting's page reads a page of agreements at a time, with the first commitments of each, in constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.testing import build_network, signed_in
from meetings import queries, services
from meetings.models import Modality


def approved_report(n, agreements, commitments_on_first):
    meeting = services.create_meeting(
        acting_user=n.ts,
        body=n.network,
        modality=Modality.VIRTUAL,
        start_date=timezone.localdate() - datetime.timedelta(days=30),
        title_en="A long meeting",
        title_es="Una reunión larga",
        visibility="members",
    )
    meeting = services.publish_meeting(meeting, acting_user=n.ts)
    version = services.start_report(meeting, acting_user=n.ts)
    made = [
        services.add_agreement(version, acting_user=n.ts, text_en=f"Agreement {i}.", text_es=f"Acuerdo {i}.")
        for i in range(1, agreements + 1)
    ]
    for i in range(commitments_on_first):
        services.create_commitment(
            made[0], acting_user=n.ts, actors=[("country", n.gt, None), ("ppt", None, None)], action_en=f"Task {i}."
        )
    services.create_commitment(made[-1], acting_user=n.ts, actors=[("ts", None, None)], action_en="Last task.")
    services.approve_report(version, acting_user=n.ts)
    return meeting


def read(client, meeting, page=None):
    with CaptureQueriesContext(connection) as seen:
        response = client.get(meeting.get_absolute_url(), {"page": page} if page else {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode(), len(seen)


@pytest.mark.django_db
def test_a_page_of_agreements_and_the_first_commitments_of_each(settings):
    n = build_network()
    client = signed_in(n.gt_officer)
    small, few_queries = read(client, approved_report(n, 3, 1))
    big_meeting = approved_report(n, queries.MEETING_PAGE + 5, queries.COMMITMENTS_SHOWN + 7)
    first, many_queries = read(client, big_meeting)
    assert many_queries == few_queries
    assert first.count("Task ") == queries.COMMITMENTS_SHOWN
    assert "and 7 more commitments, on the follow-up board" in first
    assert f"Agreement {queries.MEETING_PAGE}." in first and f"Agreement {queries.MEETING_PAGE + 1}." not in first
    assert "Last task." not in first and 'rel="next"' in first
    second, second_queries = read(client, big_meeting, page=2)
    assert second_queries == few_queries
    assert f"Agreement {queries.MEETING_PAGE + 1}." in second and "Last task." in second and "Task 0." not in second
    assert "Agreement 1." not in second
