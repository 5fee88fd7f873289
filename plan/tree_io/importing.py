"""A checked tree sheet written to the plan in one transaction, or nothing written."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as

from ..models import Node, Responsible, reindex_outline
from .checks import _check_row, _check_tree, _organization_index
from .common import COLUMNS
from .reading import ImportResult, _message, read_sheet

# ---- writing -------------------------------------------------------------------------------

# What a row sets on its node: every column but the two that place it in the tree.
FIELDS = tuple(column for column in COLUMNS if column not in ("code", "parent_code"))


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
        from ..models import FollowUpLine, Indicator

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
    from ..models import FollowUpLine

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
