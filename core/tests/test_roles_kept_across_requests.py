"""A reader's roles are read once, then kept across requests until a record they follow from changes.

Roles come from terms, the PPT and grants, all in the audit trail: the kept Principal is found under
the content version (core.pagecache.content_version) and the day, so ending a term shows on the
next request. Inside a transaction roles are always read afresh (what it writes may be rolled back).
"""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core import access
from core.testing import build_network

pytestmark = pytest.mark.django_db(transaction=True)


def fresh(user):
    return User.objects.get(pk=user.pk)  # a new request's user


def test_roles_are_kept_until_a_term_ends():
    n = build_network()
    first = access.principal_for(fresh(n.gt_officer))
    assert first.officer_countries == {n.gt.pk}
    reader = fresh(n.gt_officer)
    with CaptureQueriesContext(connection) as queries:
        again = access.principal_for(reader)
    assert again == first
    assert len(queries) == 1, [query["sql"] for query in queries]  # the content version only

    term = n.gt_officer.person.appointments.get(country=n.gt)
    term.end_date = datetime.date.today() - datetime.timedelta(days=1)
    term.save()  # in the audit trail: a new content version
    assert access.principal_for(fresh(n.gt_officer)).officer_countries == frozenset()


def test_inside_a_transaction_roles_are_read_afresh():
    n = build_network()
    access.principal_for(fresh(n.gt_officer))
    with transaction.atomic():
        reader = fresh(n.gt_officer)
        with CaptureQueriesContext(connection) as queries:
            access.principal_for(reader)
        assert len(queries) > 1
