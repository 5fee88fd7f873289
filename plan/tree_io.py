"""The plan's tree as a spreadsheet (XLSX or CSV), out and back in, in the layout the TS keeps in Excel.

One row per node, in outline order, with the columns of `COLUMNS`. `export_tree` writes it;
`import_tree` reads it back into a plan: nodes are matched by code (updated in place, so their
follow-up lines stay attached), new codes are added, nodes missing from the sheet are removed
when nothing hangs on them. A sheet with any fault is refused whole, with one message per fault
naming its row and column, and nothing is written.
"""

import csv
import decimal
import io
import os
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.office import FORMULA_START, office_text, spreadsheet_text
from core.uploads import check_upload

from .models import MAX_DEPTH, Approach, Node, Responsible, Scope, reindex_outline

COLUMNS = (
    "code",
    "parent_code",
    "title_es",
    "title_en",
    "description_es",
    "description_en",
    "scope",
    "responsible",
    "start_year",
    "end_year",
    "priority",
    "weight",
    "approaches",
)
FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE}

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_CELL = 10000
LIMITS = {"code": 20, "title_es": 500, "title_en": 500, "description_es": 10000, "description_en": 10000}
CODE_PATTERN = re.compile(r"^[\w.\-]+$")
MAX_WEIGHT = decimal.Decimal("9999.99")
YES = {"yes", "y", "sí", "si", "s", "true", "1", "x"}
NO = {"", "no", "n", "false", "0"}


def _unquote(text):
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


# ---- export --------------------------------------------------------------------------------


def organization_labels(organizations):
    """{organization id: the label that names it alone} — its acronym when no other shares it, else its name."""
    owners = {}
    for org in organizations:
        for label in _labels_of(org):
            owners.setdefault(label.casefold(), set()).add(org.pk)
    result = {}
    for org in organizations:
        candidates = _labels_of(org)
        unique = [label for label in candidates if owners[label.casefold()] == {org.pk}]
        result[org.pk] = (unique or candidates or [""])[0]
    return result


def _labels_of(org):
    labels = []
    for value in (org.acronym_es, org.acronym_en, org.name_es, org.name_en):
        value = (value or "").strip()
        if value and value not in labels:
            labels.append(value)
    return labels


def _weight_value(weight):
    weight = decimal.Decimal(weight)
    return int(weight) if weight == weight.to_integral_value() else float(weight)


def tree_rows(plan):
    """The sheet's rows (without the header), one per node in outline order."""
    from network.models import Organization

    from .rollup import build_tree, walk

    nodes = list(Node.objects.filter(plan=plan).select_related("parent"))
    org_ids = {node.responsible_organization_id for node in nodes if node.responsible_organization_id}
    labels = organization_labels(list(Organization.objects.all())) if org_ids else {}
    rows = []
    for item in walk(build_tree(nodes)):
        node = item.node
        if node.responsible == Responsible.ORGANIZATION:
            responsible = labels.get(node.responsible_organization_id, "")
        else:
            responsible = node.responsible
        rows.append(
            [
                node.code,
                node.parent.code if node.parent_id else "",
                node.title_es,
                node.title_en,
                node.description_es,
                node.description_en,
                node.scope,
                responsible,
                node.start_year,
                node.end_year,
                "yes" if node.priority else "",
                _weight_value(node.weight),
                ";".join(node.approaches or []),
            ]
        )
    return rows


def export_tree(plan, fmt):
    """Return the plan's tree as XLSX or CSV bytes: the header row, then one row per node in outline order."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    rows = tree_rows(plan)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if value is None else spreadsheet_text(value) for value in row])
        # The byte-order mark makes Excel read the file as UTF-8.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "plan"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_text(value) for value in row])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLM", (10, 12, 50, 50, 40, 40, 10, 14, 10, 10, 8, 8, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(plan, fmt):
    from django.utils import timezone

    return f"plan-{plan.pk}-tree-{timezone.localdate().isoformat()}.{fmt}"


# ---- reading a sheet -----------------------------------------------------------------------


@dataclass
class Row:
    """A data row of the sheet: its number as the spreadsheet shows it, and its cells by column."""

    number: int
    cells: dict


@dataclass
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    deleted: list = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self):
        return bool(self.created or self.updated or self.deleted)


def _message(row, column, text):
    if column:
        return _("Row %(row)s, column %(column)s: %(problem)s") % {"row": row, "column": column, "problem": text}
    return _("Row %(row)s: %(problem)s") % {"row": row, "problem": text}


def _as_text(value):
    """A cell's value as the text the TS typed (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_bytes(file, fmt):
    """Check the upload (real type, size) and return its bytes; raise ValidationError naming the file."""
    if fmt not in FORMATS:
        raise ValidationError([_("Give the plan's tree as XLSX or CSV.")])
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(bytes(file))
    name = getattr(file, "name", None)
    if not name or os.path.splitext(str(name))[1].lower() != f".{fmt}":
        # An unnamed buffer (or a stored name without the right extension): check it as the format asked.
        data = _whole(file)
        file = io.BytesIO(data)
        file.name = f"plan.{fmt}"
    try:
        check_upload(file, kinds={fmt}, max_bytes=MAX_BYTES)
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    return _whole(file)


