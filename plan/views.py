"""Pages of the Strategic Plan (being built: see the plan issue)."""

from django.http import Http404


def plan_list(request):
    raise Http404


def plan_detail(request, pk):
    raise Http404


def node_detail(request, pk, node_pk):
    raise Http404


def report_detail(request, pk, year, code):
    raise Http404
