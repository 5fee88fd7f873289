"""The TS uploads the plan's tree on a page; others are refused; a bad sheet comes back with its faults."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core.testing import signed_in
from plan.models import Node, Plan
from plan.tree_io import COLUMNS, XLSX_TYPE, export_tree

pytestmark = pytest.mark.django_db


def upload(data, name):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def english(user):
    client = signed_in(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_ts_uploads_a_sheet_and_lands_on_the_plan(n, p):
    copy = Plan.objects.create(body=n.network, title_es="Copia", title_en="Copy", start_year=2017, end_year=2022)
    client = english(n.ts)
    url = reverse("plan:tree_import", args=[copy.pk])
    page = client.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert '<label for="id_file">' in page.content.decode()
    response = client.post(url, {"file": upload(export_tree(p.plan, "xlsx"), "tree.xlsx")})
    assert response.status_code == 302
    assert response["Location"] == reverse("plan:plan", args=[copy.pk])
    assert list(Node.objects.filter(plan=copy).order_by("position").values_list("code", flat=True)) == [
        "1",
        "1.1",
        "1.1.1",
        "1.1.2",
        "1.2",
        "1.2.1",
        "2",
        "2.1",
        "2.1.1",
    ]


def test_an_officer_is_refused_and_nothing_is_written(n, p):
    url = reverse("plan:tree_import", args=[p.plan.pk])
    before = Node.objects.count()
    for user in (n.hn_officer, n.pa_officer, n.partner):
        client = signed_in(user)
        assert client.get(url).status_code == 403
        response = client.post(url, {"file": upload(export_tree(p.plan, "csv").replace(b"Node 1.1", b"X"), "t.csv")})
        assert response.status_code == 403
    assert Node.objects.count() == before
    assert not Node.objects.filter(title_en="X").exists()
    assert signed_in(n.outsider).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_a_bad_sheet_is_shown_again_with_each_fault_and_nothing_is_written(n, p):
    text = export_tree(p.plan, "csv").decode("utf-8-sig")
    text = text.replace("2.1.1,2.1,", "2.1.1,9.9,") + "2.1.1,2,Dup,,,,,,,,,,\n"
    before = list(Node.objects.order_by("pk").values())
    client = english(n.ts)
    response = client.post(
        reverse("plan:tree_import", args=[p.plan.pk]),
        {"file": upload(text.encode(), "tree.csv")},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Row 10, column parent_code: no row has the code “9.9”." in content
    assert "Row 11, column code: the code “2.1.1” is already on row 10." in content
    assert "Nothing was changed." in content
    assert list(Node.objects.order_by("pk").values()) == before


def test_a_file_that_is_not_a_sheet_is_refused_with_a_message(n, p):
    client = english(n.ts)
    url = reverse("plan:tree_import", args=[p.plan.pk])
    for data, name in ((b"MZ\x90\x00\x03", "tree.xlsx"), (b"%PDF-1.4", "tree.pdf"), (b"not a zip", "tree.xlsx")):
        response = client.post(url, {"file": upload(data, name)}, headers={"Accept-Language": "en"})
        assert response.status_code == 400, name
        assert 'class="error"' in response.content.decode()


def test_the_tree_downloads_for_whoever_sees_the_plan(n, p):
    client = signed_in(n.hn_officer)
    response = client.get(reverse("plan:tree_export", args=[p.plan.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == COLUMNS and len(rows) == 10
    response = client.get(reverse("plan:tree_export", args=[p.plan.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="plan-' in response["Content-Disposition"]
    assert client.get(reverse("plan:tree_export", args=[p.plan.pk, "json"])).status_code == 404
    assert signed_in(n.outsider).get(reverse("plan:tree_export", args=[p.plan.pk, "csv"])).status_code == 403
