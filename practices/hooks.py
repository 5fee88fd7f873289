"""What the repository adds to shared pages: site search results and 'my work' items."""

import html

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from core import access, mywork
from core import search as site_search

from . import search
from .access import REVIEW
from .models import Call, Practice, Resource, Status


@site_search.register
def search_repository(user, words):
    """Site search: the best practices and resources the reader may see."""
    try:
        results = search.search(user, " ".join(words), per_page=site_search.PER_PROVIDER, with_facets=False)
    except ValidationError:  # a query too long for the repository's search: site search shows the rest
        return []
    return [
        site_search.SearchResult(hit.type_label, _plain(hit.title), hit.url, _plain(hit.snippet)[:200])
        for hit in results.hits
    ]


def _plain(html_text):
    """Return the text of a highlighted title or snippet (site search shows plain text, escaped again)."""
    return html.unescape(strip_tags(str(html_text)))


@mywork.register_figures
def review_figures(user):
    """For whoever reviews the repository (the TS): practices and resources waiting, by where they stand —
    the counts of the review queue on "My contributions"."""
    from django.db.models import Count
    from django.urls import reverse

    from .queries import review_queue

    url = reverse("practices:mine") + "#to-review"
    bars = []
    for model, label in ((Practice, _("Practices")), (Resource, _("Resources"))):
        counts = dict(review_queue(user, model).order_by().values_list("status").annotate(n=Count("pk")))
        segments = [
            mywork.Segment(str(Status(status).label), counts.get(status, 0), url, tone)
            for status, tone in ((Status.SUBMITTED, "pending"), (Status.IN_REVIEW, "progress"))
        ]
        bars.append(mywork.Bar(str(label), segments))
    return [mywork.Figure(_("Waiting for review"), bars, url=url, order=60)] if any(b.total for b in bars) else []


@mywork.register
def repository_work(user):
    """Submissions to review, returned work to fix, calls the reader's country has not answered."""
    p = access.principal_for(user)
    if not p.is_authenticated:
        return []
    items = []
    for model in (Practice, Resource):
        for record in access.restrict(model.objects.all(), user, REVIEW).order_by("submitted_at")[:50]:
            items.append(
                mywork.WorkItem(
                    _("To review"), str(record), record.get_absolute_url(), detail=record.get_status_display()
                )
            )
        returned = access.restrict(model.objects.filter(status=Status.RETURNED), user, access.CHANGE)
        for record in returned.order_by("-updated_at")[:50]:
            items.append(mywork.WorkItem(_("Returned to you"), str(record), record.get_absolute_url()))
    if p.officer_countries:
        today = timezone.localdate()
        for call in Call.objects.open().filter(countries__in=p.officer_countries).distinct():
            answered = call.answers.exclude(status=Status.DRAFT).filter(countries__in=p.officer_countries).exists()
            if not answered:
                items.append(
                    mywork.WorkItem(
                        _("Call for practices to answer"),
                        str(call),
                        reverse("practices:call", args=[call.pk]),
                        due=call.deadline,
                        overdue=call.deadline < today,
                    )
                )
    return items
