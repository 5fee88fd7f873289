"""The plan's tree written as a sheet (XLSX or CSV) that the import reads back."""

import decimal

from core.documents import language_of_active
from core.office import Workbook, csv_content

from ..models import Node, Responsible
from .common import COLUMNS, FORMATS

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

    from ..rollup import build_tree, walk

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
        return csv_content([COLUMNS, *rows])
    book = Workbook(language_of_active())
    sheet = book.sheet("plan", (10, 12, 50, 50, 40, 40, 10, 14, 10, 10, 8, 8, 30), freeze="A2")
    sheet.header(COLUMNS)
    for row in rows:
        sheet.row(row)
    return book.content()


def filename(plan, fmt):
    from django.utils import timezone

    return f"plan-{plan.pk}-tree-{timezone.localdate().isoformat()}.{fmt}"
