"""Pages of the map of services. Views parse, ask core.access, call services, render."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from core import access, documents, prepared
from core.access import require
from core.audit import history_for
from core.confirm import confirmation
from core.forms import add_service_errors
from core.pagecache import public_page
from core.replica import public_reads
from network.models import Country

from . import borders, exports, proposals, queries, services
from .access import APPROVE, PROPOSE, VERIFY, VIEW_CONFIDENTIAL
from .forms import DecisionForm, MapFilterForm, ServiceChange, decided_message
from .hsds import streaming
from .models import Contact, EditStatus, Service, ServiceEdit

PAGE_SIZE = 20


def _list_context(request, form):
    filters = form.filters()
    origin = form.origin()
    context = {"origin": origin}
    if origin is not None:
        lat, lon, label = origin
        found = queries.nearest(request.user, filters, lat, lon, limit=PAGE_SIZE)
        points = [point for point, _km in found]
        context.update(rows=[(p, km) for p, km in found], count=len(found), page=None)
    else:  # a page after the row `after` names (keyset), counted up to a bound: the cost does not grow
        page = queries.list_page(request.user, filters, form.viewport(), request.GET.get("after", ""), PAGE_SIZE)
        points = page.points
        context.update(rows=[(p, None) for p in points], count=page.count, page=page)
        context["count_bound"] = queries.LIST_COUNT_BOUND
    services_by_id = queries.services_for_points(points)
    context["rows"] = [(point, km, services_by_id[point.service_id]) for point, km in context["rows"]]
    query = request.GET.copy()
    query.pop("page", None)  # the list's former page numbers: a link kept from before opens the first page
    query.pop("after", None)
    context["query"] = query.urlencode()
    return context


@public_page
@public_reads
def map_page(request):
    """The map, its filters and the list beside it (for htmx: the list alone, or the division select
    when the country changes; Back to a filtered view not in htmx's history cache: the whole page)."""
    form = MapFilterForm(request.GET or None)
    fragment = request.htmx and not request.htmx.history_restore_request
    if fragment and request.htmx.target == "id_division":
        return render(request, "directory/map.html#division", {"form": form})
    context = _list_context(request, form)
    if fragment:
        return render(request, "directory/map.html#results", context)
    context.update(
        form=form,
        view=queries.default_view(),
        tile_url=getattr(settings, "DIRECTORY_TILE_URL", ""),
        tile_attribution=getattr(settings, "DIRECTORY_TILE_ATTRIBUTION", ""),
        can_add=access.can_create(request.user, Service, country=access.ANY),
        review_countries=_review_countries(request.user),
        place_names=borders.place_names(translation.get_language() or settings.LANGUAGE_CODE),
    )
    return render(request, "directory/map.html", context)


def _review_countries(user):
    p = access.principal_for(user)
    if access.acts_for_whole_network(p):
        return list(Country.objects.members())
    return list(Country.objects.filter(pk__in=p.officer_countries))


# How long a proxy or CDN may keep the anonymous map's answers (a crisis spike, docs/deployment.md).
SHARED_MAP_SECONDS = 60


@public_page
@public_reads
def map_data(request):
    """JSON for the map: clusters and points in a viewport, filtered.

    An anonymous request that names its language (`lang`) and asks for a viewport snapped to the
    map's tiles (as the map page sends it) gets an answer that any proxy may keep and give to
    every anonymous reader: it does not depend on cookies or headers, and repeats as readers pan.
    Signed-in readers' answers (exact positions, confidential places) are private.
    """
    form = MapFilterForm(request.GET or None)
    bbox = form.viewport() or queries.BBox(-180, -85, 180, 85)
    try:
        zoom = int(request.GET.get("zoom", "4"))
    except ValueError:
        zoom = 4
    lang = request.GET.get("lang", "")
    shared = (
        not request.user.is_authenticated and lang in dict(settings.LANGUAGES) and queries.snapped_to_tiles(bbox, zoom)
    )
    with translation.override(lang if shared else translation.get_language()):
        data = queries.clusters(request.user, form.filters(), bbox, zoom)
    response = JsonResponse(data, json_dumps_params={"separators": (",", ":")})
    if shared:
        response["Cache-Control"] = f"public, max-age={SHARED_MAP_SECONDS}"  # no Vary on cookies or language
    else:
        response["Cache-Control"] = "private, max-age=60"
    return response


@cache_control(public=True, max_age=86400)
def borders_geojson(request):
    """The committed borders: sent compressed as they are stored to a browser that takes gzip."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(borders.compressed_bytes(), content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(borders.geojson_bytes(), content_type="application/geo+json")
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def service_detail(request, pk):
    service = get_object_or_404(Service.objects.for_pages(), pk=pk)
    require(request.user, access.VIEW, service)
    see_all = access.can(request.user, VIEW_CONFIDENTIAL, service)
    links = list(
        service.service_at_locations.select_related("location__municipality", "location__division", "location__country")
        .prefetch_related("location__addresses", "location__phones")
        .order_by("location__name")
    )
    pending, mine = [], []
    if access.can(request.user, APPROVE, service):
        pending = list(service.edits.pending().select_related("author"))
    elif request.user.is_authenticated:
        mine = list(service.edits.filter(author=request.user)[:5])
    for edit in (*pending, *mine):
        edit.summary = proposals.short_labels(edit.changes)
    history = history_for(request.user, service)
    schedules = list(service.schedules.all())
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "links": links,
            "see_all": see_all,
            "phones": [proposals.phone_words(proposals.phone_values(p)) for p in proposals.own_phones(service)],
            "week": proposals.week_words(proposals.weekly_hours(schedules)),
            "other_schedules": [s for s in schedules if not proposals.is_weekly(s)],
            "contacts": list(access.restrict(Contact.objects.filter(service=service), request.user)),
            "can_change": access.can(request.user, access.CHANGE, service),
            "can_propose": access.can(request.user, PROPOSE, service),
            "can_verify": access.can(request.user, VERIFY, service),
            "can_approve": access.can(request.user, APPROVE, service),
            "pending": pending,
            "mine": mine,
            "history": history,
        },
    )


@login_required
def service_edit(request, pk):
    """Edit a service (its country's officers, the TS) or propose a change (partners named on it)."""
    service = get_object_or_404(Service, pk=pk)
    if not access.can(request.user, PROPOSE, service):
        access.refuse(request.user, access.CHANGE, Service)
    change = ServiceChange(Service.objects.get(pk=pk), request.user, request.POST or None)
    if request.method == "POST" and change.is_valid():
        try:
            result = services.update_service(service, acting_user=request.user, **change.arguments())
        except ValidationError as error:
            add_service_errors(change.form, error)
        else:
            if isinstance(result, ServiceEdit):
                messages.success(request, _("Your change was sent for approval. The public sees it once approved."))
            else:
                messages.success(request, _("Saved."))
            return redirect(service)
    return render(
        request,
        "directory/service_form.html",
        {
            "form": change.form,
            "change": change,
            "service": service,
            "tile_url": getattr(settings, "DIRECTORY_TILE_URL", ""),
            "tile_attribution": getattr(settings, "DIRECTORY_TILE_ATTRIBUTION", ""),
            "can_change": access.can(request.user, access.CHANGE, service),
        },
    )


@login_required
@require_POST
def service_verify(request, pk):
    service = get_object_or_404(Service, pk=pk)
    services.verify_service(service, acting_user=request.user)
    messages.success(request, _("Marked as verified today."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = service.get_absolute_url()  # only back to a page of this site
    return redirect(back)


@login_required
@require_POST
def edit_decide(request, pk):
    """Approve or reject a proposal whole (the review page decides item by item)."""
    edit = get_object_or_404(ServiceEdit.objects.select_related("service"), pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            services.approve_edit(edit, acting_user=request.user)
            messages.success(request, _("Change approved: the public sees it now."))
        else:
            services.reject_edit(edit, acting_user=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("Change rejected."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(edit.service.get_absolute_url())


@login_required
def edit_review(request, pk):
    """A proposed change as a diff: only its items, labelled, old → new; each approved or rejected with a note."""
    edit = get_object_or_404(ServiceEdit.objects.select_related("service__country", "author", "decided_by"), pk=pk)
    require(request.user, access.VIEW, edit)
    service = edit.service
    now, places = services.current_values(service)
    items = proposals.review_items(edit, now, places)
    if not access.can(request.user, VIEW_CONFIDENTIAL, service):
        hidden = {str(pk) for pk, place in places.items() if place.is_confidential}
        items = [item for item in items if item.key.partition(":")[2] not in hidden]
    can_decide = edit.status == EditStatus.PENDING and access.can(request.user, APPROVE, service)
    data = request.POST if request.method == "POST" and can_decide else None
    form = DecisionForm(data, items=items, revision=service.revision)
    if request.method == "POST":
        if not can_decide:
            access.refuse(request.user, APPROVE, ServiceEdit)
        if form.is_valid():
            try:
                decided = services.decide_edit(edit, acting_user=request.user, **form.decisions())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, decided_message(decided))
                return redirect(service)
    return render(
        request,
        "directory/edit_review.html",
        {"edit": edit, "service": service, "items": items, "form": form, "can_decide": can_decide},
    )


@login_required
@require_POST
def service_publish(request, pk):
    service = get_object_or_404(Service, pk=pk)
    access.require(request.user, APPROVE, service)
    after = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()}):
        after = service.get_absolute_url()
    page = confirmation(
        request,
        title=_("Publish “%(name)s”?") % {"name": service},
        lines=[_("The entry appears on the public map and in the directory exports, as it stands now.")],
        button=_("Publish"),
        cancel=after,
    )
    if page:
        return page
    services.publish_service(service, acting_user=request.user)
    messages.success(request, _("Entry approved and published."))
    return redirect(after)


@login_required
def review(request, code):
    """A country's work list: partners' changes to approve, new entries, and entries to verify."""
    country = get_object_or_404(Country, code=code.upper())
    p = access.principal_for(request.user)
    if not (access.acts_for_whole_network(p) or country.pk in p.officer_countries):
        access.refuse(request.user, APPROVE, Country)
    return render(
        request,
        "directory/review.html",
        {
            "country": country,
            "edits": _work_page(request, queries.pending_edits(request.user, country), "edits", "h-edits"),
            "new_services": _work_page(request, queries.pending_services(request.user, country), "new", "h-new"),
            "to_verify": _work_page(request, queries.to_verify(request.user, country), "verify", "h-verify"),
        },
    )


REVIEW_PAGE = 50  # rows of each of the work list's lists at a time


def _work_page(request, rows, param, anchor):
    """One page of one of the work list's lists (`?<param>=<number>`; the others keep theirs): a count
    and a page of rows, two queries whatever the list's length."""
    page = Paginator(rows, REVIEW_PAGE).get_page(request.GET.get(param))

    def link(number):
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}#{anchor}"

    page.previous_link = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_link = link(page.next_page_number()) if page.has_next() else ""
    return page


def export(request, fmt):
    """CSV or XLSX with an HXL hashtag row, of what the filters select (public fields for the public);
    a big one is prepared in the background and sent from storage (core.prepared)."""
    if fmt not in exports.FORMATS:
        raise Http404
    with translation.override(documents.language_of(request)):  # one language per document (?lang=es|en)
        return exports.export_response(request.user, fmt, MapFilterForm(request.GET or None))


def print_directory(request, code):
    """A printable directory of a country's services, for field staff: PRINT_PAGE entries a page, by division."""
    country = get_object_or_404(Country, code=code.upper())
    rows = queries.print_rows(request.user, country)
    page = Paginator(rows, PRINT_PAGE).get_page(request.GET.get("page"))
    points = list(page.object_list)
    with translation.override(documents.language_of(request)):
        context = exports.print_context(request.user, country, points)
        query = request.GET.copy()
        query.pop("page", None)
        context.update(page=page, query=query.urlencode())
        return render(request, "directory/print.html", context)


PRINT_PAGE = 500  # entries on a page of the printable directory


def hsds_download(request, fmt):
    """The HSDS data package (zip) or HSDS JSON of the published directory, as this reader may see it;
    a big directory's is prepared in the background and sent from storage (core.prepared)."""
    if fmt not in streaming.DOWNLOADS:
        raise Http404
    rows = access.restrict(Service.objects.published(), request.user)
    if rows[: settings.HSDS_INLINE_MAX + 1].count() > settings.HSDS_INLINE_MAX:
        return prepared.response(prepared.prepare(f"hsds.{fmt}", request.user, {}))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    streaming.write_download(fmt, rows, handle, public=not access.sees_members_only(request.user))
    handle.seek(0)
    name, content_type = streaming.DOWNLOADS[fmt]
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
