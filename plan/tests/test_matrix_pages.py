"""The matrix of a plan with thousands of activities is read a hundred rows at a time: every page
stays light (≤ 300 KB at 2,000 activities), and the pages together hold every activity once."""

import re

import pytest
from django.urls import reverse

from core.testing import signed_in
from plan.models import Node, Responsible, Scope
from plan.views.pages import MATRIX_PAGE

pytestmark = pytest.mark.django_db


def add_activities(p, count):
    Node.objects.bulk_create(
        Node(
            plan=p.plan,
            parent=p.obj11,
            code=f"1.1.{index + 10}",
            order=index + 10,
            position=index + 10,
            scope=Scope.NATIONAL,
            responsible=Responsible.COUNTRIES,
            title_es=f"Actividad nacional número {index} con un título de largo habitual",
            title_en=f"National activity number {index} with a title of the usual length",
        )
        for index in range(count)
    )


def test_a_big_matrix_is_read_a_hundred_rows_at_a_time(n, p):
    add_activities(p, 2000)
    reader = signed_in(n.gt_officer)
    url = reverse("plan:matrix", args=[p.plan.pk, 2018])
    seen, sizes, page = [], [], 1
    while True:
        response = reader.get(url, {"page": page})
        assert response.status_code == 200
        html = response.content.decode()
        sizes.append(len(response.content))
        rows = re.findall(r'<tr data-node="(\d+)">', html)
        assert len(rows) <= MATRIX_PAGE
        seen += rows
        if f"page={page + 1}" not in html:
            break
        page += 1
    assert len(seen) == len(set(seen)) == 2003  # the plan's three activities and the 2,000 added
    assert max(sizes) <= 300 * 1024, f"largest page {max(sizes) / 1024:.0f} KB"
    assert page == 21
