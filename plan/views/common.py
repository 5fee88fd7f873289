"""What the plan's pages share: reading the plan and year, links, the tree."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from core import access
from meetings.models import Agreement

from ..models import (
    Node,
    Plan,
)

REGIONAL = "regional"


def _errors(request, error):
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _plan(request, pk):
    plan = get_object_or_404(Plan.objects.select_related("body"), pk=pk)
    access.require(request.user, access.VIEW, plan)
    return plan


def _year(plan, year):
    if not plan.covers(year):
        raise Http404
    return year


def _url(name, *args):
    """The URL of a page another part of the app provides (the exports), or None while it is absent."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def tree_nodes(plan):
    """The plan's nodes with what the tree shows of each (organization, priority agreement)."""
    return list(
        Node.objects.filter(plan=plan)
        .select_related("responsible_organization", "priority_agreement__version")
        .defer("priority_agreement__source_text")
        .order_by("position", "pk")
    )


def agreement_links(user, nodes):
    """{agreement id: URL} of the priority agreements the reader may see (one query)."""
    ids = {node.priority_agreement_id for node in nodes if node.priority_agreement_id}
    if not ids:
        return {}
    visible = set(access.restrict(Agreement.objects.filter(pk__in=ids), user).values_list("pk", flat=True))
    links = {}
    for node in nodes:
        agreement = node.priority_agreement
        if agreement is not None and agreement.pk in visible:
            url = reverse("meetings:detail", args=[agreement.version.meeting_id]) + f"#agreement-{agreement.pk}"
            links[agreement.pk] = url
    return links


def export_links(request, plan, year=None):
    """The exports the reader may use: everyone who sees the plan downloads; the TS imports."""
    links = {
        "tree_xlsx": _url("plan:tree_export", plan.pk, "xlsx"),
        "tree_csv": _url("plan:tree_export", plan.pk, "csv"),
        "tree_import": _url("plan:tree_import", plan.pk) if access.can(request.user, access.CHANGE, plan) else None,
    }
    if year is not None:
        links["docx"] = _url("plan:export", plan.pk, year, "docx")
        links["xlsx"] = _url("plan:export", plan.pk, year, "xlsx")
        links["pdf"] = _url("plan:export", plan.pk, year, "pdf")
    return links
