"""A malformed plan sheet is refused whole, each fault named by its row and column; nothing is written."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.models import AuditEntry
from plan import tree_io
from plan.models import LineStatus, Node
from plan.testing import approved_report
from plan.tree_io import COLUMNS, export_tree, import_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows_of(plan):
    """The plan's sheet as a list of row lists (strings), header first: rows 2… are the nodes."""
    sheet = load_workbook(io.BytesIO(export_tree(plan, "xlsx"))).worksheets[0]
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def snapshot(plan):
    return list(Node.objects.filter(plan=plan).order_by("pk").values())


def refused(n, plan, data, fmt="xlsx"):
    """Import `data`, expect a refusal, check nothing changed; return the messages."""
    before, audit = snapshot(plan), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        import_tree(plan, data, fmt, acting_user=n.ts)
    assert snapshot(plan) == before
    assert AuditEntry.objects.count() == audit
    return raised.value.messages


def edited(plan, which, **changes):
    """The plan's sheet with some cells of the row `which` changed."""
    rows = rows_of(plan)
    for row in rows[1:]:
        if row[0] == which:
            for column, value in changes.items():
                row[COLUMNS.index(column)] = value
    return rows


# Rows in the exported sheet: 2 "1", 3 "1.1", 4 "1.1.1", 5 "1.1.2", 6 "1.2", 7 "1.2.1", 8 "2", 9 "2.1", 10 "2.1.1".
CASES = {
    "unknown parent": ("2.1", {"parent_code": "9"}, "Row 9, column parent_code: no row has the code “9”."),
    "parent is an activity": (
        "1.1.2",
        {"parent_code": "1.1.1", "scope": "", "responsible": ""},
        "Row 5, column parent_code: “1.1.1” (row 4) is an activity",
    ),
    "year not a number": ("1.1.1", {"start_year": "2018a"}, "Row 4, column start_year: “2018a” is not a year."),
    "year outside the plan": (
        "1.1.1",
        {"end_year": "2030"},
        "Row 4, column end_year: 2030 is outside the plan (2017–2022).",
    ),
    "end before start": (
        "1.1.1",
        {"start_year": "2020", "end_year": "2019"},
        "Row 4, column end_year: the end year cannot come before the start year.",
    ),
    "bad scope": ("1.1.1", {"scope": "global"}, "Row 4, column scope: “global”"),
    "unknown responsible": ("1.2.1", {"responsible": "Nobody Inc."}, "Row 7, column responsible: “Nobody Inc.”"),
    "missing responsible": ("1.2.1", {"responsible": ""}, "Row 7, column responsible: say who is responsible"),
    "a national activity of the PPT": (
        "2.1.1",
        {"responsible": "ppt_ts"},
        "Row 10, column responsible: national activities are carried out by the member countries.",
    ),
    "responsible on a grouping node": ("1.1", {"responsible": "countries"}, "Row 3, column responsible:"),
    "unknown approach": (
        "1",
        {"approaches": "gender;peace"},
        "Row 2, column approaches: unknown approach “peace”",
    ),
    "negative weight": ("1.1", {"weight": "-1"}, "Row 3, column weight: “-1”: the weight is a number from 0"),
    "weight not a number": ("1.1", {"weight": "heavy"}, "Row 3, column weight: “heavy”"),
    "weight with three decimals": ("1.1", {"weight": "1.125"}, "Row 3, column weight: “1.125”: at most two decimals."),
    "priority not yes": ("1.1.1", {"priority": "maybe"}, "Row 4, column priority: “maybe”"),
    "priority on a grouping node": ("1.1", {"priority": "yes"}, "Row 3, column priority:"),
    "title too long": (
        "1.1",
        {"title_es": "x" * 501},
        "Row 3, column title_es: at most 500 characters (this has 501).",
    ),
    "description too long": ("1", {"description_en": "x" * 10001}, "Row 2, column description_en: at most 10000"),
    "code too long": ("2", {"code": "2" * 21}, "Row 8, column code: at most 20 characters"),
    "no title": ("1.2", {"title_es": "", "title_en": ""}, "Row 6, column title_es: give the title in Spanish or in"),
    "no code": ("1.2.1", {"code": ""}, "Row 7, column code: every row needs a code."),
    "a formula as code": ("1.2.1", {"code": "=A1"}, "Row 7, column code: “=A1”: use letters, digits"),
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("case", list(CASES))
def test_each_fault_is_named_by_row_and_column_and_nothing_is_written(n, p, case, fmt):
    code, changes, expected = CASES[case]
    rows = edited(p.plan, code, **changes)
    data = xlsx(rows) if fmt == "xlsx" else csv_bytes(rows)
    messages = refused(n, p.plan, data, fmt)
    assert any(expected in message for message in messages), messages


def test_a_duplicate_code_names_both_rows(n, p):
    rows = rows_of(p.plan)
    rows.append(list(rows[3]))
    messages = refused(n, p.plan, xlsx(rows))
    assert messages == ["Row 11, column code: the code “1.1.1” is already on row 4."]


def test_a_loop_of_parents_is_refused(n, p):
    rows = edited(p.plan, "1", parent_code="1.1")
    messages = refused(n, p.plan, xlsx(rows))
    assert any("column parent_code: the rows" in m and "in a loop" in m for m in messages), messages


def test_a_node_under_itself_is_refused(n, p):
    messages = refused(n, p.plan, xlsx(edited(p.plan, "2", parent_code="2")))
    assert any(m.startswith("Row 8, column parent_code:") and "loop" in m for m in messages), messages


def test_missing_and_unknown_header_columns_are_named(n, p):
    rows = rows_of(p.plan)
    header = rows[0]
    header[COLUMNS.index("weight")] = "peso"
    messages = refused(n, p.plan, xlsx(rows))
    assert "Row 1: missing column(s): weight." in messages
    assert any(m.startswith("Row 1, column L: unknown column “peso”") for m in messages), messages
    duplicated = [[*row, row[0]] for row in rows_of(p.plan)]
    messages = refused(n, p.plan, csv_bytes(duplicated), "csv")
    assert messages == ["Row 1, column N: the column “code” appears twice."]


def test_a_value_beyond_the_named_columns_is_refused(n, p):
    rows = rows_of(p.plan)
    rows[2].append("stray")
    assert refused(n, p.plan, xlsx(rows)) == ["Row 3, column N: a value outside the named columns."]


def test_every_fault_is_listed_at_once(n, p):
    rows = edited(p.plan, "1.1", weight="-2", scope="everywhere")
    rows = [row if row[0] != "2.1.1" else [*row[:8], "1990", *row[9:]] for row in rows]
    messages = refused(n, p.plan, xlsx(rows))
    assert [m.split(":")[0] for m in messages] == [
        "Row 3, column scope",
        "Row 3, column weight",
        "Row 10, column start_year",
    ]


def test_a_formula_is_kept_as_text_and_never_run(n, p):
    rows = edited(p.plan, "1.1", title_es='=HYPERLINK("http://evil.example","clic")', description_en="@SUM(1+1)*cmd")
    import_tree(p.plan, xlsx(rows), "xlsx", acting_user=n.ts)
    node = Node.objects.get(plan=p.plan, code="1.1")
    assert node.title_es == '=HYPERLINK("http://evil.example","clic")'
    assert node.description_en == "@SUM(1+1)*cmd"
    # … and exported back as text, not as a formula.
    sheet = load_workbook(io.BytesIO(export_tree(p.plan, "xlsx"))).worksheets[0]
    assert sheet["C3"].value == '\'=HYPERLINK("http://evil.example","clic")'
    assert sheet["C3"].data_type == "s"
    assert b"'=HYPERLINK" in export_tree(p.plan, "csv")


@pytest.mark.parametrize(
    ("data", "fmt", "expected"),
    [
        (b"code,parent_code\n", "xlsx", "this is not a valid XLSX file"),
        (b"MZ\x90\x00 a program", "xlsx", "this is a program"),
        (b"MZ\x90\x00 a program", "csv", "this is a program"),
        ("code,título\n".encode("latin-1"), "csv", "not a text file in UTF-8"),
        (b"", "csv", "the file is empty"),
    ],
)
def test_a_file_that_is_not_a_real_sheet_is_refused(n, p, data, fmt, expected):
    messages = refused(n, p.plan, data, fmt)
    assert len(messages) == 1 and expected in messages[0], messages


def test_a_word_document_renamed_xlsx_is_refused(n, p):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(n, p.plan, buffer.getvalue()) == ["This is not a readable XLSX workbook."]


def test_a_sheet_too_big_or_too_long_is_refused(n, p, monkeypatch):
    data = csv_bytes(rows_of(p.plan))
    monkeypatch.setattr(tree_io.reading, "MAX_BYTES", len(data) - 1)
    messages = refused(n, p.plan, data, "csv")
    assert "larger than" in messages[0]
    monkeypatch.setattr(tree_io.reading, "MAX_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(tree_io.reading, "MAX_ROWS", 5)
    assert refused(n, p.plan, data, "csv") == ["The sheet has more than 5 rows."]


def test_an_empty_sheet_is_refused(n, p):
    assert refused(n, p.plan, xlsx([])) == ["The sheet is empty: the first row must name the columns."]
    assert refused(n, p.plan, xlsx([list(COLUMNS)])) == [
        "The sheet has no rows under its header: a plan needs at least one node."
    ]


def test_a_node_left_out_of_the_sheet_is_kept_while_follow_up_lines_hang_on_it(n, p):
    approved_report(
        p.plan,
        2018,
        n.hn,
        n.hn_officer,
        n.ts,
        {
            p.national_a: (LineStatus.IN_PROGRESS, 40),
            p.national_b: (LineStatus.COMPLETED, None),
            p.national_c: (LineStatus.NOT_APPLICABLE, None),
        },
    )
    rows = [row for row in rows_of(p.plan) if row[0] not in ("2", "2.1", "2.1.1")]
    messages = refused(n, p.plan, xlsx(rows))
    assert messages == [
        "The node 2.1.1 is not in the sheet, but follow-up reports have lines on it: keep its row.",
    ]


def test_a_reported_activity_keeps_its_scope(n, p):
    lines = {
        p.national_a: (LineStatus.IN_PROGRESS, 40),
        p.national_b: (LineStatus.NOT_STARTED, 0),
        p.national_c: (LineStatus.NOT_APPLICABLE, None),
    }
    approved_report(p.plan, 2018, n.hn, n.hn_officer, n.ts, lines)
    messages = refused(n, p.plan, xlsx(edited(p.plan, "1.1.1", scope="regional", responsible="ppt_ts")))
    assert any("Row 4, column scope" in message and "1.1.1" in message for message in messages)


def test_an_absurd_year_is_refused_at_once(n, p):
    messages = refused(n, p.plan, xlsx(edited(p.plan, "1.1.1", start_year="1e1000000")))
    assert any("Row 4, column start_year" in message for message in messages)