def _whole(file):
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        # Formulas are read as their text (data_only=False): a formula typed in a cell is kept as text, never run.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - zip, XML and openpyxl errors of a damaged file: refuse, never 500
        raise ValidationError([_("This is not a readable XLSX workbook.")]) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ValidationError([_("The workbook has no sheet.")])
        rows = []
        try:
            for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                rows.append(list(values))
                if len(rows) > MAX_ROWS + 1:
                    break
        except Exception:  # noqa: BLE001 - a damaged sheet part
            raise ValidationError([_("This is not a readable XLSX workbook.")]) from None
        return rows
    finally:
        book.close()


def _csv_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError([_("The CSV file is not UTF-8 text.")]) from None
    if "\x00" in text:
        raise ValidationError([_("The CSV file is not UTF-8 text.")])
    first_line = text.split("\n", 1)[0]
    # Excel in Spanish saves CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    csv.field_size_limit(MAX_CELL * 4)
    rows = []
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(values[:MAX_COLUMNS])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise ValidationError(
            [_("Row %(row)s: this is not a readable CSV file (%(reason)s).") % {"row": len(rows) + 1, "reason": error}]
        ) from None
    return rows


def read_sheet(file, fmt):
    """Return the sheet's data rows as `Row`s; raise ValidationError for a file or header at fault."""
    data = _read_bytes(file, fmt)
    raw = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)
    if not raw:
        raise ValidationError([_("The sheet is empty: the first row must name the columns.")])
    if len(raw) > MAX_ROWS + 1:
        raise ValidationError([_("The sheet has more than %(max)s rows.") % {"max": MAX_ROWS}])
    header = [_as_text(value).strip().lower().lstrip("\ufeff") for value in raw[0]]
    while header and not header[-1]:
        header.pop()
    errors = []
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        errors.append(_message(1, None, _("missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}))
    seen = set()
    for index, name in enumerate(header):
        letter = _column_letter(index)
        if not name:
            errors.append(_message(1, letter, _("a column without a name.")))
        elif name not in COLUMNS:
            errors.append(
                _message(
                    1,
                    letter,
                    _("unknown column “%(name)s” (the columns are: %(columns)s).")
                    % {"name": name[:60], "columns": ", ".join(COLUMNS)},
                )
            )
        elif name in seen:
            errors.append(_message(1, letter, _("the column “%(name)s” appears twice.") % {"name": name}))
        seen.add(name)
    if errors:
        raise ValidationError(errors)
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        extra = [value for value in values[len(header) :] if _as_text(value).strip()]
        if extra:
            errors.append(_message(number, _column_letter(len(header)), _("a value outside the named columns.")))
        cells = {name: _as_text(values[index]) if index < len(values) else "" for index, name in enumerate(header)}
        if not any(value.strip() for value in cells.values()):
            continue  # blank rows between blocks are fine
        rows.append(Row(number=number, cells=cells))
    if errors:
        raise ValidationError(errors)
    return rows


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# ---- checking the rows ---------------------------------------------------------------------


@dataclass
class Spec:
    """A row checked: the values its node will have."""

    row: int
    code: str
    parent_code: str
    values: dict
    organization: object = None


def _organization_index():
    from network.models import Organization

    index = {}
    for org in Organization.objects.all():
        for label in _labels_of(org):
            index.setdefault(label.casefold(), {})[org.pk] = org
    return index


def _year(plan, row, column, text, errors):
    if not text:
        return None
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number.adjusted() > 3 or number != number.to_integral_value():
        errors.append(_message(row, column, _("“%(value)s” is not a year.") % {"value": text[:40]}))
        return None
    year = int(number)
    if not plan.covers(year):
        errors.append(
            _message(
                row,
                column,
                _("%(year)s is outside the plan (%(start)s–%(end)s).")
                % {"year": year, "start": plan.start_year, "end": plan.end_year},
            )
        )
        return None
    return year


def _check_row(plan, row, organizations, errors):
    """Check one row's own cells; return a Spec (None when its code is unusable)."""
    cells = {name: _unquote(office_text(value).strip()) for name, value in row.cells.items()}
    n = row.number
    count = len(errors)
    for column, limit in LIMITS.items():
        if len(cells[column]) > limit:
            errors.append(
                _message(
                    n,
                    column,
                    _("at most %(max)s characters (this has %(count)s).")
                    % {
                        "max": limit,
                        "count": len(cells[column]),
                    },
                )
            )
    code = cells["code"]
    if not code:
        errors.append(_message(n, "code", _("every row needs a code.")))
    elif len(code) <= LIMITS["code"] and not CODE_PATTERN.match(code):
        errors.append(
            _message(n, "code", _("“%(code)s”: use letters, digits, dots and dashes only.") % {"code": code[:40]})
        )
    parent_code = cells["parent_code"]
    if parent_code and not CODE_PATTERN.match(parent_code):
        errors.append(
            _message(
                n,
                "parent_code",
                _("“%(code)s”: use letters, digits, dots and dashes only.") % {"code": parent_code[:40]},
            )
        )
    if not (cells["title_es"] or cells["title_en"]):
        errors.append(_message(n, "title_es", _("give the title in Spanish or in English (title_es or title_en).")))

    scope = cells["scope"].lower()
    if scope not in ("", *Scope.values):
        errors.append(
            _message(
                n,
                "scope",
                _("“%(value)s”: leave it empty for a grouping node, or write %(choices)s.")
                % {"value": cells["scope"][:40], "choices": " / ".join(Scope.values)},
            )
        )
        scope = None

    responsible, organization = cells["responsible"], None
    if responsible.lower() in (Responsible.PPT_TS, Responsible.COUNTRIES):
        responsible = responsible.lower()
    elif responsible:
        found = organizations.get(responsible.casefold(), {})
        if len(found) == 1:
            organization = next(iter(found.values()))
            responsible = Responsible.ORGANIZATION
        elif found:
            errors.append(
                _message(
                    n,
                    "responsible",
                    _("“%(value)s” names several organizations: write the organization's full name.")
                    % {"value": responsible[:60]},
                )
            )
        else:
            errors.append(
                _message(
                    n,
                    "responsible",
                    _("“%(value)s”: write ppt_ts, countries, or the acronym or name of an organization in Enlace.")
                    % {"value": responsible[:60]},
                )
            )
    if scope == "" and cells["responsible"]:
        errors.append(_message(n, "responsible", _("only activities (with a scope) have a responsible.")))
    elif scope and not cells["responsible"]:
        errors.append(_message(n, "responsible", _("say who is responsible for this activity.")))
    elif scope == Scope.NATIONAL and responsible == Responsible.PPT_TS:
        errors.append(_message(n, "responsible", _("national activities are carried out by the member countries.")))

    start_year = _year(plan, n, "start_year", cells["start_year"], errors)
    end_year = _year(plan, n, "end_year", cells["end_year"], errors)
    if start_year and end_year and end_year < start_year:
        errors.append(_message(n, "end_year", _("the end year cannot come before the start year.")))

    priority_text = cells["priority"].lower()
    if priority_text not in YES | NO:
        errors.append(
            _message(n, "priority", _("“%(value)s”: write yes or leave it empty.") % {"value": cells["priority"][:40]})
        )
    priority = priority_text in YES
    if priority and scope == "":
        errors.append(_message(n, "priority", _("only activities (with a scope) can be priorities.")))

    weight = decimal.Decimal(1)
    if cells["weight"]:
        text = cells["weight"]
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as Spanish spreadsheets write it
        try:
            weight = decimal.Decimal(text)
        except decimal.InvalidOperation:
            weight = None
        if weight is None or not weight.is_finite() or weight < 0 or weight > MAX_WEIGHT:
            errors.append(
                _message(
                    n,
                    "weight",
                    _("“%(value)s”: the weight is a number from 0 to %(max)s (empty means 1).")
                    % {"value": cells["weight"][:40], "max": MAX_WEIGHT},
                )
            )
            weight = None
        elif weight != weight.quantize(decimal.Decimal("0.01")):
            errors.append(
                _message(n, "weight", _("“%(value)s”: at most two decimals.") % {"value": cells["weight"][:40]})
            )
            weight = None
        else:
            weight = weight.quantize(decimal.Decimal("0.01"))

    approaches = []
    for part in re.split(r"[;,]", cells["approaches"]):
        part = part.strip().lower()
        if not part:
            continue
        if part not in Approach.values:
            errors.append(
                _message(
                    n,
                    "approaches",
                    _("unknown approach “%(value)s” (known: %(choices)s).")
                    % {"value": part[:40], "choices": "; ".join(Approach.values)},
                )
            )
        elif part not in approaches:
            approaches.append(part)

    if len(errors) > count or not code:
        return Spec(row=n, code=code, parent_code=parent_code, values={"scope": scope}) if code else None
    values = {
        "title_es": cells["title_es"],
        "title_en": cells["title_en"],
        "description_es": cells["description_es"],
        "description_en": cells["description_en"],
        "scope": scope,
        "responsible": responsible if scope else "",
        "start_year": start_year,
        "end_year": end_year,
        "priority": priority,
        "weight": weight,
        "approaches": approaches,
    }
    return Spec(row=n, code=code, parent_code=parent_code, values=values, organization=organization)


def _check_tree(specs, errors):
    """Check parents (known, not an activity, no cycle, depth); return {code: depth} for rows that hold."""
    by_code = {}
    for spec in specs:
        if spec.code in by_code:
            errors.append(
                _message(
                    spec.row,
                    "code",
                    _("the code “%(code)s” is already on row %(other)s.")
                    % {"code": spec.code, "other": by_code[spec.code].row},
                )
            )
        else:
            by_code[spec.code] = spec
    for spec in specs:
        if not spec.parent_code:
            continue
        parent = by_code.get(spec.parent_code)
        if parent is None:
            errors.append(
                _message(
                    spec.row,
                    "parent_code",
                    _("no row has the code “%(code)s”.") % {"code": spec.parent_code[:40]},
                )
            )
        elif parent.values.get("scope"):
            errors.append(
                _message(
                    spec.row,
                    "parent_code",
                    _("“%(code)s” (row %(other)s) is an activity: an activity cannot hold other nodes.")
                    % {"code": parent.code, "other": parent.row},
                )
            )
    depths = {}
    for spec in by_code.values():
        chain, current = [], spec
        while current is not None and current.code not in depths:
            if any(item is current for item in chain):
                cycle = chain[next(i for i, item in enumerate(chain) if item is current) :]
                errors.append(
                    _message(
                        spec.row,
                        "parent_code",
                        _("the rows %(codes)s are placed under each other in a loop.")
                        % {"codes": " → ".join(item.code for item in [*cycle, current])},
                    )
                )
                for item in chain:
                    depths[item.code] = None
                break
            chain.append(current)
            current = by_code.get(current.parent_code) if current.parent_code else None
        else:
            base = -1 if current is None else depths[current.code]
            for item in reversed(chain):
                base = None if base is None else base + 1
                depths[item.code] = base
    for spec in by_code.values():
        depth = depths.get(spec.code)
        if depth is not None and depth > MAX_DEPTH:
            errors.append(
                _message(
                    spec.row,
                    "parent_code",
                    _("too deep: a node sits at most %(n)s levels below an axis.") % {"n": MAX_DEPTH},
                )
            )
    return depths


# ---- writing -------------------------------------------------------------------------------

FIELDS = (
    "title_es",
    "title_en",
    "description_es",
    "description_en",
    "scope",
    "responsible",
    "start_year",
    "end_year",
    "priority",
    "weight",
    "approaches",
)


def import_tree(plan, file, fmt, *, acting_user, dry_run=False):
    """Replace the plan's tree with a sheet's, all or nothing; return an ImportResult.

    Nodes are matched by code and updated in place; sheet order gives the order among siblings;
    nodes missing from the sheet are removed unless follow-up lines or indicators hang on them.
    Raise ValidationError with one message per fault (row and column), writing nothing; only the
    TS may import (PermissionDenied otherwise). With dry_run, check and count but write nothing.
    """
    access.require(acting_user, access.CHANGE, plan)
    rows = read_sheet(file, fmt)
    return _import_rows(plan, rows, acting_user=acting_user, dry_run=dry_run)


@transaction.atomic
def _import_rows(plan, rows, *, acting_user, dry_run):
    errors = []
    if not rows:
        raise ValidationError([_("The sheet has no rows under its header: a plan needs at least one node.")])
    needs_organizations = any(
        row.cells["responsible"].strip().lower() not in ("", Responsible.PPT_TS, Responsible.COUNTRIES) for row in rows
    )
    organizations = _organization_index() if needs_organizations else {}
    specs = [spec for spec in (_check_row(plan, row, organizations, errors) for row in rows) if spec is not None]
    depths = _check_tree(specs, errors)

    existing = {node.code: node for node in Node.objects.filter(plan=plan).select_for_update()}
    sheet_codes = {spec.code for spec in specs}
    removed = [node for code, node in existing.items() if code not in sheet_codes]
    if removed:
        from .models import FollowUpLine, Indicator

        removed_ids = [node.pk for node in removed]
        with_lines = set(FollowUpLine.objects.filter(node_id__in=removed_ids).values_list("node_id", flat=True))
        with_indicators = set(Indicator.objects.filter(node_id__in=removed_ids).values_list("node_id", flat=True))
        for node in removed:
            if node.pk in with_lines:
                errors.append(
                    _("The node %(code)s is not in the sheet, but follow-up reports have lines on it: keep its row.")
                    % {"code": node.code}
                )
            elif node.pk in with_indicators:
                errors.append(
                    _("The node %(code)s is not in the sheet, but it has indicators: keep its row.")
                    % {"code": node.code}
                )
    # A node that follow-up reports speak of keeps its scope: changing it would move those lines
    # between the national and the regional follow-up (or out of it) without a reopening.
    from .models import FollowUpLine

    reported = set(
        FollowUpLine.objects.filter(node__plan=plan, node__code__in=sheet_codes).values_list("node__code", flat=True)
    )
    for spec in specs:
        node = existing.get(spec.code)
        if node is not None and spec.code in reported and spec.values.get("scope", node.scope) != node.scope:
            errors.append(
                _message(
                    spec.row,
                    "scope",
                    _("follow-up reports have lines on %(code)s: its scope stays “%(scope)s”.")
                    % {"code": spec.code, "scope": node.scope or "—"},
                )
            )
    if errors:
        raise ValidationError(errors)

    result = ImportResult()
    order_among_siblings = {}
    nodes = {}
    with acting_as(acting_user):
        # Parents before children, so each node's parent exists when it is saved.
        for spec in sorted(specs, key=lambda s: (depths[s.code], s.row)):
            order = order_among_siblings[spec.parent_code] = order_among_siblings.get(spec.parent_code, 0) + 1
            parent = nodes[spec.parent_code] if spec.parent_code else None
            wanted = {
                **spec.values,
                "order": order,
                "parent_id": parent.pk if parent else None,
                "responsible_organization_id": spec.organization.pk if spec.organization else None,
            }
            node = existing.get(spec.code)
            if node is None:
                node = Node(plan=plan, code=spec.code, is_demo=plan.is_demo, **wanted)
                node.save(reindex=False)
                result.created.append(node.code)
            else:
                if not wanted["priority"]:
                    wanted["priority_agreement_id"] = None
                changed = [name for name, value in wanted.items() if getattr(node, name) != value]
                if changed:
                    for name in changed:
                        setattr(node, name, wanted[name])
                    node.save(reindex=False, update_fields=changed)
                    result.updated.append(node.code)
                else:
                    result.unchanged += 1
            nodes[spec.code] = node
        if removed:
            # Unhook the removed nodes from each other first: a parent is protected while it has children.
            ids = [node.pk for node in removed]
            Node.objects.filter(pk__in=ids).update(parent=None)
            for node in removed:
                node.parent_id = None
                node.delete()
                result.deleted.append(node.code)
        reindex_outline(plan.pk)
    if dry_run:
        transaction.set_rollback(True)
    return result
