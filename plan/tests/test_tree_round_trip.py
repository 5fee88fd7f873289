"""A plan exported to XLSX (or CSV) and imported again gives the same tree; importing twice changes nothing."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from core.models import AuditEntry
from plan.models import Approach, LineStatus, Node, Plan, Responsible, Scope
from plan.testing import approved_report, build_plan, node
from plan.tree_io import COLUMNS, export_tree, import_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def p(n):
    """The test plan, with everything a row can carry: descriptions, weights, years, priority, approaches."""
    p = build_plan(n)
    Node.objects.filter(pk=p.axis1.pk).update(
        description_es="Primer eje.\nCon dos líneas.", description_en="", approaches=[Approach.GENDER]
    )
    Node.objects.filter(pk=p.national_a.pk).update(
        weight=Decimal("2.5"),
        start_year=2018,
        end_year=2020,
        priority=True,
        approaches=[Approach.BEST_INTERESTS, Approach.PARTICIPATION],
        title_es='=HYPERLINK("http://example.org") protocolo',
        description_en="- a list item, not a formula",
    )
    Node.objects.filter(pk=p.national_b.pk).update(weight=Decimal(0), title_en="")
    p.by_unicef = node(
        p.plan,
        "2.1.2",
        p.obj21,
        scope=Scope.REGIONAL,
        order=2,
        responsible=Responsible.ORGANIZATION,
        responsible_organization=n.unicef,
        title_en="",
        title_es="Guía regional con UNICEF",
    )
    p.empty_axis = node(p.plan, "3", order=3, title_es="", title_en="An axis without objectives yet")
    return p


def fresh_plan(n):
    return Plan.objects.create(body=n.network, title_es="Copia", title_en="Copy", start_year=2017, end_year=2022)


def tree(plan):
    """The tree as comparable rows, in outline order."""
    return [
        (
            node.code,
            node.parent.code if node.parent_id else "",
            node.title_es,
            node.title_en,
            node.description_es,
            node.description_en,
            node.scope,
            node.responsible,
            node.responsible_organization_id,
            node.start_year,
            node.end_year,
            node.priority,
            node.weight,
            node.approaches,
        )
        for node in Node.objects.filter(plan=plan).select_related("parent").order_by("position")
    ]


def named(data, name):
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def test_xlsx_export_then_import_into_a_fresh_plan_gives_the_same_tree(n, p):
    data = export_tree(p.plan, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [row[0] for row in rows[1:]] == [
        "1",
        "1.1",
        "1.1.1",
        "1.1.2",
        "1.2",
        "1.2.1",
        "2",
        "2.1",
        "2.1.1",
        "2.1.2",
        "3",
    ]
    by_code = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert by_code["1.1.1"]["approaches"] == "best_interests;participation"
    assert by_code["1.1.1"]["priority"] == "yes"
    assert by_code["1.1.1"]["weight"] == 2.5
    assert by_code["1.2.1"]["responsible"] == "ppt_ts"
    assert by_code["2.1.1"]["responsible"] == "countries"
    assert by_code["2.1.2"]["responsible"] == "UNICEF"
    # A text that a spreadsheet would run stays text.
    assert by_code["1.1.1"]["title_es"] == '\'=HYPERLINK("http://example.org") protocolo'
    assert sheet["C4"].data_type == "s"

    copy = fresh_plan(n)
    result = import_tree(copy, named(data, "tree.xlsx"), "xlsx", acting_user=n.ts)
    assert len(result.created) == 11
    assert tree(copy) == tree(p.plan)
    assert Node.objects.get(plan=copy, code="1.1.1").title_es == '=HYPERLINK("http://example.org") protocolo'


def test_csv_export_then_import_into_a_fresh_plan_gives_the_same_tree(n, p):
    data = export_tree(p.plan, "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 12
    copy = fresh_plan(n)
    import_tree(copy, data, "csv", acting_user=n.ts)
    assert tree(copy) == tree(p.plan)


def test_a_csv_saved_by_excel_in_spanish_with_semicolons_is_read(n, p):
    text = export_tree(p.plan, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    copy = fresh_plan(n)
    import_tree(copy, buffer.getvalue().encode("utf-8"), "csv", acting_user=n.ts)
    assert tree(copy) == tree(p.plan)


def test_importing_the_same_sheet_twice_changes_nothing(n, p):
    data = export_tree(p.plan, "xlsx")
    before, pks = tree(p.plan), dict(Node.objects.filter(plan=p.plan).values_list("code", "pk"))
    audit = AuditEntry.objects.count()
    for _ in range(2):
        result = import_tree(p.plan, data, "xlsx", acting_user=n.ts)
        assert not result.changed
        assert result.unchanged == 11
    assert tree(p.plan) == before
    assert dict(Node.objects.filter(plan=p.plan).values_list("code", "pk")) == pks
    assert AuditEntry.objects.count() == audit


def test_an_edited_sheet_updates_nodes_in_place_so_their_follow_up_stays_attached(n, p):
    values = {
        p.national_a: (LineStatus.IN_PROGRESS, 40),
        p.national_b: (LineStatus.NOT_STARTED, 0),
        p.national_c: (LineStatus.NOT_APPLICABLE, None),
    }
    report = approved_report(p.plan, 2018, n.hn, n.hn_officer, n.ts, values)
    rows = list(csv.reader(io.StringIO(export_tree(p.plan, "csv").decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    column = {name: index for index, name in enumerate(header)}
    moved = next(row for row in body if row[0] == "1.1.1")
    moved[column["title_en"]] = "Protocol, renamed"
    moved[column["parent_code"]] = "2.1"  # moved to axis 2, after 2.1.1
    body = [row for row in body if row[0] not in ("1.1.1", "3")]  # 3 is removed: nothing hangs on it
    body.insert(next(i for i, row in enumerate(body) if row[0] == "2.1.1") + 1, moved)
    body.append(["2.2", "2", "Objetivo nuevo", "", "", "", "", "", "", "", "", "", ""])
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *body])

    result = import_tree(p.plan, buffer.getvalue().encode(), "csv", acting_user=n.ts)

    assert result.created == ["2.2"]
    assert result.deleted == ["3"]
    # 1.1.2 and 2.1.2 change their place among their siblings.
    assert sorted(result.updated) == ["1.1.1", "1.1.2", "2.1.2"]
    moved = Node.objects.get(pk=p.national_a.pk)
    assert (moved.title_en, moved.parent_id) == ("Protocol, renamed", p.obj21.pk)
    assert report.lines.get(node=moved).progress == 40
    codes = list(Node.objects.filter(plan=p.plan).order_by("position").values_list("code", flat=True))
    assert codes == ["1", "1.1", "1.1.2", "1.2", "1.2.1", "2", "2.1", "2.1.1", "1.1.1", "2.1.2", "2.2"]
    entry = AuditEntry.objects.filter(object_repr__contains="2.2").first()
    assert entry is not None and entry.actor == n.ts


def test_only_the_ts_may_import(n, p):
    data = export_tree(p.plan, "xlsx")
    for user in (n.hn_officer, n.pa_officer, n.outsider, None):
        with pytest.raises(PermissionDenied):
            import_tree(p.plan, data, "xlsx", acting_user=user)


def test_the_command_imports_and_prints_the_faults(n, p, tmp_path):
    good = tmp_path / "plan.xlsx"
    good.write_bytes(export_tree(p.plan, "xlsx"))
    copy = fresh_plan(n)
    out = io.StringIO()
    call_command("import_plan", copy.pk, str(good), "--as", n.ts.email, stdout=out)
    assert "11 created" in out.getvalue()
    assert tree(copy) == tree(p.plan)

    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(COLUMNS) + "\n9.1,9,Sin padre,,,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_plan", copy.pk, str(bad), "--as", n.ts.email, stdout=io.StringIO())
    assert "Row 2, column parent_code" in str(raised.value)

    with pytest.raises(CommandError, match="Technical Secretariat"):
        call_command("import_plan", copy.pk, str(good), "--as", n.hn_officer.email, stdout=io.StringIO())


def test_a_dry_run_writes_nothing(n, p):
    copy = fresh_plan(n)
    result = import_tree(copy, export_tree(p.plan, "xlsx"), "xlsx", acting_user=n.ts, dry_run=True)
    assert len(result.created) == 11
    assert not Node.objects.filter(plan=copy).exists()


def test_a_sheet_typed_by_hand_with_a_spanish_decimal_comma_and_sheet_order_for_siblings(n):
    plan = fresh_plan(n)
    text = "\n".join(
        [
            ",".join(COLUMNS),
            '2,,Eje 2,Axis 2,,,,,,,,"1,5",',
            "1,,Eje 1,Axis 1,,,,,,,,,",
            "1.1,1,Actividad,,,,National,Countries,2018,2019.0,Sí,,Gender; diversity",
        ]
    )
    import_tree(plan, text.encode(), "csv", acting_user=n.ts)
    nodes = {node.code: node for node in Node.objects.filter(plan=plan)}
    assert nodes["2"].weight == Decimal("1.5")
    assert [nodes["2"].order, nodes["1"].order] == [1, 2]
    activity = nodes["1.1"]
    assert (activity.scope, activity.responsible, activity.start_year, activity.end_year) == (
        "national",
        "countries",
        2018,
        2019,
    )
    assert activity.priority and activity.approaches == ["gender", "diversity"]


def test_validation_error_is_raised_for_a_file_that_is_not_a_sheet(n, p):
    with pytest.raises(ValidationError):
        import_tree(p.plan, b"not a zip", "xlsx", acting_user=n.ts)
